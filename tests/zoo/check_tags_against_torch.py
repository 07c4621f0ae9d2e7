#!/usr/bin/python3
"""Independent check of our tags on the model zoo: for every op type whose total is the same
in both graphs, the number of nodes of that type that `modelexport export` tags with a module
must equal the number PyTorch's own exporter puts in that module's scope, module by module.
Op types whose totals differ (the two exporters decompose some ops differently) or that
PyTorch emits without a resolvable scope are listed, not compared.

Usage:
    /usr/bin/python3 tests/zoo/check_tags_against_torch.py --build build [--models a,b]

torch.onnx.export names nodes by module scope (`/layer1/layer1.0/conv1/Conv`; each scope
atom is PyTorch's _unqualified_variable_name of the module's path, a repeated call adds
`_N`). We map every scope back to the module path through named_modules(), so the
reference is PyTorch's own attribution, not ours. Gemm and MatMul are counted together:
the two exporters may pick either for the same matrix product. Constant and Identity
nodes are not counted (constant folding differs); each model must compare at least the
heavy types (Conv, Gemm/MatMul, Softmax, LayerNormalization) it has.
"""

import argparse
import collections
import importlib.util
import os
import re
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MERGED = {"Gemm": "MatMul"}  # op type -> the class it is counted as
NOT_COUNTED = {"Constant", "Identity"}
HEAVY = {"Conv", "MatMul", "Softmax", "LayerNormalization"}


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load(os.path.join(ROOT, "tests", "benchmark", "bench_export.py"), "bench_export")
mm = load(os.path.join(ROOT, "examples", "make_model.py"), "make_model")


def nodes(path):
    """(name, op_type, {metadata key: value}) of every node, parsed from the protobuf wire."""
    data = open(path, "rb").read()
    graph = next(v for n, w, v in bench.fields(data) if n == 7 and w == 2)
    out = []
    for n, w, node in bench.fields(graph):
        if n != 1 or w != 2:
            continue
        name = op = ""
        meta = {}
        for fn, fw, fv in bench.fields(node):
            if fn == 3:
                name = fv.decode()
            elif fn == 4:
                op = fv.decode()
            elif fn == 9:
                kv = {k: v.decode() for k, _, v in bench.fields(fv)}
                meta[kv.get(1, "")] = kv.get(2, "")
        out.append((name, op, meta))
    return out


def unqualified(path):
    atoms = path.split(".")
    for i in range(len(atoms) - 1, -1, -1):
        if not atoms[i].isdigit():
            return ".".join(atoms[i:])
    return path


def scope_to_module(scopes, children):
    """Module path of a node from its scope atoms, walking down from the root."""
    current = ""
    for atom in scopes:
        candidates = children.get(current, {})
        if atom not in candidates:
            atom = re.sub(r"_\d+$", "", atom)  # a repeated call of the same module
        if atom not in candidates:
            return None
        current = candidates[atom]
    return current


def descendants_by_atom(model):
    """parent path -> {scope atom -> module path}. A direct child wins; deeper descendants
    stand in for levels that have no scope of their own (a ModuleList is never called)."""
    paths = [p for p, _ in model.named_modules() if p]
    parent_of = lambda p: p.rsplit(".", 1)[0] if "." in p else ""
    children = collections.defaultdict(dict)
    for p in paths:
        children[parent_of(p)][unqualified(p)] = p
    for p in paths:
        ancestor = parent_of(p)
        while ancestor:
            ancestor = parent_of(ancestor)
            children[ancestor].setdefault(unqualified(p), p)
    return children


def op_class(op):
    return MERGED.get(op, op)


def compare(name, theirs, ours, children):
    """Per module counts of every op class with equal totals; prints the outcome."""
    expected, unresolved = collections.Counter(), collections.Counter()
    for node_name, op, _ in theirs:
        module = scope_to_module([a for a in node_name.split("/")[1:-1]], children) if node_name.startswith("/") else None
        if module is None:
            unresolved[op_class(op)] += 1
        else:
            expected[(module, op_class(op))] += 1
    actual, untagged = collections.Counter(), 0
    for _, op, meta in ours:
        untagged += "modelexport.tag" not in meta
        actual[(meta.get("modelexport.module", ""), op_class(op))] += 1
    total = lambda counts, c: sum(n for (_, k), n in counts.items() if k == c)
    classes = {k for _, k in actual} | {k for _, k in expected} | set(unresolved)
    compared = sorted(c for c in classes - NOT_COUNTED
                      if not unresolved[c] and total(actual, c) == total(expected, c) + unresolved[c])
    skipped = sorted(classes - NOT_COUNTED - set(compared))
    diff = {k: (actual[k], expected[k]) for k in set(actual) | set(expected)
            if k[1] in compared and actual[k] != expected[k]}
    heavy_missing = sorted(c for c in classes & HEAVY if c not in compared)
    ok = not diff and not heavy_missing and untagged == 0
    print("%s: %s (%d nodes of %d op types compared in %d modules; not compared: %s)" % (
        name, "ok" if ok else "MISMATCH", sum(total(expected, c) for c in compared), len(compared),
        len({m for (m, c) in expected if c in compared}),
        ", ".join("%s %d/%d%s" % (c, total(actual, c), total(expected, c) + unresolved[c],
                                  " (%d unscoped)" % unresolved[c] if unresolved[c] else "") for c in skipped) or "none"))
    for (module, op), (ours_n, theirs_n) in sorted(diff.items())[:10]:
        print("    %s %s: ours %d, torch %d" % (module or "<root>", op, ours_n, theirs_n))
    for c in heavy_missing:
        print("    %s: not comparable (totals ours %d, torch %d)" % (c, total(actual, c), total(expected, c) + unresolved[c]))
    if untagged:
        print("    %d of our nodes have no tag" % untagged)
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--models", help="comma-separated subset (default: the zoo)")
    args = parser.parse_args()
    models = args.models.split(",") if args.models else [m for m in mm.BUILDERS if m not in ("mlp", "unsupported")]
    exe = os.path.join(args.build, "host", "modelexport")
    failed = passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in models:
            pt, ours, theirs = (os.path.join(tmp, name + s) for s in (".pt", ".onnx", "_torch.onnx"))
            specs = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "make_model.py"), name, pt],
                                   check=True, capture_output=True, text=True).stdout.split()
            cmd = [exe, "export", pt, ours, "-q", "--plugin-dir", os.path.join(args.build, "plugins")]
            for s in specs:
                cmd += ["--input", s]
            subprocess.run(cmd, check=True)
            model, _, example = mm.build(name)
            torch.onnx.export(model, example, theirs, opset_version=17)

            ok = compare(name, nodes(theirs), nodes(ours), descendants_by_atom(model))
            passed += ok
            failed += not ok
    print("tag check: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
