#!/bin/sh
# Anomaly row (app/gui/views/view_anomaly.cpp) on the digits. With the panel on, both panes score the
# held-out points: the AE by reconstruction error, the VAE by -ELBO (the default choice falls back
# where it does not apply); the threshold starts at the 95th percentile, so about 5% lie above it;
# the top-k scores are sorted, most anomalous first, and none is below the threshold. Moving the
# threshold to the median (script) puts about half above it and rings more points on the map (its
# pixels change). Choosing the nearest score rescores both panes.
#   test_gui_anomaly.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS2
data digits
panel holes off
panel anomaly on
train 300
sync
state $dir/p95.txt
screenshot $dir/p95.png
anomaly-quantile 0 0.5
anomaly-quantile 1 0.5
wait 2
state $dir/median.txt
screenshot $dir/median.png
anomaly-score nearest
sync
state $dir/nearest.txt
quit
EOS2
xvfb $((240 * scale)) 1600x900 "$exe" --paused --points 2000 --width 1024 --height 640 --script "$dir/script.txt"

grep -qx "anomaly=1" "$dir/p95.txt"
test "$(value "$dir/p95.txt" pane0.anomaly_score)" = recon
test "$(value "$dir/p95.txt" pane1.anomaly_score)" = elbo
test "$(value "$dir/nearest.txt" pane0.anomaly_score)" = nearest
test "$(value "$dir/nearest.txt" pane1.anomaly_score)" = nearest
for p in 0 1; do
  for f in p95 median nearest; do
    test "$(value "$dir/$f.txt" pane$p.anomaly_samples)" -gt 100
    # The top-k: most anomalous first, none below the threshold.
    awk -v top="$(value "$dir/$f.txt" pane$p.anomaly_top)" -v thr="$(value "$dir/$f.txt" pane$p.anomaly_threshold)" -v at="$f pane$p" '
    BEGIN { n = split(top, t, ","); if (n < 2) { print at ": top-k missing: " top; exit 1 }
      for (i = 2; i <= n; ++i) if (t[i] + 0 > t[i - 1] + 0) { print at ": top-k not descending: " top; exit 1 }
      if (t[n] + 0 < thr + 0) { print at ": a top-k score below the threshold " thr ": " top; exit 1 } }'
  done
  awk -v a="$(value "$dir/p95.txt" pane$p.anomaly_share)" -v b="$(value "$dir/median.txt" pane$p.anomaly_share)" \
      -v t95="$(value "$dir/p95.txt" pane$p.anomaly_threshold)" -v p95="$(value "$dir/p95.txt" pane$p.anomaly_p95)" \
      -v t50="$(value "$dir/median.txt" pane$p.anomaly_threshold)" -v at="pane$p" '
  BEGIN {
    if (t95 != p95) { print at ": the default threshold " t95 " is not the 95th percentile " p95; exit 1 }
    if (!(a > 0.02 && a < 0.08)) { print at ": share above the 95th percentile " a; exit 1 }
    if (!(b > 0.4 && b < 0.6)) { print at ": share above the median " b; exit 1 }
    if (!(t50 + 0 < t95 + 0)) { print at ": the median threshold " t50 " is not below the 95th percentile " t95; exit 1 }
  }'
done
# More points above the threshold: more rings on the map.
"$png_diff" "$dir/p95.png" "$dir/median.png" --min 1 --region $(value "$dir/p95.txt" pane0.map_rect)
echo "test_gui_anomaly: ok"
