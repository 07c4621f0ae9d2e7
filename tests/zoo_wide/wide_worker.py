#!/usr/bin/python3
"""One wide-zoo model, run in a process of its own by run_zoo_wide.py: build it (seeded, as
examples/make_model.py builds), trace it (and script it where torch.jit.script can), export
it with `modelexport export` and with torch.onnx.export in the same run, check our files, and
print one JSON object with what was measured. Judging the result is run_zoo_wide.py's job.

Usage:
    /usr/bin/python3 tests/zoo_wide/wide_worker.py NAME --build BUILD
"""

import argparse
import contextlib
import importlib.util
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import wide_checks  # noqa: E402


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mm = load("examples/make_model.py", "make_model")
zm = load("tests/fixtures/zoo_wide_models.py", "zoo_wide_models")
tags = load("tests/zoo/check_tags_against_torch.py", "check_tags_against_torch")
check_onnx = load("tests/support/check_onnx.py", "check_onnx")

REFERENCE_SEED, OTHER_SEED = 7, 11  # not the seed of the traced example


def first_line(e):
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:300]


def inputs_with_seed(inputs, seed):
    torch.manual_seed(seed)
    return [mm.example_input(dtype, dims, *vr) for _, dtype, dims, *vr in inputs]


def export_ours(build, pt, onnx_path, specs):
    cmd = [os.path.join(build, "host", "modelexport"), "export", pt, onnx_path, "-q",
           "--plugin-dir", os.path.join(build, "plugins")]
    for s in specs:
        cmd += ["--input", s]
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    error = None if r.returncode == 0 else (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1][:300]
    return seconds, error


def missing_ops(build, ops, tmp):
    """The ops of `ops` that `modelexport ops --coverage` lists as missing (all of them, where
    an export stops at the first)."""
    path = os.path.join(tmp, "ops.txt")
    with open(path, "w") as f:
        f.write("\n".join(ops) + "\n")
    r = subprocess.run([os.path.join(build, "host", "modelexport"), "ops", "--coverage", path], capture_output=True,
                       text=True)
    return [line.split()[0] for line in r.stdout.splitlines() if line.split()[1:2] == ["missing"]]


def check_file(name, model, pt, onnx_path, inputs, peer_nodes):
    """Our file against LibTorch (the same .pt), ONNX's checker and the peer's scopes."""
    out = {"problems": check_onnx.problems(onnx_path)}
    ours = tags.nodes(onnx_path)
    out["nodes"] = len(ours)
    out["tag_problems"] = wide_checks.tag_problems(ours)
    names = [i[0] for i in inputs]
    xs, others = inputs_with_seed(inputs, REFERENCE_SEED), inputs_with_seed(inputs, OTHER_SEED)
    loaded = torch.jit.load(pt)
    with torch.no_grad():
        expected, other = wide_checks.flatten(loaded(*xs)), wide_checks.flatten(loaded(*others))
    out["input_sensitivity"] = wide_checks.max_rel_diff(other, expected)
    try:
        out["max_rel_diff"] = wide_checks.max_rel_diff(wide_checks.run_ort(onnx_path, names, xs), expected)
    except RuntimeError as e:
        out["ort_error"] = first_line(e)
    if peer_nodes is not None:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            out["tags_match_peer"] = tags.compare(name, peer_nodes, ours, tags.descendants_by_atom(model))
        out["tags_vs_peer"] = printed.getvalue().strip()
    return out


@contextlib.contextmanager
def address_space_limit(limit):
    """The process's address space capped at `limit` bytes (None: as it is) while inside."""
    if not limit:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def scopes_without_shape_inference(model, args, grad, limit, path, inputs):
    """Where the peer's export runs out of memory in its ONNX shape inference (mvit_v2_s), the
    same export without that pass (torch.onnx.utils._export's onnx_shape_inference=False) still
    names every node by its module scope: the per-module op counts our tags are checked
    against. The peer stays failed; these nodes serve that check only. Returns the nodes, or
    the error's first line."""
    try:
        with grad, address_space_limit(limit):
            torch.onnx.utils._export(model, args, path, opset_version=17, input_names=[i[0] for i in inputs],
                                     onnx_shape_inference=False)
        return tags.nodes(path)
    except Exception as e:  # noqa: BLE001 - then no scopes to compare with
        return first_line(e)


