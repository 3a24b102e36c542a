#!/bin/sh
# The interpolation view's verdict over many pairs, and its headline for one pair, against an
# independent recomputation from the dumped per-pair numbers: k of N (pairs where the second
# model's interpolants have the lower mean distance), the two means over the pairs, the sign test's
# side (p < 0.05, else a tie within noise) and the advice shown where the VAE is not the closer;
# N = 50 by default and set in the interpolation row's Pairs field as a user types it (0 is refused
# and the field shows the N in use; interp-pairs sets it too), the pairs held-out and a seeded stream
# (12 pairs are the first 12 of 50, with the same numbers on the same weights); after more training
# the verdict is measured again. The GUI's weights, saved, give the same verdict in `latentlab
# interpolate --load` (the same sentence, counts, means and reference images). The headline names the statistic it compares ("mean"), prints both models'
# figures as the strips print them, and names as closer the one whose figure is lower. And
# wait-readable reports when both maps first separate their labels.
#   test_gui_verdict.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS
train 300
panel interp on
interp 10003 10011
sync
interp-verdict
state $dir/s50.txt
dump-interp-pairs $dir/pairs50.txt
save-models $dir/models
ui-type verdict_pairs 12
interp-verdict
state $dir/s12.txt
dump-interp-pairs $dir/pairs12.txt
ui-type verdict_pairs 0
wait 3
state $dir/refused.txt
interp-pairs 7
wait 3
state $dir/scripted.txt
interp-pairs 12
interp-random different
sync
state $dir/pair2.txt
start
wait 200
pause
interp-verdict
state $dir/trained.txt
quit
EOS
xvfb $((300 * scale)) 1600x900 "$exe" --paused --points 2000 --script "$dir/script.txt"

fail() { echo "test_gui_verdict: $*"; exit 1; }

# Recomputes the verdict from a pairs dump and checks the state's figures and sentence against it.
check_verdict() {  # state pairs N
  state=$1 pairs=$2 n=$3
  test "$(value "$state" interp.verdict_done)" = 1 || fail "$state: no finished verdict"
  test "$(value "$state" interp.verdict_pairs)" = "$n" || fail "$state: verdict over $(value "$state" interp.verdict_pairs) pairs, not $n"
  test "$(grep -vc '^#' "$pairs")" = "$n" || fail "$pairs: not $n pairs"
  awk -v n="$n" -v k_state="$(value "$state" interp.verdict_second_closer)" \
      -v j_state="$(value "$state" interp.verdict_first_closer)" \
      -v m0_state="$(value "$state" interp.verdict_mean0)" -v m1_state="$(value "$state" interp.verdict_mean1)" \
      -v fav_state="$(value "$state" interp.verdict_favoured)" -v train="$(value "$state" train)" \
      -v sentence="$(value "$state" interp.verdict)" -v advice="$(value "$state" interp.verdict_advice)" '
    /^#/ { next }
    {
      if ($1 < train || $2 < train || $1 == $2) { print "pair " $1 " " $2 " is not two held-out samples"; bad = 1 }
      k += ($4 < $3); j += ($3 < $4); m0 += $3; m1 += $4; rows++
    }
    END {
      m0 /= rows; m1 /= rows
      if (k != k_state || j != j_state) { print "k of N: state " k_state "/" j_state ", recomputed " k "/" j; bad = 1 }
      if (m0 - m0_state > 1e-9 || m0_state - m0 > 1e-9 || m1 - m1_state > 1e-9 || m1_state - m1 > 1e-9) {
        print "means: state " m0_state " " m1_state ", recomputed " m0 " " m1; bad = 1
      }
      # Two-sided sign test over the pairs that differ: P(X >= max(k, j)), doubled.
      d = k + j; far = (k > j ? k : j); tail = 0
      for (i = far; i <= d; i++) {
        c = 1; for (r = 1; r <= i; r++) c = c * (d - i + r) / r
        tail += c / 2 ^ d
      }
      p = 2 * tail; if (p > 1) p = 1
      fav = p < 0.05 ? (k > j ? 1 : 0) : -1
      if (fav != fav_state) { print "verdict side: state " fav_state ", recomputed " fav " (p " p ")"; bad = 1 }
      # The sentence carries the same numbers.
      want = sprintf("closer to the data in %s%d of %d pairs", fav == 0 ? "only " : "", k, n)
      if (index(sentence, want) == 0) { print "sentence lacks \"" want "\": " sentence; bad = 1 }
      want = sprintf("mean distance AE %.2f, VAE %.2f.", m0, m1)
      if (index(sentence, want) == 0) { print "sentence lacks \"" want "\": " sentence; bad = 1 }
      if (fav == -1 && index(sentence, "tie within noise") == 0) { print "a tie, not said: " sentence; bad = 1 }
      # Plain words where the VAE is not the closer, pointing to where it is.
      if (fav != 1 && index(advice, "Samples gallery") == 0) { print "no advice where the claim fails: " advice; bad = 1 }
      if (fav == 1 && advice != "") { print "advice where the claim holds: " advice; bad = 1 }
      exit bad
    }' "$pairs" || fail "$state disagrees with $pairs"
}
check_verdict "$dir/s50.txt" "$dir/pairs50.txt" 50
check_verdict "$dir/s12.txt" "$dir/pairs12.txt" 12
test "$(value "$dir/s50.txt" interp.verdict_seed)" = 1 || fail "pairs not from the models' seed 1"
# A seeded stream of pairs: 12 pairs are the first 12 of the 50, and on the same weights the same numbers.
grep -v '^#' "$dir/pairs50.txt" | head -n 12 > "$dir/first12.txt"
grep -v '^#' "$dir/pairs12.txt" | cmp -s - "$dir/first12.txt" || fail "the 12 pairs are not the first 12 of the 50"

