#!/bin/sh
# Colour data shows in colour: with sprites-rgb loaded, the probe's decoding (dumped and on screen)
# and the Data panel's sample grid (on screen) have pixels whose channels differ; after switching
# to the grey sprites, the same places are grey again (every pixel's R = G = B).
#   test_gui_rgb.sh LATENTLAB PNG_CHECK PNG_COLOR WORKDIR
set -eu
exe=$1 png_check=$2 png_color=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
data sprites-rgb
train 300
probe 0 0.5 0.5
probe 1 0.5 0.5
sync
dump-probe 0 $dir/rgb_probe0.png
dump-probe 1 $dir/rgb_probe1.png
screenshot $dir/rgb.png
state $dir/rgb.txt
data sprites
train 300
sync
dump-probe 0 $dir/grey_probe0.png
screenshot $dir/grey.png
state $dir/grey.txt
quit
EOS
timeout 150 xvfb-run -a -s "-screen 0 1600x900x24" "$exe" --paused --points 2000 --script "$dir/script.txt"
grep -qx "dataset=sprites-rgb" "$dir/rgb.txt"
grep -qx "features=2352" "$dir/rgb.txt"
grep -qx "in_sync=1" "$dir/rgb.txt"
grep -qx "dataset=sprites" "$dir/grey.txt"
grep -qx "features=784" "$dir/grey.txt"
"$png_check" "$dir/rgb.png" 1600 900

# The rectangles come from the state dumps ("x y w h" in screenshot pixels).
grid_rgb=$(sed -n 's/^control_rect.data_grid=//p' "$dir/rgb.txt")
grid_grey=$(sed -n 's/^control_rect.data_grid=//p' "$dir/grey.txt")
probe_rgb=$(sed -n 's/^pane0.probe_rect=//p' "$dir/rgb.txt")
probe_grey=$(sed -n 's/^pane0.probe_rect=//p' "$dir/grey.txt")
test -n "$grid_rgb" && test -n "$probe_rgb" && test -n "$grid_grey" && test -n "$probe_grey"

# Colour: the decoded probes (one pixel per data pixel), the probe on screen and the sample grid.
# A mean chroma of 4 on a 0-255 scale is far above rounding; the sprites cover a fifth of a
# black tile at most, so the bound is modest.
"$png_color" "$dir/rgb_probe0.png" --min 4
"$png_color" "$dir/rgb_probe1.png" --min 4
"$png_color" "$dir/rgb.png" --min 4 --region $probe_rgb
"$png_color" "$dir/rgb.png" --min 4 --region $grid_rgb
# Grey stays grey: exactly equal channels, up to nothing.
"$png_color" "$dir/grey_probe0.png" --max 0
"$png_color" "$dir/grey.png" --max 0.01 --region $probe_grey
"$png_color" "$dir/grey.png" --max 0.01 --region $grid_grey
echo "test_gui_rgb: ok"
