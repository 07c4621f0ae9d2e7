#!/usr/bin/python3
"""Benchmark `modelexport export` against torch.onnx.export on the model zoo.

Usage:
    /usr/bin/python3 tests/benchmark/bench_export.py --build build [--runs 3] [--models a,b] [--out F.md]

For every model of examples/make_model.py (same builder, seed and weights for both tools,
same example input, same opset): runs the whole `modelexport export` process and, in a
separate Python process, times the torch.onnx.export call alone. Each is run --runs
times; the table reports medians: wall-time ratio (ours / theirs), peak RSS of each
process, node counts and file sizes, and the model's weight bytes. Both exporters run in
the same invocation, one after the other, so machine load affects both alike, and both
write a file that does not exist yet (replacing a large file costs the kernel time).

A second table splits our time into phases: start-up (the process's wall time minus the
summary's own `time`: mostly loading LibTorch's libraries and running their static
initialisers before main(), plus process exit), then load, trace, convert, tag and write
as the summary reports them. `modelexport --help` gives the RSS that LibTorch's start-up alone costs, and the
first table also shows RSS above that base against the weights.
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
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PY = "/usr/bin/python3"

PEER = r"""
import importlib.util, json, sys, time, resource, torch
spec = importlib.util.spec_from_file_location("make_model", sys.argv[1])
mm = importlib.util.module_from_spec(spec); spec.loader.exec_module(mm)
name, out, opset = sys.argv[2], sys.argv[3], int(sys.argv[4])
model, inputs, args = mm.build(name)
weights = sum(t.numel() * t.element_size() for t in list(model.parameters()) + list(model.buffers()))
start = time.perf_counter()
# Not under no_grad: there PyTorch's fused attention fast path has no ONNX export.
torch.onnx.export(model, args, out, opset_version=opset, input_names=[i[0] for i in inputs])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "weights": weights}))
"""


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def fields(buf):
    """(field number, wire type, value or bytes) of one protobuf message, top level only."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            value, i = buf[i : i + 8], i + 8
        elif wire == 2:
            n, i = varint(buf, i)
            value, i = buf[i : i + n], i + n
        elif wire == 5:
            value, i = buf[i : i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, wire, value


def count_nodes(path):
    """Nodes of ModelProto.graph (field 7) -> GraphProto.node (field 1), without onnx installed."""
    data = open(path, "rb").read()
    for number, wire, value in fields(data):
        if number == 7 and wire == 2:
            return sum(1 for n, w, _ in fields(value) if n == 1 and w == 2)
    return 0


def measure(cmd):
    """Wall seconds, peak RSS (bytes, from wait4) and stdout of one process.

    Linux carries a process's RSS high-water mark across fork and exec, so this process
    stays small (no torch, no ONNX file read here): otherwise every child would report at
    least our own peak."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode(errors="replace")
    if status != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd[:3]), err.strip()[-500:]))
    return seconds, usage.ru_maxrss * 1024, out


def phases(summary):
    """{phase: seconds} and the total from the summary's line
    `time 0.58 s (plugin 0.00, load 0.16, trace 0.20, ...)`."""
    m = re.search(r"^\s*time\s+([0-9.]+) s \((.*)\)\s*$", summary, re.M)
    if not m:
        raise RuntimeError("no time line in the export summary:\n" + summary)
    parts = dict((k, float(v)) for k, v in re.findall(r"(\w+) ([0-9.]+)", m.group(2)))
    return float(m.group(1)), parts


def nodes_in_child(path):
    out = subprocess.run([PY, os.path.abspath(__file__), "--count-nodes", path], check=True, capture_output=True, text=True)
    return int(out.stdout)


def mib(n):
    return "%.0f" % (n / 2**20)


PHASES = ("start-up", "load", "trace", "convert", "tag", "write")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="meson build folder")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--models", help="comma-separated subset (default: the zoo)")
    parser.add_argument("--out", help="also write the markdown table here")
    parser.add_argument("--count-nodes", metavar="ONNX", help=argparse.SUPPRESS)  # run in a child, see measure()
    args = parser.parse_args()

    if args.count_nodes:
        print(count_nodes(args.count_nodes))
        return 0
    listed = subprocess.run([PY, os.path.join(ROOT, "examples", "make_model.py"), "--list"], check=True,
                            capture_output=True, text=True).stdout.split()
    models = args.models.split(",") if args.models else [m for m in listed if m not in ("mlp", "unsupported")]
    exe = os.path.join(args.build, "host", "modelexport")
    plugins = os.path.join(args.build, "plugins")
    base_rss = statistics.median(measure([exe, "--help"])[1] for _ in range(3))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in models:
            pt = os.path.join(tmp, name + ".pt")
            specs = subprocess.run([PY, os.path.join(ROOT, "examples", "make_model.py"), name, pt], check=True,
                                   capture_output=True, text=True).stdout.split()
            ours_onnx, theirs_onnx = os.path.join(tmp, name + ".onnx"), os.path.join(tmp, name + "_torch.onnx")
            ours_cmd = [exe, "export", pt, ours_onnx, "--plugin-dir", plugins, "--opset", str(args.opset)]
            for s in specs:
                ours_cmd += ["--input", s]
            peer_cmd = [PY, "-c", PEER, os.path.join(ROOT, "examples", "make_model.py"), name, theirs_onnx, str(args.opset)]
            ours_t, ours_rss, theirs_t, theirs_rss, ours_phases = [], [], [], [], []
            weights = 0
            try:
                for _ in range(args.runs):
                    for f in (ours_onnx, theirs_onnx):
                        if os.path.exists(f):
                            os.remove(f)
                    t, rss, out = measure(ours_cmd)
                    inside, parts = phases(out)
                    parts["start-up"] = max(t - inside, 0.0)
                    ours_phases.append(parts)
                    ours_t.append(t)
                    ours_rss.append(rss)
                    _, rss, out = measure(peer_cmd)
                    info = json.loads(out.strip().splitlines()[-1])
                    theirs_t.append(info["seconds"])
                    theirs_rss.append(rss)
                    weights = info["weights"]
            except RuntimeError as e:
                print("%s: %s" % (name, e), file=sys.stderr)
                rows.append((name, None))
                continue
            row = {
                "ours_s": statistics.median(ours_t),
                "theirs_s": statistics.median(theirs_t),
                "ours_rss": statistics.median(ours_rss),
                "theirs_rss": statistics.median(theirs_rss),
                "weights": weights,
                "ours_nodes": nodes_in_child(ours_onnx),
                "theirs_nodes": nodes_in_child(theirs_onnx),
                "ours_size": os.path.getsize(ours_onnx),
                "theirs_size": os.path.getsize(theirs_onnx),
                "phases": {k: statistics.median(p.get(k, 0.0) for p in ours_phases) for k in PHASES},
            }
            rows.append((name, row))
            print("%s: %.2f s vs %.2f s" % (name, row["ours_s"], row["theirs_s"]), file=sys.stderr)

    lines = [
        "Measured %s on %s (%s, %d cores), opset %d, median of %d runs; `ours` is the whole `modelexport export` "
        "process, `torch` the torch.onnx.export call alone (python3-torch %s)."
        % (time.strftime("%Y-%m-%d"), platform.node() or "this machine", platform.machine(), os.cpu_count(), args.opset,
           args.runs, subprocess.run([PY, "-c", "import torch; print(torch.__version__)"], capture_output=True,
                                      text=True).stdout.strip()),
        "",
        "| model | ours s | torch s | time ratio | ours peak RSS MiB | torch peak RSS MiB | weights MiB | RSS / weights "
        "| (RSS - base) / weights | nodes ours / torch | file MiB ours / torch |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ratios, rss_ok, done = [], 0, [(n, r) for n, r in rows if r is not None]
    for name, r in rows:
        if r is None:
            lines.append("| %s | failed | | | | | | | | | |" % name)
            continue
        ratio = r["ours_s"] / r["theirs_s"]
        ratios.append(ratio)
        weights = max(r["weights"], 1)
        rss_ok += r["ours_rss"] <= 1.5 * weights
        lines.append("| %s | %.2f | %.2f | %.2f | %s | %s | %s | %.1f | %.2f | %d / %d | %s / %s |" % (
            name, r["ours_s"], r["theirs_s"], ratio, mib(r["ours_rss"]), mib(r["theirs_rss"]), mib(r["weights"]),
            r["ours_rss"] / weights, (r["ours_rss"] - base_rss) / weights, r["ours_nodes"], r["theirs_nodes"],
            mib(r["ours_size"]), mib(r["theirs_size"])))
    if ratios:
        lines += ["", "Median time ratio over the zoo: %.2f (target: at most 0.5). Peak RSS at most 1.5x the "
                  "weights: %d of %d models. Base: `modelexport --help` peaks at %s MiB." % (
                      statistics.median(ratios), rss_ok, len(ratios), mib(base_rss))]
        lines += ["", "Where our time goes (median seconds per phase; start-up is the wall time outside the "
                  "summary's own, mostly LibTorch's libraries loading before main()):", "",
                  "| model | " + " | ".join(PHASES) + " | torch.onnx.export | ratio without start-up |",
                  "|---|" + "---|" * (len(PHASES) + 2)]
        for name, r in done:
            p = r["phases"]
            lines.append("| %s | %s | %.2f | %.2f |" % (
                name, " | ".join("%.2f" % p[k] for k in PHASES), r["theirs_s"],
                (r["ours_s"] - p["start-up"]) / r["theirs_s"]))
        without = statistics.median((r["ours_s"] - r["phases"]["start-up"]) / r["theirs_s"] for _, r in done)
        lines += ["", "Median time ratio without start-up: %.2f." % without]
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table + "\n")
    return 0 if all(r is not None for _, r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
