#!/usr/bin/python3
"""Mutation check: plants typical exporter bugs one at a time in a copy of the tree, builds
it, runs the quick and e2e suites and reports which tests caught each bug.

Usage:
    /usr/bin/python3 tests/mutation/run_mutations.py [--work DIR] [--only a,b] [--full] [-j 2]
    /usr/bin/python3 tests/mutation/run_mutations.py --in-place build [--only a,b]   # no copy

The copy (the working tree without build/ and .git) and its build folder live in --work
(default /tmp/modelexport-mutation); the build is reused between mutations. For each
mutation only the targets of the tests named in `first` (a quick or e2e test, optionally
with a GoogleTest filter) are rebuilt, and those tests run; if none of them fails,
everything is rebuilt and the whole quick and e2e suites run. --full always does the
latter; --first-only never does (a triage: which mutations the named tests miss). Prints a Markdown table (mutation, file, failing tests, seconds); exit 1 if a
mutation survived (no quick or e2e test failed) or could not be planted.

--in-place refuses to start when a file it would mutate has uncommitted changes; it writes
each file whole (a rename) and records the original in BUILD/mutation-planted.json before
planting, restores it after each run (also on Ctrl-C, SIGTERM and SIGHUP), and a run after
one killed outright restores the file from that journal first.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from mutations import MUTATIONS  # noqa: E402 - the list beside this script


def sh(cmd, cwd, log):
    """Runs `cmd` in a process group of its own: when this script is stopped (Ctrl-C, SIGTERM,
    SIGHUP), the whole group is killed, not only `meson` (its ninja and compilers kept
    building the mutated source before)."""
    with open(log, "a") as out:
        out.write("$ %s\n" % " ".join(cmd))
        out.flush()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return p.wait()
        except BaseException:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            raise


def copy_tree(src, dst):
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".git", "build", "build-*", "node_modules", "__pycache__"),
                    symlinks=True)
    # ONNX Runtime for the tests: reuse the installed package instead of fetching it again.
    nm = os.path.join(src, "tests", "ort", "node_modules")
    if os.path.isdir(nm):
        os.symlink(nm, os.path.join(dst, "tests", "ort", "node_modules"))


def test_targets(build, names):
    """The build targets the tests `names` run or depend on, as `meson compile` names them."""
    info = lambda what: json.load(open(os.path.join(build, "meson-info", "intro-%s.json" % what)))
    src = info("projectinfo").get("source_root") or json.load(open(os.path.join(build, "meson-info",
                                                                                 "meson-info.json")))["directories"]["source"]
    targets = info("targets")
    by_id = {t["id"]: t for t in targets}
    by_file = {f: t for t in targets for f in t["filename"]}
    wanted = []
    for test in info("tests"):
        if test["name"] not in names:
            continue
        wanted += [by_id[d] for d in test.get("depends", []) if d in by_id]
        wanted += [by_file[c] for c in test["cmd"] if c in by_file]
    specs = set()
    for t in wanted:
        folder = os.path.relpath(os.path.dirname(t["defined_in"]), src)
        specs.add(("" if folder == "." else folder + "/") + t["name"] + ":" + t["type"].replace(" ", "_"))
    return sorted(specs)


def expand_shards(build, tests):
    """`tests` with each name that is a sharded test (NAME_0, NAME_1, ... in meson) replaced by
    its shards, each keeping the gtest filter."""
    names = [t["name"] for t in json.load(open(os.path.join(build, "meson-info", "intro-tests.json")))]
    out = []
    for t in tests:
        name, sep, gfilter = t.partition(":")
        shards = [n for n in names if n not in (name,) and n.startswith(name + "_") and n[len(name) + 1:].isdigit()]
        out += [s + sep + gfilter for s in shards] if name not in names and shards else [t]
    return out


def failed_tests(build, log):
    """Names of the tests that failed in the last `meson test` run (from its JSON log)."""
    path = os.path.join(build, "meson-logs", "testlog.json")
    names = []
    if os.path.exists(path):
        import json
        for line in open(path):
            r = json.loads(line)
            if r.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL"):
                # "modelexport:quick / core_fold_batchnorm" -> "core_fold_batchnorm (quick)"
                project_suite, _, test = r["name"].rpartition(" / ")
                suite = project_suite.partition(":")[2]
                names.append("%s (%s)" % (test, suite) if test and suite else r["name"])
    return names


def run_tests(build, tests, jobs, log):
    """Runs `tests` ("NAME" or "NAME:GTEST_FILTER"; none: the quick and e2e suites); the
    failing ones, each with its filter."""
    if not tests:
        sh(["meson", "test", "-C", build, "--num-processes", str(jobs), "--no-rebuild", "--suite", "quick",
            "--suite", "e2e"], build, log)
        return failed_tests(build, log)
    failed = []
    for t in tests:
        name, _, gfilter = t.partition(":")
        cmd = ["meson", "test", "-C", build, "--no-rebuild", name]
        if gfilter:
            cmd.append("--test-args=--gtest_filter=" + gfilter)
        sh(cmd, build, log)
        failed += [n + (" [" + gfilter + "]" if gfilter else "") for n in failed_tests(build, log)]
    return failed


def write_whole(path, text):
    """Replaces `path`'s contents at once (a rename), so that an interrupt never leaves it half written."""
    tmp = path + ".mutation-tmp"
    with open(tmp, "w") as out:
        out.write(text)
    os.replace(tmp, path)


def journal_path(build):
    return os.path.join(build, "mutation-planted.json")


