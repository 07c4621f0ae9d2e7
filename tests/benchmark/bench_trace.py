#!/usr/bin/python3
"""Benchmark the meta trace (`--trace meta`) against the real one (`--trace real`).

Usage:
    /usr/bin/python3 tests/benchmark/bench_trace.py --build build [--runs 1] [--models a,b] [--out F.md]

Per zoo model (examples/make_model.py), in one run: the summary's trace seconds of
`modelexport export` with `--trace real` and with `--trace meta`; our own work (the
summary's total: load, inputs, trace, convert, tag, write; LibTorch's start-up before main() left
out) in both modes; and the torch.onnx.export call alone on the same model in the same run
(bench_export.py's peer); and LibTorch's load of the file as our export calls it, without our
checks of the file (tests/benchmark/load_only.cpp, median of --floor-runs fresh processes): the
part of our own work that no export through LibTorch goes below, and its ratio to the peer's call. Then resnet50 at 224, 448 and 896 pixels (trace seconds should
stay flat in meta mode), and the peak RSS of vgg11_bn and vit_b_32 in both modes against
the activations' size: the largest inputs + output of one leaf module of a real forward in
Python (a lower bound of what a real trace holds at once).
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_export as be  # noqa: E402  (measure, phases, the peer's script)

ROOT, PY = be.ROOT, be.PY
MAKE = os.path.join(ROOT, "examples", "make_model.py")

ACTIVATIONS = r"""
import importlib.util, sys, torch
spec = importlib.util.spec_from_file_location("make_model", sys.argv[1])
mm = importlib.util.module_from_spec(spec); spec.loader.exec_module(mm)
model, inputs, args = mm.build(sys.argv[2])
size = lambda ts: sum(t.numel() * t.element_size() for t in ts if isinstance(t, torch.Tensor))
flat = lambda o: list(o) if isinstance(o, (tuple, list)) else [o]
biggest = [0]
def hook(m, i, o): biggest[0] = max(biggest[0], size(flat(i)) + size(flat(o)))
for m in model.modules():
    if not list(m.children()): m.register_forward_hook(hook)
