#!/bin/sh
# Compare mode: the pair picked (script `rebuild pair=NAME`, as the Model panel's Pair combo does) is
# what trains, and the Model panel's cost per step is measured for both models (a positive ms per
# step each, which the panel shows with the ratio to the first), and the contractive AE's loss has the
# Jacobian penalty that its step pays for (the plain AE's none). That its step costs more than the
# plain AE's is a speed claim, checked by
# bench/bench_step_cost.cpp and not here: a wall-clock comparison fails under load. The
# narrow-vs-wide pair gives the right model a 64-unit code with no hidden layer.
#   test_gui_compare.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
state $dir/default.txt
rebuild pair=ae-contractive
train 60
sync
state $dir/contractive.txt
screenshot $dir/contractive.png
rebuild pair=narrow-wide
train 10
sync
state $dir/wide.txt
quit
EOS
xvfb $((150 * scale)) 1600x900 "$exe" --paused --points 2000 --script "$dir/script.txt"
"$png_check" "$dir/contractive.png" 1600 900
grep -qx "pair=ae-vae" "$dir/default.txt"
grep -qx "pane1.kind=vae" "$dir/default.txt"
grep -qx "pair=ae-contractive" "$dir/contractive.txt"
grep -qx "pane0.kind=ae" "$dir/contractive.txt"
grep -qx "pane1.kind=contractive" "$dir/contractive.txt"
ae=$(sed -n 's/^pane0.step_ms=//p' "$dir/contractive.txt")
cae=$(sed -n 's/^pane1.step_ms=//p' "$dir/contractive.txt")
echo "ms per step: ae $ae, contractive $cae"
awk -v a="$ae" -v c="$cae" 'BEGIN { exit !(a > 0 && c > 0) }' || { echo "a step's cost was not measured: '$ae' and '$cae'"; exit 1; }
# What makes the contractive step the costlier, without a clock: its loss has a Jacobian penalty
# (recon + penalty, the penalty positive), the plain AE's has none.
ae_pen=$(sed -n 's/^pane0.loss_parts=[^ ]* [^ ]* //p' "$dir/contractive.txt")
cae_pen=$(sed -n 's/^pane1.loss_parts=[^ ]* [^ ]* //p' "$dir/contractive.txt")
awk -v a="$ae_pen" -v c="$cae_pen" 'BEGIN { exit !(a == 0 && c > 0) }' ||
  { echo "penalties: ae '$ae_pen' (want 0), contractive '$cae_pen' (want > 0)"; exit 1; }
grep -qx "pane0.latent=2" "$dir/wide.txt"
grep -qx "pane1.latent=64" "$dir/wide.txt"
grep -qx "pane1.kind=ae" "$dir/wide.txt"
echo "test_gui_compare: ok"
