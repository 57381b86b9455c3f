"""Writes PyTorch state-dict files with real torch, and what torch says they hold, for Fovea's tests.

  python3 scripts/torch-fixtures.py OUT_DIR [--small]

OUT_DIR/<name>.pt is `torch.save(state_dict)`; OUT_DIR/<name>.json has, per tensor, its shape,
dtype and values (row-major, as float), and for a model a seeded input (NCHW) with torch's output.
--small writes only small-cnn and tensors (the fixture shipped in test/fixtures/torch/); the full
set adds LeNet-5 (the zoo's nn module), the Keras course CNN (the zoo's Sequential) and a
malicious pickle that would run os.system if unpickled by plain pickle.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def tensor_json(t):
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "values": [float(v) for v in t.detach().reshape(-1).tolist()]}


def write(out, name, state, model_io=None):
    torch.save(state, os.path.join(out, name + ".pt"))
    doc = {"tensors": {k: tensor_json(v) for k, v in state.items()}}
    if model_io is not None:
        x, y = model_io
        doc["input"] = tensor_json(x)
        doc["output"] = tensor_json(y)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(doc, f)


def small_cnn():
    """Fovea's smallCnn test model: conv(2->4, 3x3) relu, max pool 2, flatten, linear(36->3), softmax."""
    torch.manual_seed(1)
    m = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 3))
    x = torch.rand(2, 2, 8, 8) * 2 - 1
    with torch.no_grad():
        y = F.softmax(m(x), dim=1)
    return m.state_dict(), (x, y)


def odd_tensors():
    """A Parameter, half and bfloat16, views with an offset and strides, int64 and bool."""
    torch.manual_seed(2)
    base = torch.randn(6, 5)
    state = {
        "param": nn.Parameter(torch.randn(2, 3)),
        "half": torch.randn(7).half(),
        "bfloat16": torch.randn(4).bfloat16(),
        "view": base[1:, ::2].t(),  # offset 5, strides (2, 5)
        "row": base[3],              # offset 15 into the same storage
        "expanded": torch.randn(3, 1).expand(3, 4),  # stride 0
        "long": torch.tensor([[3, -4], [5, 2 ** 31 - 1]], dtype=torch.int64),
        "mask": torch.tensor([True, False, True]),
        "scalar": torch.tensor(2.5),
    }
    return state


def lenet5():
    """The zoo's LeNet-5 (src/zoo/lenet5.ts): conv1, conv2, fc1, fc2; log_softmax output."""
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
    torch.manual_seed(3)
    m = LeNet5()
    x = torch.rand(2, 1, 28, 28)
    with torch.no_grad():
        y = m(x)
    return m.state_dict(), (x, y)


def mnist_cnn():
    """The Keras course CNN (src/models/mnist-cnn.ts) in PyTorch, softmax output."""
    torch.manual_seed(4)
    m = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                      nn.MaxPool2d(2), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
                      nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))
    x = torch.rand(2, 1, 28, 28)
    with torch.no_grad():
        y = F.softmax(m(x), dim=1)
    return m.state_dict(), (x, y)


class Payload:
    """Unpickled by plain pickle, this runs a shell command that creates the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch " + self.marker,))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    state, io = small_cnn()
    write(args.out, "small-cnn", state, io)
    write(args.out, "tensors", odd_tensors())
    if not args.small:
        state, io = lenet5()
        write(args.out, "lenet5", state, io)
        state, io = mnist_cnn()
        write(args.out, "mnist-cnn", state, io)
        marker = os.path.join(os.path.abspath(args.out), "pwned")
        torch.save({"weight": torch.zeros(1), "evil": Payload(marker)}, os.path.join(args.out, "malicious.pt"))
    print(json.dumps({"torch": torch.__version__, "python": sys.executable}))


if __name__ == "__main__":
    main()
