"""Loads a state dict Fovea wrote into the PyTorch definition of a model and prints its predictions.

  python3 scripts/torch-predict.py --model lenet5 --weights lenet5.pt --input input.json

--weights is a .pt file, read with torch.load(weights_only=True), or a .safetensors file (read
here with the format's published layout, as the safetensors package is not in Debian);
load_state_dict is strict, so every name and shape must match PyTorch's. --input is JSON
{"shape": [N, C, H, W], "values": [...]}; the output is printed the same way.
--train-steps K --save PATH first continues training in PyTorch (K steps of SGD, lr 0.05, on the
input with labels 0, 1, 2, ...; cross-entropy) and saves the new state dict to PATH with
torch.save; the predictions printed are the trained model's.
"""
import argparse
import json
import struct

import torch

from torch_models import MODELS, SOFTMAX_OUTPUT, predict

SAFETENSORS_DTYPES = {"F32": torch.float32, "I32": torch.int32, "I64": torch.int64, "F16": torch.float16}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    body = bytearray(data[8 + n:])
    state = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        t = torch.frombuffer(body[begin:end], dtype=SAFETENSORS_DTYPES[e["dtype"]]) if end > begin else torch.empty(0)
        state[name] = t.reshape(e["shape"]).clone()
    return state


def train(name, model, x, steps):
    model.train()
    labels = torch.arange(x.shape[0]) % 10
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_of = torch.nn.NLLLoss() if name not in SOFTMAX_OUTPUT else torch.nn.CrossEntropyLoss()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_of(model(x), labels)
        loss.backward()
        optimizer.step()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=sorted(MODELS))
    parser.add_argument("--weights", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--train-steps", type=int, default=0)
    parser.add_argument("--save")
    args = parser.parse_args()
    model = MODELS[args.model]()
    if args.weights.endswith(".safetensors"):
        state = read_safetensors(args.weights)
    else:
        state = torch.load(args.weights, weights_only=True)
    model.load_state_dict(state, strict=True)
    with open(args.input) as f:
        doc = json.load(f)
    x = torch.tensor(doc["values"], dtype=torch.float32).reshape(doc["shape"])
    if args.train_steps > 0:
        train(args.model, model, x, args.train_steps)
        torch.save(model.state_dict(), args.save)
    y = predict(args.model, model, x)
    print(json.dumps({"shape": list(y.shape), "values": y.reshape(-1).tolist()}))


if __name__ == "__main__":
    main()
