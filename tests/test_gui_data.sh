#!/bin/sh
# Loading data from the app: a malformed file and a missing file each show an error and KEEP the
# current dataset; a CSV and a built-in set load, and the maps follow them.
#   test_gui_data.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
printf 'this is not an IDX file\n' > "$dir/bad.idx"
awk 'BEGIN { srand(3); print "a,b,c,d,e,f,g,h"; for (i = 0; i < 400; i++) {
       s = ""; for (j = 0; j < 8; j++) s = s (j ? "," : "") sprintf("%.3f", rand() + (i % 2) * j * 0.2); print s } }' > "$dir/points.csv"
cat > "$dir/script.txt" <<EOS
data $dir/bad.idx
state $dir/bad.txt
data $dir/missing.idx
state $dir/missing.txt
data $dir/points.csv
train 50
state $dir/csv.txt
data sprites
train 20
screenshot $dir/sprites.png
state $dir/sprites.txt
quit
EOS
xvfb $((150 * scale)) 1600x900 "$exe" --paused --points 2000 --script "$dir/script.txt"
grep -qx "dataset=digits" "$dir/bad.txt"
grep -q "^data_error=.*bad.idx" "$dir/bad.txt"
grep -qx "dataset=digits" "$dir/missing.txt"
grep -q "^data_error=.*missing.idx" "$dir/missing.txt"
grep -qx "features=8" "$dir/csv.txt"
grep -qx "data_error=" "$dir/csv.txt"
grep -qx "in_sync=1" "$dir/csv.txt"
grep -qx "dataset=sprites" "$dir/sprites.txt"
grep -qx "in_sync=1" "$dir/sprites.txt"
"$png_check" "$dir/sprites.png" 1600 900
echo "test_gui_data: ok"
