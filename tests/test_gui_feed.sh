#!/bin/sh
# "Feed it anything" row (app/gui/views/view_feed.cpp) on the digits, compare pair narrow-wide.
# Checks, from the state the app writes and its screenshots:
#   - every column has a reconstruction error, and the other set's column comes from another built-in set;
#   - uniform noise, a blank image and an inverted digit are rebuilt worse than the held-out digit by
#     both models: none of them is a digit, and neither model copies its input under these settings
#     (the README's table says when an overcomplete AE does);
#   - a stroke drawn on the canvas (script feed-stroke, as a mouse drag does) changes the drawn
#     column's error in both panes and the canvas's pixels; feed-clear blanks it again (the blank's error).
#   test_gui_feed.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS2
data digits
panel holes off
rebuild pair=narrow-wide
panel feed on
train 400
sync
state $dir/before.txt
screenshot $dir/before.png
feed-stroke 14 5 14 23
sync
state $dir/drawn.txt
screenshot $dir/drawn.png
feed-clear
sync
state $dir/cleared.txt
quit
EOS2
xvfb $((240 * scale)) 1600x900 "$exe" --paused --points 2000 \
  --width 1024 --height 640 --script "$dir/script.txt"
"$png_check" "$dir/drawn.png" 1024 640

grep -qx "feed=1" "$dir/before.txt"
for p in 0 1; do
  test "$(value "$dir/before.txt" pane$p.feed_version)" -gt 0
  other=$(value "$dir/before.txt" pane$p.feed_other)
  test -n "$other" && test "$other" != digits
  awk -v s="$(value "$dir/before.txt" pane$p.feed_error.sample)" -v n="$(value "$dir/before.txt" pane$p.feed_error.noise)" \
      -v b="$(value "$dir/before.txt" pane$p.feed_error.blank)" -v i="$(value "$dir/before.txt" pane$p.feed_error.inverted)" \
      -v o="$(value "$dir/before.txt" pane$p.feed_error.other)" -v at="pane$p" '
  BEGIN {
    if (!(s > 0 && o >= 0)) { print at ": missing errors: sample " s ", other " o; exit 1 }
    if (!(n > 2 * s && i > 2 * s)) { print at ": noise " n " or inverted " i " rebuilt nearly as well as the digit " s; exit 1 }
  }'
  # The stroke changes the drawn column's error; clearing gives the blank image's error back.
  awk -v a="$(value "$dir/before.txt" pane$p.feed_error.drawn)" -v d="$(value "$dir/drawn.txt" pane$p.feed_error.drawn)" \
      -v c="$(value "$dir/cleared.txt" pane$p.feed_error.drawn)" -v b="$(value "$dir/cleared.txt" pane$p.feed_error.blank)" -v at="pane$p" '
  BEGIN {
    if (a != b) { print at ": the empty canvas " a " is not the blank image " b; exit 1 }
    if (d == a) { print at ": the stroke did not change the drawn error " a; exit 1 }
    if (c != b) { print at ": after clearing, the drawn error " c " is not the blank image " b; exit 1 }
  }'
done
"$png_diff" "$dir/before.png" "$dir/drawn.png" --min 1 --region $(value "$dir/drawn.txt" pane0.feed_canvas)
echo "test_gui_feed: ok"
