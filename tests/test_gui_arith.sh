#!/bin/sh
# Latent arithmetic in the app (app/gui/views/view_arith.cpp) on the faces, on both maps of compare
# mode (the plain AE and the VAE): A = smiling (label 2), B = neutral (label 1); the attribute vector
# (A's mean code - B's) added to a neutral face's code moves its decoding from B's decoded mean
# towards A's as the strength grows (the state's toward_a: 0 at B's, 1 at A's): more at strength 1
# than at 0 by a margin, less at -1 than at 0; the slider's tile (1.5) equals the row's tile at 1.5;
# the arrow is drawn on both maps. Groups by a factor range (smile above 1/3 against |smile| <= 1/3)
# do the same. A lasso around the whole of a map takes all its points, one around half of it some.
# An unknown factor in a group is refused (exit 1). The row passes the layout check.
#   test_gui_arith.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
data faces
rebuild latent=4
panel holes off
panel arith on
train 400
arith label=2 label=1
arith-strength 1.5
sync
wait 2
state $dir/labels.txt
layout-check $dir/layout.txt
screenshot $dir/labels.png
arith smile=0.34:1 smile=-0.33:0.33
sync
state $dir/factor.txt
arith-lasso A 1 -1000 -1000 1000 -1000 1000 1000 -1000 1000
arith-lasso B 1 0 -1000 1000 -1000 1000 1000 0 1000
sync
state $dir/lasso.txt
quit
EOS
xvfb $((170 * scale)) 1600x900 "$exe" --paused --points 2000 --width 1024 --height 640 \
  --script "$dir/script.txt" > "$dir/log.txt" 2>&1 || { cat "$dir/log.txt"; exit 1; }
"$png_check" "$dir/labels.png" 1024 640
grep -qx "arith=1" "$dir/labels.txt"
grep -qx "arith_strengths=-1,-0.5,0,0.5,1,1.5,2" "$dir/labels.txt"
grep -qx "problems=0" "$dir/layout.txt" || { cat "$dir/layout.txt"; exit 1; }
for f in labels factor; do
  for pane in 0 1; do
    test -z "$(value "$dir/$f.txt" pane$pane.arith_error)"
    test "$(value "$dir/$f.txt" pane$pane.arith_arrow)" != "0 0 0 0"
    awk -v t="$(value "$dir/$f.txt" pane$pane.arith_toward_a)" -v c="$(value "$dir/$f.txt" pane$pane.arith_counts)" \
        -v norm="$(value "$dir/$f.txt" pane$pane.arith_norm)" -v what="$f pane $pane" '
    function abs(x) { return x < 0 ? -x : x }
    BEGIN {
      split(c, counts, " ")
      if (!(counts[1] > 20 && counts[2] > 20 && norm > 0)) { print what ": groups " c ", |v| " norm; exit 1 }
      n = split(t, a, ",")  # strengths -1, -0.5, 0, 0.5, 1, 1.5, 2, then the slider (1.5)
      if (n != 8) { print what ": " n " tiles"; exit 1 }
      if (!(a[5] > a[3] + 0.2)) { print what ": strength 1 moved the decoding too little towards A: " t; exit 1 }
      if (!(a[1] < a[3])) { print what ": strength -1 should move it away from A: " t; exit 1 }
      if (abs(a[8] - a[6]) > 1e-4) { print what ": the slider tile at 1.5 differs from the row tile at 1.5: " t; exit 1 }
    }'
  done
done
# Lassos on the VAE's map (its codes sit around 0): one around the whole plane takes every point, one
# around its right half some.
awk -v c="$(value "$dir/lasso.txt" pane1.arith_counts)" 'BEGIN { split(c, n, " ")
  if (!(n[1] == 2000 && n[2] > 0 && n[2] < 2000)) { print "lasso groups " c ": want 2000 and part of it"; exit 1 } }'
# A group that names no factor of the data is refused.
printf 'data faces\nrebuild latent=4\npanel arith on\narith nosuch=0:1 label=1\nquit\n' > "$dir/bad.txt"
if xvfb $((120 * scale)) 1600x900 "$exe" --paused --points 500 \
     --script "$dir/bad.txt" > "$dir/bad.log" 2>&1; then
  echo "test_gui_arith: a bad group was accepted"; exit 1
fi
grep -q "arith expects two groups" "$dir/bad.log"
echo "test_gui_arith: ok"