with torch.no_grad(): model(*args)
print(biggest[0])
"""


def export(exe, plugins, pt, onnx, specs, mode):
    """(trace seconds, own work seconds, peak RSS bytes, summary's trace line, seconds making the
    random example inputs: the summary's `inputs` phase, apart from the trace) of one export."""
    if os.path.exists(onnx):
        os.remove(onnx)
    cmd = [exe, "export", pt, onnx, "--plugin-dir", plugins, "--trace", mode]
    for s in specs:
        cmd += ["--input", s]
    _, rss, out = be.measure(cmd)
    total, parts = be.phases(out)
    # The sidecar's summary.seconds keeps the trace's seconds unrounded (the summary prints two
    # decimals: too coarse for a 0.02 s trace). Only that object is parsed, not the whole file:
    # this process stays small (see be.measure); summary.decisions has a "trace" key too.
    with open(os.path.splitext(onnx)[0] + "_hierarchy.json") as f:
        seconds = re.search(r'"seconds":\s*(\{[^{}]*\})', f.read())
    if seconds:
        parts["trace"] = float(json.loads(seconds.group(1))["trace"])
    ways = re.search(r"^\s*trace\s+(\w+: .*)$", out, re.M)
    return parts.get("trace", 0.0), total, rss, ways.group(1) if ways else "", parts.get("inputs", 0.0)


def median_export(runs, *a):
    got = [export(*a) for _ in range(runs)]
    return tuple(statistics.median(g[k] for g in got) for k in range(3)) + (got[-1][3],) + (
        statistics.median(g[4] for g in got),)


def peer_seconds(name, onnx, opset):
    _, _, out = be.measure([PY, "-c", be.PEER, MAKE, name, onnx, str(opset)])
    return json.loads(out.strip().splitlines()[-1])["seconds"]


def load_floor(build, pt, runs):
    """Median seconds of torch::jit::load of `pt` as load_module calls it, without our checks, the
    first load in a fresh process (load_only.cpp)."""
    exe = os.path.join(build, "tests", "bench_load_only")
    got = []
    for _ in range(runs):
        done = subprocess.run([exe, pt], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError("bench_load_only: " + (done.stderr.strip() or "exit %d" % done.returncode))
        got.append(float(done.stdout.split()[0]))
    return statistics.median(got)


def make(name, pt):
    return subprocess.run([PY, MAKE, name, pt], check=True, capture_output=True, text=True).stdout.split()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="meson build folder")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--models", help="comma-separated subset (default: the zoo)")
    parser.add_argument("--resolution-runs", type=int, default=5,
                        help="runs per input size of resnet50 (its meta trace is a few hundredths of a second: noisy)")
    parser.add_argument("--floor-runs", type=int, default=3,
                        help="fresh processes per model timing LibTorch's load alone")
    parser.add_argument("--out", help="also write the markdown tables here")
    args = parser.parse_args()
    listed = subprocess.run([PY, MAKE, "--list"], check=True, capture_output=True, text=True).stdout.split()
    models = args.models.split(",") if args.models else [m for m in listed if m not in ("mlp", "unsupported")]
    exe = os.path.join(args.build, "host", "modelexport")
    plugins = os.path.join(args.build, "plugins")
    lines = ["Measured %s on %s (%d cores, shared), median of %d runs; seconds from the export summary; `own` is "
             "its total (load + inputs + trace + convert + tag + write), `torch` the torch.onnx.export call alone, same run."
             % (time.strftime("%Y-%m-%d %H:%M"), platform.node() or "this machine", os.cpu_count(), args.runs), "",
             "`LibTorch load s`: torch::jit::load of the file as our export calls it, without our checks of the "
             "file, in a fresh process (median of %d): the floor of `own`; `load/torch` its ratio to the peer's call."
             % args.floor_runs, "",
             "| model | trace real s | trace meta s | own real s | own meta s | torch s | own/torch real | own/torch meta "
             "| LibTorch load s | load/torch | meta trace ops |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    ratios, ratios_real, floors, rss_rows = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in models:
            pt, onnx = os.path.join(tmp, name + ".pt"), os.path.join(tmp, name + ".onnx")
            try:
                specs = make(name, pt)
                real = median_export(args.runs, exe, plugins, pt, onnx, specs, "real")
                meta = median_export(args.runs, exe, plugins, pt, onnx, specs, "meta")
                torch_s = statistics.median(peer_seconds(name, os.path.join(tmp, name + "_t.onnx"), 17)
                                            for _ in range(args.runs))
                floor_s = load_floor(args.build, pt, args.floor_runs)
            except RuntimeError as e:
                print("%s: %s" % (name, e), file=sys.stderr)
                lines.append("| %s | failed | | | | | | | | | |" % name)
                continue
            ratios.append(meta[1] / torch_s)
            ratios_real.append(real[1] / torch_s)
            floors.append((floor_s / torch_s, name))
            lines.append("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f | %.3f | %.2f | %s |" % (
                name, real[0], meta[0], real[1], meta[1], torch_s, real[1] / torch_s, meta[1] / torch_s, floor_s,
                floor_s / torch_s, meta[3]))
            print(lines[-1], file=sys.stderr)
            if name in ("vgg11_bn", "vit_b_32"):
                act = int(subprocess.run([PY, "-c", ACTIVATIONS, MAKE, name], check=True, capture_output=True,
                                         text=True).stdout.split()[-1])
                rss_rows.append((name, real[2], meta[2], act))
        if ratios:
            lines += ["", "Median own/torch over the zoo: real %.2f, meta %.2f (target: meta at most 0.2)." % (
                statistics.median(ratios_real), statistics.median(ratios))]
            over = sorted((r, n) for r, n in floors if r > 0.2)
            lines += ["LibTorch's load alone over the zoo: median %.2f of the peer's call; over 0.2 by itself in %d of %d "
                      "models%s." % (statistics.median(r for r, _ in floors), len(over), len(floors),
                                     (" (" + ", ".join("%s %.2f" % (n, r) for r, n in over) + ")") if over else "")]
        if "resnet50" in models:
            pt = os.path.join(tmp, "resnet50.pt")
            make("resnet50", pt)
            lines += ["", "resnet50 by input size (trace seconds, median of %d runs; making the random input is timed "
                      "apart):" % args.resolution_runs, "",
                      "| pixels | trace real s | trace meta s | inputs s |", "|---|---|---|---|"]
            metas = []
            for px in (224, 448, 896):
                spec = ["x:float32:1x3x%dx%d" % (px, px)]
                r = median_export(args.resolution_runs, exe, plugins, pt, os.path.join(tmp, "r.onnx"), spec, "real")
                m = median_export(args.resolution_runs, exe, plugins, pt, os.path.join(tmp, "r.onnx"), spec, "meta")
                metas.append(m[0])
                lines.append("| %d | %.3f | %.3f | %.2f |" % (px, r[0], m[0], m[4]))
            lines += ["", "Meta trace, largest / smallest of the three: %.2f (target: at most 1.5)." % (
                max(metas) / max(min(metas), 1e-9))]
    if rss_rows:
        lines += ["", "Peak RSS (MiB) of the whole export; activations: the largest inputs + output of one leaf "
                  "module in a real forward:", "", "| model | real | meta | drop | activations |", "|---|---|---|---|---|"]
        for name, r, m, act in rss_rows:
            lines.append("| %s | %s | %s | %s | %s |" % (name, be.mib(r), be.mib(m), be.mib(r - m), be.mib(act)))
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