# The Pairs field: 0 is refused and the field shows the N in use; a scripted N shows in the field.
test "$(value "$dir/refused.txt" interp.verdict_pairs_wanted)" = 12 || fail "typing 0 pairs changed N to $(value "$dir/refused.txt" interp.verdict_pairs_wanted)"
test "$(value "$dir/refused.txt" interp.verdict_pairs_field)" = 12 || fail "the Pairs field shows $(value "$dir/refused.txt" interp.verdict_pairs_field) after 0 was refused"
test "$(value "$dir/scripted.txt" interp.verdict_pairs_field)" = 7 || fail "the Pairs field shows $(value "$dir/scripted.txt" interp.verdict_pairs_field), not the scripted 7"
grep -qx "control=verdict_pairs" "$dir/s50.txt" || fail "no Pairs control recorded"
grep -qx "controls_without_help=" "$dir/s50.txt" || fail "controls without a tooltip: $(value "$dir/s50.txt" controls_without_help)"

# The GUI and the command line agree: the GUI's weights, loaded by `latentlab interpolate` with the
# same data, seed, N, steps and path, give the same sentence, counts and means over the same number
# of reference images (one rule and one constant, core/measure/interpolate.h).
"$exe" interpolate --data digits --seed 1 --pairs 50 --load "$dir/models" > "$dir/cli50.txt" 2>&1 ||
  fail "interpolate --load: $(cat "$dir/cli50.txt")"
grep -qxF "$(value "$dir/s50.txt" interp.verdict)" "$dir/cli50.txt" ||
  fail "the GUI's verdict \"$(value "$dir/s50.txt" interp.verdict)\" is not the CLI's: $(grep pairs "$dir/cli50.txt")"
"$exe" interpolate --data digits --seed 1 --pairs 50 --load "$dir/models" --json > "$dir/cli50.json" 2>&1 ||
  fail "interpolate --load --json: $(cat "$dir/cli50.json")"
