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

from torch_models import MODELS, predict


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


def model_fixture(name, seed):
    """A freshly initialised model (torch's default init under `seed`), a seeded input and its output."""
    torch.manual_seed(seed)
    m = MODELS[name]()
    shape = (2, 2, 8, 8) if name == "small-cnn" else (2, 1, 28, 28)
    x = torch.rand(*shape) * 2 - 1
    return m.state_dict(), (x, predict(name, m, x))


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
    state, io = model_fixture("small-cnn", 1)
    write(args.out, "small-cnn", state, io)
    write(args.out, "tensors", odd_tensors())
    if not args.small:
        state, io = model_fixture("lenet5", 3)
        write(args.out, "lenet5", state, io)
        state, io = model_fixture("mnist-cnn", 4)
        write(args.out, "mnist-cnn", state, io)
        torch.save({"model": state, "epoch": 3}, os.path.join(args.out, "checkpoint.pt"))
        marker = os.path.join(os.path.abspath(args.out), "pwned")
        torch.save({"weight": torch.zeros(1), "evil": Payload(marker)}, os.path.join(args.out, "malicious.pt"))
    print(json.dumps({"torch": torch.__version__, "python": sys.executable}))


if __name__ == "__main__":
    main()
