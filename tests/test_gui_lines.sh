#!/bin/sh
# The interpolation view on the lines set (README: ACAI, and the lines table): the strips' second
# row is the ideal interpolation, true lines at evenly spaced angles along the shorter arc between
# A's and B's true angles, and it scores about 0 on both exact figures (a bound worked out from the
# references' spacing); every model's figures for this pair are the mean of its tiles' distances and
# the Smoothness of its tiles' matched angles, recomputed here from the dumped lists; its path is
# far from the ideal's 0; and the summary's figures over the paper's protocol (256 pairs x 16
# steps) are what `latentlab interpolate --data lines --load` computes on the GUI's saved weights.
# The map's marker at the slider's t shows the exact figure too (not the distance to the nearest
# training image): with t on the 8th tile, the frame's figure is that tile's, as the strip shows it.
#   test_gui_lines.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
data="--data lines --count 3000 --train 2500"
# 14 interpolants: with the decoded ends, the paper's 16 steps.
cat > "$dir/script.txt" <<EOS
train 150
panel interp on
interp-steps 14
interp 2600 2611
interp-t 0.46666667
sync
interp-verdict
wait 2
state $dir/s.txt
screenshot $dir/lines.png
save-models $dir/models
quit
EOS
# shellcheck disable=SC2086
xvfb $((300 * scale)) 1600x900 "$exe" --paused $data --seed 1 --points 2000 --script "$dir/script.txt"

fail() { echo "test_gui_lines: $*"; exit 1; }
test "$(value "$dir/s.txt" interp.lines)" = 1 || fail "no exact measure on the lines set"
test "$(value "$dir/s.txt" interp.lines_in_sync)" = 1 || fail "the exact figures do not measure the paths shown"
test "$(value "$dir/s.txt" interp.lines_summary_ready)" = 1 || fail "no summary for the newest weights"

# shellcheck disable=SC2086
"$exe" interpolate $data --seed 1 --load "$dir/models" --json > "$dir/cli.json" 2>&1 ||
  fail "interpolate --load: $(cat "$dir/cli.json")"

python3 - "$dir/s.txt" "$dir/cli.json" <<'EOF' || fail "the exact figures are wrong (above)"
import json, math, sys
gui = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[1]) if "=" in l)
cli = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
two_pi = 2 * math.pi
bad = []
def floats(key): return [float(v) for v in gui[key].split(",")] if gui[key] else []
def circ(a, b): return abs(math.remainder(a - b, two_pi))
def smoothness(angles):
    u = [angles[0]]
    for i in range(1, len(angles)): u.append(u[-1] + math.remainder(angles[i] - angles[i - 1], two_pi))
    total = abs(u[-1] - u[0])
    if total < 1e-4: return float("nan")
    return max(abs(u[i] - u[i - 1]) for i in range(1, len(u))) / total - 1 / (len(u) - 1)

# The ideal row: evenly spaced along the shorter arc from A's true angle to B's.
a, b = float(gui["interp.lines_angle_a"]), float(gui["interp.lines_angle_b"])
ideal = floats("interp.lines_ideal_angles")
S = len(ideal)
if S != 16: bad.append("the ideal row has %d tiles, not 16" % S)
arc = math.remainder(b - a, two_pi)
for i, v in enumerate(ideal):
    want = a + arc * i / (S - 1)
    if circ(v, want) > 1e-9: bad.append("ideal angle %d: %g, not %g" % (i, v, want))
# Matched to the references: within one reference's spacing; their distances about 0; Smoothness
# within what that spacing allows (a step off by at most two spacings, over the whole arc).
spacing = two_pi / 10000
matched = floats("interp.lines_ideal_matched")
for i, (v, m) in enumerate(zip(ideal, matched)):
    if circ(v, m) > spacing: bad.append("ideal tile %d matched at %g, not near %g" % (i, m, v))
