#!/bin/sh
# A latent space wider than 2: the map shows the codes' PCA plane (or two chosen dimensions), and
# the probe decodes points of that plane, so moving it changes the decoding.
#   test_gui_pca.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
train 300
plane pca
select 10 20 30
sync
probe 1 1 -1
dump-probe 1 $dir/a.png
probe 1 -1 1
dump-probe 1 $dir/b.png
sync
screenshot $dir/pca.png
state $dir/pca.txt
plane dims 2 3
sync
state $dir/dims.txt
quit
EOS
xvfb $((120 * scale)) 1600x900 "$exe" --paused --latent 4 --points 2000 --script "$dir/script.txt"
"$png_check" "$dir/pca.png" 1600 900
"$png_diff" "$dir/a.png" "$dir/b.png" --min 3
grep -qx "pane1.latent=4" "$dir/pca.txt"
grep -qx "pane1.plane=pca" "$dir/pca.txt"
grep -qx "selected=10,20,30" "$dir/pca.txt"
grep -qx "pane1.plane=dims" "$dir/dims.txt"
echo "test_gui_pca: ok"
