#!/usr/bin/env python3
"""How long `modelexport profile` takes to fold a BERT-base-sized profile.

Makes examples/make_model.py's BERT-like model with BERT-base's sizes (12 layers, hidden 768,
12 heads, intermediate 3072, vocabulary 30522; random weights, fixed seed), exports it with
htp, runs it RUNS times in ONNX Runtime with profiling on (graph optimizations off and on,
tests/ort/profile_model.js), then times `modelexport profile` on each profile (wall time of
the whole process, median of 5) and its own phases (from --json: reading the model, the
profile and ORT's graph, and the fold), beside `modelexport tags FILE tree` on the same file
(reading the ONNX file and its sidecar alone). Prints a Markdown table.

    /usr/bin/python3 tests/benchmark/bench_profile.py --build build [--runs 5]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "examples"))
import make_model  # noqa: E402


def bert_base():
    c = make_model.BertConfig
    c.vocab_size, c.hidden_size, c.num_hidden_layers = 30522, 768, 12
    c.num_attention_heads, c.intermediate_size, c.max_position_embeddings = 12, 3072, 512


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("bench_profile.py: failed: %s\n%s" % (" ".join(cmd), r.stderr.strip()))
    return r.stdout


def wall(cmd, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(cmd)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--runs", type=int, default=5, help="model runs in the profile")
    args = parser.parse_args()
    binary = os.path.join(args.build, "host", "modelexport")
    bert_base()
    with tempfile.TemporaryDirectory() as tmp:
        pt, onnx = os.path.join(tmp, "bert_base.pt"), os.path.join(tmp, "bert_base.onnx")
        specs = make_model.make("bert", pt).split()
        run([binary, "export", pt, onnx, "--strategy", "htp", "--plugin-dir", os.path.join(args.build, "plugins")]
            + [a for s in specs for a in ("--input", s)])
        nodes = len(json.load(open(os.path.join(tmp, "bert_base_hierarchy.json")))["nodes"])
        tree = wall([binary, "tags", onnx, "tree"])
        print("BERT-base-sized model: %d nodes; `tags tree` on it: %.3f s\n" % (nodes, tree))
        print("| ORT optimizations | runs | node events | `profile` wall s | read model s | read profile s "
              "| read ORT graph s | fold s |")
        print("|---|---|---|---|---|---|---|---|")
        for level in ("disabled", "all"):
            out = os.path.join(tmp, level)
            run(["node", os.path.join(ROOT, "tests", "ort", "profile_model.js"), onnx, out, level, str(args.runs)]
                + specs)
            cmd = [binary, "profile", onnx, os.path.join(out, "profile.json"), "--ort-graph",
                   os.path.join(out, "ort_graph.onnx"), "--json", os.path.join(out, "fold.json")]
            seconds = wall(cmd)
            fold = json.load(open(os.path.join(out, "fold.json")))
            assert fold["unattributed_events"] == 0, fold["unattributed"][:5]
            t = fold["seconds"]
            print("| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.4f |" % (
                level, args.runs, fold["events"], seconds, t["model"], t["profile"], t["ort_graph"], t["fold"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
