#!/usr/bin/env bash
# The explorer's frame budget, for every heavy view, in one command: both models training, 10,000
# points a map, 1600x900 under Xvfb, `--frame-stats`, one run per view setting (the defaults with the
# hole map, + decoded manifold, + Anomaly, + Inside the VAE, the ||J||_F colouring, the Arithmetic
# row, twin conv models, twin pooled models, the lines set's interpolation strip). With a second build (a directory holding
# latentlab, or a git revision, built Release in a temporary worktree as compare_builds.sh does) the
# two alternate A B A B in the same run, so that a slower change is seen whatever the load.
# Besides the wall-clock median it prints what does not depend on the machine's load: the main
# thread's CPU per frame, Mesa's llvmpipe rasterisers' CPU per frame, the X server's CPU per frame,
# the draw data and uploads per frame, and the trainer's steps per second (a cheaper frame bought
# by starving the trainer is no win). Prints `uptime` before and after: wall times under load are
# noise, and are not README benchmark figures. Not part of CI.
# usage: [FRAME_VIEWS="defaults manifold anomaly kl jacobian arith conv lines"] bench/frame_budget.sh [BUILD_DIR] [OTHER_BUILD_DIR|REV] [ROUNDS] [FRAMES]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
other="${2:-}"
rounds="${3:-1}"
frames="${4:-600}"
[ -x "$build/latentlab" ] || { echo "frame_budget: $build/latentlab not found; build first" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "frame_budget: Xvfb not found (apt-get install xvfb)" >&2; exit 2; }
work="$(mktemp -d /tmp/latentlab-frames.XXXXXX)"
xvfb_pid=""
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  [ -d "$work/src" ] && git -C "$repo" worktree remove --force "$work/src" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

builds=("$build/latentlab")
names=("this")
if [ -n "$other" ]; then
  if [ -x "$other/latentlab" ]; then
    builds=("$(cd "$other" && pwd)/latentlab" "${builds[@]}")
    names=("other" "${names[@]}")
  else
    sha="$(git -C "$repo" rev-parse --short "$other")"
    git -C "$repo" worktree add --detach "$work/src" "$other" >/dev/null
    echo "frame_budget: building $sha in $work (Release) ..."
    cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$work/build" -j"$(nproc)" --target latentlab >/dev/null
    builds=("$work/build/latentlab" "${builds[@]}")
    names=("$sha" "${names[@]}")
  fi
fi

# The view settings: a script each (the hole map is on by default), and the command-line flags a
# setting needs. FRAME_VIEWS="anomaly kl" runs only those. Besides the panels (any name `panel NAME on`
# takes; decoder-j: the decoder's ||J||_F layer in place of the hole map): jacobian (the points coloured
# by the encoder's ||J||_F, plain AE vs contractive AE), arith
# (the Arithmetic row, label 1 minus label 7), conv (twin conv models at 28x28, the defaults' views),
# pool (twin pooled models, the ACAI paper's network, at batch 32: its budget refuses an ACAI at 128),
# lines (the lines set, 12,000 lines, with the interpolation strip and its exact figures' workers).
setting_flags() {
  case "$1" in
    jacobian) echo "--pair ae-contractive" ;;
    conv) echo "--arch conv" ;;
    pool) echo "--arch pool --batch 32" ;;
    lines) echo "--data lines --count 12000" ;;
    *) echo "" ;;
  esac
}
setting_script() {
  case "$1" in
    defaults | conv | pool) ;;
    jacobian) echo "color-by jacobian" ;;
    arith) printf 'panel arith on\narith label=1 label=7\n' ;;
    lines) echo "panel interp on" ;;
    *) echo "panel $1 on" ;;
  esac
}
read -r -a views <<< "${FRAME_VIEWS:-defaults manifold anomaly kl jacobian arith conv lines}"
for v in "${views[@]}"; do
  { setting_script "$v"; echo "wait $frames"; echo "quit"; } > "$work/$v.txt"
done

# One X server for every run, so that its CPU time per run can be read from /proc.
Xvfb -displayfd 3 -screen 0 1600x900x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "frame_budget: Xvfb did not start" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"
ticks="$(getconf CLK_TCK)"
xcpu() { awk '{print $14 + $15}' "/proc/$xvfb_pid/stat"; }

