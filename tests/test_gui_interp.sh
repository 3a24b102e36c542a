#!/bin/sh
# The interpolation view. After some training, with "Interpolation" on: both models' strips are
# drawn (the dumped strips are real pictures, and the screen differs from the plain view where
# they sit); new endpoints change the strips; the metrics in the state dump are finite and
# positive; steps and the VAE's slerp reach the strips; picking on the map sets the endpoints;
# and the path is drawn on the maps: the maps keep their x and width when the view is switched
# on, and the pixels around the path change when only the endpoints do.
#   test_gui_interp.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
train 400
sync
screenshot $dir/off.png
state $dir/off.txt
panel interp on
interp 10003 10011
sync
screenshot $dir/on.png
state $dir/on.txt
dump-interp 0 $dir/ae_1.png
dump-interp 1 $dir/vae_1.png
interp-random different
sync
screenshot $dir/random.png
dump-interp 0 $dir/ae_2.png
dump-interp 1 $dir/vae_2.png
state $dir/random.txt
interp-steps 5
interp-path slerp
interp-t 0.2
sync
state $dir/slerp.txt
dump-interp 1 $dir/vae_slerp.png
interp-pick 0 -1 -1
interp-pick 0 1 1
sync
state $dir/picked.txt
quit
EOS
xvfb $((120 * scale)) 1600x900 "$exe" --paused --points 2000 --script "$dir/script.txt"


"$png_check" "$dir/on.png" 1600 900
# The strips are pictures: original A, 9 interpolants, original B, 28 x 28 each.
for m in ae vae; do
  "$png_check" "$dir/${m}_1.png" 308 28
  "$png_diff" "$dir/${m}_1.png" "$dir/${m}_2.png" --min 3   # new endpoints, new strip
done
for pane in 0 1; do
  "$png_diff" "$dir/off.png" "$dir/on.png" --min 5 --region $(value "$dir/on.txt" pane$pane.interp_strip_rect)
  # The maps keep their x and width (the summary's lines above them push them down); the path is
  # drawn where the state says: around it the map changes when only the endpoints change.
  test "$(value "$dir/off.txt" pane$pane.map_rect | cut -d' ' -f1,3)" = "$(value "$dir/on.txt" pane$pane.map_rect | cut -d' ' -f1,3)"
  "$png_diff" "$dir/on.png" "$dir/random.png" --min 4 --region $(value "$dir/on.txt" pane$pane.interp_path_rect)
  # Every metric is a finite positive number; 9 distances.
  for key in interp_mean interp_max interp_midpoint interp_smoothness interp_endpoints interp_frame; do
    v=$(value "$dir/on.txt" pane$pane.$key)
    awk -v v="$v" -v k="pane$pane.$key" 'BEGIN { if (!(v + 0 > 0 && v + 0 < 1e6)) { print k "=" v " is not finite and positive"; exit 1 } }'
  done
  test "$(value "$dir/on.txt" pane$pane.interp_distances | tr ',' '\n' | wc -l)" -eq 9
done
grep -qx "interp.a=10003" "$dir/on.txt"
grep -qx "interp.b=10011" "$dir/on.txt"
grep -q "^interp.summary=This pair: .*(mean " "$dir/on.txt"
# A random pair with different labels.
test "$(value "$dir/random.txt" interp.label_a)" != "$(value "$dir/random.txt" interp.label_b)"
# Steps and the path kind: slerp for the VAE, the AE stays linear.
grep -qx "pane0.interp_path=linear" "$dir/slerp.txt"
grep -qx "pane1.interp_path=slerp" "$dir/slerp.txt"
test "$(value "$dir/slerp.txt" pane1.interp_distances | tr ',' '\n' | wc -l)" -eq 5
"$png_check" "$dir/vae_slerp.png" 196 28
# Two picks on the map set A and B to two different samples.
a=$(value "$dir/picked.txt" interp.a) b=$(value "$dir/picked.txt" interp.b)
test "$a" != "$(value "$dir/slerp.txt" interp.a)" || test "$b" != "$(value "$dir/slerp.txt" interp.b)"
test "$a" != "$b"
echo "test_gui_interp: ok"
