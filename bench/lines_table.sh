#!/usr/bin/env bash
# The lines table of the README (issue 19): Mean Distance and Smoothness of linear interpolations
# on the lines benchmark (Berthelot et al. 2018; core/measure/lines.h: 256 held-out pairs x 16
# steps) for the plain AE, the denoising AE, the VAE and ACAI, trained side by side by
# `latentlab interpolate` on the same batches, one run per seed; prints each seed's figures and a
# Markdown table of mean +- standard deviation over the seeds, with the date, CPU, load and wall
# time. Not part of CI.
# usage: bench/lines_table.sh [BUILD_DIR] [ARCH] [EPOCHS] [TRAIN] [SEEDS] [LATENT]
#   defaults: build mlp 10 10000 "1 2 3" 16
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
build="${1:-$here/../build}"
arch="${2:-mlp}"
epochs="${3:-10}"
train="${4:-10000}"
seeds="${5:-1 2 3}"
latent="${6:-16}"
models="ae,denoising,vae,acai"
count=$((train + 5000))  # the paper's 5,000 held-out lines
bench_stamp
echo "latentlab interpolate --data lines --count $count --train $train --arch $arch --latent $latent --epochs $epochs --models $models --seed S --json"
start=$(date +%s)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The seeds run at the same time, one process each (each model trains on one thread).
for s in $seeds; do
  "$build/latentlab" interpolate --data lines --count "$count" --train "$train" --arch "$arch" --latent "$latent" \
    --epochs "$epochs" --models "$models" --seed "$s" --json > "$out/$s.json" 2>/dev/null &
done
wait
end=$(date +%s)
for s in $seeds; do
  echo "seed $s: $(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("  ".join("%s %.2fe-3 %.3f" % (m["model"], 1e3 * m["mean_distance"], m["smoothness"]) for m in d["models"]))' "$out/$s.json")"
done
cat "$out"/*.json | /usr/bin/python3 -c '
import json, statistics, sys
runs = [json.loads(l) for l in sys.stdin if l.strip()]
names = [m["model"] for m in runs[0]["models"]]
def ms(v):
    return "%.2f +- %.2f" % (statistics.mean(v), statistics.stdev(v)) if len(v) > 1 else "%.2f" % v[0]
print("| model | Mean Distance (x1e-3) | Smoothness |")
print("| --- | --- | --- |")
for i, n in enumerate(names):
    md = [1e3 * r["models"][i]["mean_distance"] for r in runs]
    sm = [r["models"][i]["smoothness"] for r in runs]
    print("| %s | %s | %s |" % (n, ms(md), ms(sm)))
'
echo "wall time: $((end - start)) s for $(echo $seeds | wc -w) seeds; load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
