#!/bin/sh
# Colour points by: a true factor of the sprites (scale, then x), each sample's reconstruction
# error and the encoder's ||J||_F. Each colouring repaints the maps (their regions differ from the
# label colouring), spans the factor's own range of values over the points (scale and x differ),
# and the error and ||J||_F colourings measure every point (a finite positive mean per model).
# Then the undercomplete-overcomplete pair: the 1024-unit code gets a map of its own and keeps its
# label colours under ||J||_F (too wide to measure at every point), which its state says.
#   test_gui_colors.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
data sprites
panel holes off
train 300
sync
screenshot $dir/label.png
state $dir/label.txt
color-by scale
sync
screenshot $dir/scale.png
state $dir/scale.txt
color-by x
sync
state $dir/x.txt
color-by error
sync
screenshot $dir/error.png
state $dir/error.txt
color-by jacobian
sync
screenshot $dir/jacobian.png
state $dir/jacobian.txt
rebuild pair=under-over hidden=64 latent=2
color-by jacobian
train 100
sync
screenshot $dir/over.png
state $dir/over.txt
quit
EOS
xvfb $((170 * scale)) 1600x900 "$exe" --paused --points 2000 --script "$dir/script.txt"

grep -qx "color_by=label" "$dir/label.txt"
grep -qx "color_by=scale" "$dir/scale.txt"
grep -qx "color_by=reconstruction error" "$dir/error.txt"
for pane in 0 1; do
  region=$(value "$dir/label.txt" pane$pane.map_rect)
  "$png_diff" "$dir/label.png" "$dir/scale.png" --min 1 --region $region
  "$png_diff" "$dir/label.png" "$dir/error.png" --min 1 --region $region
  test "$(value "$dir/scale.txt" pane$pane.color_range)" != "$(value "$dir/x.txt" pane$pane.color_range)"
  awk -v r="$(value "$dir/scale.txt" pane$pane.color_range)" -v e="$(value "$dir/error.txt" pane$pane.recon_error_mean)" '
  BEGIN {
    split(r, a, ",")
    if (!(a[1] + 0 < a[2] + 0)) { print "scale colours span nothing: " r; exit 1 }
    if (!(e + 0 > 0 && e + 0 < 1e6)) { print "reconstruction error mean " e; exit 1 }
  }'
  "$png_diff" "$dir/label.png" "$dir/jacobian.png" --min 1 --region $region
  awk -v j="$(value "$dir/jacobian.txt" pane$pane.jacobian_norm_mean)" '
  BEGIN { if (!(j + 0 > 0 && j + 0 < 1e6)) { print "||J||_F mean " j; exit 1 } }'
done
# under-over: model 1 is the 1024-unit code, too wide for ||J||_F per point; model 0 is measured.
grep -qx "pane1.latent=1024" "$dir/over.txt"
grep -qx "pane0.jacobian_too_wide=0" "$dir/over.txt"
grep -qx "pane1.jacobian_too_wide=1" "$dir/over.txt"
awk -v j="$(value "$dir/over.txt" pane0.jacobian_norm_mean)" 'BEGIN { if (!(j + 0 > 0)) { print "pane 0 ||J||_F mean " j; exit 1 } }'
echo "test_gui_colors: ok"
