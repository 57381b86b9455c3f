"""The PyTorch definitions of the Fovea models the interop tests exchange weights with.

small-cnn: Fovea's smallCnn test model (src/io/io-test-util.ts); lenet5: the zoo's nn LeNet-5
(src/zoo/lenet5.ts, log_softmax output); mnist-cnn: the Keras course CNN (src/models/mnist-cnn.ts)
as torch.nn.Sequential (its final softmax is applied by `predict`, as Keras's layer does).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5, 1)
        self.conv2 = nn.Conv2d(20, 20, 5, 1)
        self.fc1 = nn.Linear(4 * 4 * 20, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2)
        x = F.relu(self.fc1(x.view(-1, 4 * 4 * 20)))
        return F.log_softmax(self.fc2(x), dim=1)


def small_cnn():
    return nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 3))


def mnist_cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
                         nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))


MODELS = {"small-cnn": small_cnn, "lenet5": LeNet5, "mnist-cnn": mnist_cnn}
# Outputs Fovea's models give: softmax where the Keras-style model ends in one.
SOFTMAX_OUTPUT = {"small-cnn", "mnist-cnn"}


def predict(name, model, x):
    model.eval()
    with torch.no_grad():
        y = model(x)
    return F.softmax(y, dim=1) if name in SOFTMAX_OUTPUT else y
