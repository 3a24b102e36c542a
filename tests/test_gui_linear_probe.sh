#!/bin/sh
# The linear-probe table in the app (app/gui/views/view_linear_probe.cpp) on the digits, two panes
# (AE and VAE, code 2). Checks, from the state the app writes:
#   - nothing is measured until asked (the row shows a Measure button, no figures);
#   - `probe-measure` runs it off the UI thread and `sync` waits for it: every pane then has its
#     raw-pixel, PCA and model figures, each an accuracy in [0, 1], at the training step measured;
#   - the raw pixels and PCA are the very figures `latentlab reduce --json --latent 2` prints on
#     the same data (the same core code: measure/reduction.h), and the 784 raw pixels beat PCA's 2
#     dimensions, as the README's table has it;
#   - the row passes the layout check at 1024x640 and at 1920x1080.
#   test_gui_linear_probe.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
"$exe" reduce --data digits --latent 2 --json > "$dir/reduce.json"
json() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" "$dir/reduce.json"; }
pca=$(json linear_probe_accuracy) raw=$(json raw_linear_probe_accuracy)
for size in 1024x640 1920x1080; do
  cat > "$dir/script-$size.txt" <<EOS
panel holes off
panel linear-probe on
train 300
sync
state $dir/before-$size.txt
probe-measure
sync
state $dir/$size.txt
layout-check $dir/layout-$size.txt
screenshot $dir/$size.png
quit
EOS
  w=${size%x*} h=${size#*x}
  xvfb $((300 * scale)) 1920x1080 "$exe" --paused --points 2000 --data digits --latent 2 \
    --width "$w" --height "$h" --script "$dir/script-$size.txt" > "$dir/log-$size.txt" 2>&1 ||
    { cat "$dir/log-$size.txt"; exit 1; }
  "$png_check" "$dir/$size.png" "$w" "$h"
  f=$dir/$size.txt
  grep -qx "linear_probe=1" "$f"
  grep -qx "linear_probe_busy=0" "$f"
  grep -qx "problems=0" "$dir/layout-$size.txt" || { cat "$dir/layout-$size.txt"; exit 1; }
  for p in 0 1; do
    test "$(value "$dir/before-$size.txt" pane$p.probe_version)" = 0
    test "$(value "$f" pane$p.probe_version)" -gt 0
    test "$(value "$f" pane$p.probe_step)" = 300
    test "$(value "$f" pane$p.probe_latent)" = 2
    awk -v raw="$(value "$f" pane$p.probe_raw)" -v pca="$(value "$f" pane$p.probe_pca)" -v m="$(value "$f" pane$p.probe_model)" \
        -v cpca="$pca" -v craw="$raw" -v at="$size pane$p" '
    BEGIN {
      if (!(m >= 0 && m <= 1 && m > 0.2)) { print at ": model probe " m " not above chance"; exit 1 }
      d1 = raw - craw; d2 = pca - cpca
      if (d1 * d1 > 1e-6 || d2 * d2 > 1e-6) { print at ": raw " raw " / PCA " pca " differ from reduce --json " craw " / " cpca; exit 1 }
      if (!(raw + 0 > pca + 0.1)) { print at ": raw pixels " raw " not above PCA 2-D " pca; exit 1 }
    }'
  done
done
echo "test_gui_linear_probe: ok"
