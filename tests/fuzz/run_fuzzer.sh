#!/usr/bin/env bash
# Runs one libFuzzer target: run_fuzzer.sh FUZZER KIND SECONDS. Seeds come from the test
# fixtures (make_seeds.py, made once per build); the corpus it grows is kept in the build
# folder for the next run; inputs that once crashed a fuzzer (tests/fuzz/regressions/) join
# the seeds. Exit 0 only if the fuzzer found nothing; its statistics
# (executions, coverage, corpus) are printed at the end.
set -euo pipefail
fuzzer=$1 kind=$2 seconds=$3
root=${MODELEXPORT_BUILD_ROOT:?run through meson test}
here=$(cd "$(dirname "$0")" && pwd)
seeds=$root/tests/fuzz/seeds/$kind corpus=$root/tests/fuzz/corpus/$kind crashes=$root/tests/fuzz/crashes/$kind
# LibTorch, protobuf and yaml-cpp keep caches alive until exit: leaks are not what we look for.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:handle_segv=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [[ ! -d $seeds ]]; then
  /usr/bin/python3 "$here/make_seeds.py" "$kind" "$seeds.tmp" --build "$root"
  mv "$seeds.tmp" "$seeds"
fi
mkdir -p "$corpus" "$crashes"
if [[ $kind == profile ]]; then  # the export the profiles are folded into (make_seeds.py made it)
  export MODELEXPORT_FUZZ_PROFILE_MODEL=$root/tests/fuzz/seeds/profile.model/mlp.onnx
  export MODELEXPORT_FUZZ_ORT_GRAPH=$root/tests/fuzz/seeds/profile.model/ort_graph.onnx
fi
echo "fuzz $kind: $(ls "$seeds" | wc -l) seeds, $(ls "$corpus" | wc -l) in the corpus, $seconds s"
log=$root/tests/fuzz/$kind.log
set +e
# What the fuzzers found once (tests/fuzz/regressions/KIND, fixed since) is run first, every time.
regressions=$here/regressions/$kind
[[ -d $regressions ]] || regressions=
"$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="$crashes/" "$corpus" "$seeds" ${regressions:+"$regressions"} >"$log" 2>&1
status=$?
set -e
grep -E "^(#[0-9]+[[:space:]]*(INITED|DONE)|stat::)" "$log" || true
[[ $status -eq 0 ]] || tail -n 60 "$log"
echo "fuzz $kind: exit $status, $(ls "$corpus" | wc -l) in the corpus, $(ls "$crashes" | wc -l) crash files in $crashes"
# libFuzzer exits 77 on a crash by default, which meson reads as a skip: any finding fails.
(( status == 0 )) || exit 1
