#!/usr/bin/env bash
# CI's sanitizer builds, run by .ci/run after the normal build and suite (from the repository root):
#  1. AddressSanitizer + UndefinedBehaviorSanitizer, GUI off (no GUI test needs it): the whole
#     unit suite, the MNIST reference in its short form (LATENTLAB_QUICK=1).
#  2. ThreadSanitizer, GUI on: the trainer tests and the GUI tests (the real app under Xvfb), with
#     tests/tsan.supp for Mesa's own threads.
# Both at -O2 with debug info (RelWithDebInfo), each in its own build folder (build-asan,
# build-tsan; override with ASAN_DIR / TSAN_DIR). Prints the time of each part.
set -euo pipefail
cd "$(dirname "$0")/.."
asan_dir=${ASAN_DIR:-build-asan}
tsan_dir=${TSAN_DIR:-build-tsan}
jobs=${JOBS:-2}

timed() {  # timed <label> <command...>: runs it, prints its time, returns its status
  local label=$1 start rc=0
  shift
  start=$(date +%s)
  "$@" || rc=$?
  echo "ci-sanitizers: $label took $(( $(date +%s) - start )) s$([ $rc = 0 ] || echo ", FAILED (status $rc)")"
  return $rc
}
# A failing suite does not stop the other one, so that one CI run shows every report; the script
# fails at the end. A failing build stops it.
failed=()

# -- ASan + UBSan -------------------------------------------------------------------------------
timed "asan configure" cmake -S . -B "$asan_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLATENTLAB_ASAN=ON -DLATENTLAB_GUI=OFF >/dev/null
# Only what the suite runs: every ctest test (each unit test is a target of the same name) and the
# executable they start; not the benchmarks.
mapfile -t asan_tests < <(ctest --test-dir "$asan_dir" -N | sed -n 's/^ *Test *#[0-9]*: //p')
[ ${#asan_tests[@]} -gt 0 ] || { echo "ci-sanitizers: no tests found in $asan_dir" >&2; exit 1; }
timed "asan build" cmake --build "$asan_dir" -j"$jobs" --target latentlab "${asan_tests[@]}"
# A report is an error (exit code), with the stack; leaks are reported too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
timed "asan suite" env LATENTLAB_QUICK=1 ctest --test-dir "$asan_dir" --output-on-failure -j1 ||
  failed+=("ASan+UBSan suite")

# -- TSan: the trainer's threads and the GUI's snapshots of them ----------------------------------
timed "tsan configure+build" bash -c "cmake -S . -B '$tsan_dir' -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLATENTLAB_TSAN=ON -DLATENTLAB_GUI=ON >/dev/null && \
    cmake --build '$tsan_dir' -j$jobs --target latentlab test_trainer png_check png_diff"
# A data race fails the process (exit code 66) and so the test. tests/tsan.supp says what is
# suppressed (Mesa's and X's own threads, nothing of ours) and why.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp}
timed "tsan suite" ctest --test-dir "$tsan_dir" --output-on-failure -j1 -R '^(test_trainer|gui_.*)$' ||
  failed+=("TSan suite")

if [ ${#failed[@]} -gt 0 ]; then
  echo "ci-sanitizers: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "ci-sanitizers: both suites passed"
