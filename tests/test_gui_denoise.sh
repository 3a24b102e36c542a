#!/bin/sh
# Denoising row (app/gui/views/view_denoise.cpp) on the digits, compare pair ae-denoising with the
# denoising AE trained on masking noise. Checks, from the state the app writes:
#   - both panes reconstruct the same noisy held-out samples (the noisy inputs' PSNR is the same);
#   - the curve of PSNR against noise level falls as the level rises, for the noisy input and for
#     both models' reconstructions;
#   - at masking 0.5 each model's reconstruction is closer to the clean original than the noisy
#     input is, and the denoising AE's curve lies above the plain AE's from masking 0.375 to 0.75
#     (the denoising AE's purpose) by more than 0.3 dB (at 1.0 every pixel is masked and both
#     rebuild an average);
#   - choosing another noise measures a new curve for it, and the row's pixels change.
#   test_gui_denoise.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS2
data digits
panel holes off
rebuild kind=twin pair=ae-denoising
panel denoise on
denoise-noise mask 0.5
train 800
sync
state $dir/mask.txt
screenshot $dir/mask.png
denoise-noise gaussian 0.3
sync
state $dir/gaussian.txt
screenshot $dir/gaussian.png
quit
EOS2
xvfb $((240 * scale)) 1600x900 "$exe" --paused --points 2000 --model denoising --noise mask \
  --width 1024 --height 640 --script "$dir/script.txt"
"$png_check" "$dir/mask.png" 1024 640

grep -qx "denoise=1" "$dir/mask.txt"
test "$(value "$dir/mask.txt" pane0.denoise_curve_noise)" = mask
test "$(value "$dir/gaussian.txt" pane1.denoise_curve_noise)" = gaussian
for f in mask gaussian; do
  test "$(value "$dir/$f.txt" pane0.denoise_psnr_noisy)" = "$(value "$dir/$f.txt" pane1.denoise_psnr_noisy)"
  for p in 0 1; do
    test "$(value "$dir/$f.txt" pane$p.denoise_curve_version)" -gt 0
    # Falling with the level: the noisy input, and the reconstruction, from the second level to the last.
    # The noisy input falls at every level (within 0.25 dB: 128 samples); the plain AE's reconstruction too; the denoising AE's may
    # rise at first (trained on masking 0.3, it does better on masked inputs than on clean ones), but
    # falls by the last level.
    for key in denoise_curve_input denoise_curve; do
      strict=1; [ $key = denoise_curve ] && [ $p = 1 ] && strict=0
      awk -v c="$(value "$dir/$f.txt" pane$p.$key)" -v strict=$strict -v at="$f pane$p $key" '
      BEGIN { n = split(c, v, ","); if (n < 9) { print at ": curve missing: " c; exit 1 }
        for (i = 3; i <= n && strict; ++i) if (v[i] + 0 > v[i - 1] + 0.25) { print at ": curve rises: " c; exit 1 }
        if (!(v[2] + 0 > v[n] + 1)) { print at ": curve does not fall: " c; exit 1 } }'
    done
  done
done
# Masking 0.5: each reconstruction beats its noisy input; the denoising AE beats the plain AE.
awk -v n0="$(value "$dir/mask.txt" pane0.denoise_psnr_noisy)" -v r0="$(value "$dir/mask.txt" pane0.denoise_psnr_out)" \
    -v r1="$(value "$dir/mask.txt" pane1.denoise_psnr_out)" \
    -v c0="$(value "$dir/mask.txt" pane0.denoise_curve)" -v c1="$(value "$dir/mask.txt" pane1.denoise_curve)" '
BEGIN {
  if (!(r0 + 0 > n0 + 0.5 && r1 + 0 > n0 + 0.5)) { print "reconstructions " r0 ", " r1 " not above the noisy input " n0; exit 1 }
  split(c0, a, ","); split(c1, b, ",")
  for (i = 4; i <= 7; ++i) if (!(b[i] + 0 > a[i] + 0.3)) { print "denoising AE not above the plain AE at level " i ": " c1 " vs " c0; exit 1 }
}'
"$png_diff" "$dir/mask.png" "$dir/gaussian.png" --min 1 --region $(value "$dir/mask.txt" pane1.denoise_row)
echo "test_gui_denoise: ok"
