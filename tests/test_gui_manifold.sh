#!/bin/sh
# The decoded manifold: switching it on fills each map's background with decoded tiles (the map
# regions of the screenshots differ), and zooming a map re-decodes its tiles for the new view.
#   test_gui_manifold.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
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
quit
EOS
timeout $((120 * ${LATENTLAB_TIME_SCALE:-1})) xvfb-run -a -s "-screen 0 1600x900x24" "$exe" --paused --points 2000 --script "$dir/script.txt"
"$png_check" "$dir/on.png" 1600 900
for pane in 0 1; do
  region=$(sed -n "s/^pane$pane.map_rect=//p" "$dir/on.txt")
  "$png_diff" "$dir/off.png" "$dir/on.png" --min 4 --region $region
done
region=$(sed -n "s/^pane1.map_rect=//p" "$dir/on.txt")
"$png_diff" "$dir/on.png" "$dir/zoomed.png" --min 4 --region $region
grep -qx "manifold=1" "$dir/on.txt"
grep -q "^pane0.manifold_tiles=20x" "$dir/on.txt"
grep -qx "pane1.follow=0" "$dir/zoomed.txt"
echo "test_gui_manifold: ok"
