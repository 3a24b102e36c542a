#!/bin/sh
# Makes the lessons' bundled, pretrained sessions (assets/lessons/*.llsession) with the app itself:
# each is the lesson's own set-up (`lesson NAME fresh`: its data, models and settings, from the
# seeds), paused and reset (the set-up starts training; a reset goes back to step 0), trained for
# a fixed number of steps (`train N`: exact, so the file is the same on every run of the same build
# on the same machine), then saved as File > Save does. The GUI needs a
# display: without one the script runs it under xvfb-run. Each file must stay under 2 MB (a session
# holds every model's weights 4 times: weights, Adam's two moments, the divergence guard's copy),
# which is why these lessons use 32 hidden units.
#   scripts/make_lesson_sessions.sh [BUILD_DIR [LESSON ...]]   (default: build, every lesson below;
#                                                              run from the repository's root)
set -eu
exe=${1:-build}/latentlab
[ $# -gt 0 ] && shift
only="$*"
out=assets/lessons
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
  if [ -n "${DISPLAY:-}" ]; then "$@"; else xvfb-run -a -s "-screen 0 1280x720x24" "$@"; fi
}
# lesson, steps, file (a lesson's `session` field in core/lessons/lessons.cpp names the file)
while read -r lesson steps file; do
  case " ${only:-$lesson} " in *" $lesson "*) ;; *) continue ;; esac
  cat > "$tmp/$lesson.txt" <<EOS
lesson $lesson fresh
pause
reset
train $steps
sync
session-save $tmp/$file
wait-file $tmp/$file
quit
EOS
  run "$exe" --width 1280 --height 720 --paused --script "$tmp/$lesson.txt"
  size=$(wc -c < "$tmp/$file")
  if [ "$size" -gt 2097152 ]; then echo "$file: $size bytes, over 2 MB" >&2; exit 1; fi
  mv "$tmp/$file" "$out/$file"
  echo "$out/$file: lesson $lesson, $steps steps, $size bytes"
done <<EOL
holes 3000 digits_ae_vae_32_8.llsession
EOL
