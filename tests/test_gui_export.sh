#!/bin/sh
# Exports (gui_export.cpp) on the real app, through the script's `export` as the Export menu does:
# 1. PNGs have the size asked for and are not blank (png_check): the decoded manifold at two
#    resolutions (tiles x 28 pixels a side, decoded afresh: the sizes differ), the sample gallery
#    (5 x 4 tiles), the reconstructions (10 x 2), the interpolation strip (steps + 2 tiles), the window.
# 2. The codes CSV has one row per sample, the header's columns (z for the AE; mu and sigma for the
#    VAE; the data's factors on sprites), every number finite and every sigma positive; the loss CSV
#    has training and held-out rows of finite numbers.
# 3. "-" writes into the Export folder under a name that says what, which model and which step.
# 4. A write into a missing folder, or under a file, fails with an error naming the file in the state's
#    export_status; the app goes on (the next export works) and exits 0.
# 5. `latentlab train --export-codes FILE` writes the same CSV headless; a missing folder is exit 2.
# 6. A right click (script right-click) opens the map's export menu on a map, the row's under it.
# 7. The export folder chosen in the file browser (browser-folder, its Use this folder): a file is
#    refused and the folder kept; a folder is taken and the next export goes there.
# 8. `latentlab train --export-manifold` (also with --load and --epochs 0) writes the GUI's decoded
#    manifold: the same network at the prior's quantiles gives the same pixels in both.
#   test_gui_export.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
limit=$((180 * scale))
fail() { echo "test_gui_export: FAIL: $*" >&2; exit 1; }
touch "$dir/afile"
mkdir -p "$dir/picked"
cat > "$dir/script.txt" <<EOS
train 200
sync
export manifold $dir/m12.png tiles=12
export manifold $dir/m20.png model=1 tiles=20
export gallery $dir/gallery.png model=1
export recon $dir/recon.png
export codes $dir/codes_ae.csv model=0
export codes $dir/codes_vae.csv model=1
export loss $dir/loss.csv
state $dir/ok.txt
export manifold $dir/missing/m.png
state $dir/missing.txt
export codes $dir/afile/codes.csv
state $dir/underfile.txt
export-folder $dir/afile/sub
export gallery -
state $dir/badfolder.txt
export-folder $dir/folder
export manifold - model=1 tiles=8
export window -
state $dir/folder.txt
browser-folder $dir/afile
state $dir/browse_bad.txt
browser-folder $dir/picked
export gallery - model=1
state $dir/picked.txt
interp-steps 7
panel interp on
sync
export strip $dir/strip.png model=1
right-click 1 0.5 0.5
wait 3
state $dir/rc_map.txt
screenshot $dir/rc_map.png
right-click 0 0.5 1.2
wait 3
state $dir/rc_row.txt
data sprites
train 50
sync
export codes $dir/codes_sprites.csv model=1
state $dir/sprites.txt
quit
EOS
xvfb $limit 1280x800 "$exe" --width 1024 --height 640 --paused --points 1000 --count 600 \
  --script "$dir/script.txt" > "$dir/stdout.log" 2> "$dir/stderr.log" || { tail "$dir/stderr.log"; fail "the app failed"; }

# 1. PNG sizes and content.
check() { "$png_check" "$1" "$2" "$3" > /dev/null || fail "$1 is not a ${2}x$3 picture with content"; }
check "$dir/m12.png" 336 336
check "$dir/m20.png" 560 560
check "$dir/gallery.png" 140 112
check "$dir/recon.png" 280 56
check "$dir/strip.png" 252 28
[ "$(value "$dir/ok.txt" export_error)" = 0 ] || fail "an export failed: $(value "$dir/ok.txt" export_status)"

# 2. CSVs: one row per sample, the columns, finite numbers.
samples=$(value "$dir/ok.txt" samples)
csv_check() {  # FILE HEADER_PATTERN SIGMA_FROM (0 = none): rows, header, every value after label_name finite
  [ "$(($(wc -l < "$1") - 1))" = "$samples" ] || fail "$1 has $(($(wc -l < "$1") - 1)) rows for $samples samples"
  head -n 1 "$1" | grep -Eq "$2" || fail "$1's header is '$(head -n 1 "$1")', expected $2"
  awk -F, -v sigma="$3" 'NR > 1 { for (i = 5; i <= NF; ++i) if ($i !~ /^-?[0-9.]+(e[-+][0-9]+)?$/) bad = 1
                         if (sigma) for (i = sigma; i <= NF; ++i) if ($i + 0 <= 0) bad = 1 }
                         END { exit bad }' "$1" || fail "$1 has a value that is not a finite number (or a sigma <= 0)"
}
csv_check "$dir/codes_ae.csv" '^index,split,label,label_name,z0,z1$' 0
csv_check "$dir/codes_vae.csv" '^index,split,label,label_name,mu0,mu1,sigma0,sigma1$' 7
samples=$(value "$dir/sprites.txt" samples)
head -n 1 "$dir/codes_sprites.csv" | grep -q ',scale,.*,mu0,mu1,sigma0,sigma1$' || fail "the sprites' codes lack the factors: $(head -n 1 "$dir/codes_sprites.csv")"
[ "$(($(wc -l < "$dir/codes_sprites.csv") - 1))" = "$samples" ] || fail "the sprites' codes do not have one row per sample"
[ "$(cut -d, -f2 "$dir/codes_ae.csv" | sort -u | tr '\n' ' ')" = "heldout split train " ] || fail "the split column is not train/heldout"
head -n 1 "$dir/loss.csv" | grep -qx 'model,set,step,epoch,total,recon,penalty' || fail "the loss CSV's header"
grep -q '^ae,train,' "$dir/loss.csv" && grep -q '^vae,test,' "$dir/loss.csv" || fail "the loss CSV lacks training or held-out rows"
awk -F, 'NR > 1 { for (i = 3; i <= NF; ++i) if ($i !~ /^-?[0-9.]+(e[-+][0-9]+)?$/) bad = 1 } END { exit bad }' "$dir/loss.csv" ||
  fail "the loss CSV has a value that is not a finite number"

