#!/bin/sh
# The probe decodes what it points at. After training, moving model 0's probe changes BOTH models'
# decodings (probes are linked by default) and the probe image on screen; with linking off, moving
# model 0's probe leaves model 1's where it was.
#   test_gui_probe.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
train 300
probe 0 -1.5 -1.5
dump-probe 0 $dir/ae_a.png
dump-probe 1 $dir/vae_a.png
sync
screenshot $dir/shot_a.png
probe 0 1.5 1.5
dump-probe 0 $dir/ae_b.png
dump-probe 1 $dir/vae_b.png
sync
screenshot $dir/shot_b.png
state $dir/linked.txt
panel link off
probe 0 0 0
state $dir/unlinked.txt
quit
EOS
xvfb $((120 * scale)) 1600x900 "$exe" --paused --points 2000 --script "$dir/script.txt"
"$png_check" "$dir/shot_b.png" 1600 900
"$png_diff" "$dir/ae_a.png" "$dir/ae_b.png" --min 3
"$png_diff" "$dir/vae_a.png" "$dir/vae_b.png" --min 3
for pane in 0 1; do
  region=$(sed -n "s/^pane$pane.probe_rect=//p" "$dir/linked.txt")
  "$png_diff" "$dir/shot_a.png" "$dir/shot_b.png" --min 2 --region $region
done
grep -qx "pane1.probe=1.5,1.5" "$dir/linked.txt"
grep -qx "pane0.probe=0,0" "$dir/unlinked.txt"
grep -qx "pane1.probe=1.5,1.5" "$dir/unlinked.txt"
echo "test_gui_probe: ok"
