#!/usr/bin/python3
"""ONNX's own checks on exported files, independent of the code under test: the full
checker (with strict shape inference) and a shape-inference comparison of the declared
graph outputs.

Usage:
    /usr/bin/python3 tests/support/check_onnx.py MODEL.onnx [...]

For each file: onnx.checker.check_model(path, full_check=True); then
onnx.shape_inference.infer_shapes(strict_mode=True, check_type=True, data_prop=True) must
succeed, and every graph output dim that the file declares static must not be inferred as
following a symbolic input dim (dim_param): a declared static dim that can change with a
dynamic axis makes ONNX Runtime warn at other sizes. Prints one line per problem; exit 1 if
any.
"""

import sys

import onnx
from onnx import shape_inference


def dims(value_info):
    t = value_info.type.tensor_type
    if not t.HasField("shape"):
        return None
    return [("v", d.dim_value) if d.HasField("dim_value") else ("p", d.dim_param) for d in t.shape.dim]


def problems(path):
    out = []
    try:
        onnx.checker.check_model(path, full_check=True)
    except Exception as e:  # noqa: BLE001 - report any checker failure as one line
        return ["%s: onnx.checker (full_check) failed: %s" % (path, str(e).strip().splitlines()[0])]
    model = onnx.load(path)
    declared = {o.name: dims(o) for o in model.graph.output}
    # Inferred without the declared output shapes, which inference would otherwise keep.
    for o in model.graph.output:
        o.type.tensor_type.ClearField("shape")
    try:
        inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True, data_prop=True)
    except Exception as e:  # noqa: BLE001
        return ["%s: strict shape inference failed: %s" % (path, str(e).strip().splitlines()[0])]
    symbols = {d.dim_param for i in model.graph.input for d in i.type.tensor_type.shape.dim if d.dim_param}
    for o in inferred.graph.output:
        got, want = dims(o), declared.get(o.name)
        if got is None or want is None:
            continue
        if len(got) != len(want):
            out.append("%s: output %s declared rank %d, inferred rank %d" % (path, o.name, len(want), len(got)))
            continue
        for k, (w, g) in enumerate(zip(want, got)):
            if w[0] == "v" and g[0] == "v" and w[1] != g[1]:
                out.append("%s: output %s dim %d declared %d, inferred %d" % (path, o.name, k, w[1], g[1]))
            elif w[0] == "v" and g[0] == "p" and g[1] in symbols:
                out.append("%s: output %s dim %d declared static %d, inferred to follow '%s'" % (
                    path, o.name, k, w[1], g[1]))
    return out


def main(argv):
    if len(argv) < 2:
        print("usage: check_onnx.py MODEL.onnx [...]", file=sys.stderr)
        return 2
    found = [p for path in argv[1:] for p in problems(path)]
    for p in found:
        print(p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
