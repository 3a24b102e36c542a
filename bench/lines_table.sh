#!/usr/bin/env bash
# The lines table of the README (issue 19): Mean Distance and Smoothness of linear interpolations
# on the lines benchmark (Berthelot et al. 2018; core/measure/lines.h: 256 held-out pairs x 16
# steps) for the plain AE, the denoising AE, the VAE and ACAI, trained side by side by
# `latentlab interpolate` on the same batches, one run per seed; prints each seed's figures and a
# Markdown table of mean +- standard deviation over the seeds, with the date, CPU, load and wall
# time. Not part of CI.
# Both scales of core/measure/lines.h: ours on [0, 1], and the authors' (lines in [-1, 1], a
# skipped pair's Smoothness counting 0).
# usage: bench/lines_table.sh [BUILD_DIR] [ARCH] [EPOCHS] [TRAIN] [SEEDS] [LATENT] [EXTRA FLAGS]
#   defaults: build mlp 10 10000 "1 2 3" 16 ""   (EXTRA e.g. "--loss mse --acai-weight 0.125")
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
build="${1:-$here/../build}"
arch="${2:-mlp}"
epochs="${3:-10}"
train="${4:-10000}"
seeds="${5:-1 2 3}"
latent="${6:-16}"
extra="${7:-}"
models="ae,denoising,vae,acai"
count=$((train + 5000))  # the paper's 5,000 held-out lines
bench_stamp
echo "latentlab interpolate --data lines --count $count --train $train --arch $arch --latent $latent --epochs $epochs --models $models --seed S --json $extra"
start=$(date +%s)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The seeds run at the same time, one process each (each model trains on one thread).
for s in $seeds; do
  "$build/latentlab" interpolate --data lines --count "$count" --train "$train" --arch "$arch" --latent "$latent" \
    --epochs "$epochs" --models "$models" --seed "$s" --json $extra > "$out/$s.json" 2>/dev/null &
done
wait
end=$(date +%s)
for s in $seeds; do
  echo "seed $s: $(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = lambda v, k=1, fmt="%.3f": "n/a" if v is None else fmt % (k * v)  # None: every pair skipped (a constant decoder)
print("  ".join("%s %s %s [-1,1]: %s %s" % (m["model"], f(m["mean_distance"], 1e3, "%.2fe-3"), f(m["smoothness"]),
      f(m["paper_mean_distance"], 1e3, "%.2fe-3"), f(m["paper_smoothness"])) for m in d["models"]))' "$out/$s.json")"
done
cat "$out"/*.json | /usr/bin/python3 -c '
import json, statistics, sys
runs = [json.loads(l) for l in sys.stdin if l.strip()]
names = [m["model"] for m in runs[0]["models"]]
def ms(v):
    ok = [x for x in v if x is not None]  # None: every pair skipped in that seed
    note = " (%d of %d seeds n/a)" % (len(v) - len(ok), len(v)) if len(ok) < len(v) else ""
    if not ok:
        return "n/a"
    return ("%.2f +- %.2f" % (statistics.mean(ok), statistics.stdev(ok)) if len(ok) > 1 else "%.2f" % ok[0]) + note
print("| model | Mean Distance (x1e-3) | Smoothness | on [-1, 1]: Mean Distance (x1e-3) | Smoothness |")
print("| --- | --- | --- | --- | --- |")
for i, n in enumerate(names):
    col = lambda key, f=1: ms([None if r["models"][i][key] is None else f * r["models"][i][key] for r in runs])
    print("| %s | %s | %s | %s | %s |" % (n, col("mean_distance", 1e3), col("smoothness"),
                                         col("paper_mean_distance", 1e3), col("paper_smoothness")))
'
echo "wall time: $((end - start)) s for $(echo $seeds | wc -w) seeds; load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
