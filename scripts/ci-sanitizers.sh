#!/usr/bin/env bash
# CI's sanitizer builds (from the repository root), each in its own build folder, at -O1 -g1:
#   readers  AddressSanitizer + UndefinedBehaviorSanitizer over every reader of outside bytes: the
#            fuzz corpus replayed, the hostile-input, malformed-loader and save-fault tests, and the
#            executable they start (test_cli_hostile); most of core built plain
#            (LATENTLAB_ASAN_READERS). A subset of `asan` (its tests are among asan's); CI runs it
#            until `asan` has run to its end and passed.
#   asan     the same sanitizers over the whole unit suite (every ctest test but `install`, which
#            packages the build and runs no code of ours under test; the readers' tests among them),
#            every file instrumented, the MNIST reference in its short form (LATENTLAB_QUICK=1), GUI
#            off (no unit test needs it). Meant to replace `readers` in CI.
#   tsan     ThreadSanitizer, GUI on: the trainer tests and the GUI tests that cross the trainer/UI
#            boundary (the real app under Xvfb; which and why at tsan_tests below), with
#            tests/tsan.supp for Mesa's and X's own threads. In CI (README's test command).
# Which stages CI runs: the README's test command (its last step) says; README, "Hardening": CI's
# time, stage by stage. Every test of a sanitizer build has a time limit of at most 900 s
# (tests/CMakeLists.txt, sanitizer_timeout), so a hang costs minutes, not CI's 90-minute limit.
# Usage: bash scripts/ci-sanitizers.sh [readers] [asan] [tsan]   (no argument: readers)
# Folders: build-asan-readers, build-asan, build-tsan (override with READERS_DIR, ASAN_DIR, TSAN_DIR).
# -O1 in every stage (the asan and tsan stages were -O2 until 2026-12-06): less of Eigen's kernels
# inlined and then instrumented, a cheaper build. Line tables only (-g1: a report keeps its
# file:line, without the full debug info of every Eigen template), only the targets the stage
# runs, core and the CLI as a unity build (LATENTLAB_UNITY), Ninja where installed, tests two at a
# time (one test uses one core) except the GUI's. Prints the wall and CPU time of each part.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(readers)
for st in "${stages[@]}"; do
  case $st in readers|asan|tsan) ;; *) echo "ci-sanitizers: unknown stage '$st' (readers, asan, tsan)" >&2; exit 2 ;; esac
done
wants() { [[ " ${stages[*]} " == *" $1 "* ]]; }
readers_dir=${READERS_DIR:-build-asan-readers}
asan_dir=${ASAN_DIR:-build-asan}
tsan_dir=${TSAN_DIR:-build-tsan}
jobs=${JOBS:-2}
# -O1 in every stage: less inlining of Eigen's kernels to instrument. The readers stage also builds
# with LATENTLAB_ASAN_READERS (CMakeLists.txt): core's measures, trainer thread and performance
# counters, which never see outside bytes, build without the sanitizers; model.cpp stays
# instrumented (it holds the .llnet parser and the size budgets).
flags="-O1 -g1 -DNDEBUG"
# LATENTLAB_UNITY (CMakeLists.txt): core's and the CLI's files compiled in batches, so that the
# Eigen templates several files use are instrumented once per batch, not once per file.
common=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=$flags"
        "-DCMAKE_C_FLAGS_RELWITHDEBINFO=$flags" -DLATENTLAB_UNITY=ON)
# Ninja where it is installed (the machine's image has it; make otherwise), for a new build folder
# only (an old one keeps its generator): it compiles a target's files while the libraries they link
# are still being built, where make starts no test's file before latentlab_core and latentlab_cli
# are linked, so one core idles while the longest compiles (core/models/model.cpp, the largest
# batch) finish (README, "Hardening": the two schedules of the stage's measured compiles).
generator() {  # generator <dir>: the -G option for a new build folder, or nothing
  [ ! -f "$1/CMakeCache.txt" ] && command -v ninja >/dev/null && echo "-GNinja" || true
}
# What reads outside bytes, and the tests that feed it hostile ones (README, "Hardening").
reader_tests=(test_fuzz_corpus test_hostile_csv test_hostile_idx test_hostile_images test_hostile_model
              test_cli_hostile test_loaders_malformed test_save_faults)

TIMEFORMAT='%R s wall, %U s user + %S s sys'
timed() {  # timed <label> <command...>: runs it, prints its wall and CPU time, returns its status
  local label=$1 rc=0 t
  shift
  { t=$( { time "$@" 1>&3 2>&4; } 2>&1 ) || rc=$?; } 3>&1 4>&2
  echo "ci-sanitizers: $label took $t$([ $rc = 0 ] || echo ", FAILED (status $rc)")"
  return $rc
}
# Every sanitizer report also goes to a file (log_path), whoever made it: a test's own process or
# one it started (the CLI, the GUI under Xvfb), even when the test then ignores that process's
# status or kills it. Any such file fails the stage, whatever the tests said, an empty one too.
# A process that a test SIGKILLs at a random moment runs without LeakSanitizer's check at exit
# (test_save_faults, spawn_latentlab): a kill inside that check left its helper process (the
# tracer, which outlives the kill by a moment) writing "Unable to get registers from thread N" into
# the dead process's file, or only creating it, empty (the CI failure of 2026-12-07, asan.945).
reports_of() {  # reports_of <dir>: prints the reports found there, fails if there are any
  local files
  files=$(find "$1" -type f 2>/dev/null | sort)
  [ -z "$files" ] && return 0
  for f in $files; do echo "---- $f"; cat "$f"; done
  return 1
}
# A failing suite does not stop the next stage, so that one run shows every report; the script
# fails at the end. A failing build stops it.
failed=()

