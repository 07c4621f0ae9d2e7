#!/usr/bin/python3
"""Prints the ops of PyTorch's own exporter registry (torch.onnx's symbolic functions), one
a line, for `modelexport ops --coverage FILE`:

    /usr/bin/python3 tests/coverage/peer_ops.py > peer_ops.txt
    build/host/modelexport ops --coverage peer_ops.txt
"""

from torch.onnx._internal import registration

print("\n".join(sorted(registration.registry.all_functions())))
