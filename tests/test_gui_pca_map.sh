#!/bin/sh
# The PCA map (app/gui/views/pca_map.h): PCA of the data as one more map beside the models', its
# probe decoding the linear reconstruction, and beside a linear autoencoder (no hidden layer,
# identity, MSE) the largest principal angle between the AE's plane and PCA's, which training
# brings down from near 90 degrees at initialisation. Twin mode gets a third map.
#   test_gui_pca_map.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/linear.txt" <<EOS
panel pca on
sync
state $dir/start.txt
train 6000
sync
state $dir/trained.txt
probe 1 1 1
dump-probe 1 $dir/a.png
probe 1 -1 -1
dump-probe 1 $dir/b.png
sync
screenshot $dir/linear.png
panel pca off
sync
state $dir/off.txt
quit
EOS
t=$((240 * ${LATENTLAB_TIME_SCALE:-1}))
timeout $t xvfb-run -a -s "-screen 0 1600x900x24" "$exe" --paused --model ae --hidden none --activation identity \
  --loss mse --init xavier --batch 16 --latent 2 --lr 0.003 --points 2000 --script "$dir/linear.txt"
"$png_check" "$dir/linear.png" 1600 900
"$png_diff" "$dir/a.png" "$dir/b.png" --min 3   # the probe decodes what it points at
value() { sed -n "s/^$2=//p" "$1"; }
[ "$(value "$dir/start.txt" models)" = 2 ]
[ "$(value "$dir/start.txt" pane1.pca)" = 1 ]
[ "$(value "$dir/off.txt" models)" = 1 ]
start=$(value "$dir/start.txt" pca.match0) trained=$(value "$dir/trained.txt" pca.match0)
echo "linear AE vs PCA: largest principal angle $start deg at start, $trained deg trained"
awk -v s="$start" -v t="$trained" 'BEGIN { exit !(s > 80 && t < s - 20) }'

# Twin mode: the third map, and no angle (neither model is linear).
cat > "$dir/twin.txt" <<EOS
panel pca on
train 50
sync
state $dir/twin_state.txt
screenshot $dir/twin.png
quit
EOS
timeout $t xvfb-run -a -s "-screen 0 1600x900x24" "$exe" --paused --points 2000 --width 1024 --height 640 \
  --script "$dir/twin.txt"
"$png_check" "$dir/twin.png" 1024 640
[ "$(value "$dir/twin_state.txt" models)" = 3 ]
[ "$(value "$dir/twin_state.txt" pane2.pca)" = 1 ]
[ "$(value "$dir/twin_state.txt" pane0.pca)" = 0 ]
[ "$(value "$dir/twin_state.txt" pca.match0)" = nan ] || [ "$(value "$dir/twin_state.txt" pca.match0)" = -nan ]
echo "gui_pca_map: ok"
