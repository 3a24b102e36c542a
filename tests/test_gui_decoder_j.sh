#!/bin/sh
# The decoder's ||J||_F layer (app/gui/views/view_decoder_jacobian.cpp) on compare mode's plain AE vs
# contractive AE: it replaces the hole map under the points (and the hole map replaces it), measures
# both panes' grids for the newest weights, shades them (the map's pixels change when it turns on),
# and at latent 2 is the full norm; at latent 24 it is the norm along the PCA plane's 2 directions.
#   test_gui_decoder_j.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS2
data digits
rebuild pair=ae-contractive hidden=256 latent=2
panel holes off
panel points off
train 300
sync
screenshot $dir/off.png
panel decoder-j on
sync
state $dir/on.txt
screenshot $dir/on.png
panel holes on
sync
state $dir/holes.txt
rebuild pair=ae-contractive hidden=256 latent=24
plane pca
panel decoder-j on
train 50
sync
state $dir/wide.txt
screenshot $dir/wide.png
quit
EOS2
xvfb $((240 * scale)) 1600x900 "$exe" --paused --seed 1 --points 2000 \
  --width 1024 --height 640 --script "$dir/script.txt"
"$png_check" "$dir/on.png" 1024 640

test "$(value "$dir/on.txt" decoder_j)" = 1
test "$(value "$dir/on.txt" holes)" = 0
test "$(value "$dir/holes.txt" decoder_j)" = 0   # the hole map took the plane back
test "$(value "$dir/holes.txt" holes)" = 1
for p in 0 1; do
  test "$(value "$dir/on.txt" pane$p.decoder_j_version)" -gt 0
  test "$(value "$dir/on.txt" pane$p.decoder_j_full)" = 1
  test -z "$(value "$dir/on.txt" pane$p.decoder_j_error)"
  # A shaded grid with a spread of values: the decoder is more sensitive in some places than others.
  set -- $(value "$dir/on.txt" pane$p.decoder_j_range)
  awk -v lo="$1" -v hi="$2" -v at="pane$p" 'BEGIN { if (!(lo > 0 && hi > 1.2 * lo)) { print at ": range " lo " " hi; exit 1 } }'
  test "$(value "$dir/wide.txt" pane$p.decoder_j_version)" -gt 0
  test "$(value "$dir/wide.txt" pane$p.decoder_j_full)" = 0
done
# The layer is on screen: the maps' pixels change when it turns on (the points are off).
"$png_diff" "$dir/off.png" "$dir/on.png" --min 3
echo "test_gui_decoder_j: ok"