def restore_from_journal(build, quiet=False):
    """An earlier --in-place run that was killed outright (SIGKILL, a power cut) left its
    planted file named in the journal: put the original back before anything else."""
    path = journal_path(build)
    if not os.path.exists(path):
        return
    entry = json.load(open(path))
    write_whole(entry["path"], entry["original"])
    os.remove(path)
    if not quiet:
        print("run_mutations: restored %s, which an interrupted run had left mutated" % entry["path"], file=sys.stderr)


def dirty_files(root, files):
    """The `files` (relative to `root`) with changes git does not have: a planted bug left in
    one of them could not be told from the owner's own edits."""
    out = subprocess.run(["git", "status", "--porcelain", "--"] + sorted(set(files)), cwd=root,
                         capture_output=True, text=True)
    if out.returncode:
        return ["(git status failed: %s)" % out.stderr.strip()]
    return [line[3:] for line in out.stdout.splitlines() if line.strip()]


def plant(src, m, journal):
    """Plants mutation `m`; with `journal` (in-place runs) records the original first."""
    path = os.path.join(src, m["file"])
    text = open(path).read()
    count = text.count(m["old"])
    if count != 1:
        raise ValueError("%s: expected 1 occurrence of the planted text in %s, found %d" % (m["name"], m["file"], count))
    if journal:
        write_whole(journal, json.dumps({"path": path, "original": text}))
    write_whole(path, text.replace(m["old"], m["new"]))
    return path, text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default="/tmp/modelexport-mutation")
    parser.add_argument("--only", help="comma-separated mutation names")
    parser.add_argument("--full", action="store_true", help="run the whole quick and e2e suites for every mutation")
    parser.add_argument("--first-only", action="store_true",
                        help="run only each mutation's `first` tests (a quick triage; one they miss is reported, "
                             "not looked for in the whole suites)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--in-place", metavar="BUILD",
                        help="plant the bugs in this tree itself and use its build folder BUILD (no copy, no full "
                             "build; each file is restored after its run, also on an error or Ctrl-C)")
    args = parser.parse_args()
    # SIGTERM and SIGHUP (a closed terminal) run the `finally` below too, as Ctrl-C does, so
    # the planted bug is taken out again; against SIGKILL, the journal (restore_from_journal).
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(1))
    chosen = [m for m in MUTATIONS if not args.only or m["name"] in args.only.split(",")]
    unknown = set(args.only.split(",")) - {m["name"] for m in MUTATIONS} if args.only else set()
    if unknown:
        print("run_mutations: no mutation named %s" % ", ".join(sorted(unknown)), file=sys.stderr)
        return 2
    os.makedirs(args.work, exist_ok=True)
    log = os.path.join(args.work, "log.txt")
    open(log, "w").close()
    journal = None
    if args.in_place:
        src, build = ROOT, os.path.abspath(args.in_place)
        journal = journal_path(build)
        restore_from_journal(build)
        dirty = dirty_files(ROOT, [m["file"] for m in chosen])
        if dirty:
            print("run_mutations: --in-place plants bugs in this tree, and these files have uncommitted changes: "
                  "%s; commit or stash them first (or run without --in-place, in a copy)" % ", ".join(dirty),
                  file=sys.stderr)
            return 1
    else:
        src, build = os.path.join(args.work, "src"), os.path.join(args.work, "build")
        copy_tree(ROOT, src)
        if sh(["meson", "setup", build, src], src, log):
            print("run_mutations: meson setup failed (see %s)" % log, file=sys.stderr)
            return 1
    if sh(["meson", "compile", "-C", build, "-j", str(args.jobs)], src, log):
        print("run_mutations: the unmutated tree does not build (see %s)" % log, file=sys.stderr)
        return 1
    rows, survived = [], 0
    for m in chosen:
        start = time.time()
        path = original = None
        try:
            try:
                path, original = plant(src, m, journal)
            except ValueError as e:
                rows.append((m["name"], m["file"], "NOT PLANTED: %s" % e, 0))
                survived += 1
                continue
            compile_all = ["meson", "compile", "-C", build, "-j", str(args.jobs)]
            first = [] if args.full else expand_shards(build, m.get("first", []))
            caught = []
            if first:  # only what the first tests need: one file and a few links
                targets = test_targets(build, {t.partition(":")[0] for t in first})
                if sh(compile_all + targets, src, log):
                    caught = ["(build failed)"]
                else:
                    caught = run_tests(build, first, args.jobs, log)
            if not caught and not args.first_only:
                caught = ["(build failed)"] if sh(compile_all, src, log) else run_tests(build, [], args.jobs, log)
        finally:  # in place: from the journal, which is written before the file is mutated
            if journal:
                restore_from_journal(build, quiet=True)
            elif path is not None:
                write_whole(path, original)
        survived += not caught
        missed = "NOT CAUGHT BY ITS FIRST TESTS" if args.first_only else "SURVIVED"
        rows.append((m["name"], m["file"], ", ".join(caught) if caught else missed, time.time() - start))
        print("%s: %s (%.0f s)" % (m["name"], rows[-1][2], rows[-1][3]), flush=True)
    sh(["meson", "compile", "-C", build, "-j", str(args.jobs)], src, log)  # leave the copy built unmutated
    print("\n| bug planted | file | caught by (failing tests) | s |\n|---|---|---|---|")
    for name, file, caught, secs in rows:
        desc = next(m["what"] for m in MUTATIONS if m["name"] == name)
        print("| %s: %s | %s | %s | %.0f |" % (name, desc, file, caught, secs))
    print("\n%d of %d mutations caught" % (len(rows) - survived, len(rows)))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
