#!/usr/bin/python3
"""The wide zoo (issue 10, scripted half issue 16): every model of
tests/fixtures/zoo_wide_models.py through tests/zoo_wide/wide_worker.py, one process each, then
judged: export, onnx.checker (full check), ONNX Runtime within the tolerance below of LibTorch
relative to the largest output, LibTorch's outputs depending on the input, every node tagged, no
`root` decision, per-module op counts equal to torch.onnx.export's scopes (where the peer
exports); the scripted export where torch.jit.script compiles the model, checked the same way.

The tolerance, per model (tolerance_for; each record keeps the one applied as "tolerance"):
max(1e-4, 2 x the peer's own difference) of LibTorch's largest output, where the peer's
difference is how far ONNX Runtime on torch.onnx.export's file of the same model lies from
LibTorch on the same input, counted only when the peer exports and that difference is at
most 1e-3; else 1e-4. Deep float32 nets (resnet152: 5.4e-4 for both files) cost that much in
summation order alone, and the peer's file measures it per model; beyond 1e-3 the peer's file
is wrong rather than reordered (ssd300_vgg16: 0.5), so it loosens nothing. The input check
scales with it: LibTorch's outputs on two random inputs must differ by at least 100 times
the tolerance applied, so that a graph ignoring its input still cannot pass.

Usage:
    /usr/bin/python3 tests/zoo_wide/run_zoo_wide.py --build build [--subset ci|all] [--shard I/N]
        [--models a,b] [--results OUT.json]
    /usr/bin/python3 tests/zoo_wide/run_zoo_wide.py --cover RESULTS.json [...]   # pick the CI subset

A model in EXPECTED_FAIL (or SCRIPT_EXPECTED_FAIL) must fail, or the run fails: the list
stays true. Exit 1 on any unexpected outcome. The README table comes from the results file
(tests/zoo_wide/zoo_wide_table.py).
"""

import argparse
import functools
import importlib.util
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
# The tolerance rule of the docstring: relative to the largest |output| of LibTorch.
TOLERANCE = 1e-4
PEER_FACTOR, PEER_DIFF_CAP = 2.0, 1e-3
# LibTorch's outputs on two random inputs differ by at least this many tolerances, so that a
# graph ignoring its input could not pass the comparison.
SENSITIVITY = 100
WORKER_TIMEOUT = 1800


