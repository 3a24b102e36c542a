#!/bin/sh
# The GUI's flags: --help lists every flag; an unknown flag, a bad value, a bad --data and a bad
# script line each end with a one-line error and exit status 2, before any window opens.
#   test_gui_cli.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -u
exe=$1 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "test_gui_cli: $*" >&2; exit 1; }
"$exe" gui --help > "$dir/help.txt" || fail "--help did not exit 0"
for flag in data labels train count image-size rgb csv-label csv-scaling model hidden latent activation beta lr batch seed points paused \
            width height frames screenshot script frame-stats no-vsync help; do
  grep -q -- "--$flag" "$dir/help.txt" || fail "--help does not list --$flag"
done
expect2() {
  "$@" > /dev/null 2> "$dir/err.txt"
  status=$?
  [ $status -eq 2 ] || fail "'$*' exited $status, expected 2"
  [ "$(wc -l < "$dir/err.txt")" -eq 1 ] || fail "'$*' printed more than one line: $(cat "$dir/err.txt")"
}
expect2 "$exe" --bogus
expect2 "$exe" gui --frames many
expect2 "$exe" gui --latent 0
expect2 "$exe" --data "$dir/does-not-exist.idx" --frames 1
printf 'train 10\njump 3\n' > "$dir/bad_script.txt"
expect2 "$exe" --script "$dir/bad_script.txt" --frames 1
grep -q "bad_script.txt:2: unknown command 'jump'" "$dir/err.txt" || fail "script error does not name the line"
echo "test_gui_cli: ok"
