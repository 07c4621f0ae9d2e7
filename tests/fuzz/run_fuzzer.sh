#!/usr/bin/env bash
# Runs one libFuzzer target: run_fuzzer.sh FUZZER KIND SECONDS. Seeds come from the test
# fixtures (make_seeds.py, made once per build); the corpus it grows is kept in the build
# folder for the next run. Exit 0 only if the fuzzer found nothing; its statistics
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
echo "fuzz $kind: $(ls "$seeds" | wc -l) seeds, $(ls "$corpus" | wc -l) in the corpus, $seconds s"
log=$root/tests/fuzz/$kind.log
set +e
"$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="$crashes/" "$corpus" "$seeds" >"$log" 2>&1
status=$?
set -e
grep -E "^(#[0-9]+ *(INITED|DONE)|stat::)" "$log" || true
[[ $status -eq 0 ]] || tail -n 60 "$log"
echo "fuzz $kind: exit $status, $(ls "$corpus" | wc -l) in the corpus, $(ls "$crashes" | wc -l) crash files in $crashes"
exit "$status"
