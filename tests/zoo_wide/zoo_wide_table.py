#!/usr/bin/python3
"""The README's wide-zoo table from run_zoo_wide.py's results files: per model, whether the
peer (torch.onnx.export) and we export and pass every check, the largest relative difference
to LibTorch (and the peer's file's, in ONNX Runtime too; "tol": the tolerance where the peer's
difference raised it), node counts and export times (ours: the whole `modelexport export` process; the
peer: the torch.onnx.export call; same run), and the scripted export; then why each failure
failed, and which models of the list have no record.

Usage:
    /usr/bin/python3 tests/zoo_wide/zoo_wide_table.py RESULTS.json [...] > table.md

Rows come in the model list's order; a model in several files takes its last record.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_zoo_wide  # noqa: E402


def scripted_cell(row, failed, zm):
    s = row.get("scripted", {})
    if "worker_error" in row or "trace_error" in row:
        return ""
    if not s.get("scriptable"):
        return "not scriptable"
    if failed:
        return "fails (expected)" if row["name"] in zm.SCRIPT_EXPECTED_FAIL else "fails"
    return "ok (%.1g)" % s["max_rel_diff"]


def cells(row, zm):
    traced, scripted = run_zoo_wide.failures(row)
    t = row.get("traced", {})
    ours = "no" if traced else "yes"
    if traced and row["name"] in zm.EXPECTED_FAIL:
        ours = "no (expected)"
    peer = "yes" if row.get("peer_ok") else ("no" if "peer_ok" in row else "")
    diff = "%.1e" % t["max_rel_diff"] if "max_rel_diff" in t else ""
    if row.get("peer_max_rel_diff") is not None:
        diff += " (%.1e)" % row["peer_max_rel_diff"]
    tolerance = run_zoo_wide.tolerance_for(row)
    if diff and tolerance > run_zoo_wide.TOLERANCE:  # the peer's difference raised it (run_zoo_wide's rule)
        diff += ", tol %.1e" % tolerance
    nodes = "%s / %s" % (t.get("nodes", "-"), row.get("peer_nodes", "-"))
    times = "%s / %s" % ("%.1f" % row["ours_s"] if "ours_s" in row else "-",
                         "%.1f" % row["peer_s"] if "peer_s" in row else "-")
    family = zm.models()[row["name"]][0] if row["name"] in zm.models() else ""
    return [row["name"], family, peer, ours, diff, nodes, times, scripted_cell(row, scripted, zm)], traced, scripted


def main(argv):
    if len(argv) < 2:
        print("usage: zoo_wide_table.py RESULTS.json [...]", file=sys.stderr)
        return 2
    zm = run_zoo_wide.load_models()
    order = {name: i for i, name in enumerate(zm.models())}
    latest = {r["name"]: r for path in argv[1:] for r in json.load(open(path))}  # a later file's record wins
    rows = sorted(latest.values(), key=lambda r: order.get(r["name"], len(order)))
    lines = ["| model | family | peer ok | ours ok | max rel diff (peer's) | nodes ours / peer | export s ours / peer "
             "| scripted (max rel diff) |", "|---|---|---|---|---|---|---|---|"]
    notes, scripted_notes, counts = [], {}, {"ours": 0, "peer": 0, "both": 0, "scripted": 0, "scriptable": 0}
    for row in rows:
        line, traced, scripted = cells(row, zm)
        lines.append("| " + " | ".join(line) + " |")
        counts["ours"] += not traced
        counts["peer"] += bool(row.get("peer_ok"))
        counts["both"] += bool(row.get("peer_ok")) and not traced
        counts["scriptable"] += bool(row.get("scripted", {}).get("scriptable"))
        counts["scripted"] += bool(row.get("scripted", {}).get("scriptable")) and not scripted
        if traced:
            notes.append("- %s: %s%s" % (row["name"], traced[0], "; also missing: " + ", ".join(row["missing_ops"])
                                         if row.get("missing_ops") else ""))
        if scripted:
            scripted_notes.setdefault(scripted[0], []).append(row["name"])
        if "peer_error" in row:
            notes.append("- %s (peer): %s" % (row["name"], row["peer_error"]))
    print("\n".join(lines))
    print("\n%d models: we pass %d, the peer exports %d, both %d; %d scriptable, %d of them pass scripted "
          "(tolerance %g of the largest output, or %g x the peer's own difference up to %g: \"tol\")." % (
              len(rows), counts["ours"], counts["peer"], counts["both"], counts["scriptable"], counts["scripted"],
              run_zoo_wide.TOLERANCE, run_zoo_wide.PEER_FACTOR, run_zoo_wide.PEER_DIFF_CAP))
    not_run = {}  # family -> names, so that a family measured elsewhere (detection) reads as a group
    for name, (family, _) in zm.models().items():
        if name not in latest:
            not_run.setdefault(family, []).append(name)
    if not_run:
        print("\nNot run: %d models (%s)." % (sum(len(v) for v in not_run.values()), "; ".join(
            "%s: %s" % (family, ", ".join(names)) for family, names in not_run.items())))
    notes += ["- scripted, %d models (%s): %s" % (len(names), ", ".join(names), why) for why, names in scripted_notes.items()]
    if notes:
        print("\nFailures:\n\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
