#!/bin/sh
# Compression, as the reconstructions panel says it: "784 pixels -> 2 numbers: 98x smaller (as
# float32), PSNR x dB". The ratio follows the latent size, and the PSNR of the reconstructions
# shown rises as the model trains.
#   test_gui_compression.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
sync
state $dir/untrained.txt
train 150
state $dir/trained.txt
screenshot $dir/trained.png
rebuild latent=8
sync
state $dir/latent8.txt
quit
EOS
xvfb $((120 * scale)) 1600x900 "$exe" --paused --latent 2 --points 2000 \
  --width 1600 --height 900 --script "$dir/script.txt"
"$png_check" "$dir/trained.png" 1600 900
[ "$(value "$dir/trained.txt" pane0.compression_ratio)" = "98.00" ]
[ "$(value "$dir/latent8.txt" pane0.compression_ratio)" = "24.50" ]
before=$(value "$dir/untrained.txt" pane0.recon_psnr)
after=$(value "$dir/trained.txt" pane0.recon_psnr)
echo "pane0 PSNR of the shown reconstructions: $before dB untrained, $after dB after 150 steps"
awk -v a="$before" -v b="$after" 'BEGIN { exit !(b > a + 1) }'
echo "test_gui_compression: ok"