def peer_diff(pt, peer, inputs):
    """The peer's file in ONNX Runtime against LibTorch, as ours is compared: what float32
    reordering costs on this model (None where ONNX Runtime cannot run the peer's file)."""
    xs = inputs_with_seed(inputs, REFERENCE_SEED)
    with torch.no_grad():
        expected = wide_checks.flatten(torch.jit.load(pt)(*xs))
    try:
        return wide_checks.max_rel_diff(wide_checks.run_ort(peer, [i[0] for i in inputs], xs), expected)
    except RuntimeError:
        return None


def run(name, build, tmp):
    family, builder = zm.models()[name]
    model, inputs, args = mm.build_with(builder, batches=1)
    row = {"name": name, "family": family, "weights": sum(t.numel() * t.element_size() for t in model.state_dict().values())}
    grad = torch.no_grad() if zm.traced_under_no_grad(name) else contextlib.nullcontext()
    specs = mm.spec_string(inputs).split()
    pt, ours, peer = (os.path.join(tmp, name + s) for s in (".pt", ".onnx", "_torch.onnx"))
    try:
        with grad:
            traced = torch.jit.trace(model, args, check_trace=False, strict=False)
        torch.jit.save(traced, pt)
    except Exception as e:  # noqa: BLE001 - recorded, judged by the driver
        row["trace_error"] = first_line(e)
        return row
    row["ops"] = wide_checks.graph_ops(traced)
    del traced
    row["ours_s"], row["ours_error"] = export_ours(build, pt, ours, specs)
    row["missing_ops"] = missing_ops(build, row["ops"], tmp)
    limit, out_of_memory = zm.PEER_MEMORY_LIMIT.get(name), False
    # Scopes first, while the memory is free: a failed export does not give its memory back.
    scopes = scopes_without_shape_inference(model, args, grad, limit, os.path.join(tmp, name + "_scopes.onnx"),
                                            inputs) if limit else None
    start = time.perf_counter()
    try:
        with grad, address_space_limit(limit):
            torch.onnx.export(model, args, peer, opset_version=17, input_names=[i[0] for i in inputs])
        row["peer_s"], row["peer_ok"] = time.perf_counter() - start, True
        peer_nodes = tags.nodes(peer)
        row["peer_nodes"] = len(peer_nodes)
    except Exception as e:  # noqa: BLE001 - the peer failing is a result
        row["peer_ok"], row["peer_error"], peer_nodes = False, first_line(e), None
        out_of_memory = bool(limit) and ("bad_alloc" in str(e) or isinstance(e, MemoryError))
        if out_of_memory:
            row["peer_error"] = "out of memory over %g GB (the worker's address-space limit for the peer: %s)" % (
                limit / 1e9, row["peer_error"])
    if out_of_memory and isinstance(scopes, list):
        peer_nodes, row["peer_scopes"] = scopes, "torch.onnx.export without its ONNX shape inference"
    elif out_of_memory:
        row["peer_scopes_error"] = scopes
    if row["ours_error"] is None:
        row["traced"] = check_file(name, model, pt, ours, inputs, peer_nodes)
    if row["peer_ok"]:
        row["peer_max_rel_diff"] = peer_diff(pt, peer, inputs)
    row["scripted"] = script(name, model, build, tmp, inputs, specs, peer_nodes)
    return row


def script(name, model, build, tmp, inputs, specs, peer_nodes):
    """The same model through torch.jit.script (issue 16), where TorchScript compiles it."""
    pt, onnx_path = os.path.join(tmp, name + "_script.pt"), os.path.join(tmp, name + "_script.onnx")
    try:
        torch.jit.save(torch.jit.script(model), pt)
    except Exception as e:  # noqa: BLE001 - not scriptable is a result
        return {"scriptable": False, "reason": first_line(e)}
    out = {"scriptable": True}
    out["ours_s"], out["ours_error"] = export_ours(build, pt, onnx_path, specs)
    if out["ours_error"] is None:
        out.update(check_file(name, model, pt, onnx_path, inputs, peer_nodes))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name")
    parser.add_argument("--build", required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)  # one core per model: the machine's other core runs the other test
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(run(args.name, os.path.abspath(args.build), tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
