"""The checks the wide zoo runs on one exported file, each independent of the code under test:
ONNX Runtime (tests/ort/run_model.js) against LibTorch's forward of the same TorchScript file,
the tags read back from the file's node metadata, and the aten ops a TorchScript graph uses.
"""

import json
import os
import subprocess
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
ORT_DTYPES = {torch.float32: "float32", torch.float16: "float16", torch.int64: "int64", torch.int32: "int32",
              torch.bool: "bool"}
FROM_ORT = {"float32": torch.float32, "float16": torch.float16, "int64": torch.int64, "int32": torch.int32,
            "bool": torch.bool}


def flatten(value):
    """The tensors of a forward's result in the order the exporters flatten them."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in flatten(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in flatten(v)]
    return []


def run_ort(onnx_path, names, inputs):
    """Outputs of ONNX Runtime (node, onnxruntime-node) on the given input tensors."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["node", os.path.join(ROOT, "tests", "ort", "run_model.js"), onnx_path, os.path.join(tmp, "out")]
        for i, (name, t) in enumerate(zip(names, inputs)):
            path = os.path.join(tmp, "in%d.bin" % i)
            t.contiguous().numpy().tofile(path)
            cmd.append("%s=%s:%s:%s" % (name, path, ORT_DTYPES[t.dtype], "x".join(str(d) for d in t.shape)))
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "run_model.js failed")
        out = []
        for o in json.load(open(os.path.join(tmp, "out", "outputs.json"))):
            data = open(os.path.join(tmp, "out", o["file"]), "rb").read()
            t = torch.frombuffer(bytearray(data), dtype=FROM_ORT[o["dtype"]]) if data else torch.empty(0)
            out.append(t.reshape(o["dims"]))
        return out


def max_rel_diff(actual, expected):
    """max over outputs of max |actual - expected| / max |expected| (integer outputs: 0 or inf)."""
    if len(actual) != len(expected):
        raise RuntimeError("%d outputs, LibTorch has %d" % (len(actual), len(expected)))
    worst = 0.0
    for i, (a, e) in enumerate(zip(actual, expected)):
        if tuple(a.shape) != tuple(e.shape):
            raise RuntimeError("output %d has shape %s, LibTorch %s" % (i, list(a.shape), list(e.shape)))
        if not e.dtype.is_floating_point:
            worst = max(worst, 0.0 if torch.equal(a.to(e.dtype), e) else float("inf"))
            continue
        if e.numel() == 0:
            continue
        scale = e.abs().max().item() or 1.0
        worst = max(worst, (a.float() - e.float()).abs().max().item() / scale)
    return worst


def tag_problems(nodes):
    """What the tag check finds wrong in our nodes: untagged nodes and `root` decisions."""
    untagged = [n for n, _, meta in nodes if "modelexport.tag" not in meta]
    root = [n for n, _, meta in nodes if meta.get("modelexport.decision") == "root"]
    out = []
    if untagged:
        out.append("%d of %d nodes untagged (e.g. %s)" % (len(untagged), len(nodes), untagged[0]))
    if root:
        out.append("%d nodes fell back to the root tag (e.g. %s)" % (len(root), root[0]))
    return out


def graph_ops(module):
    """The aten:: and prim:: kinds a TorchScript module's inlined graph uses, blocks included."""
    graph = module.inlined_graph  # kept alive: its nodes and blocks are invalidated with it
    kinds, todo = set(), [graph]
    while todo:
        for node in todo.pop().nodes():
            kinds.add(node.kind())
            todo.extend(node.blocks())
    return sorted(k for k in kinds if k.startswith("aten::"))
