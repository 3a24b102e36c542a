#!/bin/sh
# A session trained on other data than the app has loaded (issue 18): the app says so and asks,
# "Load the session's data" or "Go on with the current data", and each answer does what it says.
# The session: a VAE on 600 digits, 30 steps (latentlab train --save). The app runs on 800 digits
# (same features, another hash):
#  1. File > Open (script session-open) asks and changes nothing; the prompt's own button "Go on"
#     (ui-click) opens the session on the 800 digits: step 30, and 5 more steps differ from the run
#     on its own data.
#  2. `session-data session` loads the session's 600 digits and opens it there: 5 more steps give
#     the same losses, bit for bit, as the session opened on its own data (gui --load).
#  3. On other data of another shape (lines, 32x32) "go on" is refused with a message naming both
#     feature counts, and the app keeps its data, its models and its step.
#  4. gui --load SESSION with a --data flag for other data asks at start; the answer loads its data.
#   test_gui_session_data.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
export XDG_STATE_HOME="$dir/state"
limit=$((120 * scale))
gui() { xvfb $limit 1280x800 "$exe" --width 1024 --height 640 --paused --points 600 "$@"; }
fail() { echo "test_gui_session_data: FAIL: $*" >&2; exit 1; }

"$exe" train --model vae --hidden 64 --latent 2 --count 600 --epochs 20 --steps 30 --save "$dir/a.llsession" > /dev/null

# The reference: the session on its own data, 5 more steps.
printf 'train 0\nsync\nstate %s\ntrain 5\nstate %s\nquit\n' "$dir/ref30.txt" "$dir/ref35.txt" > "$dir/ref.script"
gui --load "$dir/a.llsession" --script "$dir/ref.script"
[ "$(value "$dir/ref30.txt" step)" = 30 ] && [ "$(value "$dir/ref30.txt" samples)" = 600 ] ||
  fail "the session on its own data is not at step 30 on 600 samples"
[ -z "$(value "$dir/ref30.txt" session_data_prompt)" ] || fail "the session on its own data asked about its data"
ref=$(value "$dir/ref35.txt" pane0.loss_parts)

# 1. Asked, nothing changed until answered; the prompt's "Go on with the current data" button.
cat > "$dir/keep.script" <<EOS
sync
session-open $dir/a.llsession
wait 4
state $dir/asked.txt
screenshot $dir/prompt.png
ui-click session_data_keep
train 0
sync
state $dir/kept30.txt
train 5
state $dir/kept35.txt
quit
EOS
gui --count 800 --script "$dir/keep.script"
[ "$(value "$dir/asked.txt" session_data_prompt)" = "$dir/a.llsession" ] || fail "opening the session did not ask about its data"
[ "$(value "$dir/asked.txt" step)" = 0 ] && [ "$(value "$dir/asked.txt" models)" = 2 ] ||
  fail "the app changed its models before the answer: step $(value "$dir/asked.txt" step)"
value "$dir/asked.txt" session_status | grep -q "trained on other data" || fail "no word of the other data: $(value "$dir/asked.txt" session_status)"
"$png_check" "$dir/prompt.png" 1024 640 > /dev/null || fail "the prompt's screenshot is empty"
[ "$(value "$dir/kept30.txt" step)" = 30 ] && [ "$(value "$dir/kept30.txt" samples)" = 800 ] && [ "$(value "$dir/kept30.txt" models)" = 1 ] ||
  fail "going on with the current data: step $(value "$dir/kept30.txt" step), $(value "$dir/kept30.txt" samples) samples"
[ -z "$(value "$dir/kept30.txt" session_data_prompt)" ] || fail "the prompt is still up after the answer"
value "$dir/kept30.txt" session_status | grep -q "not the data it was trained on" || fail "status: $(value "$dir/kept30.txt" session_status)"
kept=$(value "$dir/kept35.txt" pane0.loss_parts)
[ -n "$kept" ] && [ "$kept" != "$ref" ] || fail "5 steps on other data gave the losses of the session's own data ($kept)"

# 2. The script's answer "load the session's data": its 600 digits, and the resumed run is exact.
printf 'sync\nsession-open %s\nsession-data session\ntrain 0\nsync\nstate %s\ntrain 5\nstate %s\nquit\n' \
  "$dir/a.llsession" "$dir/load30.txt" "$dir/load35.txt" > "$dir/load.script"
gui --count 800 --script "$dir/load.script"
[ "$(value "$dir/load30.txt" step)" = 30 ] && [ "$(value "$dir/load30.txt" samples)" = 600 ] ||
  fail "loading the session's data: step $(value "$dir/load30.txt" step), $(value "$dir/load30.txt" samples) samples"
[ "$(value "$dir/load35.txt" pane0.loss_parts)" = "$ref" ] ||
  fail "5 steps after loading the session's data: '$(value "$dir/load35.txt" pane0.loss_parts)', on its own data '$ref'"

# 3. Another shape: going on is refused, and the app keeps what it had.
printf 'train 3\nsession-open %s\nsession-data current\ntrain 0\nsync\nstate %s\nquit\n' "$dir/a.llsession" "$dir/refused.txt" \
  > "$dir/refuse.script"
gui --data lines --count 600 --script "$dir/refuse.script" 2> "$dir/refuse.err"
[ "$(value "$dir/refused.txt" step)" = 3 ] && [ "$(value "$dir/refused.txt" features)" = 1024 ] && [ "$(value "$dir/refused.txt" models)" = 2 ] ||
  fail "the refused session changed the app: step $(value "$dir/refused.txt" step), $(value "$dir/refused.txt" models) models"
grep -q "a.llsession': its models take 784 features but lines has 1024" "$dir/refuse.err" ||
  { cat "$dir/refuse.err"; fail "no clear refusal naming the file and both feature counts"; }

# 4. At start: gui --load with --count for other digits asks; the answer loads the session's data.
printf 'state %s\nsession-data session\ntrain 0\nsync\nstate %s\nquit\n' "$dir/start0.txt" "$dir/start30.txt" > "$dir/start.script"
gui --load "$dir/a.llsession" --count 800 --script "$dir/start.script"
[ "$(value "$dir/start0.txt" session_data_prompt)" = "$dir/a.llsession" ] || fail "gui --load on other data did not ask"
[ "$(value "$dir/start30.txt" step)" = 30 ] && [ "$(value "$dir/start30.txt" samples)" = 600 ] ||
  fail "gui --load, answered: step $(value "$dir/start30.txt" step), $(value "$dir/start30.txt" samples) samples"
echo "test_gui_session_data: ok"
