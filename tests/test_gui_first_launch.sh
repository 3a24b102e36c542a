#!/bin/sh
# A person's first two launches, as they are: no --script and no --frames (the test hooks that
# switch the welcome screen and the resume offer off), under a window manager, closed by the
# window's close button (WM_DELETE_WINDOW through wmctrl).
#   1. A fresh state folder: the welcome screen opens at start (welcome_seen is written) and the
#      app keeps running with it open; closing the window ends it with status 0 and autosaves.
#   2. The next launch finds that autosave and offers to resume it: the app keeps running with
#      the offer open, and closes with status 0.
# Both modals once aborted the app in its first frame (Dear ImGui 1.86: a modal opened in the frame
# the centre window is first created); no scripted test could see it, because scripts skip both.
#   test_gui_first_launch.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
exe=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") dir=$4

. "$(dirname "$0")/gui_lib.sh"
test_name=test_gui_first_launch
in_display 1280x800 "$@"
export XDG_STATE_HOME="$dir/state"
state="$XDG_STATE_HOME/latentlab"

# launch_and_close WHAT: start the app as a person does, let it draw for a few seconds, check it is
# still there, close its window, and require status 0.
launch_and_close() {
  "$exe" --points 2000 > "$dir/stdout.log" 2> "$dir/stderr.log" &
  app=$!
  window_wait
  sleep $((4 * scale))
  running || fail "$1: the app died after its window opened"
  wmctrl -ic "$(printf '0x%08x' "$wid")"
  _i=0
  while running; do
    _i=$((_i + 1)); [ $_i -lt $((300 * scale)) ] || fail "$1: still running 30 s after its window was closed"
    sleep 0.1
  done
  _status=0
  wait "$app" || _status=$?
  app=
  [ "$_status" -eq 0 ] || fail "$1: exit status $_status"
}

wm_start
launch_and_close "first launch (welcome screen)"
[ -f "$state/welcome_seen" ] || fail "the first launch did not show the welcome screen (no $state/welcome_seen)"
[ -f "$state/autosave.llsession" ] || fail "closing the window did not autosave ($state/autosave.llsession)"

launch_and_close "second launch (resume offer)"
echo "$test_name: ok"
