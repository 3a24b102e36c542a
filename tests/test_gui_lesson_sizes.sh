#!/bin/sh
# Every lesson fits at every supported size (issue 20; app/gui/gui_lessons.cpp): each of the eleven
# lessons is opened at 1024x640, 1920x1080 and 2560x1440, and at 250% presenter scale at 1024x640 and
# 1920x1080, and `layout-check` finds nothing outside its window and nothing overlapping: anywhere at
# 100%, and in the lesson panel and the welcome screen at 250% (there the menu bar, the toolbar and
# some rows under the maps do not fit 1024x640; that is test_gui_layout's part, reported, not failed). One run of the app
# per size. A lesson whose set-up fails shows its error (lesson_error): that fails the test too. The
# welcome screen's list must show all eleven lessons without scrolling at every size.
# Screenshots of the welcome screen and of the last lesson at each size stay in WORKDIR to look at.
#   test_gui_lesson_sizes.sh LATENTLAB PNG_CHECK WORKDIR
set -eu
exe=$1 png_check=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
value() { sed -n "s/^$2=//p" "$1"; }
limit=$((300 * ${LATENTLAB_TIME_SCALE:-1}))
names=$("$exe" lesson --list | sed -n 's/^\([a-z]*\): .*/\1/p')
[ "$(echo "$names" | wc -w)" -eq 11 ] || { echo "test_gui_lesson_sizes: expected 11 lessons, got: $names"; exit 1; }

# One run: SIZE (WxH), SCALE, NAME.
run() {
  size=$1 scale=$2 name=$3
  w=${size%x*} h=${size#*x}
  {
    echo "ui-scale $scale"
    echo "wait 2"
    for l in $names; do
      cat <<EOS
lesson $l
pause
wait 3
state $dir/$name.$l.state.txt
layout-check $dir/$name.$l.txt
EOS
    done
    cat <<EOS
screenshot $dir/$name.lesson.png
welcome on
wait 2
state $dir/$name.welcome.state.txt
layout-check $dir/$name.welcome.txt
screenshot $dir/$name.welcome.png
welcome off
quit
EOS
  } > "$dir/$name.script"
  timeout $limit xvfb-run -a -s "-screen 0 ${w}x${h}x24" "$exe" --width "$w" --height "$h" --paused \
    --script "$dir/$name.script" > "$dir/$name.log" 2>&1 || { echo "test_gui_lesson_sizes: $name: the app failed"; cat "$dir/$name.log"; exit 1; }
  for l in $names welcome; do
    f=$dir/$name.$l.txt
    grep -qx "window=$size" "$f" || { echo "test_gui_lesson_sizes: $name, $l: not at $size"; exit 1; }
    if [ "$scale" = 1 ]; then
      [ "$(value "$f" problems)" = 0 ] || { echo "test_gui_lesson_sizes: $name, $l:"; cat "$f"; exit 1; }
    else
      # At 250% the rest of the app (menu bar, toolbar, maps, other panels) is test_gui_layout's, which
      # checks 250% at 1920x1080 only; here the lesson panel and the welcome screen must be clean.
      if grep -E '^(outside|overlap):' "$f" | grep -iE 'lesson panel|lesson list|start lesson|welcome|just explore'; then
        echo "test_gui_lesson_sizes: $name, $l: the lesson panel or the welcome screen is clipped or overlapping"; exit 1
      fi
      others=$(grep -cE '^(outside|overlap):' "$f" || true)
      [ "$others" = 0 ] || echo "test_gui_lesson_sizes: $name, $l: $others problems outside the lessons' parts (test_gui_layout's)"
    fi
  done
  for l in $names; do
    s=$dir/$name.$l.state.txt
    [ "$(value "$s" lesson)" = "$l" ] || { echo "test_gui_lesson_sizes: $name: lesson $l did not open"; exit 1; }
    [ -z "$(value "$s" lesson_error)" ] || { echo "test_gui_lesson_sizes: $name, $l: $(value "$s" lesson_error)"; exit 1; }
  done
  [ "$(value "$dir/$name.welcome.state.txt" welcome)" = 1 ]
  # The welcome list shows every lesson whole, without scrolling (at 250% on 1024x640 it showed two
  # rows at a time before the compact layout).
  rows=$(value "$dir/$name.welcome.state.txt" welcome_rows_visible)
  [ "$rows" = 11 ] || { echo "test_gui_lesson_sizes: $name: the welcome list shows $rows of 11 lessons"; exit 1; }
  "$png_check" "$dir/$name.welcome.png" "$w" "$h"
}

run 1024x640 1 small
run 1920x1080 1 large
run 2560x1440 1 huge
run 1024x640 2.5 small250
run 1920x1080 2.5 large250
echo "test_gui_lesson_sizes: ok"
