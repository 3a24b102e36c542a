#!/bin/sh
# The rate-distortion plot in the app (app/gui/views/view_rate_distortion.cpp) on the digits, two
# panes (AE and VAE). Checks, from the state the app writes:
#   - nothing is measured until asked; `rd-measure` runs off the UI thread and `sync` waits for it;
#   - PCA's held-out PSNR rises with the number of components, and its point at the model's code size
#     is the figure `latentlab reduce --json` prints for that size on the same data (within 0.01 dB);
#   - JPEG's files grow with its quality;
#   - each model's point is there at its code size, and a second measurement after a rebuild with
#     another code size keeps the first (the model's curve);
#   - the row passes the layout check at 1024x640 and at 1920x1080.
#   test_gui_rate_distortion.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
for latent in 2 4; do
  "$exe" reduce --data digits --latent $latent --json > "$dir/reduce-$latent.json"
done
reduce_psnr() { sed -n 's/.*"psnr":\([^,}]*\).*/\1/p' "$dir/reduce-$1.json"; }
# The k-th (1-based) entry of a comma list.
nth() { echo "$1" | tr ',' '\n' | sed -n "$2p"; }
for size in 1024x640 1920x1080; do
  cat > "$dir/script-$size.txt" <<EOS
panel holes off
panel rate-distortion on
train 200
sync
state $dir/before-$size.txt
rd-measure
sync
state $dir/first-$size.txt
rebuild latent=4
train 200
sync
rd-measure
sync
state $dir/$size.txt
layout-check $dir/layout-$size.txt
screenshot $dir/$size.png
quit
EOS
  w=${size%x*} h=${size#*x}
  xvfb $((300 * scale)) 1920x1080 "$exe" --paused --points 2000 --data digits --latent 2 \
    --width "$w" --height "$h" --script "$dir/script-$size.txt" > "$dir/log-$size.txt" 2>&1 ||
    { cat "$dir/log-$size.txt"; exit 1; }
  "$png_check" "$dir/$size.png" "$w" "$h"
  f=$dir/$size.txt
  grep -qx "rate_distortion=1" "$f"
  grep -qx "problems=0" "$dir/layout-$size.txt" || { cat "$dir/layout-$size.txt"; exit 1; }
  for p in 0 1; do
    test "$(value "$dir/before-$size.txt" pane$p.rd_version)" = 0
    test "$(value "$dir/first-$size.txt" pane$p.rd_model_latent)" = 2
    test "$(value "$f" pane$p.rd_version)" -gt 0
    test "$(value "$f" pane$p.rd_busy)" = 0
    test "$(value "$f" pane$p.rd_model_current)" = 1
    test "$(value "$f" pane$p.rd_model_latent)" = 4
    test "$(value "$f" pane$p.rd_history)" = 2
    pca=$(value "$f" pane$p.rd_pca_psnr)
    for latent in 2 4; do
      awk -v a="$(nth "$pca" $latent)" -v b="$(reduce_psnr $latent)" -v at="$size pane$p k=$latent" '
        BEGIN { d = a - b; if (a == "" || d * d > 1e-4) { print at ": PCA " a " dB, reduce --json " b " dB"; exit 1 } }'
    done
    echo "$pca" | tr ',' '\n' | awk -v at="$size pane$p" '
      NR > 1 && $1 < last - 1e-6 { print at ": PCA PSNR falls at k=" NR ": " last " -> " $1; bad = 1 }
      { last = $1; n = NR }
      END { if (bad || n < 32) { if (!bad) print at ": only " n " PCA points"; exit 1 } }'
    value "$f" pane$p.rd_jpeg_bytes | tr ',' '\n' | awk -v at="$size pane$p" '
      NR > 1 && $1 <= last { print at ": JPEG bytes do not grow with quality: " last " -> " $1; bad = 1 }
      { last = $1; n = NR }
      END { if (bad || n < 5) { if (!bad) print at ": only " n " JPEG points"; exit 1 } }'
    awk -v m="$(value "$f" pane$p.rd_model_psnr)" -v h="$(value "$f" pane$p.rd_history_latent)" -v at="$size pane$p" '
      BEGIN { if (!(m > 5 && m < 60)) { print at ": model PSNR " m; exit 1 }
              if (h != "2.0000,4.0000") { print at ": history latents " h; exit 1 } }'
  done
done
echo "test_gui_rate_distortion: ok"
