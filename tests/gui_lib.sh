# What the GUI test scripts (tests/test_gui_*.sh) share, written once; each sources it:
#   . "$(dirname "$0")/gui_lib.sh"
# For every script: `scale`, `value`, `xvfb`, `png_classes`. For the scripts that drive the real
# window from outside (xdotool under a window manager: keys, shortcuts, fire): `in_display`,
# `wm_start`, `window_wait`, `window_activate`, `running`, `wait_for`, `quit_wait`, and a `fail`
# that shows the app's stderr; they set `test_name`, `dir` (the work folder), and `app` (the app's
# pid) when they start it.

# The sanitizer builds run several times slower (tests/CMakeLists.txt passes LATENTLAB_TIME_SCALE):
# every limit on the app is multiplied by this.
scale=${LATENTLAB_TIME_SCALE:-1}

# value FILE KEY: KEY's value in a state dump (the script command `state FILE`).
value() { sed -n "s/^$2=//p" "$1"; }

# xvfb SECONDS WxH COMMAND...: COMMAND on its own virtual screen of WxH pixels (xvfb-run -a takes a
# free display number, so tests run side by side), ended after SECONDS.
xvfb() {
  _secs=$1 _screen=$2
  shift 2
  timeout "$_secs" xvfb-run -a -s "-screen 0 ${_screen}x24" "$@"
}

# png_classes DIR: six 16x16 grey PNGs in DIR/a and six in DIR/b (a folder dataset of two labels).
png_classes() {
  mkdir -p "$1/a" "$1/b"
  python3 - "$1" <<'EOF'
import struct, sys, zlib
def png(path, w, h, seed):
    raw = b''.join(b'\0' + bytes((x * 7 + y * 13 + seed * 31) % 256 for x in range(w)) for y in range(h))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)) +
                chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
for i in range(6):
    png('%s/a/a%d.png' % (sys.argv[1], i), 16, 16, i)
    png('%s/b/b%d.png' % (sys.argv[1], i), 16, 16, i + 10)
EOF
}

#---- the real window, driven from outside -----------------------------------------------------

# in_display WxH "$@": outside the display, make the work folder and run the calling script again
# inside xvfb-run on a WxH screen; inside it, return.
in_display() {
  _screen=$1
  shift
  if [ -z "${LATENTLAB_IN_DISPLAY:-}" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    LATENTLAB_IN_DISPLAY=1 exec xvfb-run -a -s "-screen 0 ${_screen}x24" sh "$0" "$@"
  fi
}

app= wm=
window_cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  [ -n "$wm" ] && kill "$wm" 2>/dev/null || true
}

fail() {
  echo "$test_name: FAIL: $*" >&2
  [ -s "$dir/stderr.log" ] && tail -n 20 "$dir/stderr.log" >&2
  exit 1
}

# Running, and not a zombie (a dead child stays one until waited for, and kill -0 still succeeds).
running() {
  [ -r "/proc/$app/stat" ] || return 1
  read -r _ _ _state _ < "/proc/$app/stat" || return 1
  [ "$_state" != Z ]
}

# openbox, up and answering (xdotool's windowactivate and wmctrl -c need a window manager); from
# here on, the app and openbox are ended when the script exits.
wm_start() {
  trap window_cleanup EXIT
  openbox > "$dir/openbox.log" 2>&1 &
  wm=$!
  _i=0
  until wmctrl -m > /dev/null 2>&1; do
    _i=$((_i + 1)); [ $_i -lt $((100 * scale)) ] || fail "openbox did not start"; sleep 0.1
  done
}

# The app's window (started as $app): sets wid.
window_wait() {
  wid=
  _i=0
  while [ -z "$wid" ]; do
    running || fail "the app exited before its window opened"
    _i=$((_i + 1)); [ $_i -lt $((300 * scale)) ] || fail "no window after $((30 * scale)) s"
    sleep 0.1
    wid=$(xdotool search --onlyvisible --name '^latentlab$' 2>/dev/null | head -n 1) || wid=
  done
}

# The keys go to the focused window: activate it until the window manager says it is active.
window_activate() {
  _tries=0
  until [ "$(xdotool getactivewindow 2>/dev/null)" = "$wid" ]; do
    _tries=$((_tries + 1)); [ $_tries -lt 50 ] || fail "the window never became active"
    xdotool windowactivate "$wid" 2>/dev/null || true
    sleep 0.2
  done
}

# wait_for FILE: the app's script has written it (and the app is still there).
wait_for() {
  _tries=0
  until [ -s "$1" ]; do
    running || fail "the app died before writing $1"
    _tries=$((_tries + 1)); [ $_tries -lt $((600 * scale)) ] || fail "no $1 after $((60 * scale)) s"
    sleep 0.1
  done
}

# After the script's quit: the app ends within 10 s, with status 0.
quit_wait() {
  _i=0
  while running; do
    _i=$((_i + 1)); [ $_i -lt $((100 * scale)) ] || fail "still running $((10 * scale)) s after quit"
    sleep 0.1
  done
  _status=0
  wait "$app" || _status=$?
  app=
  [ "$_status" -eq 0 ] || fail "exit status $_status"
}
