#!/bin/sh
# The hole map and the decoded manifold's options.
# 1. The hole map is darker (nearer the data) where the AE puts real samples than elsewhere on the
#    plane: its mean value at the codes of the held-out samples is below its mean over the grid,
#    i.e. over uniformly random points of the visible plane. The map is zoomed out 2x from the
#    data's fitted frame first, so that the plane around the clusters is in view, not only the
#    clusters themselves.
# 2. The manifold on prior quantiles: tile (0, 0) decodes (Φ⁻¹(1/2n), Φ⁻¹(1 - 1/2n)) and the last
#    tile its mirror; n x n tiles. Points off: the map region changes, the state says so.
#   test_gui_holes.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
train 1000
zoom 0 0.5
sync
state $dir/holes.txt
dump-holes 0 $dir/holes0.txt
fit 0
panel holes off
panel manifold on
panel quantiles on
sync
screenshot $dir/points_on.png
state $dir/quantiles.txt
panel points off
wait 3
screenshot $dir/points_off.png
state $dir/points_off.txt
quit
EOS
timeout $((170 * ${LATENTLAB_TIME_SCALE:-1})) xvfb-run -a -s "-screen 0 1600x900x24" "$exe" --paused --points 2000 --script "$dir/script.txt"
value() { sed -n "s/^$2=//p" "$1"; }

grep -qx "holes=1" "$dir/holes.txt"
test "$(value "$dir/holes.txt" pane0.holes_grid)" = "48x48"
# Mean at the held-out codes (the grid cell each falls in) against the mean over the grid.
awk '
NR == 1 { cols = $2; rows = $3; u0 = $4; v0 = $5; u1 = $6; v1 = $7; next }
section == 0 && $1 == "heldout" { section = 1; next }
section == 0 { r = NR - 2; for (c = 0; c < cols; ++c) { val[r, c] = $(c + 1); grid_sum += $(c + 1); grid_n++ } next }
section == 1 {
  fx = ($1 - u0) / (u1 - u0); fy = (v1 - $2) / (v1 - v0)
  if (fx < 0 || fx >= 1 || fy < 0 || fy >= 1) { outside++; next }
  held_sum += val[int(fy * rows), int(fx * cols)]; held_n++
}
END {
  held = held_sum / held_n; grid = grid_sum / grid_n
  printf "hole map, AE: mean %.3f at %d held-out codes, %.3f over %d grid cells\n", held, held_n, grid, grid_n
  if (!(held_n > 100 && grid_n == 48 * 48 && held > 0.5 && held < grid)) { print "the hole map is not darker at the codes"; exit 1 }
}' "$dir/holes0.txt"

# Prior quantiles: 20 x 20 tiles, the corners at ±Φ⁻¹(1 - 1/40) = ±1.95996.
grep -qx "manifold_grid=quantiles" "$dir/quantiles.txt"
test "$(value "$dir/quantiles.txt" pane0.manifold_tiles)" = "20x20"
for pane in 0 1; do
  awk -v first="$(value "$dir/quantiles.txt" pane$pane.manifold_first_z)" -v last="$(value "$dir/quantiles.txt" pane$pane.manifold_last_z)" '
  function near(a, b) { return (a - b < 1e-3 && b - a < 1e-3) }
  BEGIN {
    split(first, f, ","); split(last, l, ",")
    if (!(near(f[1], -1.95996) && near(f[2], 1.95996) && near(l[1], 1.95996) && near(l[2], -1.95996))) {
      print "quantile corners " first " / " last; exit 1
    }
  }'
done
# Points off: the maps change, and only there.
"$png_check" "$dir/points_off.png" 1600 900
grep -qx "points_shown=0" "$dir/points_off.txt"
for pane in 0 1; do
  "$png_diff" "$dir/points_on.png" "$dir/points_off.png" --min 2 --region $(value "$dir/quantiles.txt" pane$pane.map_rect)
done
echo "test_gui_holes: ok"
