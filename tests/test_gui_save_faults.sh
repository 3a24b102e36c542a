#!/bin/sh
# Saving in the app when the disk fails, and when the app is killed mid-save (issue 11); and a
# rebuild whose memory cannot be had:
#  1. A full disk, injected through the write layer's test hook (script `fail-writes`): File > Save
#     and an autosave both fail; the user sees the error (the corner note, and the File menu's status),
#     the previous session file and the previous autosave are byte-identical, no temporary file is
#     left, and training goes on (the steps advance after the failure); once the disk is back the
#     same save succeeds and the session loads headless. Then a rebuild whose allocation fails on the
#     training thread (the trainer's hook, script `fail-builds`): the event says so, the model stays.
#  2. SIGKILL during autosaves: the app autosaves back to back while training, and is killed -9 at a
#     random moment after its first autosave of the run, ITERATIONS times (default 20). After each
#     kill an autosave is on disk, whole: it loads (`latentlab train --load F --epochs 0`), whether
#     it is the one seen before the kill or a newer one (the count of each is printed); the one
#     before it (autosave.prev.llsession) loads at the end.
#   test_gui_save_faults.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR [ITERATIONS]
set -eu
exe=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") png_check=$2 dir=$4 iterations=${5:-20}
. "$(dirname "$0")/gui_lib.sh"
test_name=test_gui_save_faults
in_display 1280x800 "$@"
state=$dir/state/latentlab
export XDG_STATE_HOME="$dir/state"
loads() {  # FILE: the session (one model: --model vae) loads and evaluates headless
  "$exe" train --load "$1" --epochs 0 > "$dir/load.log" 2>&1 && grep -q "^evaluated: test" "$dir/load.log"
}

#---- 1. a full disk ------------------------------------------------------------------------------
cat > "$dir/full.txt" <<EOS
train 20
session-save $dir/run.llsession
autosave
state $dir/saved20.txt
wait-file $dir/go-fail
fail-writes 100
train 10
session-save $dir/run.llsession
state $dir/failed.txt
autosave
state $dir/failed-auto.txt
screenshot $dir/failed.png
train 10
state $dir/after.txt
wait-file $dir/go-save
fail-writes -1
session-save $dir/run.llsession
state $dir/saved40.txt
fail-builds 1
rebuild hidden=64 latent=3
sync
state $dir/failed-build.txt
train 5
state $dir/after-build.txt
quit
EOS
"$exe" --model vae --width 1024 --height 640 --paused --points 1000 --count 600 --script "$dir/full.txt" \
  > "$dir/stdout.log" 2> "$dir/stderr.log" &
app=$!
wait_for "$dir/saved20.txt"
[ "$(value "$dir/saved20.txt" step)" = 20 ] || fail "the first save is not at step 20"
value "$dir/saved20.txt" session_status | grep -q "^autosaved step 20" || fail "the first autosave: $(value "$dir/saved20.txt" session_status)"
cp "$dir/run.llsession" "$dir/before.llsession"
cp "$state/autosave.llsession" "$dir/before-auto.llsession"
touch "$dir/go-fail"
wait_for "$dir/after.txt"
value "$dir/failed.txt" session_status | grep -q "^not saved: .*run\.llsession" ||
  fail "the failed save does not say so, naming the file: $(value "$dir/failed.txt" session_status)"
value "$dir/failed-auto.txt" session_status | grep -q "^autosave failed: .*autosave\.llsession" ||
  fail "the failed autosave does not say so: $(value "$dir/failed-auto.txt" session_status)"
# The corner note (the one an export's outcome uses), shown without opening a menu.
[ "$(value "$dir/failed-auto.txt" export_error)" = 1 ] && value "$dir/failed-auto.txt" export_status | grep -q "autosave failed" ||
  fail "no error note on screen: $(value "$dir/failed-auto.txt" export_status)"
cmp -s "$dir/before.llsession" "$dir/run.llsession" || fail "the failed save changed the previous session file"
cmp -s "$dir/before-auto.llsession" "$state/autosave.llsession" || fail "the failed autosave changed the previous autosave"
leftovers=$(find "$dir" "$state" -maxdepth 1 -name '.*.tmp-*')
[ -z "$leftovers" ] || fail "temporary files left by the failed saves: $leftovers"
[ "$(value "$dir/failed.txt" step)" = 30 ] && [ "$(value "$dir/after.txt" step)" = 40 ] ||
  fail "training did not go on after the failure (steps $(value "$dir/failed.txt" step), $(value "$dir/after.txt" step))"
