#!/bin/sh
# Early stopping in the GUI (Training panel; core/train/trainer.h set_early_stop) with the
# overfitting preset: 100 training digits, 784-1024-64, batch 32. Asked for far more steps than it
# needs, training stops on its own: the snapshot says early_stopped, the step is below the steps
# asked for, the events line names the kept step, and for each model the held-out loss at the kept
# (best) step is below the last epoch's (the held-out curve turned up after it). Then it trains on.
#   test_gui_early_stop.sh LATENTLAB PNG_CHECK PNG_DIFF WORKDIR
set -eu
. "$(dirname "$0")/gui_lib.sh"
exe=$1 png_check=$2 png_diff=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
cat > "$dir/script.txt" <<EOS2
panel holes off
overfit-preset
sync
train 3000
sync
state $dir/stopped.txt
screenshot $dir/stopped.png
train 6
sync
state $dir/resumed.txt
quit
EOS2
xvfb $((300 * scale)) 1600x900 "$exe" --paused --points 2000 \
  --width 1024 --height 640 --script "$dir/script.txt"
"$png_check" "$dir/stopped.png" 1024 640
test "$(value "$dir/stopped.txt" early_stop)" = 1
test "$(value "$dir/stopped.txt" early_stopped)" = 1
grep -q "^event=.*early stopping: no better held-out loss for 4 epochs" "$dir/stopped.txt"
test "$(value "$dir/stopped.txt" step)" -lt 3000
for m in 0 1; do
  awk -v best="$(value "$dir/stopped.txt" model$m.best_step)" -v step="$(value "$dir/stopped.txt" step)" \
      -v lb="$(value "$dir/stopped.txt" model$m.heldout_best)" -v ll="$(value "$dir/stopped.txt" model$m.heldout_last)" \
      -v at="model$m" '
  BEGIN {
    if (!(best > 0 && best < step)) { print at ": best step " best " not before the last step " step; exit 1 }
    if (!(lb > 0 && ll > lb)) { print at ": held-out loss at the best step " lb " not below the last " ll; exit 1 }
  }'
done
# Training on after the stop (6 steps: two epochs of 100 samples at batch 32, fewer than the patience
# of 4): patience counts afresh from the resumed epoch, so the run takes every step and is not
# stopped again at the first epoch's end.
test "$(value "$dir/resumed.txt" step)" -eq $(( $(value "$dir/stopped.txt" step) + 6 )) ||
  { echo "test_gui_early_stop: resumed after the stop, training stopped again at once"; exit 1; }
test "$(value "$dir/resumed.txt" early_stopped)" = 0
echo "test_gui_early_stop: ok"
