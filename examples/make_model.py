#!/usr/bin/python3
"""Make an example TorchScript model for modelexport.

Usage:
    /usr/bin/python3 examples/make_model.py NAME OUT.pt
    /usr/bin/python3 examples/make_model.py --list

The model gets random weights from a fixed seed (torch.manual_seed(0)), is put in
eval mode and traced with torch.jit.trace under torch.no_grad(). BatchNorm layers get
non-trivial running statistics and affine parameters before tracing, so outputs are
not near-constant.

Prints one line on stdout: the input spec(s) for the exporter, space-separated,
e.g. `x:float32:1x3x224x224`.

To add a model, write a builder returning (module, [(name, dtype, dims), ...]) and
add it to BUILDERS.
"""

import argparse
import os
import sys

import torch
from torch import nn

SEED = 0


# --------------------------------------------------------------------------- models


class Block(nn.Module):
    """Linear + ReLU, twice, inside an nn.Sequential."""

    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, out_features),
            nn.ReLU(),
        )

    def forward(self, x):
        return self.layers(x)


class Encoder(nn.Module):
    """A ModuleList of Blocks."""

    def __init__(self, in_features, hidden, depth):
        super().__init__()
        self.blocks = nn.ModuleList(
            [Block(in_features if i == 0 else hidden, hidden, hidden) for i in range(depth)]
        )

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class MLP(nn.Module):
    """MLP -> Encoder -> ModuleList[Block] -> Sequential[Linear, ReLU, ...]; head Linear."""

    def __init__(self, in_features=16, hidden=32, out_features=8, depth=2):
        super().__init__()
        self.encoder = Encoder(in_features, hidden, depth)
        self.head = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.head(self.encoder(x))


def build_mlp():
    return MLP(), [("x", "float32", (2, 16))]


def build_resnet18():
    import torchvision

    return torchvision.models.resnet18(weights=None), [("x", "float32", (1, 3, 224, 224))]


class Inner(nn.Module):
    """Calls an op that ONNX has no counterpart for, to exercise the unsupported-op error."""

    def forward(self, x):
        return torch.cumprod(x, dim=1)


class Unsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 8)
        self.inner = Inner()

    def forward(self, x):
        return self.inner(self.proj(x))


def build_unsupported():
    return Unsupported(), [("x", "float32", (2, 8))]


BUILDERS = {
    "mlp": build_mlp,
    "resnet18": build_resnet18,
    # Test-only: contains aten::cumprod, which no converter handles.
    "unsupported": build_unsupported,
}


# --------------------------------------------------------------------------- helpers

DTYPES = {
    "float32": torch.float32,
    "float16": torch.float16,
    "int64": torch.int64,
    "int32": torch.int32,
    "bool": torch.bool,
}


def randomize_batchnorm(model):
    """Give every BatchNorm seeded, non-trivial statistics and affine parameters."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                n = module.num_features
                if module.track_running_stats and module.running_mean is not None:
                    module.running_mean.copy_(torch.randn(n) * 0.1)
                    module.running_var.copy_(torch.rand(n) + 0.5)
                if module.affine:
                    module.weight.copy_(torch.rand(n) + 0.5)
                    module.bias.copy_(torch.randn(n) * 0.1)


def example_input(dtype, dims):
    t = DTYPES[dtype]
    if t.is_floating_point:
        return torch.randn(dims).to(t)
    if t == torch.bool:
        return torch.rand(dims) > 0.5
    return torch.randint(0, 10, dims, dtype=t)


def spec_string(inputs):
    return " ".join(
        "%s:%s:%s" % (name, dtype, "x".join(str(d) for d in dims)) for name, dtype, dims in inputs
    )


def make(name, out_path):
    torch.manual_seed(SEED)
    model, inputs = BUILDERS[name]()
    randomize_batchnorm(model)
    model.eval()
    with torch.no_grad():
        args = tuple(example_input(dtype, dims) for _, dtype, dims in inputs)
        traced = torch.jit.trace(model, args)
    tmp = out_path + ".tmp"
    try:
        torch.jit.save(traced, tmp)
        os.replace(tmp, out_path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return spec_string(inputs)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Make an example TorchScript model.")
    parser.add_argument("--list", action="store_true", help="print the available model names")
    parser.add_argument("name", nargs="?", help="model name (see --list)")
    parser.add_argument("out", nargs="?", help="output TorchScript file (.pt)")
    args = parser.parse_args(argv)

    if args.list:
        for name in BUILDERS:
            print(name)
        return 0
    if args.name is None or args.out is None:
        parser.print_usage(sys.stderr)
        print("make_model.py: error: NAME and OUT.pt are required", file=sys.stderr)
        return 2
    if args.name not in BUILDERS:
        print(
            "make_model.py: unknown model '%s' (known: %s)" % (args.name, ", ".join(BUILDERS)),
            file=sys.stderr,
        )
        return 2
    try:
        spec = make(args.name, args.out)
    except Exception as e:  # noqa: BLE001 - one clear line instead of a traceback
        print("make_model.py: failed to make '%s': %s" % (args.name, e), file=sys.stderr)
        return 1
    print(spec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
