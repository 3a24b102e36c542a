#!/bin/sh
# The copy risk in the app (README, the copy risk): the copying lesson opens the under-over pair on
# digits-noise (digits mixed half and half with uniform noise, so every pixel varies), the weights go
# back to the seed's, exactly 400 steps are trained, and Feed it anything's figures say that the
# overcomplete AE (no hidden layer, code 1024) rebuilds uniform noise with less than half the
# undercomplete AE's error (256-2): it has begun to copy. The same pair on the clean digits (200
# steps) does not copy: its noise error stays above a flat grey guess's (1/12).
#   test_gui_copy.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS2
lesson copying
pause
reset
train 400
sync
state $dir/noise.txt
screenshot $dir/noise.png
data digits
rebuild pair=under-over hidden=256 latent=2
train 200
sync
state $dir/clean.txt
quit
EOS2
xvfb $((330 * scale)) 1600x900 "$exe" --paused --seed 1 --points 2000 \
  --width 1024 --height 640 --script "$dir/script.txt"
"$png_check" "$dir/noise.png" 1024 640

test "$(value "$dir/noise.txt" step)" = 400
test "$(value "$dir/clean.txt" step)" = 200
grep -qx "feed=1" "$dir/clean.txt"
test "$(value "$dir/noise.txt" pair)" = under-over
# Which pane is which: the overcomplete AE's code is 1024 units.
over=0 under=1
[ "$(value "$dir/noise.txt" pane1.latent)" = 1024 ] && over=1 under=0
test "$(value "$dir/noise.txt" pane$over.latent)" = 1024
test "$(value "$dir/noise.txt" pane$under.latent)" = 2
awk -v o="$(value "$dir/noise.txt" pane$over.feed_error.noise)" -v u="$(value "$dir/noise.txt" pane$under.feed_error.noise)" '
BEGIN {
  print "digits-noise, 400 steps: noise error overcomplete " o ", undercomplete " u
  if (!(o > 0 && u > 0)) { print "missing noise errors"; exit 1 }
  if (!(o < 0.5 * u)) { print "the overcomplete AE does not rebuild noise with less than half the undercomplete error"; exit 1 }
}'
awk -v o="$(value "$dir/clean.txt" pane$over.feed_error.noise)" -v u="$(value "$dir/clean.txt" pane$under.feed_error.noise)" '
BEGIN {
  print "digits, 200 steps: noise error overcomplete " o ", undercomplete " u
  if (!(o > 1.0 / 12)) { print "trained on clean digits the overcomplete AE copies noise better than a grey guess"; exit 1 }
}'
echo "test_gui_copy: ok"
