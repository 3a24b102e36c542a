#!/bin/sh
# The "Inside the VAE" views pass the layout check (layout-check: nothing outside its window, pane or
# map, nothing overlapping) at 1024x640, 1280x720 and 1920x1080, in compare mode on the sprites: the
# row under each map with the KL box and the traversals of a selected sample (side by side, or tabs
# where the row is narrow: each tab checked), then the disentanglement row, then latent
# arithmetic's row and its panel. Both boxes must have been recorded by the check, so that a box that
# stopped reporting itself cannot pass unseen.
#   test_gui_vae_layout.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
fail=0
for size in 1024x640 1280x720 1920x1080; do
  w=${size%x*} h=${size#*x}
  cat > "$dir/$size.script" <<EOS
data sprites
rebuild latent=4
panel kl on
train 100
select 10005
sync
wait 3
layout-check $dir/$size.kl.txt
screenshot $dir/$size.kl.png
inside-tab tradeoff
wait 2
layout-check $dir/$size.kl2.txt
inside-tab traversals
wait 2
layout-check $dir/$size.kl3.txt
screenshot $dir/$size.kl3.png
inside-tab kl
panel factors on
sync
wait 3
layout-check $dir/$size.factors.txt
screenshot $dir/$size.factors.png
panel factors off
panel arith on
sync
wait 3
layout-check $dir/$size.arith.txt
screenshot $dir/$size.arith.png
quit
EOS
  xvfb $((170 * scale)) 2560x1440 "$exe" --paused --points 1000 \
    --width "$w" --height "$h" --script "$dir/$size.script" > "$dir/$size.log" 2>&1 || { cat "$dir/$size.log"; exit 1; }
  "$png_check" "$dir/$size.kl.png" "$w" "$h"
  for part in kl kl2 kl3 factors arith; do
    if ! grep -qx "problems=0" "$dir/$size.$part.txt"; then echo "test_gui_vae_layout: $size $part:"; cat "$dir/$size.$part.txt"; fail=1; fi
  done
  for box in "kl box" "traversal box" "hole legend"; do
    cat "$dir/$size.kl.txt" "$dir/$size.kl2.txt" "$dir/$size.kl3.txt" | grep -q "^recorded=.*$box" ||
      { echo "test_gui_vae_layout: $size: no $box recorded"; fail=1; }
  done
  grep -q "^recorded=.*factors heatmap" "$dir/$size.factors.txt" || { echo "test_gui_vae_layout: $size: no heatmap recorded"; fail=1; }
  grep -q "^recorded=.*arith tiles" "$dir/$size.arith.txt" || { echo "test_gui_vae_layout: $size: no arithmetic tiles recorded"; fail=1; }
done
[ "$fail" = 0 ]
echo "test_gui_vae_layout: ok"
