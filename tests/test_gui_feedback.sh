#!/bin/sh
# Feedback that must not mislead (issue 12), on the real app, driven through its real controls
# (ui-type / ui-click give Dear ImGui the mouse and keys a user would):
#   1. a linked probe off the other map: an arrow on that map's edge pointing at it, none once it is back;
#   2. the VAE header: "recon + beta x KL" with the same total, recon, beta and raw KL as the snapshot
#      the loss plot draws (beta 4, so beta*KL and KL differ);
#   3. the Rate field typed "0.1": no keystroke on the way ("0", "0.") reaches the trainer, so no
#      refusal shows, the rate in use is 0.1; training at 0.1 collapses the codes and the events line
#      says so;
#   4. errors that go with the fix: hidden "0,abc" refused, gone once "256" is typed; a labels file
#      left in the file browser does not refuse a CSV (the field empties), while `data` with the same
#      explicit pair is still refused;
#   5. every control of the left column and of the toolbar has a tooltip text, in twin mode and for the
#      sparse, denoising and contractive models (whose weights have their own controls); the panels'
#      and the toolbar's source call control_help after every control, and every key the toolbar
#      names (those of presenter mode and the overflow menu too) has a text in gui_help.cpp's table.
#   test_gui_feedback.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR [WIDTH HEIGHT]
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4 width=${5:-1600} height=${6:-900}
here=$(dirname "$0")
rm -rf "$dir" && mkdir -p "$dir"
awk 'BEGIN { srand(3); print "a,b,c,d,e,f,g,h"; for (i = 0; i < 400; i++) {
       s = ""; for (j = 0; j < 8; j++) s = s (j ? "," : "") sprintf("%.3f", rand() + (i % 2) * j * 0.2); print s } }' > "$dir/points.csv"
printf 'not read: the CSV carries its labels\n' > "$dir/t10k-labels-idx1-ubyte"
fail() { echo "test_gui_feedback: $*" >&2; exit 1; }

cat > "$dir/script.txt" <<EOS
ui-type beta 4
train 60
state $dir/header.txt
probe 1 10.65 -6.51
sync
screenshot $dir/arrow.png
state $dir/arrow.txt
probe 1 0 0
probe 0 0 0
fit 0
fit 1
wait 30
sync
screenshot $dir/no_arrow.png
state $dir/no_arrow.txt
ui-type hidden 0,abc
ui-click rebuild
state $dir/hidden_bad.txt
ui-type hidden 256
state $dir/hidden_fixed.txt
ui-type rate 0.1
train 1
state $dir/rate.txt
train 250
screenshot $dir/collapse.png
state $dir/collapse.txt
data $dir/points.csv $dir/t10k-labels-idx1-ubyte
state $dir/labels_explicit.txt
browser-labels $dir/t10k-labels-idx1-ubyte
browser-open $dir/points.csv
state $dir/labels_browser.txt
data digits
rebuild kind=sparse
state $dir/sparse.txt
rebuild kind=denoising
state $dir/denoising.txt
rebuild kind=contractive
state $dir/contractive.txt
quit
EOS
xvfb $((240 * scale)) ${width}x${height} "$exe" --paused --points 2000 \
  --width "$width" --height "$height" --script "$dir/script.txt"
"$png_check" "$dir/arrow.png" "$width" "$height"

# 1. The arrow: on the map's border (within its 3-pixel inset and rounding), pointing at the probe.
arrow=$(value "$dir/arrow.txt" pane1.probe_arrow)
[ "$arrow" != none ] && [ -n "$arrow" ] || fail "no arrow for a probe off the VAE map"
echo "$(value "$dir/arrow.txt" pane1.map_rect) $arrow $(value "$dir/arrow.txt" pane1.probe_screen)" | awk '{
  x = $1; y = $2; w = $3; h = $4; tx = $5; ty = $6; dx = $7; dy = $8; px = $9; py = $10
  inside = tx >= x - 1 && tx <= x + w + 1 && ty >= y - 1 && ty <= y + h + 1
  edge = (tx - x < 8 || x + w - tx < 8 || ty - y < 8 || y + h - ty < 8)
  vx = px - tx; vy = py - ty; len = sqrt(vx * vx + vy * vy)
  cosine = (vx * dx + vy * dy) / len
  if (!inside || !edge || px >= x && px <= x + w && py >= y && py <= y + h || cosine < 0.999) {
    printf "arrow %s,%s dir %s,%s probe %s,%s map %s %s %s %s: inside %d edge %d cos %.4f\n", tx, ty, dx, dy, px, py, x, y, w, h, inside, edge, cosine
    exit 1 } }' || fail "the arrow is not on the edge pointing at the probe"
[ "$(value "$dir/no_arrow.txt" pane1.probe_arrow)" = none ] || fail "an arrow while the probe is on the map"
# ... and it is drawn: the pixels around its tip change when it goes.
set -- $arrow
region=$(awk -v x="$1" -v y="$2" 'BEGIN { printf "%d %d 24 24", x - 12, y - 12 }')
"$png_diff" "$dir/arrow.png" "$dir/no_arrow.png" --min 4 --region $region

