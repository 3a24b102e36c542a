#!/usr/bin/env bash
# This build against another commit's (default: the previous commit), in one run, alternated
# A B A B, so that a slower change is seen before it lands. Builds REV in a temporary git worktree
# (Release, the same options), then runs `latentlab bench --json` on each, ROUNDS times in turn, and
# prints every run and the mean ratio new / old per figure. The CPU and its measured peak are
# printed with the figures. Not part of CI (it takes minutes and wants a quiet machine).
# REV's build is the headless CLI only (LATENTLAB_GUI=OFF: the bench needs no GUI), through ccache
# when it is installed, and is kept in ${TMPDIR:-/tmp}/latentlab-compare-build-<sha> so that a
# second comparison against the same commit does not build it again.
# usage: bench/compare_builds.sh [BUILD_DIR] [REV] [ROUNDS] [SECONDS] [BATCHES]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
rev="${2:-HEAD~1}"
rounds="${3:-2}"
seconds="${4:-2}"
batches="${5:-16,128,256}"
[ -x "$build/latentlab" ] || { echo "compare_builds: $build/latentlab not found; build first" >&2; exit 2; }
old_sha="$(git -C "$repo" rev-parse --short "$rev")"
old_build="${TMPDIR:-/tmp}/latentlab-compare-build-$old_sha"
if [ ! -x "$old_build/latentlab" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/latentlab-compare.XXXXXX")"
  cleanup() { git -C "$repo" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"; }
  trap cleanup EXIT
  git -C "$repo" worktree add --detach "$work/src" "$rev" >/dev/null
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  echo "compare_builds: building $old_sha in $old_build (Release, CLI only) ..."
  # The same layout as a worktree's build (source/build), so that ccache's relative paths match.
  mkdir -p "$old_build"
  cmake -S "$work/src" -B "$old_build" -DCMAKE_BUILD_TYPE=Release -DLATENTLAB_GUI=OFF "${launcher[@]}" >/dev/null
  cmake --build "$old_build" -j"$(nproc)" --target latentlab >/dev/null
fi
run() {  # $1 = binary; one JSON line
  "$1" bench --batch "$batches" --seconds "$seconds" --resident 0 --json
}
new_runs=() old_runs=()
for ((r = 1; r <= rounds; ++r)); do
  old_runs+=("$(run "$old_build/latentlab")")
  new_runs+=("$(run "$build/latentlab")")
done
/usr/bin/python3 - "$old_sha" "$(git -C "$repo" rev-parse --short HEAD)" "$rounds" "${old_runs[@]}" "${new_runs[@]}" <<'PY'
import json, sys
old_sha, new_sha, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [json.loads(s) for s in sys.argv[4:]]
old, new = runs[:rounds], runs[rounds:]
print(f"date: {__import__('datetime').date.today()}  cpu: {new[0].get('cpu', '?')}  "
      f"load: {open('/proc/loadavg').read().split()[0]}")
if 'peak_gflops' in new[0]:
    print(f"one core's FMA peak (this build's vectors): {new[0]['peak_gflops']:.1f} GFLOP/s")
rows = [(f"train b{b} samples/s", lambda j, b=b: j['train_samples_per_sec'][b], True)
        for b in new[0]['train_samples_per_sec']]
rows += [(f"train b{b} % of peak", lambda j, b=b: 100 * j['train_fraction_of_peak'][b], True)
         for b in new[0].get('train_fraction_of_peak', {})]
rows += [("probe decode ms", lambda j: j['probe_decode_ms'], False),
         ("32x32 grid decode ms", lambda j: j['grid32_decode_ms'], False),
         ("encode 10k ms", lambda j: j['encode10k_ms'], False),
         ("32x32 grid % of peak", lambda j: 100 * j['grid32_fraction_of_peak'], True),
         ("encode 10k % of peak", lambda j: 100 * j['encode10k_fraction_of_peak'], True)]
print(f"{'figure':24}" + "".join(f"{old_sha + ' #' + str(i + 1):>14}{new_sha + ' #' + str(i + 1):>14}" for i in range(rounds))
      + f"{'new/old':>10}")
for name, get, higher_better in rows:
    try:
        o = [get(j) for j in old]; n = [get(j) for j in new]
    except KeyError:
        continue
    cells = "".join(f"{a:>14.4g}{b:>14.4g}" for a, b in zip(o, n))
    ratio = (sum(n) / len(n)) / (sum(o) / len(o))
    verdict = "" if abs(ratio - 1) < 0.03 else ("  better" if (ratio > 1) == higher_better else "  WORSE")
    print(f"{name:24}{cells}{ratio:>10.3f}{verdict}")
PY