# 3. Into the folder, named.
ls "$dir/folder/manifold-vae-8x8-step200.png" > /dev/null 2>&1 || fail "no manifold-vae-8x8-step200.png in the folder: $(ls "$dir/folder")"
check "$dir/folder/manifold-vae-8x8-step200.png" 224 224
check "$dir/folder/window-step200.png" 1024 640
value "$dir/folder.txt" export_status | grep -q "window-step200.png" || fail "the status does not say where the window went"

# 4. Errors shown, the app kept going.
for f in missing underfile badfolder; do
  [ "$(value "$dir/$f.txt" export_error)" = 1 ] || fail "the $f export did not report an error"
  echo "test_gui_export: $f: $(value "$dir/$f.txt" export_status)"
done
value "$dir/missing.txt" export_status | grep -q "missing/m.png" || fail "the error does not name the file"
value "$dir/badfolder.txt" export_status | grep -q "cannot create the folder" || fail "the folder's error does not say so"
[ ! -e "$dir/missing" ] || fail "an export made a folder it was not asked to"

# Right-clicks: the menu of the view under the mouse.
[ "$(value "$dir/ok.txt" export_context)" = none ] || fail "a right-click menu is open before any right click"
[ "$(value "$dir/rc_map.txt" export_context)" = map ] || fail "a right click on the map did not open its menu"
[ "$(value "$dir/rc_row.txt" export_context)" = row ] || fail "a right click under the map did not open the row's menu"

# 5. Headless: train --export-codes writes the same columns; a missing folder is exit status 2.
"$exe" train --model vae --latent 3 --count 600 --epochs 1 --export-codes "$dir/cli.csv" > /dev/null 2>&1 || fail "train --export-codes failed"
samples=600
csv_check "$dir/cli.csv" '^index,split,label,label_name,mu0,mu1,mu2,sigma0,sigma1,sigma2$' 8
status=0
"$exe" train --count 600 --epochs 1 --export-codes "$dir/missing/c.csv" > /dev/null 2> "$dir/cli.err" || status=$?
[ "$status" = 2 ] && grep -q "missing/c.csv" "$dir/cli.err" || fail "train --export-codes into a missing folder: status $status, $(cat "$dir/cli.err")"

# 7. The folder from the file browser.
[ "$(value "$dir/browse_bad.txt" export_folder)" = "$dir/folder" ] ||
  fail "a file taken as the export folder: $(value "$dir/browse_bad.txt" export_folder)"
[ "$(value "$dir/picked.txt" export_folder)" = "$(realpath "$dir/picked")" ] ||
  fail "the browser's folder was not taken: $(value "$dir/picked.txt" export_folder)"
ls "$dir/picked"/gallery-vae-step200.png > /dev/null 2>&1 || fail "the export did not go to the chosen folder: $(ls "$dir/picked")"

# 8. The manifold from the command line: the size asked for, and the GUI's pixels for the same network.
"$exe" train --model vae --latent 2 --hidden 64 --count 600 --epochs 1 --save "$dir/vae.llnet" \
  --export-manifold "$dir/cli_m10.png" --manifold-tiles 10 > /dev/null 2>&1 || fail "train --export-manifold failed"
check "$dir/cli_m10.png" 280 280
"$exe" train --load "$dir/vae.llnet" --count 600 --epochs 0 --export-manifold "$dir/cli_m12.png" --manifold-tiles 12 \
  > /dev/null 2>&1 || fail "train --load --epochs 0 --export-manifold failed"
cat > "$dir/script2.txt" <<EOS
panel quantiles on
sync
export manifold $dir/gui_m12.png model=0 tiles=12
quit
EOS
timeout $limit xvfb-run -a -s "-screen 0 1280x800x24" "$exe" --width 1024 --height 640 --paused --count 600 \
  --load "$dir/vae.llnet" --script "$dir/script2.txt" > "$dir/stdout2.log" 2> "$dir/stderr2.log" ||
  { tail "$dir/stderr2.log"; fail "the app failed on the saved VAE"; }
"$png_diff" "$dir/cli_m12.png" "$dir/gui_m12.png" --max 0 > /dev/null ||
  fail "the command line's manifold is not the GUI's: $("$png_diff" "$dir/cli_m12.png" "$dir/gui_m12.png")"
status=0
"$exe" train --count 600 --epochs 1 --export-manifold "$dir/missing/m.png" > /dev/null 2> "$dir/cli_m.err" || status=$?
[ "$status" = 2 ] && grep -q "missing/m.png" "$dir/cli_m.err" || fail "--export-manifold into a missing folder: status $status"
echo "test_gui_export: ok"
