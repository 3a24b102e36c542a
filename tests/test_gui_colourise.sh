#!/bin/sh
# Colourisation in the app (app/gui/views/view_colourise.cpp) on faces-rgb, compare pair
# ae-denoising with the denoising AE trained on drop-colour noise (grey inputs, colour targets).
# Checks, from the state the app writes:
#   - the row is offered on colour data, measured for both panes over the same held-out samples
#     (the grey inputs' PSNR is the same in both), and only the denoising pane counts as trained;
#   - the drop-colour model's colourisation beats the grey input by more than 0.5 dB, and beats the
#     plain AE (trained on colour inputs, never shown grey ones) fed the same grey inputs;
#   - the row passes the layout check at 1024x640 and at 1920x1080;
#   - grey data (digits) is refused while a drop-colour model runs, and the app keeps the colour data.
#   test_gui_colourise.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
for size in 1024x640 1920x1080; do
  cat > "$dir/script-$size.txt" <<EOS
rebuild kind=twin pair=ae-denoising
panel holes off
panel colourise on
train 500
sync
state $dir/$size.txt
layout-check $dir/layout-$size.txt
screenshot $dir/$size.png
data digits
sync
state $dir/digits-$size.txt
quit
EOS
  w=${size%x*} h=${size#*x}
  xvfb $((240 * scale)) 1920x1080 "$exe" --paused --points 2000 --data faces-rgb --model denoising --noise dropcolour \
    --hidden 64 --latent 8 --width "$w" --height "$h" --script "$dir/script-$size.txt" > "$dir/log-$size.txt" 2>&1 ||
    { cat "$dir/log-$size.txt"; exit 1; }
  "$png_check" "$dir/$size.png" "$w" "$h"
  f=$dir/$size.txt
  grep -qx "colourise=1" "$f"
  grep -qx "colourise_available=1" "$f"
  grep -qx "problems=0" "$dir/layout-$size.txt" || { cat "$dir/layout-$size.txt"; exit 1; }
  test "$(value "$f" pane0.colourise_trained)" = 0
  test "$(value "$f" pane1.colourise_trained)" = 1
  test "$(value "$f" pane0.colourise_psnr_grey)" = "$(value "$f" pane1.colourise_psnr_grey)"
  for p in 0 1; do
    test "$(value "$f" pane$p.colourise_mean_version)" -gt 0
    test "$(value "$f" pane$p.colourise_samples)" -gt 100
    test "$(value "$f" pane$p.colourise_row)" != "0 0 0 0"
  done
  awk -v g="$(value "$f" pane1.colourise_psnr_grey)" -v d="$(value "$f" pane1.colourise_psnr_out)" \
      -v a="$(value "$f" pane0.colourise_psnr_out)" -v at="$size" '
  BEGIN {
    if (!(d + 0 > g + 0.5)) { print at ": colourised " d " dB not 0.5 dB above the grey input " g; exit 1 }
    if (!(d + 0 > a + 0)) { print at ": the drop-colour model " d " dB not above the plain AE " a; exit 1 }
  }'
  grep -q "needs colour images" "$dir/log-$size.txt"
  grep -qx "colourise_available=1" "$dir/digits-$size.txt"
done
echo "test_gui_colourise: ok"
