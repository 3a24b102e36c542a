#!/bin/sh
# GUI smoke test: the real app under Xvfb for a fixed number of frames, then its screenshot must
# exist, have the window's size (1600x900) and not be blank.
#   gui_smoke.sh LATENTLAB PNG_CHECK OUT.png
set -eu
exe=$1 png_check=$2 out=$3
command -v xvfb-run >/dev/null || { echo "gui_smoke: xvfb-run not found (apt-get install xvfb xauth)" >&2; exit 1; }
rm -f "$out"
xvfb-run -a -s "-screen 0 1600x900x24" "$exe" --frames 120 --screenshot "$out"
"$png_check" "$out" 1600 900
echo "gui_smoke: ok ($out)"
