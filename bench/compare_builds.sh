#!/usr/bin/env bash
# This build against another commit's (default: the previous commit), in one run, alternated
# A B A B, so that a slower change is seen before it lands. Builds REV in a temporary git worktree
# (Release, the same options), then runs `latentlab bench --json` on each, ROUNDS times in turn, and
# prints every run and the mean ratio new / old per figure. The CPU and its measured peak are
# printed with the figures. Not part of CI (it takes minutes and wants a quiet machine).
# usage: bench/compare_builds.sh [BUILD_DIR] [REV] [ROUNDS] [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
rev="${2:-HEAD~1}"
rounds="${3:-2}"
seconds="${4:-2}"
[ -x "$build/latentlab" ] || { echo "compare_builds: $build/latentlab not found; build first" >&2; exit 2; }
old_sha="$(git -C "$repo" rev-parse --short "$rev")"
work="$(mktemp -d /tmp/latentlab-compare.XXXXXX)"
cleanup() { git -C "$repo" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git -C "$repo" worktree add --detach "$work/src" "$rev" >/dev/null
echo "compare_builds: building $old_sha in $work (Release) ..."
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" -j"$(nproc)" --target latentlab >/dev/null
run() {  # $1 = binary; one JSON line
  "$1" bench --seconds "$seconds" --resident 0 --json
}
new_runs=() old_runs=()
for ((r = 1; r <= rounds; ++r)); do
  old_runs+=("$(run "$work/build/latentlab")")
  new_runs+=("$(run "$build/latentlab")")
done
/usr/bin/python3 - "$old_sha" "$(git -C "$repo" rev-parse --short HEAD)" "$rounds" "${old_runs[@]}" "${new_runs[@]}" <<'PY'
import json, sys
old_sha, new_sha, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [json.loads(s) for s in sys.argv[4:]]
old, new = runs[:rounds], runs[rounds:]
print(f"date: {__import__('datetime').date.today()}  cpu: {new[0].get('cpu', '?')}")
if 'peak_gflops' in new[0]:
    print(f"one core's FMA peak (this build's vectors): {new[0]['peak_gflops']:.1f} GFLOP/s")
rows = [(f"train b{b} samples/s", lambda j, b=b: j['train_samples_per_sec'][b], True)
        for b in new[0]['train_samples_per_sec']]
rows += [("probe decode ms", lambda j: j['probe_decode_ms'], False),
         ("32x32 grid decode ms", lambda j: j['grid32_decode_ms'], False),
         ("encode 10k ms", lambda j: j['encode10k_ms'], False)]
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