# 2. The header: its numbers are the snapshot's, beta and the raw KL apart.
header=$(value "$dir/header.txt" pane1.header)
parts=$(value "$dir/header.txt" pane1.loss_parts)
beta=$(value "$dir/header.txt" pane1.beta)
[ "$beta" = 4 ] || fail "beta is $beta, not the 4 typed into the field"
echo "$header | $parts $beta" | awk -F'|' '{
  n = split($1, h, " "); split($2, s, " ")
  # loss T = recon R + β B × KL K
  if (n != 11 || h[1] != "loss" || h[4] != "recon" || h[10] != "KL") { print "header: " $1; exit 1 }
  d = 0
  d += (h[2] - s[1] > 0.051 || s[1] - h[2] > 0.051)
  d += (h[5] - s[2] > 0.051 || s[2] - h[5] > 0.051)
  d += (h[8] - s[4] > 0.0051 || s[4] - h[8] > 0.0051)
  d += (h[11] - s[3] > 0.0051 || s[3] - h[11] > 0.0051)
  if (d) { printf "header %s against total %s recon %s KL %s beta %s\n", $1, s[1], s[2], s[3], s[4]; exit 1 } }' \
  || fail "the VAE header does not show the snapshot's numbers"

# 3. The rate: what is in use is what was typed, and nothing on the way was refused.
[ "$(value "$dir/rate.txt" rate_in_use)" = "0.1,0.1" ] || fail "rate in use $(value "$dir/rate.txt" rate_in_use)"
[ "$(value "$dir/rate.txt" rate_field)" = 0.1 ] || fail "the Rate field shows $(value "$dir/rate.txt" rate_field)"
if grep -q "^event=.*\(refused\|must be\|kept\)" "$dir/rate.txt"; then fail "a refusal on the events line: $(grep '^event=' "$dir/rate.txt")"; fi
grep -q "^event=.*ae: training has collapsed" "$dir/collapse.txt" || fail "no collapse warning for the AE at rate 0.1"
if grep -q "^event=.*kept" "$dir/collapse.txt"; then fail "the events line names a rate not in use"; fi

# 4. Errors go with the fix.
grep -q "^model_error=hidden sizes must be" "$dir/hidden_bad.txt" || fail "hidden 0,abc was not refused"
grep -qx "model_error=" "$dir/hidden_fixed.txt" || fail "the hidden-size error stayed after the fix: $(value "$dir/hidden_fixed.txt" model_error)"
grep -q "^data_error=.*labels file applies to IDX images only" "$dir/labels_explicit.txt" || fail "the explicit labels file was not refused"
grep -qx "data_error=" "$dir/labels_browser.txt" || fail "the browser's labels file refused a CSV: $(value "$dir/labels_browser.txt" data_error)"
grep -qx "features=8" "$dir/labels_browser.txt" || fail "the CSV did not load"
grep -qx "browser_labels=" "$dir/labels_browser.txt" || fail "the labels field kept $(value "$dir/labels_browser.txt" browser_labels)"

# 5. Tooltips: none missing, and the weights of the single models are among the controls.
for f in header sparse denoising contractive; do
  grep -qx "controls_without_help=" "$dir/$f.txt" || fail "controls without a tooltip in $f: $(value "$dir/$f.txt" controls_without_help)"
  grep -qx "controls_dropped=0" "$dir/$f.txt" || fail "controls not recorded in $f"
done
grep -qx "control=sparsity_weight" "$dir/sparse.txt" || fail "no sparsity weight control"
grep -qx "control=noise_level" "$dir/denoising.txt" || fail "no noise level control"
grep -qx "control=contractive_weight" "$dir/contractive.txt" || fail "no contractive weight control"
# Every control in the panels' source is followed by its control_help before the next control
# (the items of a combo's list and of a menu are part of their control).
awk '/ImGui::(Button|SmallButton|Checkbox|RadioButton|Slider[A-Za-z]*|Input[A-Za-z]*|Combo|BeginCombo)\(/ {
       if (pending) { print FILENAME ":" pending_line ": no control_help before the next control"; bad = 1 }
       pending = 1; pending_line = FNR }
     /control_help\(/ { pending = 0 }
     END { if (pending) { print FILENAME ":" pending_line ": no control_help"; bad = 1 } exit bad }' \
  "$here/../app/gui/gui_panels.cpp" "$here/../app/gui/views/view_arith.cpp" \
  || fail "a control without control_help in gui_panels.cpp or view_arith.cpp (the latent arithmetic panel)"
# The toolbar: its switches are among the controls drawn, each control is followed by control_help,
# and each key it names has a text in the table.
for key in holes manifold points color_by prior link_probes interpolation samples reconstructions presenter; do
  grep -qx "control=$key" "$dir/header.txt" || fail "the toolbar's $key control was not recorded"
done
awk '/ImGui::(Button|SmallButton|Checkbox|RadioButton|Slider[A-Za-z]*|Input[A-Za-z]*|Combo|BeginCombo)\(/ {
       if (pending) { print FILENAME ":" pending_line ": no control_help before the next control"; bad = 1 }
       pending = 1; pending_line = FNR }
     /control_help\(/ { pending = 0 }
     END { if (pending) { print FILENAME ":" pending_line ": no control_help"; bad = 1 } exit bad }' \
  "$here/../app/gui/gui_toolbar.cpp" || fail "a control without control_help in gui_toolbar.cpp"
keys=$(sed -n 's/.*control_help(app, "\([a-z_]*\)").*/\1/p' "$here/../app/gui/gui_toolbar.cpp")
[ "$(echo "$keys" | wc -w)" -ge 15 ] || fail "too few control_help keys found in gui_toolbar.cpp: $keys"
for key in $keys; do
  grep -q "^    {\"$key\"," "$here/../app/gui/gui_help.cpp" || fail "the toolbar's key $key has no text in gui_help.cpp"
done
echo "test_gui_feedback: ok"
