#!/bin/sh
# Disentanglement in the app (app/gui/views/view_factors.cpp) on the sprites: with the "Factors" row
# on, both maps' rows hold the mutual information of every latent dimension with every true factor
# (core/measure/mig.h's estimator on the map's held-out codes) and the MIG. The test checks what the
# estimator promises, from the state's own matrix: every I(z_j; f_k) lies in [0, H(f_k)], each
# factor's gap is (largest I - second largest I) / H(f_k), and the MIG is the mean gap; the trained
# models' codes know where the sprite is (the x and y factors' best dimension holds more than 0.1
# of their entropy, about 3 nats: codes paired with the wrong samples' factors would hold about 0.03
# of it, the plug-in estimate's bias of (20-1)^2 / (2 n) nats at n = 2000); the row passes the layout check at 1024x640. On digits (no factors) the
# row is not measured.
#   test_gui_factors.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
data sprites
rebuild latent=4
panel holes off
panel factors on
train 300
sync
wait 2
state $dir/sprites.txt
layout-check $dir/layout.txt
screenshot $dir/sprites.png
data digits
sync
state $dir/digits.txt
quit
EOS
xvfb $((170 * scale)) 1600x900 "$exe" --paused --points 2000 --width 1024 --height 640 \
  --script "$dir/script.txt" > "$dir/log.txt" 2>&1 || { cat "$dir/log.txt"; exit 1; }
"$png_check" "$dir/sprites.png" 1024 640
grep -qx "factors=1" "$dir/sprites.txt"
grep -qx "problems=0" "$dir/layout.txt" || { cat "$dir/layout.txt"; exit 1; }
for pane in 0 1; do
  test "$(value "$dir/sprites.txt" pane$pane.factors_version)" != 0
  test "$(value "$dir/sprites.txt" pane$pane.factors_row)" != "0 0 0 0"
  awk -v mi="$(value "$dir/sprites.txt" pane$pane.factors_mi)" -v h="$(value "$dir/sprites.txt" pane$pane.factors_entropy)" \
      -v gap="$(value "$dir/sprites.txt" pane$pane.factors_gap)" -v mig="$(value "$dir/sprites.txt" pane$pane.factors_mig)" \
      -v n="$(value "$dir/sprites.txt" pane$pane.factors_samples)" -v pane=$pane '
  function abs(x) { return x < 0 ? -x : x }
  BEGIN {
    nf = split(mi, rows, ";"); split(h, H, ","); split(gap, G, ",")
    if (nf != 5) { print "pane " pane ": " nf " factors, sprites have 5"; exit 1 }
    if (!(n + 0 >= 1000)) { print "pane " pane ": only " n " held-out samples measured"; exit 1 }
    sum = 0; varying = 0
    for (k = 1; k <= nf; k++) {
      latent = split(rows[k], I, " ")
      if (latent != 4) { print "pane " pane ": factor " k " has " latent " dimensions, not 4"; exit 1 }
      top = -1; second = 0
      for (j = 1; j <= latent; j++) {
        if (I[j] < 0 || I[j] > H[k] + 1e-9) { print "pane " pane ": I(z" j "; f" k ") = " I[j] " outside [0, H = " H[k] "]"; exit 1 }
        if (I[j] > top) { second = top < 0 ? 0 : top; top = I[j] } else if (I[j] > second) second = I[j]
      }
      if (H[k] > 0) {
        want = (top - second) / H[k]; sum += want; varying++
        if (abs(want - G[k]) > 1e-9) { print "pane " pane ": factor " k " gap " G[k] ", the matrix gives " want; exit 1 }
      }
      best[k] = H[k] > 0 ? top / H[k] : 0
    }
    if (abs(sum / varying - mig) > 1e-9) { print "pane " pane ": MIG " mig ", the mean gap is " sum / varying; exit 1 }
    if (!(best[4] > 0.1 && best[5] > 0.1)) { print "pane " pane ": x and y barely in the codes: " best[4] ", " best[5]; exit 1 }
  }'
done
# Digits carry no factors: nothing measured, the strips keep the row.
test "$(value "$dir/digits.txt" pane0.factors_version)" = 0
test "$(value "$dir/digits.txt" pane1.factors_version)" = 0
echo "test_gui_factors: ok"
