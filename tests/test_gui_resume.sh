#!/bin/sh
# The offer to resume the last autosave at start (issue 18):
#  1. A run with autosave on (a VAE, 30 steps) autosaves, trains 10 more steps and is killed -9.
#  2. The next launch (autosave on, nothing to load; its own models would be the AE/VAE pair) offers
#     "autosaved at step 30, 1 model", on screen; `session-resume yes` restores the run: one model
#     at step 30 with the killed run's losses at step 30, and 10 more steps give its losses at step
#     40, bit for bit (the weights and the training state came back). It autosaves on close.
#  3. The launch after offers that close's autosave; the prompt's own "Start fresh" button (ui-click)
#     declines: the launch's two fresh models at step 0, and the autosave stays on disk.
#   test_gui_resume.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
exe=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") png_check=$2 dir=$4
. "$(dirname "$0")/gui_lib.sh"
test_name=test_gui_resume
in_display 1280x800 "$@"
export XDG_STATE_HOME="$dir/state"
auto=$dir/state/latentlab/autosave.llsession
run() { "$exe" --width 1024 --height 640 --paused --points 600 --count 600 --autosave-minutes 5 "$@" > "$dir/stdout.log" 2> "$dir/stderr.log"; }

# 1. Autosave at step 30, then killed at step 40.
cat > "$dir/first.txt" <<EOS
train 30
autosave
state $dir/first30.txt
train 10
state $dir/first40.txt
wait-file $dir/never
EOS
run --model vae --script "$dir/first.txt" &
app=$!
wait_for "$dir/first40.txt"
kill -9 "$app"
wait "$app" 2>/dev/null || true
app=
value "$dir/first30.txt" session_status | grep -q "^autosaved step 30" || fail "no autosave at step 30: $(value "$dir/first30.txt" session_status)"
[ -f "$auto" ] || fail "no autosave on disk after the kill"

# 2. Offered at start; resumed.
cat > "$dir/resume.txt" <<EOS
wait 4
state $dir/offered.txt
screenshot $dir/offer.png
session-resume yes
train 0
sync
state $dir/resumed30.txt
train 10
state $dir/resumed40.txt
quit
EOS
run --script "$dir/resume.txt" &
app=$!
wait_for "$dir/resumed40.txt"
quit_wait
[ "$(value "$dir/offered.txt" session_offer)" = "autosaved at step 30, 1 model" ] || fail "the offer: '$(value "$dir/offered.txt" session_offer)'"
[ "$(value "$dir/offered.txt" step)" = 0 ] || fail "the app resumed before the answer"
"$png_check" "$dir/offer.png" 1024 640 > /dev/null || fail "the offer's screenshot is empty"
[ "$(value "$dir/resumed30.txt" step)" = 30 ] && [ "$(value "$dir/resumed30.txt" models)" = 1 ] ||
  fail "resumed: step $(value "$dir/resumed30.txt" step), $(value "$dir/resumed30.txt" models) models"
[ -z "$(value "$dir/resumed30.txt" session_offer)" ] || fail "the offer is still up after the answer"
for s in 30 40; do
  a=$(value "$dir/first$s.txt" pane0.loss_parts) b=$(value "$dir/resumed$s.txt" pane0.loss_parts)
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "step $s: the killed run's losses '$a', the resumed run's '$b'"
done

# 3. Offered again (the close's autosave, step 40); the "Start fresh" button declines.
printf 'wait 4\nstate %s\nui-click session_fresh\nwait 2\ntrain 0\nsync\nstate %s\nquit\n' "$dir/offered2.txt" "$dir/fresh.txt" \
  > "$dir/fresh.script"
run --script "$dir/fresh.script" &
app=$!
wait_for "$dir/fresh.txt"
quit_wait
[ "$(value "$dir/offered2.txt" session_offer)" = "autosaved at step 40, 1 model" ] || fail "the second offer: '$(value "$dir/offered2.txt" session_offer)'"
[ "$(value "$dir/fresh.txt" step)" = 0 ] && [ "$(value "$dir/fresh.txt" models)" = 2 ] ||
  fail "declined: step $(value "$dir/fresh.txt" step), $(value "$dir/fresh.txt" models) models (expected a fresh pair)"
[ -z "$(value "$dir/fresh.txt" session_offer)" ] || fail "the offer is still up after Start fresh"
[ -f "$auto" ] || fail "declining removed the autosave"
echo "test_gui_resume: ok"
