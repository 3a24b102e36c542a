#!/bin/sh
# The decoded manifold:
# 1. Switching it on fills each map's background with decoded tiles (the map regions of the
#    screenshots differ), and zooming a map re-decodes its tiles for the new view.
# 2. On prior quantiles (Kingma & Welling's figure): n x n tiles, tile (0, 0) decodes
#    (Φ⁻¹(1/2n), Φ⁻¹(1 - 1/2n)) and the last tile its mirror; each tile is drawn at its own code:
#    the code's screen position (from the map's rectangle and view, as the points are placed) lies
#    inside its tile, every inner edge is the midpoint between two neighbouring codes, the outer
#    ones as far out as the inner ones in, and the layer spans exactly the outer edges. So the tiles
#    are unequal (the outer ones wider than the middle ones) and the picture matches the points.
#    The same after a zoom (the tiles follow the view). Points off: the map region changes.
#   test_gui_manifold.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
train 300
sync
screenshot $dir/off.png
panel manifold on
sync
screenshot $dir/on.png
state $dir/on.txt
zoom 1 3
sync
wait 2
screenshot $dir/zoomed.png
state $dir/zoomed.txt
fit 1
panel holes off
panel quantiles on
sync
wait 2
screenshot $dir/quantiles.png
state $dir/quantiles.txt
zoom 0 0.7
zoom 1 1.6
sync
wait 2
state $dir/quantiles_zoomed.txt
panel points off
wait 3
screenshot $dir/points_off.png
state $dir/points_off.txt
quit
EOS
xvfb $((170 * scale)) 1600x900 "$exe" --paused --points 2000 --script "$dir/script.txt"
"$png_check" "$dir/on.png" 1600 900
for pane in 0 1; do
  "$png_diff" "$dir/off.png" "$dir/on.png" --min 4 --region $(value "$dir/on.txt" pane$pane.map_rect)
done
"$png_diff" "$dir/on.png" "$dir/zoomed.png" --min 4 --region $(value "$dir/on.txt" pane1.map_rect)
grep -qx "manifold=1" "$dir/on.txt"
grep -q "^pane0.manifold_tiles=20x" "$dir/on.txt"
grep -qx "pane1.follow=0" "$dir/zoomed.txt"

# Prior quantiles: 20 x 20 tiles, the corners at ±Φ⁻¹(1 - 1/40) = ±1.95996, each tile at its code.
grep -qx "manifold_grid=quantiles" "$dir/quantiles.txt"
for state in quantiles quantiles_zoomed; do
  f="$dir/$state.txt"
  test "$(value "$f" pane0.manifold_tiles)" = "20x20"
  for pane in 0 1; do
    awk -v first="$(value "$f" pane$pane.manifold_first_z)" -v last="$(value "$f" pane$pane.manifold_last_z)" \
        -v view="$(value "$f" pane$pane.view)" -v rect="$(value "$f" pane$pane.map_rect)" \
        -v layer="$(value "$f" pane$pane.manifold_layer)" \
        -v ucodes="$(value "$f" pane$pane.manifold_col_codes)" -v uedges="$(value "$f" pane$pane.manifold_col_edges)" \
        -v vcodes="$(value "$f" pane$pane.manifold_row_codes)" -v vedges="$(value "$f" pane$pane.manifold_row_edges)" \
        -v where="$state pane $pane" '
    function near(a, b, tol) { return (a - b <= tol && b - a <= tol) }
    function fail(msg) { print "test_gui_manifold: " where ": " msg; bad = 1; exit 1 }
    # codes c[1..n] at screen positions s (sign -1 for v: up the plane is up the screen), edges e[1..n+1]
    function check_axis(name, n, c, e, centre, view_c, sign,   i, x, prev, mid) {
      for (i = 1; i <= n; ++i) {
        x[i] = centre + sign * (c[i] - view_c) * scale
        if (!(x[i] > e[i] && x[i] < e[i + 1])) fail(name " code " i " at " x[i] " is outside its tile " e[i] ".." e[i + 1])
      }
      for (i = 2; i <= n; ++i) {
        mid = 0.5 * (x[i - 1] + x[i])
        if (!near(e[i], mid, 2.0)) fail(name " edge " i " at " e[i] ", not the midpoint " mid)
      }
      if (!near(e[1], x[1] - 0.5 * (x[2] - x[1]), 2.0) || !near(e[n + 1], x[n] + 0.5 * (x[n] - x[n - 1]), 2.0)) fail(name " outer edges")
      if (!(e[2] - e[1] > 2 * (e[n / 2 + 2] - e[n / 2 + 1]))) fail(name " tiles of equal width: not at their codes")
    }
    BEGIN {
      split(first, f, ","); split(last, l, ",")
      if (!(near(f[1], -1.95996, 1e-3) && near(f[2], 1.95996, 1e-3) && near(l[1], 1.95996, 1e-3) && near(l[2], -1.95996, 1e-3)))
        fail("quantile corners " first " / " last)
      split(view, v, ","); split(rect, r, " "); split(layer, L, " ")
      scale = 0.5 * (r[3] < r[4] ? r[3] : r[4]) / v[3]
      nu = split(ucodes, uc, ","); split(uedges, ue, ","); nv = split(vcodes, vc, ","); split(vedges, ve, ",")
      if (nu != 20 || nv != 20) fail("expected 20 codes a side, got " nu " and " nv)
      check_axis("u", nu, uc, ue, r[1] + 0.5 * r[3], v[1], 1)
      check_axis("v", nv, vc, ve, r[2] + 0.5 * r[4], v[2], -1)
      if (!near(L[1], ue[1], 0.5) || !near(L[3], ue[nu + 1], 0.5) || !near(L[2], ve[1], 0.5) || !near(L[4], ve[nv + 1], 0.5))
        fail("the layer " layer " does not span the outer edges")
    }'
  done
done
# Points off: the maps change, and only there.
"$png_check" "$dir/points_off.png" 1600 900
grep -qx "points_shown=0" "$dir/points_off.txt"
for pane in 0 1; do
  "$png_diff" "$dir/quantiles.png" "$dir/points_off.png" --min 2 --region $(value "$dir/quantiles.txt" pane$pane.map_rect)
done
echo "test_gui_manifold: ok"