ideal_mean, ideal_smooth = float(gui["interp.lines_ideal_mean"]), float(gui["interp.lines_ideal_smoothness"])
if not 0 <= ideal_mean < 1e-3: bad.append("the ideal row's mean distance is %g, not about 0" % ideal_mean)
if not abs(ideal_smooth) <= 2 * spacing / abs(arc) + 1e-9:
    bad.append("the ideal row's smoothness is %g, above %g" % (ideal_smooth, 2 * spacing / abs(arc)))

# Each model: this pair's figures from its tiles, and far from the ideal's.
for p, m in enumerate(cli["models"]):
    d, ang = floats("pane%d.lines_distances" % p), floats("pane%d.lines_angles" % p)
    if len(d) != S or len(ang) != S: bad.append("pane %d: %d distances, %d angles" % (p, len(d), len(ang)))
    mean, smooth = float(gui["pane%d.lines_mean" % p]), float(gui["pane%d.lines_smoothness" % p])
    if abs(mean - sum(d) / len(d)) > 1e-12: bad.append("pane %d: mean %g, its tiles' %g" % (p, mean, sum(d) / len(d)))
    want = smoothness(ang)
    if not (math.isnan(want) and math.isnan(smooth)) and abs(smooth - want) > 1e-9:
        bad.append("pane %d: smoothness %g, its tiles' angles give %g" % (p, smooth, want))
    if not mean > 10 * max(ideal_mean, 1e-4): bad.append("pane %d: mean %g, not far above the ideal's %g" % (p, mean, ideal_mean))
    # The summary is the command line's, on the same weights (256 pairs x 16 steps).
    for key in ("mean_distance", "smoothness", "paper_mean_distance", "paper_smoothness"):
        g, c = float(gui["pane%d.lines_summary_%s" % (p, key)]), m[key]
        if abs(g - c) > 1e-6 * max(1.0, abs(c)): bad.append("pane %d %s: GUI %.9g, CLI %.9g" % (p, key, g, c))
    print("pane %d (%s): this pair %.4f / %.3f; 256 pairs GUI %.5f / %.4f, CLI %.5f / %.4f" %
          (p, m["model"], mean, smooth, float(gui["pane%d.lines_summary_mean_distance" % p]),
           float(gui["pane%d.lines_summary_smoothness" % p]), m["mean_distance"], m["smoothness"]))
# The map: its dots and the marker's figure are the exact measure; the marker's frame (t = 7/15)
# is the path's tile 7, so its figure is that tile's, written as the strip writes it.
def shown(d): return ("%.1f" if d * 1000 < 9.95 else "%.0f") % (d * 1000)
t = float(gui["interp.t"])
for p in range(len(cli["models"])):
    if gui["pane%d.interp_map_measure" % p] != "exact":
        bad.append("pane %d: the map's path shows the %s figures, not the exact ones" % (p, gui["pane%d.interp_map_measure" % p]))
    marker, frame = gui["pane%d.interp_marker" % p], float(gui["pane%d.lines_frame_distance" % p])
    # The nearest training image is not sought on lines: the frame's old figure is not computed.
    old = gui["pane%d.interp_frame" % p]
    if old != "nan": bad.append("pane %d: the frame's distance to the nearest training image was computed (%s)" % (p, old))
    if abs(float(gui["pane%d.lines_frame_t" % p]) - t) > 1e-6: bad.append("pane %d: the marker's figure is of t=%s, not %g" % (p, gui["pane%d.lines_frame_t" % p], t))
    if marker != shown(frame): bad.append("pane %d: the marker shows '%s', its frame's exact figure is %s" % (p, marker, shown(frame)))
    tile = floats("pane%d.lines_distances" % p)[round(t * (S - 1))]
    if abs(frame - tile) > 1e-4 + 1e-3 * tile:
        bad.append("pane %d: the frame at t=%g measures %g, its tile %g" % (p, t, frame, tile))
    print("pane %d: marker %s (exact %.6f, tile %.6f)" % (p, marker, frame, tile))
print("ideal: %.2e / %.2e over an arc of %.3f rad" % (ideal_mean, ideal_smooth, arc))
for line in bad: print(line)
sys.exit(1 if bad else 0)
EOF
echo "test_gui_lines: ok"