touch "$dir/go-save"
quit_wait
value "$dir/saved40.txt" session_status | grep -q "^saved step 40" || fail "the save after the disk came back: $(value "$dir/saved40.txt" session_status)"
loads "$dir/run.llsession" || fail "the session saved after the failure does not load: $(tail -n 3 "$dir/load.log")"
"$png_check" "$dir/failed.png" 1024 640 > /dev/null || fail "the screenshot after the failure"
echo "test_gui_save_faults: a failed save and autosave left both files as they were; training went on"
# A rebuild within every budget whose memory cannot be had (the trainer's test hook `fail-builds`:
# std::bad_alloc on the training thread): the Training panel's events say so, the model is the old
# one, and it trains on.
grep -q "^event=step 40: rebuild failed, kept the current models: not enough memory on this machine" "$dir/failed-build.txt" ||
  fail "the failed rebuild does not say so: $(grep '^event=' "$dir/failed-build.txt" | tail -n 2)"
[ "$(value "$dir/failed-build.txt" pane0.latent)" = "$(value "$dir/saved40.txt" pane0.latent)" ] &&
  [ "$(value "$dir/failed-build.txt" models)" = 1 ] && [ "$(value "$dir/failed-build.txt" step)" = 40 ] ||
  fail "the failed rebuild did not keep the model (latent $(value "$dir/failed-build.txt" pane0.latent), step $(value "$dir/failed-build.txt" step))"
[ "$(value "$dir/after-build.txt" step)" = 45 ] || fail "no training after the failed rebuild (step $(value "$dir/after-build.txt" step))"
echo "test_gui_save_faults: a rebuild whose memory could not be had kept the model, said so, and training went on"

#---- 2. SIGKILL during autosaves -----------------------------------------------------------------
: > "$dir/autosaves.txt"
i=0
while [ $i -lt 400 ]; do echo "autosave" >> "$dir/autosaves.txt"; i=$((i + 1)); done
inode() { stat -c %i "$state/autosave.llsession" 2>/dev/null || echo none; }
# A random delay of 0 to 1.2 s after the run's first autosave: the kills fall anywhere in the
# cycle of capture, write, fsync, rename, and the hard link of the one before.
awk -v n="$iterations" 'BEGIN { srand(23); for (i = 0; i < n; i++) printf "%.3f\n", rand() * 1.2 }' > "$dir/delays.txt"
start=$(date +%s) k=0 new=0
while read -r delay; do
  k=$((k + 1))
  first=$(inode)
  "$exe" --model vae --width 1024 --height 640 --points 500 --count 600 --script "$dir/autosaves.txt" \
    > "$dir/stdout.log" 2> "$dir/stderr.log" &
  app=$!
  tries=0
  while [ "$(inode)" = "$first" ]; do
    running || fail "kill $k: the app ended before its first autosave"
    tries=$((tries + 1)); [ $tries -lt $((300 * scale)) ] || fail "kill $k: no autosave after $((30 * scale)) s"
    sleep 0.1
  done
  seen=$(md5sum < "$state/autosave.llsession")
  sleep "$delay"
  kill -9 "$app"
  wait "$app" 2>/dev/null || true
  app=
  [ -f "$state/autosave.llsession" ] || fail "kill $k (${delay} s after an autosave): no autosave on disk"
  loads "$state/autosave.llsession" ||
    fail "kill $k (${delay} s after an autosave): the autosave does not load: $(tail -n 3 "$dir/load.log")"
  [ "$(md5sum < "$state/autosave.llsession")" = "$seen" ] || new=$((new + 1))
done < "$dir/delays.txt"
loads "$state/autosave.prev.llsession" || fail "the autosave before the last does not load"
temps=$(find "$state" -maxdepth 1 -name '.*.tmp-*' | wc -l)
[ "$temps" -le 1 ] || fail "$temps temporary files of killed saves pile up (the next save removes those of dead processes)"
echo "test_gui_save_faults: $k kills in $(($(date +%s) - start)) s, each left a whole autosave that loads ($new new, $((k - new)) the one before)"
echo "test_gui_save_faults: ok"