# A report is an error (exit code), with the stack; leaks are reported too. ASAN_OPTIONS_CI /
# UBSAN_OPTIONS_CI replace these (not ASAN_OPTIONS: a caller's setting must not slip in unnoticed).
asan_options() {  # asan_options <reports dir>
  ASAN_OPTIONS=${ASAN_OPTIONS_CI:-abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:log_path=$1/asan}
  UBSAN_OPTIONS=${UBSAN_OPTIONS_CI:-print_stacktrace=1:halt_on_error=1:log_path=$1/ubsan}
  export ASAN_OPTIONS UBSAN_OPTIONS
}

# -- readers: ASan + UBSan over the readers of outside bytes ------------------------------------
if wants readers; then
  timed "readers configure" cmake -S . -B "$readers_dir" $(generator "$readers_dir") "${common[@]}" -DLATENTLAB_ASAN=ON \
    -DLATENTLAB_ASAN_READERS=ON -DLATENTLAB_GUI=OFF >/dev/null
  timed "readers build" cmake --build "$readers_dir" -j"$jobs" --target latentlab "${reader_tests[@]}"
  readers_reports=$PWD/$readers_dir/sanitizer-reports
  rm -rf "$readers_reports" && mkdir -p "$readers_reports"
  asan_options "$readers_reports"
  regex="^($(IFS='|'; echo "${reader_tests[*]}"))\$"
  timed "readers suite" ctest --test-dir "$readers_dir" --output-on-failure -j"$jobs" -R "$regex" ||
    failed+=("readers suite")
  reports_of "$readers_reports" || failed+=("readers reports")
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

# -- asan: ASan + UBSan over the whole unit suite -------------------------------------------------
if wants asan; then
timed "asan configure" cmake -S . -B "$asan_dir" $(generator "$asan_dir") "${common[@]}" -DLATENTLAB_ASAN=ON -DLATENTLAB_ASAN_READERS=OFF \
  -DLATENTLAB_GUI=OFF >/dev/null
# Only what the suite runs: every ctest test (each unit test is a target of the same name) and the
# executable they start; not the benchmarks.
# Not `test_lesson_checks`: it trains every lesson's models at the lesson's own settings, 38 s in
# the normal build and more than its 900 s limit under ASan at -O1 (CI, 2026-12-07); the normal
# stage runs it, and the training code it calls runs under ASan in test_kinds, test_kind_figures,
# test_acai, test_collapse and the others.
asan_skip='^(install|test_lesson_checks)$'
mapfile -t asan_tests < <(ctest --test-dir "$asan_dir" -N | sed -n 's/^ *Test *#[0-9]*: //p' | grep -Ev "$asan_skip")
[ ${#asan_tests[@]} -gt 0 ] || { echo "ci-sanitizers: no tests found in $asan_dir" >&2; exit 1; }
timed "asan build" cmake --build "$asan_dir" -j"$jobs" --target latentlab "${asan_tests[@]}"
asan_reports=$PWD/$asan_dir/sanitizer-reports
rm -rf "$asan_reports" && mkdir -p "$asan_reports"
asan_options "$asan_reports"
# `install` packages the build (cpack) and runs no code of ours under test: the normal stage runs it
# (and `--target install` would install the ASan build into the system).
timed "asan suite" env LATENTLAB_QUICK=1 ctest --test-dir "$asan_dir" --output-on-failure -j"$jobs" -E "$asan_skip" ||
  failed+=("ASan+UBSan suite")
reports_of "$asan_reports" || failed+=("ASan+UBSan reports")
unset ASAN_OPTIONS UBSAN_OPTIONS
fi

# -- TSan: the trainer's threads and the GUI's snapshots of them ----------------------------------
# The GUI tests that cross the boundary in every way it has: gui_smoke (both models training while
# every frame reads their snapshots), gui_session (save while training, reopen, resume, autosave on
# close: the trainer's state taken from its thread, and its shutdown), gui_fire (a minute of random
# input: models rebuilt, data switched, live hyperparameter changes, the window closed mid-run).
# The other GUI tests check what views draw from the same snapshots through the same calls; under
# TSan they would add about ten times their normal 6 minutes for no new thread interaction.
tsan_tests='^(test_trainer|gui_smoke|gui_session|gui_fire)$'
if wants tsan; then
timed "tsan configure" cmake -S . -B "$tsan_dir" $(generator "$tsan_dir") "${common[@]}" -DLATENTLAB_TSAN=ON -DLATENTLAB_GUI=ON >/dev/null
timed "tsan build" cmake --build "$tsan_dir" -j"$jobs" --target latentlab test_trainer png_check png_diff
tsan_reports=$PWD/$tsan_dir/sanitizer-reports
rm -rf "$tsan_reports" && mkdir -p "$tsan_reports"
# A data race fails the process (exit code 66) and so the test. tests/tsan.supp says what is
# suppressed (Mesa's and X's own threads, nothing of ours) and why. TSAN_OPTIONS_CI replaces these
# (not TSAN_OPTIONS: a caller's setting must not slip in unnoticed, as for ASan above).
export TSAN_OPTIONS=${TSAN_OPTIONS_CI:-halt_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp:log_path=$tsan_reports/tsan}
timed "tsan suite" ctest --test-dir "$tsan_dir" --output-on-failure -j1 -R "$tsan_tests" || failed+=("TSan suite")
reports_of "$tsan_reports" || failed+=("TSan reports")
unset TSAN_OPTIONS
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "ci-sanitizers: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "ci-sanitizers: passed: ${stages[*]}"