@functools.lru_cache(maxsize=None)
def load_models():
    spec = importlib.util.spec_from_file_location("zoo_wide_models", os.path.join(ROOT, "tests", "fixtures",
                                                                                  "zoo_wide_models.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tolerance_for(row):
    """The tolerance one model's files are judged with: the docstring's rule."""
    peer = row.get("peer_max_rel_diff")
    if row.get("peer_ok") and peer is not None and peer <= PEER_DIFF_CAP:
        return max(TOLERANCE, PEER_FACTOR * peer)
    return TOLERANCE


def file_failures(checked, peer_ok, tolerance=TOLERANCE):
    """What is wrong with one exported file (traced or scripted), from the worker's record."""
    if checked.get("ours_error"):
        return ["export: " + checked["ours_error"]]
    out = list(checked.get("problems", [])) + list(checked.get("tag_problems", []))
    if "ort_error" in checked:
        out.append("ONNX Runtime: " + checked["ort_error"])
    elif checked.get("max_rel_diff", float("inf")) > tolerance:
        out.append("ONNX Runtime differs from LibTorch by %.3g of the largest output (tolerance %g)" % (
            checked["max_rel_diff"], tolerance))
    if checked.get("input_sensitivity", 0.0) < SENSITIVITY * tolerance:
        out.append("LibTorch's output barely depends on the input (%.3g, under %d tolerances)" % (
            checked.get("input_sensitivity", 0.0), SENSITIVITY))
    # Where the peer fails, its scopes may still come from its export without ONNX shape
    # inference (wide_worker.scopes_without_shape_inference): compared then too.
    if (peer_ok or "tags_match_peer" in checked) and not checked.get("tags_match_peer"):
        out.append("tags differ from torch.onnx.export's scopes: " + checked.get("tags_vs_peer", ""))
    return out


def failures(row):
    """(traced failures, scripted failures) of one worker record."""
    if "worker_error" in row:
        return ["worker: " + row["worker_error"]], []
    if "trace_error" in row:
        return ["trace: " + row["trace_error"]], []
    traced = dict(row.get("traced", {}), ours_error=row.get("ours_error"))
    scripted, peer_ok = row.get("scripted", {}), row.get("peer_ok")
    tolerance = tolerance_for(row)
    return (file_failures(traced, peer_ok, tolerance),
            file_failures(scripted, peer_ok, tolerance) if scripted.get("scriptable") else [])


def run_worker(name, build):
    cmd = [sys.executable, os.path.join(HERE, "wide_worker.py"), name, "--build", build]
    start = time.perf_counter()
    # One thread for the worker, our exporter and the peer alike: the times compare like for
    # like, and two shards can share a 2-core machine.
    env = dict(os.environ, OMP_NUM_THREADS="1")
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=WORKER_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return {"name": name, "worker_error": "timed out after %d s" % WORKER_TIMEOUT}
    lines = r.stdout.strip().splitlines()
    if r.returncode != 0 or not lines:
        tail = (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
        return {"name": name, "worker_error": tail[:300]}
    row = json.loads(lines[-1])
    row["seconds"] = time.perf_counter() - start
    row["tolerance"] = tolerance_for(row)
    return row


def judge(row, expected, script_expected):
    """(ok, line) for one model: expected failures must fail, everything else must pass."""
    traced, scripted = failures(row)
    name, ok, parts = row["name"], True, []
    s = row.get("scripted", {})
    checks = [("traced", traced, expected.get(name))]
    if s.get("scriptable"):  # a model torch.jit.script cannot compile has no scripted export to judge
        checks.append(("scripted", scripted, script_expected.get(name)))
    for what, found, reason in checks:
        if found and reason:
            parts.append("%s: expected failure (%s): %s" % (what, reason, found[0]))
        elif found:
            ok = False
            parts.append("%s: FAILED: %s" % (what, "; ".join(found)))
        elif reason:
            ok = False
            parts.append("%s: passes but is listed as expected to fail (%s): remove it from the list" % (what, reason))
    parts.append("scripted export ok" if s.get("scriptable") and not scripted else
                 "not scriptable" if not s.get("scriptable") else "")
    return ok, "%s %s: %s" % ("ok  " if ok else "FAIL", name, "; ".join(p for p in parts if p) or "ok")


def cover(paths):
    """Greedy weighted set cover: passing models whose traced graphs together use every aten op
    that the passing models of the results use, picked by new ops per second of run time."""
    rows = [r for p in paths for r in json.load(open(p)) if r.get("ops") and not failures(r)[0]]
    # A model traced under no_grad that records the same ops as its autograd-on trace adds nothing.
    ops_of = {r["name"]: r["ops"] for r in rows}
    rows = [r for r in rows if not r["name"].endswith("_no_grad") or ops_of.get(r["name"][:-len("_no_grad")]) != r["ops"]]
    todo, chosen = set().union(*(set(r["ops"]) for r in rows)), []
    while todo:
        best = max(rows, key=lambda r: len(todo & set(r["ops"])) / max(r.get("seconds", 1.0), 1.0))
        chosen.append(best["name"])
        todo -= set(best["ops"])
    print(json.dumps(chosen))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--subset", choices=("ci", "all"), default="all")
    parser.add_argument("--shard", default="1/1", help="I/N: every N-th model from the I-th")
    parser.add_argument("--models", help="comma-separated names instead of a subset")
    parser.add_argument("--results", help="write the worker records here (JSON list)")
    parser.add_argument("--cover", nargs="+", metavar="RESULTS", help="print a CI subset covering these results' ops")
    args = parser.parse_args()
    if args.cover:
        return cover(args.cover)
    zm = load_models()
    names = args.models.split(",") if args.models else list(zm.CI_SUBSET if args.subset == "ci" else zm.models())
    unknown = [n for n in names if n not in zm.models()]
    if unknown:
        print("run_zoo_wide.py: error: unknown model(s): %s" % ", ".join(unknown), file=sys.stderr)
        return 2
    index, count = (int(v) for v in args.shard.split("/"))
    names = names[index - 1::count]
    rows, bad = [], 0
    for name in names:
        row = run_worker(name, os.path.abspath(args.build))
        rows.append(row)
        ok, line = judge(row, zm.EXPECTED_FAIL, zm.SCRIPT_EXPECTED_FAIL)
        bad += not ok
        print(line, flush=True)
        if args.results:
            with open(args.results + ".tmp", "w") as f:
                json.dump(rows, f, indent=1)
            os.replace(args.results + ".tmp", args.results)
    print("zoo_wide: %d models, %d as expected, %d unexpected" % (len(rows), len(rows) - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
