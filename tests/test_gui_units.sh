#!/bin/sh
# Code units row (app/gui/views/view_units.cpp), AE vs sparse AE (KL sparsity, weight 10, code 16) on
# the digits. With the row on, both panes encode the held-out points: the sparse AE's mean activation
# lies nearer the target rho than the plain AE's, fewer of its values are active, and each pane lists
# its units busiest first. On screen the sparse pane's heatmap is mostly near-zero cells (drawn in
# the plane's grey), so it carries less colour than the plain pane's; turning the row off gives the
# strips back (its pixels change).
#   test_gui_units.sh LATENTLAB PNG_CHECK PNG_COLOR WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_color=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
data digits
panel holes off
panel units on
train 300
sync
state $dir/units.txt
screenshot $dir/units.png
quit
EOS
xvfb $((180 * scale)) 1600x900 "$exe" --paused --points 2000 --width 1024 --height 640 \
  --pair ae-sparse --latent 16 --sparsity kl --sparsity-weight 10 --script "$dir/script.txt"
"$png_check" "$dir/units.png" 1024 640
s="$dir/units.txt"
grep -qx "units=1" "$s"
grep -qx "pane1.kind=sparse" "$s"
for p in 0 1; do
  test "$(value "$s" pane$p.units_samples)" -gt 100
  test "$(value "$s" pane$p.units_rho)" = 0.05
  # Busiest unit first, 16 of them.
  awk -v m="$(value "$s" pane$p.units_means)" -v at="pane$p" 'BEGIN { n = split(m, t, ",");
    if (n != 16) { print at ": " n " unit means, not 16"; exit 1 }
    for (i = 2; i <= n; ++i) if (t[i] + 0 > t[i - 1] + 0) { print at ": unit means not descending: " m; exit 1 } }'
done
a0=$(value "$s" pane0.units_mean_activation) a1=$(value "$s" pane1.units_mean_activation)
f0=$(value "$s" pane0.units_active_fraction) f1=$(value "$s" pane1.units_active_fraction)
echo "mean |h|: ae $a0, sparse $a1 (rho 0.05); active: ae $f0, sparse $f1"
awk -v a="$a0" -v b="$a1" -v f="$f0" -v g="$f1" 'BEGIN {
  da = a - 0.05; if (da < 0) da = -da; db = b - 0.05; if (db < 0) db = -db;
  if (!(db < 0.5 * da)) { print "the sparse AE is not nearer rho: " b " vs " a; exit 1 }
  if (!(g < f - 0.2)) { print "the sparse AE is not less active: " g " vs " f; exit 1 } }'
# Pixels: the sparse heatmap is mostly grey (near zero), the plain one coloured.
c0=$("$png_color" "$dir/units.png" --region $(value "$s" pane0.units_heat) | sed -n "s/.*mean chroma \([0-9.]*\).*/\1/p")
c1=$("$png_color" "$dir/units.png" --region $(value "$s" pane1.units_heat) | sed -n "s/.*mean chroma \([0-9.]*\).*/\1/p")
echo "heatmap chroma: ae $c0, sparse $c1"
awk -v a="$c0" -v b="$c1" 'BEGIN { exit !(a > 20 && b < 0.6 * a) }' || { echo "the sparse heatmap is not greyer: $c1 vs $c0"; exit 1; }
echo "test_gui_units: ok"
