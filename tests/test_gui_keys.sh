#!/bin/sh
# Presenter mode's keys on the real window: under Xvfb with a window manager (openbox), xdotool
# presses Ctrl + (on the main row, as Ctrl = and as Ctrl Shift =, and on the keypad), Ctrl - (main
# row and keypad) and Ctrl 0, each held for a second and a half (longer than a slow frame on a loaded
# machine, and far longer than Dear ImGui's key repeat delay: a press is one step however long it is
# held). After every press the
# app's script dumps its state, and the UI scale must have moved by one step of 25%, stayed within
# 100-250% at both ends, gone back to 100% on Ctrl 0, and not moved for a minus without Ctrl.
#   test_gui_keys.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
exe=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") dir=$4

# Outside the display: make the work folder and run this script again inside xvfb-run.
if [ -z "${LATENTLAB_KEYS_DISPLAY:-}" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  LATENTLAB_KEYS_DISPLAY=1 exec xvfb-run -a -s "-screen 0 1600x900x24" sh "$0" "$@"
fi

app= wm=
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  [ -n "$wm" ] && kill "$wm" 2>/dev/null || true
}
trap cleanup EXIT
# Running, and not a zombie (a dead child stays one until waited for, and kill -0 still succeeds).
running() {
  [ -r "/proc/$app/stat" ] || return 1
  read -r _ _ state _ < "/proc/$app/stat" || return 1
  [ "$state" != Z ]
}
fail() {
  echo "test_gui_keys: FAIL: $*" >&2
  [ -s "$dir/stderr.log" ] && tail -n 20 "$dir/stderr.log" >&2
  exit 1
}

# The presses, one a line: the keys xdotool holds, and the UI scale expected after them.
cat > "$dir/presses.txt" <<EOF
ctrl+equal 1.25
ctrl+plus 1.50
ctrl+KP_Add 1.75
ctrl+equal 2.00
ctrl+equal 2.25
ctrl+equal 2.50
ctrl+equal 2.50
ctrl+KP_Add 2.50
ctrl+minus 2.25
ctrl+KP_Subtract 2.00
minus 2.00
ctrl+0 1.00
ctrl+minus 1.00
ctrl+KP_Subtract 1.00
ctrl+plus 1.25
EOF
presses=$(wc -l < "$dir/presses.txt")

# The script: a state before any press, then one after each, when the test says the press is over.
{
  echo "sync"  # the first frames' work (data, maps, hole maps) done: a frame is no longer seconds long
  echo "state $dir/s0.txt"
  i=1
  while [ $i -le "$presses" ]; do
    echo "wait-file $dir/go$i"
    echo "state $dir/s$i.txt"
    [ $i -eq 6 ] && echo "screenshot $dir/largest.png"
    i=$((i + 1))
  done
  echo "quit"
} > "$dir/keys.txt"

openbox > "$dir/openbox.log" 2>&1 &
wm=$!
i=0
until wmctrl -m > /dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 100 ] || fail "openbox did not start"; sleep 0.1
done
"$exe" --paused --points 2000 --width 1600 --height 900 --script "$dir/keys.txt" > "$dir/stdout.log" 2> "$dir/stderr.log" &
app=$!
wid=
i=0
while [ -z "$wid" ]; do
  running || fail "the app exited before its window opened"
  i=$((i + 1)); [ $i -lt 300 ] || fail "no window after 30 s"
  sleep 0.1
  wid=$(xdotool search --onlyvisible --name '^latentlab$' 2>/dev/null | head -n 1) || wid=
done
# The keys go to the focused window: activate it until the window manager says it is active.
tries=0
until [ "$(xdotool getactivewindow 2>/dev/null)" = "$wid" ]; do
  tries=$((tries + 1)); [ $tries -lt 50 ] || fail "the window never became active"
  xdotool windowactivate "$wid" 2>/dev/null || true
  sleep 0.2
done
wait_for() {  # FILE: the script has written it
  tries=0
  until [ -s "$1" ]; do
    running || fail "the app died before writing $1"
    tries=$((tries + 1)); [ $tries -lt 600 ] || fail "no $1 after 60 s"
    sleep 0.1
  done
}
value() { sed -n "s/^$1=//p" "$2"; }
wait_for "$dir/s0.txt"
sleep 1
[ "$(value ui_scale "$dir/s0.txt")" = 1.00 ] || fail "the UI scale starts at $(value ui_scale "$dir/s0.txt"), not 1.00"
[ "$(value presenter "$dir/s0.txt")" = 0 ] || fail "presenter mode is on before any key"

i=1
while read -r keys want; do
  # Held: Dear ImGui 1.86 reads the keys once a frame, and a press shorter than a frame of a loaded
  # machine (llvmpipe, other jobs) falls between two frames and is lost.
  xdotool keydown "$keys" sleep 1.5 keyup "$keys"
  sleep 0.2
  touch "$dir/go$i"
  wait_for "$dir/s$i.txt"
  got=$(value ui_scale "$dir/s$i.txt")
  [ "$got" = "$want" ] || fail "after press $i ($keys) the UI scale is $got, expected $want"
  on=$(value presenter "$dir/s$i.txt")
  if [ "$want" = 1.00 ]; then [ "$on" = 0 ] || fail "presenter mode on at 100% after $keys"
  else [ "$on" = 1 ] || fail "presenter mode off at $want after $keys"; fi
  echo "test_gui_keys: $keys -> $got"
  i=$((i + 1))
done < "$dir/presses.txt"

i=0
while running; do
  i=$((i + 1)); [ $i -lt 100 ] || fail "still running 10 s after quit"
  sleep 0.1
done
status=0
wait "$app" || status=$?
app=
[ "$status" -eq 0 ] || fail "exit status $status"
[ -s "$dir/largest.png" ] || fail "no screenshot at 250%"
echo "test_gui_keys: ok"
