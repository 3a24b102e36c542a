#!/bin/sh
# The GUI under fire: the real window under Xvfb with a window manager (openbox), driven for
# SECONDS by a seeded random sequence of clicks, double clicks, drags, scrolls, key presses, typed
# text, window resizes and loads typed into the file browser (Ctrl+O, a path, Enter), some of them
# hostile files (a FIFO named .csv, an IDX declaring 2^31 images, a folder whose only .png is a
# PGM, a CSV with the label 99999). A script runs alongside: data switched to the hostile files and
# back, absurd model sizes rebuilt, panels toggled. Fails when the app dies during a burst, when
# a load or rebuild error does not show, when the browser's path field does not load, when
# closing the window (WM_DELETE_WINDOW, wmctrl -c) does not end it with status 0 within 10 s, or
# when stderr has an internal error, an assertion or a sanitizer report.
#   test_gui_fire.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR [SECONDS] [SEED]
# The same SEED replays the same input sequence (LATENTLAB_FIRE_SEED overrides the default).
set -eu
exe=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") dir=$4 seconds=${5:-60} seed=${6:-${LATENTLAB_FIRE_SEED:-11}}
# scale (LATENTLAB_TIME_SCALE, the sanitizer builds) stretches every wait for the app.
. "$(dirname "$0")/gui_lib.sh"
test_name="test_gui_fire (seed $seed)"
in_display 1600x900 "$@"

#---- hostile files, and good ones to come back to ---------------------------------------------
h=$dir/hostile
# A random click may hit File > Save: its session goes to the work folder, not the user's state folder.
export XDG_STATE_HOME="$dir/state"
mkdir -p "$h/fakeonly/a"
png_classes "$h/mixed"
printf 'P5\n1 1\n255\n' > "$h/fakeonly/a/x.png"   # a PGM header named .png, and nothing else
printf 'P5\n1 1\n255\n' > "$h/mixed/a/fake.png"   # ... next to real PNGs
mkfifo "$h/bad.csv"                                   # opening it for reading would block
printf '\000\000\010\003\177\377\377\377\000\000\000\034\000\000\000\034' > "$h/huge.idx"  # 2^31-1 images, no data
awk 'BEGIN { srand(5); print "x,y,z,label"
  for (i = 0; i < 30; i++) printf "%.3f,%.3f,%.3f,%d\n", rand(), rand(), rand(), (i == 17 ? 99999 : i % 3) }' > "$h/labels99999.csv"
awk 'BEGIN { srand(3); print "a,b,c,d,e,f,g,h"; for (i = 0; i < 400; i++) {
  s = ""; for (j = 0; j < 8; j++) s = s (j ? "," : "") sprintf("%.3f", rand() + (i % 2) * j * 0.2); print s } }' > "$h/points.csv"

#---- the script: hostile data and absurd models, three rounds, then two checks synced with us --
{
  for round in 1 2 3; do
    cat <<EOS
wait 15
data $h/bad.csv
state $dir/fifo$round.txt
wait 8
data $h/huge.idx
state $dir/huge$round.txt
data $h/fakeonly
state $dir/fake$round.txt
wait 8
data $h/labels99999.csv csv-label=label
panel manifold on
wait 8
rebuild hidden=1000000000 latent=2
state $dir/hidden$round.txt
rebuild hidden=256 latent=0
state $dir/latent$round.txt
rebuild hidden=8192,8192,8192 latent=2
state $dir/budget$round.txt
wait 8
data $h/mixed
panel interp on
interp-play on
wait 8
rebuild hidden=64,32 latent=3
plane pca
panel data off
wait 8
panel data on
panel manifold off
panel interp off
data digits
rebuild hidden=256 latent=2
EOS
  done
  # The random keys may have typed into the browser's option fields (a CSV label column "abc2"):
  # once they stop, clear those as a user would, so that the typed paths below are opened plainly.
  cat <<EOS
state $dir/rounds.txt
wait-file $dir/go-browse
browser-defaults
wait-file $dir/go-bad
state $dir/browse-bad.txt
screenshot $dir/browse-bad.png
wait-file $dir/go-good
state $dir/browse-good.txt
screenshot $dir/last.png
EOS
} > "$dir/fire.txt"