python3 - "$dir/cli50.json" "$dir/s50.txt" <<'EOF' || fail "the GUI's and the CLI's numbers differ"
import json, sys
cli = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
gui = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[2]) if "=" in l)
checks = [("reference", cli["reference"], int(gui["interp.reference"])),
          ("pairs", cli["pairs"], int(gui["interp.verdict_pairs"])),
          ("VAE closer", cli["vae_closer_pairs"], int(gui["interp.verdict_second_closer"])),
          ("AE closer", cli["ae_closer_pairs"], int(gui["interp.verdict_first_closer"])),
          ("verdict", cli["verdict"], {"1": "vae", "0": "ae", "-1": "tie"}[gui["interp.verdict_favoured"]]),
          ("AE mean", cli["models"][0]["mean_distance"], float(gui["interp.verdict_mean0"])),
          ("VAE mean", cli["models"][1]["mean_distance"], float(gui["interp.verdict_mean1"]))]
# The JSON prints 6 significant digits: a mean is compared within that rounding, not rounded again
# (1.20815 against 1.2081490 rounded to 4 places gave 1.2082 against 1.2081).
def same(a, b):
    return abs(a - b) <= 1e-5 * max(1.0, abs(b)) if isinstance(a, float) or isinstance(b, float) else a == b
bad = [c for c in checks if not same(c[1], c[2])]
for name, a, b in bad: print("%s: CLI %s, GUI %s" % (name, a, b))
sys.exit(1 if bad else 0)
EOF

# The headline for one pair: names the mean, shows both strips' figures, and its direction agrees.
check_headline() {  # state
  test "$(value "$1" interp.summary_stat)" = mean || fail "$1: the headline compares $(value "$1" interp.summary_stat)"
  awk -v h="$(value "$1" interp.summary)" -v closer="$(value "$1" interp.summary_closer)" \
      -v m0="$(value "$1" pane0.interp_mean)" -v m1="$(value "$1" pane1.interp_mean)" '
    BEGIN {
      a = sprintf("%.2f", m0); b = sprintf("%.2f", m1)
      if (a + 0 == b + 0) want_closer = -1; else want_closer = (b + 0 < a + 0) ? 1 : 0
      if (closer != want_closer) { print "headline names model " closer " as closer; the figures " a " " b " say " want_closer; exit 1 }
      if (want_closer == 1) want = "the VAE\047s interpolants are closer to the data on average (mean " b " vs the AE\047s " a ")"
      else if (want_closer == 0) want = "the AE\047s interpolants are closer to the data on average (mean " a " vs the VAE\047s " b ")"
      else want = "as close to the data on average (mean " a " and " b ")"
      if (index(h, want) == 0) { print "headline \"" h "\" lacks \"" want "\""; exit 1 }
    }' || fail "$1: headline and figures disagree"
}
check_headline "$dir/s50.txt"
check_headline "$dir/pair2.txt"
# After more training the verdict is measured again, on the newer weights.
test "$(value "$dir/trained.txt" interp.verdict_version)" -gt "$(value "$dir/s12.txt" interp.verdict_version)" ||
  fail "the verdict was not measured again on new weights"

# wait-readable: from launch, training, until both maps separate their labels (here 0.5, to be
# quick); the line gives each model's seconds since launch, step and accuracy (at least the target).
printf 'wait-readable 0.5\nquit\n' > "$dir/readable.txt"
xvfb $((170 * scale)) 1024x640 "$exe" --points 2000 --script "$dir/readable.txt" > "$dir/readable.out"
grep -q "^latentlab: maps readable" "$dir/readable.out" || fail "no readable line: $(cat "$dir/readable.out")"
awk '/^latentlab: maps readable/ {
  for (i = 1; i <= NF; ++i) if ($i == "ae" || $i == "vae") {
    seen++; acc = substr($(i + 5), 2) + 0
    if (!($(i + 1) > 0 && $(i + 4) > 0 && acc >= 0.5 && acc <= 1)) { print "bad figures for " $i ": " $0; exit 1 }
  }
  if (seen != 2) { print "not both models: " $0; exit 1 }
}' "$dir/readable.out" || fail "wait-readable's line"
echo "test_gui_verdict: ok"
