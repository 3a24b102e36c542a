#!/bin/sh
# Colour data shows in colour: with sprites-rgb loaded, the probe's decoding (dumped and on screen)
# and the Data panel's sample grid (on screen) have pixels whose channels differ; after switching
# to the grey sprites, the same places are grey again (every pixel's R = G = B).
#   test_gui_rgb.sh LATENTLAB PNG_CHECK PNG_COLOR WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_color=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
# The hole map is off: it is not what is tested, and on a loaded machine it slows every step.
cat > "$dir/script.txt" <<EOS
panel holes off
data sprites-rgb
train 100
probe 0 0.5 0.5
probe 1 0.5 0.5
sync
dump-probe 0 $dir/rgb_probe0.png
dump-probe 1 $dir/rgb_probe1.png
screenshot $dir/rgb.png
state $dir/rgb.txt
data sprites
train 20
sync
dump-probe 0 $dir/grey_probe0.png
screenshot $dir/grey.png
state $dir/grey.txt
quit
EOS
xvfb 240 1600x900 "$exe" --paused --points 2000 --script "$dir/script.txt"
grep -qx "dataset=sprites-rgb" "$dir/rgb.txt"
grep -qx "features=2352" "$dir/rgb.txt"
grep -qx "in_sync=1" "$dir/rgb.txt"
grep -qx "dataset=sprites" "$dir/grey.txt"
grep -qx "features=784" "$dir/grey.txt"
"$png_check" "$dir/rgb.png" 1600 900

# The rectangles come from the state dumps ("x y w h" in screenshot pixels), 4 pixels inside each
# edge: the probe's frame is drawn in its model's colour.
inside() { sed -n "s/^$1=//p" "$2" | awk '{ print $1 + 4, $2 + 4, $3 - 8, $4 - 8 }'; }
grid_rgb=$(inside control_rect.data_grid "$dir/rgb.txt")
grid_grey=$(inside control_rect.data_grid "$dir/grey.txt")
probe_rgb=$(inside pane0.probe_rect "$dir/rgb.txt")
probe_grey=$(inside pane0.probe_rect "$dir/grey.txt")
test -n "$grid_rgb" && test -n "$probe_rgb" && test -n "$grid_grey" && test -n "$probe_grey"

# Colour: the decoded probes (one pixel per data pixel), the probe on screen and the sample grid.
# The mean chroma (max - min channel, 0-255) of grey is exactly 0. The sample grid's sprites cover
# about a fourteenth of each black tile in strong colour (a mean of about 12); after 100 steps the
# probes decode a blur of all the hues seen, faintly coloured (a mean of 3 to 16), so 1 is the bound.
"$png_color" "$dir/rgb_probe0.png" --min 1
"$png_color" "$dir/rgb_probe1.png" --min 1
"$png_color" "$dir/rgb.png" --min 1 --region $probe_rgb
"$png_color" "$dir/rgb.png" --min 4 --region $grid_rgb
# Grey stays grey: equal channels in every pixel of the probe; in the sample grid, whose gutters
# show the panel's dark blue-grey (chroma 7 in the dark theme), no pixel is coloured.
"$png_color" "$dir/grey_probe0.png" --max 0
"$png_color" "$dir/grey.png" --max 0 --region $probe_grey
"$png_color" "$dir/grey.png" --max-peak 10 --region $grid_grey
"$png_color" "$dir/rgb.png" --min 4 --region $grid_rgb >/dev/null
if "$png_color" "$dir/rgb.png" --max-peak 10 --region $grid_rgb >/dev/null; then
  echo "test_gui_rgb: the grey bound does not see the colour grid's colour" >&2
  exit 1
fi
echo "test_gui_rgb: ok"