#---- the window manager and the app -------------------------------------------------------------
wm_start
# The browser starts in the working folder: the hostile one.
(cd "$h" && exec "$exe" --points 2000 --script "$dir/fire.txt") > "$dir/stdout.log" 2> "$dir/stderr.log" &
app=$!
window_wait
sleep 1

width=1600 height=900
geometry() {
  eval "$(xdotool getwindowgeometry --shell "$wid" | grep -E '^(WIDTH|HEIGHT)=')"
  width=$WIDTH height=$HEIGHT
}
geometry
# Keys are held for a moment: Dear ImGui 1.86 samples key state once a frame, so a press and
# release between two frames would be lost (clicks are latched by the backend, keys are not).
press() { xdotool keydown "$1" sleep 0.25 keyup "$1"; }
# Dear ImGui 1.86 reads key state once a frame, so a press shorter than a frame is lost. When the
# machine is busy a frame can take longer than press's 0.25 s, so the keys the browser checks
# depend on are held for half a second: longer than a slow frame, shorter than the X server's
# autorepeat delay (660 ms), past which a held Ctrl+A also types an 'a'. Typed characters are
# queued by the backend and are not lost.
hold() { xdotool keydown "$1" sleep 0.5 keyup "$1"; }
browse() {  # Ctrl+O, the path field, Enter: what a user typing a path does
  hold ctrl+o; sleep 0.3; hold ctrl+a
  xdotool type --delay 15 -- "$1"
  sleep 0.5; hold Return; sleep 0.5
}
alive() { running || fail "the app died ($1)"; }

#---- random input: one action per line from a seeded awk generator ------------------------------
# Coordinates are per-mille of the window (or of the left column, where the controls are).
awk -v seed="$seed" -v h="$h" 'BEGIN {
  srand(seed)
  nkeys = split("Tab Return Escape space Left Right Up Down BackSpace Delete ctrl+a ctrl+z ctrl+o 0 1 2 5 9 a z minus comma period", keys, " ")
  ntexts = split("1000000000 0 -5 256,128 8192,8192,8192 99999 abc 1e9 ,,, 3", texts, " ")
  npaths = split(h "/bad.csv " h "/huge.idx " h "/fakeonly " h "/mixed " h "/labels99999.csv " h "/missing.idx " \
                 h " digits sprites " h "/points.csv " h "/mixed/a/fake.png", paths, " ")
  nsizes = split("1600x900 1200x800 800x600 400x300 320x240 1000x500 1500x850", sizes, " ")
  for (n = 0; n < 20000; n++) {
    r = rand()
    x = int(rand() * 1000); y = int(rand() * 1000); area = rand() < 0.45 ? "left" : "window"
    if (r < 0.30) print "click", area, x, y, (rand() < 0.85 ? 1 : 3)
    else if (r < 0.38) print "double", area, x, y
    else if (r < 0.53) print "drag", area, x, y, int(rand() * 1000), int(rand() * 1000)
    else if (r < 0.66) print "scroll", area, x, y, (rand() < 0.5 ? 4 : 5), 1 + int(rand() * 5)
    else if (r < 0.84) print "key", keys[1 + int(rand() * nkeys)]
    else if (r < 0.90) print "type", texts[1 + int(rand() * ntexts)]
    else if (r < 0.96) print "browse", paths[1 + int(rand() * npaths)]
    else print "resize", sizes[1 + int(rand() * nsizes)]
  }
}' > "$dir/actions.txt"

