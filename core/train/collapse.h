// The collapse watch: what happens when training stays finite but stops learning. A learning rate
// too high for the data (0.1 with Adam on digits) can throw the codes of every sample onto a few
// points and leave the loss stuck far above the best it reached; nothing is NaN, so the divergence
// guard (core/train/divergence.h) does not see it. One watch per model. The trainer (core/train/trainer.cpp) and
// `latentlab train` (app/cli/cli_train.cpp) both call collapse_start() with the fresh model's codes'
// spread and collapse_check() after every epoch with the held-out loss and the spread, so the policy
// is written once, here:
//   1. spread  the codes' spread (code_spread: the RMS distance of the codes from their mean) has
//              fallen below its largest value so far, the fresh model's included, divided by
//              policy.spread_drop (two orders of magnitude by default): the map's points have fused.
//              At learning rate 0.1 both twin models' codes reach a spread of exactly 0 within an
//              epoch (every ReLU of the code path dead), from about 0.3 at initialisation;
//   2. plateau the loss has stayed above policy.loss_ratio times its best for policy.plateau_checks
//              checks in a row: learning has stalled far from where it was;
//   3. average after policy.learn_steps steps, the loss is still no better than the loss of
//              decoding every input to the average image (average_image_loss, the baseline any
//              model reaches by ignoring its input): the model has learnt nothing about its inputs.
//              A VAE at learning rate 0.1 can do this without rule 1 or 2: its codes' spread stays
//              near the untrained model's and its loss creeps down, but stays above the baseline;
//   4. warn once: the watch reports Collapsed on the check that first meets a rule and then stays
//              quiet until the model is healthy again (no rule holds), so a stuck run is not a
//              flood of warnings; a recovered and again collapsed run warns again.
// It only reports: what to do (a lower learning rate, a reset) is the user's choice.
//
//   CollapseWatch watch;                            // CollapsePolicy{} defaults
//   collapse_start(watch, code_spread(model.network(), held_out_sample, ws, codes),
//                  average_image_loss(model.config().loss, held_out_sample));
//   for (int epoch = 1; ...; ++epoch) {
//     ... train an epoch ...
//     const double spread = code_spread(model.network(), held_out_sample, ws, codes);
//     if (collapse_check(watch, model.evaluate(held_out).total, spread, steps) == CollapseSignal::Collapsed)
//       report(collapse_message(watch.last, "ae", model.optimizer().lr));
//   }
#pragma once
#include <cmath>
#include <string>

#include "models/model.h"

struct CollapsePolicy {
  double spread_drop = 100;  // spread below its peak / spread_drop: the codes have fused
  double loss_ratio = 1.2;   // loss above best * loss_ratio (held-out noise is about 1%) ...
  int plateau_checks = 3;    // ... for this many checks in a row: learning has stalled
  long long learn_steps = 200;  // steps after which the loss must be below the average image's
};

enum class CollapseSignal {
  None,       // healthy, or still collapsed after a warning already given
  Collapsed,  // a rule has just started to hold: warn now
};

// What the check saw when it warned (see collapse_message).
struct CollapseEvent {
  bool spread_fell = false;   // rule 1 held
  bool loss_stalled = false;  // rule 2 held
  bool not_learning = false;  // rule 3 held
  double spread = 0, peak_spread = 0;
  double loss = 0, best_loss = 0;
  double average_loss = 0;    // the average image's loss (rule 3's baseline)
  long long steps = 0;
};

struct CollapseWatch {
  CollapsePolicy policy;
  double peak_spread = 0;    // the largest spread seen since collapse_start, the initial one included
  double best_loss = 0;
  double average_loss = NAN; // average_image_loss on the watched samples; NaN: rule 3 off
  int checks = 0;            // collapse_check calls with finite numbers since collapse_start
  int stalled_checks = 0;    // checks in a row with the loss above best * loss_ratio
  bool warned = false;       // a warning stands (cleared when the model is healthy again)
  CollapseEvent last;        // valid after collapse_check returned Collapsed
};

// A fresh (built, re-initialised or restored) model whose codes' spread is `initial_spread`, on data
// whose average image scores `average_loss` (NaN: no such baseline): the history is cleared and
// `policy` kept.
void collapse_start(CollapseWatch& w, double initial_spread, double average_loss);
// One check, after an epoch: `loss` the held-out (or training) loss, `spread` from code_spread,
// `steps` the training steps since collapse_start. Non-finite numbers are the divergence guard's
// business: such a check is ignored.
CollapseSignal collapse_check(CollapseWatch& w, double loss, double spread, long long steps);
// The loss, per sample, of decoding every column of x (features, n) to their mean, the average
// image: BCE (nats) or squared error, summed over features as the models' reconstruction loss is.
double average_image_loss(OutputLoss loss, ConstMatRef x);
// The RMS distance of the codes of `x` (input, n) from their mean: sqrt(sum_k var_k) over the latent
// dimensions (mu for a VAE). `codes` (latent, n) and `ws` are scratch, resized as needed.
double code_spread(const Network& net, ConstMatRef x, InferenceWorkspace& ws, Mat& codes);
// One line for the user, e.g. "vae: training has collapsed: the codes' spread fell from 2.1 to 0.004
// (the map's points have fused) at learning rate 0.1; try a lower one".
std::string collapse_message(const CollapseEvent& e, const std::string& who, float learning_rate);
