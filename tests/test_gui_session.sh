#!/bin/sh
# Sessions in the app: a script saves a session (as File > Save does) after 40 steps and trains 10
# more; the app opened on that session (gui --load) reports step 40, and 10 steps later the same
# losses as the run that never stopped. The session also resumes headless (train --load --epochs 0).
# Autosave on close writes $XDG_STATE_HOME/latentlab/autosave.llsession, the second close keeps the
# first as autosave.prev.llsession; a twin session reopens as two models; a damaged session is
# refused with exit 2; a .safetensors network opens (script session-open) in single-model mode, also
# the pytorch/examples VAE layout written by tests/fixtures/make_pytorch_vae.py. The
# view's probes and interpolation endpoints (steps, path, slider) come back with the session. Open
# Recent is kept across launches (recent.txt in the state folder).
#   test_gui_session.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 dir=$4
rm -rf "$dir" && mkdir -p "$dir/state"
export XDG_STATE_HOME="$dir/state"
limit=$((120 * scale))
gui() { xvfb $limit 1280x800 "$exe" --width 1024 --height 640 --paused --points 1000 --count 600 "$@"; }

cat > "$dir/a.txt" <<EOS
train 40
session-save $dir/a.llsession
wait-file $dir/a.llsession
state $dir/a40.txt
train 10
state $dir/a50.txt
quit
EOS
mkdir -p "$dir/state/latentlab" && echo "$dir/old.llsession" > "$dir/state/latentlab/recent.txt"  # an earlier launch's
gui --model vae --autosave-minutes 5 --script "$dir/a.txt"
[ "$(value "$dir/a40.txt" step)" = 40 ] || { echo "run A did not reach step 40"; exit 1; }
[ -f "$dir/state/latentlab/autosave.llsession" ] || { echo "no autosave on close"; exit 1; }
# Open Recent across launches: the save is in recent.txt, and the next launch lists it.
[ "$(head -n 1 "$dir/state/latentlab/recent.txt")" = "$dir/a.llsession" ] || { echo "the save is not first in recent.txt"; exit 1; }

cat > "$dir/b.txt" <<EOS
train 0
sync
state $dir/b40.txt
train 10
state $dir/b50.txt
quit
EOS
gui --load "$dir/a.llsession" --autosave-minutes 5 --script "$dir/b.txt"
[ "$(value "$dir/b40.txt" step)" = 40 ] || { echo "the opened session is not at step 40"; exit 1; }
[ "$(value "$dir/b40.txt" models)" = 1 ] || { echo "the opened session does not have one model"; exit 1; }
[ "$(value "$dir/b40.txt" recent)" = "$dir/a.llsession|$dir/old.llsession" ] || { echo "Open Recent: '$(value "$dir/b40.txt" recent)'"; exit 1; }
a=$(value "$dir/a50.txt" pane0.loss_parts) b=$(value "$dir/b50.txt" pane0.loss_parts)
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "resumed losses differ: '$a' against '$b'"; exit 1; }
[ -f "$dir/state/latentlab/autosave.prev.llsession" ] || { echo "the previous autosave was not kept"; exit 1; }

"$exe" train --load "$dir/a.llsession" --epochs 0 > "$dir/eval.txt"
grep -q "^evaluated: test" "$dir/eval.txt" || { echo "train --load of the GUI's session did not evaluate"; exit 1; }

cat > "$dir/c.txt" <<EOS
train 20
panel link off
probe 0 1.25 -0.5
probe 1 -2 0.75
interp 3 17
interp-steps 11
interp-t 0.3
interp-path slerp
session-save $dir/twin.llsession
wait-file $dir/twin.llsession
quit
EOS
gui --script "$dir/c.txt"
# A save into the state folder makes the folder on first use (File > Save with nothing opened).
rm -rf "$dir/state"
printf 'train 5\nsession-save %s\nwait-file %s\nquit\n' "$dir/state/latentlab/saved.llsession" \
  "$dir/state/latentlab/saved.llsession" > "$dir/s.txt"
gui --script "$dir/s.txt"
cat > "$dir/d.txt" <<EOS
train 0
sync
state $dir/d.txt.state
session-open $dir/vae.safetensors
train 0
sync
state $dir/e.txt.state
quit
EOS
"$exe" train --model vae --hidden 256 --latent 2 --count 600 --epochs 1 --save "$dir/vae.safetensors" > /dev/null
gui --load "$dir/twin.llsession" --script "$dir/d.txt"
[ "$(value "$dir/d.txt.state" models)" = 2 ] && [ "$(value "$dir/d.txt.state" step)" = 20 ] ||
  { echo "the twin session did not reopen as two models at step 20"; exit 1; }
[ "$(value "$dir/e.txt.state" models)" = 1 ] || { echo "the safetensors network did not open as one model"; exit 1; }
# The view's positions come back, with --load and with File > Open (script session-open): each
# probe where it was (unlinked, so each its own), the interpolation's endpoints, steps, path and slider.
printf 'session-open %s\ntrain 0\nsync\nstate %s\nquit\n' "$dir/twin.llsession" "$dir/f.txt.state" > "$dir/f.txt"
gui --script "$dir/f.txt"
for f in d f; do
  for kv in pane0.probe=1.25,-0.5 pane1.probe=-2,0.75 interp.a=3 interp.b=17 interp.steps=11 interp.t=0.3 interp.slerp=1; do
    grep -qx "$kv" "$dir/$f.txt.state" || { echo "reopened ($f): expected $kv, got $(grep "^${kv%%=*}=" "$dir/$f.txt.state")"; exit 1; }
  done
done

# A model trained elsewhere: the pytorch/examples VAE layout (fc1, fc21, fc22, fc3, fc4 in F16, written
# by the standard-library fixture script) opens through File > Open in single-model mode, with its
# latent map, probe, manifold and samples on screen.
python3 "$(dirname "$0")/fixtures/make_pytorch_vae.py" "$dir/pytorch_vae.safetensors" 784 64 2 F16
printf 'session-open %s\npanel manifold on\ntrain 0\nsync\nstate %s\nscreenshot %s\nquit\n' "$dir/pytorch_vae.safetensors" "$dir/py.txt" \
  "$dir/py.png" > "$dir/py.script"
gui --script "$dir/py.script"
[ "$(value "$dir/py.txt" models)" = 1 ] && [ "$(value "$dir/py.txt" pane0.kind)" = vae ] && [ "$(value "$dir/py.txt" pane0.latent)" = 2 ] ||
  { echo "the pytorch/examples VAE did not open as one 2-d VAE: $(grep '^models=\|^pane0.kind=\|^pane0.latent=' "$dir/py.txt")"; exit 1; }
"$2" "$dir/py.png" 1024 640 > /dev/null || { echo "the opened pytorch VAE's screenshot is blank"; exit 1; }

head -c 300 "$dir/a.llsession" > "$dir/cut.llsession"
if gui --load "$dir/cut.llsession" --frames 2 2> "$dir/cut.err"; then echo "a truncated session was opened"; exit 1; fi
grep -q "cut.llsession" "$dir/cut.err" && grep -q "checksum mismatch" "$dir/cut.err" ||
  { echo "no clear error for a truncated session:"; cat "$dir/cut.err"; exit 1; }
echo "test_gui_session: ok"