start=$(date +%s)
count=0 bursts=0
while read -r kind a b c d e; do
  case $kind in
    click | double | drag | scroll)
      span=$width; [ "$a" = left ] && span=$((width < 380 ? width : 380))
      x=$((b * span / 1000)) y=$((c * height / 1000)) ;;
  esac
  case $kind in
    click) xdotool mousemove --window "$wid" "$x" "$y" click "$d" ;;
    double) xdotool mousemove --window "$wid" "$x" "$y" click --repeat 2 --delay 60 1 ;;
    drag) xdotool mousemove --window "$wid" "$x" "$y" mousedown 1 sleep 0.05 \
            mousemove --window "$wid" $(((x + d * width / 1000) / 2)) $(((y + e * height / 1000) / 2)) sleep 0.05 \
            mousemove --window "$wid" $((d * width / 1000)) $((e * height / 1000)) sleep 0.05 mouseup 1 ;;
    scroll) xdotool mousemove --window "$wid" "$x" "$y" click --repeat "$e" --delay 30 "$d" ;;
    key) xdotool key --delay 120 "$a" ;;
    type) xdotool type --delay 20 -- "$a" ;;
    browse) browse "$a" ;;
    resize) xdotool windowsize "$wid" "${a%x*}" "${a#*x}"; sleep 0.3; geometry ;;
  esac
  count=$((count + 1))
  if [ $((count % 8)) -eq 0 ]; then  # a burst: let it land, check the app is still there
    sleep 0.2
    bursts=$((bursts + 1))
    alive "after burst $bursts, action $count: $kind $a $b $c $d $e"
    [ $(($(date +%s) - start)) -lt "$seconds" ] || break
  fi
done < "$dir/actions.txt"
alive "after the random input"
echo "test_gui_fire: $count random actions in $bursts bursts over $(($(date +%s) - start)) s (seed $seed)"

#---- the browser's path field: a FIFO is refused, a CSV loads --------------------------------
# The script's three rounds done before the browser checks: a slow machine or build (the
# sanitizers) may still be in them, and their last `data digits` would clear the error typed below.
wait_for "$dir/rounds.txt"
for f in fifo huge fake hidden latent budget; do
  for round in 1 2 3; do [ -s "$dir/$f$round.txt" ] || fail "the script did not reach $f$round.txt"; done
done
for round in 1 2 3; do
  grep -q "^data_error=.*bad\.csv.*FIFO" "$dir/fifo$round.txt" || fail "no error for the FIFO (round $round)"
  grep -q "^data_error=.*huge\.idx" "$dir/huge$round.txt" || fail "no error for the huge IDX (round $round)"
  grep -q "^data_error=.*fakeonly" "$dir/fake$round.txt" || fail "no error for the disguised PNG (round $round)"
  grep -q "^model_error=.\+" "$dir/hidden$round.txt" || fail "no error for hidden 1000000000 (round $round)"
  grep -q "^model_error=.*latent" "$dir/latent$round.txt" || fail "no error for latent 0 (round $round)"
  grep -q "^model_error=.*budget" "$dir/budget$round.txt" || fail "no error for 3 x 8192 hidden (round $round)"
done
xdotool windowsize "$wid" 1400 800; sleep 0.5
touch "$dir/go-browse"; sleep 0.5
press Escape; press Escape  # leave whatever field the random keys were in
browse "$h/bad.csv"
touch "$dir/go-bad"
i=0
until [ -s "$dir/browse-bad.png" ]; do i=$((i + 1)); [ $i -lt $((200 * scale)) ] || fail "no state after the FIFO"; sleep 0.1; done
grep -q "^data_error=.*bad\.csv" "$dir/browse-bad.txt" || fail "the FIFO typed into the browser showed no error"
browse "$h/points.csv"
touch "$dir/go-good"
i=0
until [ -s "$dir/last.png" ]; do i=$((i + 1)); [ $i -lt $((200 * scale)) ] || fail "no screenshot after the CSV"; sleep 0.1; done
grep -qx "dataset=$h/points.csv" "$dir/browse-good.txt" || fail "the CSV typed into the browser did not load"
grep -qx "features=8" "$dir/browse-good.txt" || fail "the CSV typed into the browser has the wrong shape"
alive "after the browser checks"

#---- close the window as a user does: the app must exit 0, soon -------------------------------
wmctrl -ic "$(printf '0x%08x' "$wid")"
i=0
while running; do
  i=$((i + 1)); [ $i -lt $((100 * scale)) ] || fail "still running $((10 * scale)) s after its window was closed"
  sleep 0.1
done
status=0
wait "$app" || status=$?
app=
[ "$status" -eq 0 ] || fail "exit status $status after the window was closed"
if grep -Ei "internal error|sanitizer|runtime error|assert|terminate called|segmentation|script .*:[0-9]+:" "$dir/stderr.log"; then
  fail "stderr reports a crash or a failed script step"
fi
echo "test_gui_fire: ok"
