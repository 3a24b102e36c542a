#!/bin/sh
# The Model panel's Network choice (MLP, conv or pooled), as `gui --arch` and the script's rebuild set it:
# the app opens with conv models when asked, trains and shows their maps, rebuilds them as MLPs
# and back, and refuses data that is not images while conv models run (the message names the
# reason, and the digits and the conv models stay).
#   test_gui_arch.sh LATENTLAB WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 dir=$2
rm -rf "$dir" && mkdir -p "$dir"
printf 'a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,0,1\n' > "$dir/table.csv"
cat > "$dir/script.txt" <<EOS
panel holes off
train 4
sync
state $dir/conv.txt
rebuild arch=mlp
train 4
sync
state $dir/mlp.txt
rebuild arch=conv
train 4
sync
data $dir/table.csv
state $dir/refused.txt
rebuild arch=pool
train 2
sync
state $dir/pool.txt
screenshot $dir/pool.png
quit
EOS
xvfb 300 1600x900 "$exe" --paused --points 2000 --batch 32 --arch conv \
  --script "$dir/script.txt" 2> "$dir/stderr.txt" || { cat "$dir/stderr.txt"; exit 1; }
# Opened with conv networks: two conv layers before the dense one and the code (an MLP with one
# hidden layer has 2 encoder layers at most, activation included or not).
grep -qx "pane0.arch=conv" "$dir/conv.txt"
grep -qx "pane1.arch=conv" "$dir/conv.txt"
grep -qx "in_sync=1" "$dir/conv.txt"
conv_layers=$(sed -n 's/^pane0.encoder_layers=//p' "$dir/conv.txt")
grep -qx "pane0.arch=mlp" "$dir/mlp.txt"
grep -qx "pane1.arch=mlp" "$dir/mlp.txt"
grep -qx "in_sync=1" "$dir/mlp.txt"
mlp_layers=$(sed -n 's/^pane0.encoder_layers=//p' "$dir/mlp.txt")
test "$conv_layers" -gt "$mlp_layers"
# A CSV is not images: refused with the reason, and nothing changed.
grep -q "^data_error=.*needs images" "$dir/refused.txt"
grep -qx "dataset=digits" "$dir/refused.txt"
grep -qx "pane0.arch=conv" "$dir/refused.txt"
# The pooled network (the ACAI paper's): deeper than conv; its conv default of one dense layer of
# 16 became none, so at 28x28 (7x7 after two pools, which a latent of 2 cannot fill) a dense layer
# makes the code straight from the last grid.
grep -qx "pane0.arch=pool" "$dir/pool.txt"
grep -qx "pane1.arch=pool" "$dir/pool.txt"
grep -qx "in_sync=1" "$dir/pool.txt"
grep -qx "edit_hidden=" "$dir/pool.txt"
pool_layers=$(sed -n 's/^pane0.encoder_layers=//p' "$dir/pool.txt")
test "$pool_layers" -gt "$conv_layers"
echo "test_gui_arch: conv encoder $conv_layers layers, mlp $mlp_layers, pool $pool_layers; CSV refused"
