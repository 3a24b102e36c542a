#!/bin/sh
# Sensitivity row (app/gui/views/view_sensitivity.cpp), AE vs contractive AE (weight 0.1, code 16) on
# the digits. With the row on, both panes measure ||J||_F of their encoder on held-out samples: the
# contractive AE's mean is below the plain AE's. The nudge demo moves one sample (selected by the
# script, as a click does) by the same perturbation in both models: the contractive code moves less.
# The arrow from the code to the moved code is drawn on each map (its end points lie on the map; the
# map draws it a frame after the demo is computed, hence the waits), and a larger nudge moves the
# code further.
#   test_gui_sensitivity.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
data digits
panel holes off
panel sensitivity on
train 200
select 5
nudge 0.05 random
sync
wait 2
state $dir/small.txt
screenshot $dir/small.png
nudge 0.3 toward
sync
wait 2
state $dir/large.txt
screenshot $dir/large.png
quit
EOS
xvfb $((180 * scale)) 1600x900 "$exe" --paused --points 1000 --width 1024 --height 640 \
  --pair ae-contractive --latent 16 --contractive-weight 0.1 --script "$dir/script.txt"
"$png_check" "$dir/small.png" 1024 640
s="$dir/small.txt" l="$dir/large.txt"
grep -qx "sensitivity=1" "$s"
grep -qx "pane1.kind=contractive" "$s"
grep -qx "sensitivity_direction=toward" "$l"
for p in 0 1; do
  test "$(value "$s" pane$p.sensitivity_samples)" -gt 50
  test "$(value "$s" pane$p.nudge_sample)" = 5
  test "$(value "$l" pane$p.nudge_toward)" -ge 0
  # The arrow's ends lie on the map.
  awk -v a="$(value "$s" pane$p.nudge_arrow)" -v r="$(value "$s" pane$p.map_rect)" -v at="pane$p" 'BEGIN {
    split(a, e, " "); split(r, m, " ");
    for (k = 1; k <= 3; k += 2) if (e[k] < m[1] || e[k] > m[1] + m[3] || e[k+1] < m[2] || e[k+1] > m[2] + m[4]) {
      print at ": the arrow " a " leaves the map " r; exit 1 } }'
  # A larger nudge moves the code further.
  awk -v a="$(value "$s" pane$p.nudge_shift)" -v b="$(value "$l" pane$p.nudge_shift)" 'BEGIN { exit !(b > a && a > 0) }' ||
    { echo "pane$p: the larger nudge does not move the code further"; exit 1; }
done
j0=$(value "$s" pane0.jacobian_mean) j1=$(value "$s" pane1.jacobian_mean)
g0=$(value "$s" pane0.nudge_gain) g1=$(value "$s" pane1.nudge_gain)
echo "mean ||J||_F: ae $j0, contractive $j1; code moved per unit of input: ae $g0, contractive $g1"
awk -v a="$j0" -v b="$j1" 'BEGIN { exit !(b < 0.75 * a) }' || { echo "the contractive AE's ||J|| is not below the AE's"; exit 1; }
awk -v a="$g0" -v b="$g1" 'BEGIN { exit !(b < a) }' || { echo "the contractive AE's code moves no less than the AE's"; exit 1; }
# The nudge moves the arrow on the map (pixels change where it is drawn).
"$png_diff" "$dir/small.png" "$dir/large.png" --min 0.01 --region $(value "$s" pane0.map_rect)
echo "test_gui_sensitivity: ok"