# FRAME_TRAINER_POLICY=idle: the run's training thread ("ll-train") is moved to SCHED_IDLE once it
# exists (the app itself sets nice 19), to see whether the frames gain from a trainer that yields at
# once to every waking thread, and what the trainer's steps a second lose. Any Mesa variable
# (LP_NUM_THREADS=1) passes through the environment the same way.
trainer_idle() {
  for _ in $(seq 100); do
    for t in /proc/"$1"/task/*; do
      [ "$(cat "$t/comm" 2>/dev/null)" = ll-train ] && { chrt --idle -p 0 "${t##*/}" >/dev/null 2>&1; return 0; }
    done
    sleep 0.1
  done
}

echo "frame_budget: $(date -u '+%Y-%m-%d %H:%M UTC'); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores"
echo "frame_budget: load before: $(uptime | sed 's/.*load/load/')${FRAME_TRAINER_POLICY:+; trainer policy $FRAME_TRAINER_POLICY}${LP_NUM_THREADS:+; LP_NUM_THREADS=$LP_NUM_THREADS}"
results="$work/results.txt"
: > "$results"
for ((r = 1; r <= rounds; ++r)); do
  for v in "${views[@]}"; do
    for i in "${!builds[@]}"; do
      stats="$work/fs_${v}_${i}_$r.txt"
      x0="$(xcpu)"
      read -r -a flags <<< "$(setting_flags "$v")"
      "${builds[$i]}" --points 10000 ${flags[@]+"${flags[@]}"} --script "$work/$v.txt" --frame-stats "$stats" >/dev/null 2>&1 &
      app=$!
      [ "${FRAME_TRAINER_POLICY:-}" = idle ] && trainer_idle "$app"
      wait "$app" || { echo "frame_budget: ${names[$i]} failed on $v" >&2; exit 1; }
      x1="$(xcpu)"
      n="$(grep -c '^[0-9]' "$stats")"
      echo "$v ${names[$i]} $r $stats $(( x1 - x0 )) $n" >> "$results"
    done
  done
done
echo "frame_budget: load after:  $(uptime | sed 's/.*load/load/')"

/usr/bin/python3 - "$results" "$ticks" <<'PY'
import sys
results, ticks = sys.argv[1], float(sys.argv[2])
def read(path):
    kv = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 2 and not line[0].isdigit():
            try: kv[parts[0]] = float(parts[1])
            except ValueError: pass
    return kv
cols = [("median ms", "median_ms", "{:.1f}"), ("p90 ms", "p90_ms", "{:.1f}"),
        ("main CPU ms", "frame_cpu_ms", "{:.2f}"), ("views CPU", "views_cpu_ms", "{:.2f}"),
        ("llvmpipe CPU", "llvmpipe_cpu_median_ms", "{:.2f}"), ("X CPU", "_xcpu", "{:.2f}"),
        ("vertices", "vertices", "{:.0f}"), ("upload KiB", "upload_kib", "{:.1f}"),
        ("redraws", "offscreen_redraws", "{:.2f}"), ("trainer CPU", "cpu_trainer_ms", "{:.2f}"),
        ("steps/s", "trainer_steps_per_s", "{:.1f}")]
print("| views on | build | run | " + " | ".join(c[0] for c in cols) + " |")
print("| --- " * (3 + len(cols)) + "|")
for line in open(results):
    view, name, run, path, xticks, frames = line.split()
    kv = read(path)
    kv["_xcpu"] = float(xticks) / ticks * 1000.0 / max(1, int(frames))  # whole run, start-up included
    print(f"| {view} | {name} | {run} | " + " | ".join(f.format(kv[k]) if k in kv else "-" for _, k, f in cols) + " |")
print("\nmain CPU: the main thread's CPU per frame (median); llvmpipe CPU: Mesa's rasteriser threads' CPU per frame"
      " (median); X CPU: the X server's CPU per frame (mean over the run); trainer CPU: the training thread's CPU"
      " per frame (mean). The first three do not depend on the load; median, p90, trainer CPU and steps/s do.")
PY
