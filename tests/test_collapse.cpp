// The collapse watch (core/train/collapse.h): its rules on hand-made sequences, code_spread and
// average_image_loss against values worked out by hand, and real runs: learning rate 0.1 collapses a
// small AE on digits, and leaves a VAE no better than the average image, and the watch says so (alone,
// and inside the trainer, as an event); 1e-3 and 3e-3 train them and it stays quiet.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "train/collapse.h"
#include "data/dataset.h"
#include "models/model.h"
#include "train/trainer.h"
#include "test_quick.h"

namespace {
// The hand-made sequences of rules 1 and 2 give no average-image baseline (rule 3 off) and are late
// enough in training for rule 3 to apply if they did.
const double kNoBaseline = std::nan("");
constexpr long long kLate = 1000;
// 15 epochs of 15 steps each on digits(): past CollapsePolicy::learn_steps. The quick form
// (test_quick.h) stops before it, so rule 3's claims are not checked there.
const int kSlowEpochs = budget(15, 3);

std::shared_ptr<const Dataset> digits() {
  static std::shared_ptr<const Dataset> d = [] {
    DataSpec spec;
    spec.source = "digits";
    spec.count = 2500;
    spec.train_count = 2000;
    return std::make_shared<const Dataset>(load_dataset(spec));
  }();
  return d;
}

ModelConfig small_config(ModelKind kind) {
  ModelConfig c;
  c.kind = kind;
  c.hidden = {256};  // the app's default shape: a smaller VAE rides out lr 0.1
  c.latent = 2;
  c.input_size = 784;
  c.seed = 1;  // the app's default run, which the issue saw collapse at lr 0.1 (other seeds train badly instead)
  return c;
}

// Trains `kind` at `lr` for `epochs` epochs of batch 128 as `latentlab train` does, checking the watch
// after every epoch; returns how many times it warned, the last spread in *spread and the last event
// in *event.
int run_watched(ModelKind kind, float lr, int epochs, double* spread, uint64_t seed = 1,
                CollapseEvent* event = nullptr) {
  const Dataset& d = *digits();
  OptimizerConfig opt;
  opt.lr = lr;
  ModelConfig config = small_config(kind);
  config.seed = seed;
  Model model(config, opt);
  Mat held_out(d.features(), d.test_count()), codes;  // (784, 500)
  d.copy_range(d.train_count, d.test_count(), held_out);
  InferenceWorkspace ws;
  CollapseWatch watch;
  collapse_start(watch, code_spread(model.network(), held_out, ws, codes), average_image_loss(config.loss, held_out));
  Rng rng(shuffle_seed(seed));
  std::vector<int> order;
  Mat x(d.features(), 128);
  int warnings = 0;
  long long steps = 0;
  for (int e = 0; e < epochs; ++e) {
    epoch_order(rng, d.train_count, order);
    for (int first = 0; first + 128 <= d.train_count; first += 128, ++steps) {
      d.gather(order.data() + first, 128, x);
      model.train_step(x);
    }
    *spread = code_spread(model.network(), held_out, ws, codes);
    if (collapse_check(watch, model.evaluate(held_out).total, *spread, steps) == CollapseSignal::Collapsed) {
      ++warnings;
      if (event) *event = watch.last;
    }
  }
  return warnings;
}
}  // namespace

TEST_CASE("collapse_check: quiet while a run improves, even with a noisy loss") {
  CollapseWatch w;
  collapse_start(w, 0.3, kNoBaseline);
  const double loss[] = {180, 170, 171, 160, 158, 159, 150, 151, 149, 148};
  const double spread[] = {1.0, 1.5, 1.4, 2.0, 2.1, 2.0, 2.2, 2.3, 2.2, 2.3};
  for (int i = 0; i < 10; ++i) CHECK(collapse_check(w, loss[i], spread[i], kLate) == CollapseSignal::None);
  CHECK(w.peak_spread == doctest::Approx(2.3));
  CHECK(w.best_loss == doctest::Approx(148));
}

TEST_CASE("collapse_check: the spread falling 100-fold from its peak warns once, and again after a recovery") {
  CollapseWatch w;
  collapse_start(w, 0.3, kNoBaseline);
  CHECK(collapse_check(w, 170, 2.0, kLate) == CollapseSignal::None);
  CHECK(collapse_check(w, 165, 0.021, kLate) == CollapseSignal::None);  // just above 2.0 / 100
  CHECK(collapse_check(w, 166, 0.019, kLate) == CollapseSignal::Collapsed);
  CHECK(w.last.spread_fell);
  CHECK_FALSE(w.last.loss_stalled);
  CHECK(w.last.peak_spread == doctest::Approx(2.0));
  CHECK(w.last.spread == doctest::Approx(0.019));
  CHECK(collapse_check(w, 166, 0.0, kLate) == CollapseSignal::None);  // still collapsed: no second warning
  CHECK(collapse_check(w, 160, 1.5, kLate) == CollapseSignal::None);  // recovered
  CHECK(collapse_check(w, 161, 0.0, kLate) == CollapseSignal::Collapsed);
  // The initial spread counts as a peak: codes that never move away from a collapse at step 1 warn.
  CollapseWatch fresh;
  collapse_start(fresh, 0.32, kNoBaseline);
  CHECK(collapse_check(fresh, 185, 0.0, kLate) == CollapseSignal::Collapsed);
  const std::string msg = collapse_message(fresh.last, "ae", 0.1f);
  CHECK(msg == "ae: training has collapsed: the codes' spread fell from 0.32 to 0 (the map's points have fused) "
               "at learning rate 0.1; try a lower one");
}

TEST_CASE("collapse_check: a loss stuck above 1.2 x its best for 3 checks warns; NaN is ignored") {
  CollapseWatch w;
  collapse_start(w, 1.0, kNoBaseline);
  CHECK(collapse_check(w, 150, 1.0, kLate) == CollapseSignal::None);
  CHECK(collapse_check(w, 181, 1.0, kLate) == CollapseSignal::None);  // 181 > 1.2 * 150 = 180: 1st
  CHECK(collapse_check(w, std::nan(""), 1.0, kLate) == CollapseSignal::None);  // not a check
  CHECK(collapse_check(w, 185, 1.0, kLate) == CollapseSignal::None);  // 2nd
  CHECK(collapse_check(w, 179, 1.0, kLate) == CollapseSignal::None);  // under the line: the count restarts
  CHECK(collapse_check(w, 185, 1.0, kLate) == CollapseSignal::None);
  CHECK(collapse_check(w, 185, 1.0, kLate) == CollapseSignal::None);
  CHECK(collapse_check(w, 185, 1.0, kLate) == CollapseSignal::Collapsed);  // 3rd in a row
  CHECK(w.last.loss_stalled);
  CHECK_FALSE(w.last.spread_fell);
  CHECK(w.last.best_loss == doctest::Approx(150));
  CHECK(collapse_message(w.last, "vae", 0.05f).find("the loss is stuck at 185, far above its best 150") !=
        std::string::npos);
}

TEST_CASE("collapse_check: no better than the average image after learn_steps steps warns; not before") {
  // A VAE at learning rate 0.1 that only trains badly (seed 2 on the app's digits): the spread never
  // falls 100-fold and the loss creeps down, so rules 1 and 2 stay quiet; rule 3 sees the loss above
  // what decoding every input to the average image scores (185 here).
  CollapseWatch w;
  collapse_start(w, 0.28, 185);
  CHECK(collapse_check(w, 453, 4.2, 79) == CollapseSignal::None);   // early: every run starts above it
  CHECK(collapse_check(w, 240, 0.34, 158) == CollapseSignal::None);
  CHECK(collapse_check(w, 232, 0.39, 237) == CollapseSignal::Collapsed);  // past 200 steps, still above
  CHECK(w.last.not_learning);
  CHECK_FALSE(w.last.spread_fell);
  CHECK_FALSE(w.last.loss_stalled);
  CHECK(w.last.steps == 237);
  CHECK(collapse_message(w.last, "vae", 0.1f) ==
        "vae: training has collapsed: after 237 steps the loss 232 is no better than the 185 of decoding every "
        "input to the average image (it has learnt nothing about its inputs) at learning rate 0.1; try a lower one");
  CHECK(collapse_check(w, 229, 0.40, 316) == CollapseSignal::None);  // still stuck: no second warning
  CHECK(collapse_check(w, 170, 1.2, 395) == CollapseSignal::None);   // below the baseline: healthy
  CHECK(collapse_check(w, 186, 1.2, 474) == CollapseSignal::Collapsed);  // above it again: warns again
  // A healthy run is below the baseline well before learn_steps, and a loss equal to the best is no plateau.
  CollapseWatch healthy;
  collapse_start(healthy, 0.3, 185);
  const double loss[] = {172, 165, 158, 154, 151};
  for (int i = 0; i < 5; ++i) CHECK(collapse_check(healthy, loss[i], 1.3 + 0.1 * i, 79 * (i + 1)) == CollapseSignal::None);
}

TEST_CASE("average_image_loss: the loss of decoding every sample to their mean, by hand") {
  // Two samples of two features: (1, 0.5) and (0, 0.5); the average image is (0.5, 0.5).
  Mat x(2, 2);
  x << 1, 0, 0.5, 0.5;
  // BCE per sample: feature 1, -log 0.5 for either sample; feature 2, -(0.5 log 0.5 + 0.5 log 0.5) = log 2.
  CHECK(average_image_loss(OutputLoss::BCE, x) == doctest::Approx(2 * std::log(2.0)).epsilon(1e-12));
  // Squared error per sample: 0.25 on feature 1, 0 on feature 2.
  CHECK(average_image_loss(OutputLoss::MSE, x) == doctest::Approx(0.25).epsilon(1e-12));
  // A feature that is 0 (or 1) in every sample costs nothing, and is no log(0).
  Mat y = Mat::Zero(3, 4);
  y.row(1).setOnes();
  CHECK(average_image_loss(OutputLoss::BCE, y) == doctest::Approx(0).epsilon(1e-12));
}

TEST_CASE("code_spread: the RMS distance of the codes from their mean") {
  // A linear code layer on one input and no hidden layer is not buildable, so take a real network
  // and compare with the definition computed here in double: sqrt(mean_n |z_n - mean z|^2).
  const Dataset& d = *digits();
  Network net = Network::create(small_config(ModelKind::Plain));
  Mat x(d.features(), 100), codes, check(2, 100);
  d.copy_range(0, 100, x);
  InferenceWorkspace ws;
  const double spread = code_spread(net, x, ws, codes);
  network_encode(net, x, check, ws);
  const Eigen::MatrixXd z = check.cast<double>();
  const Eigen::VectorXd mean = z.rowwise().mean();
  double sum = 0;
  for (int n = 0; n < 100; ++n) sum += (z.col(n) - mean).squaredNorm();
  CHECK(spread == doctest::Approx(std::sqrt(sum / 100)).epsilon(1e-9));
  CHECK(spread > 0);
  // Every sample the same: no spread.
  for (int n = 1; n < 100; ++n) x.col(n) = x.col(0);
  CHECK(code_spread(net, x, ws, codes) == doctest::Approx(0).epsilon(1e-9));
}

TEST_CASE("collapse watch on real runs: learning rate 0.1 collapses the AE and it warns; 1e-3 stays quiet") {
  // At 0.1 every ReLU on the AE's code path dies within an epoch: the codes' spread is exactly 0.
  double spread = -1;
  CHECK(run_watched(ModelKind::Plain, 0.1f, 2, &spread) == 1);
  CHECK(spread < 1e-3);
  // The healthy side, past learn_steps: below the average image's loss, no warning.
  for (ModelKind kind : {ModelKind::Plain, ModelKind::VAE}) {
    for (float lr : {1e-3f, 3e-3f}) {  // the command line's and the app's default rates
      const std::string name = model_kind_name(kind);
      CAPTURE(name);
      CAPTURE(lr);
      CHECK(run_watched(kind, lr, kSlowEpochs, &spread) == 0);
      CLAIM(spread > 0.5);
    }
  }
}

TEST_CASE("collapse watch on a real run: a VAE at learning rate 0.1 that only trains badly warns (rule 3)") {
  // The VAE's fate at 0.1 depends on its noise: with seed 1 it collapses like the AE; with seed 2 its
  // codes' spread stays near the untrained model's and its loss creeps down, but stays above what the
  // average image scores. Rules 1 and 2 never fire on this run; rule 3 does, once.
  double spread = -1;
  CollapseEvent event;
  const int warnings = run_watched(ModelKind::VAE, 0.1f, kSlowEpochs, &spread, 2, &event);
  CLAIM(warnings == 1);
  CLAIM(event.not_learning);
  CLAIM_FALSE(event.spread_fell);
  CLAIM_FALSE(event.loss_stalled);
  CLAIM(event.loss >= event.average_loss);
  CHECK(spread > 0.01);  // not the AE's kind of collapse
}

TEST_CASE("Trainer: a collapse is an event naming the model; a healthy twin run has none") {
  for (float lr : {0.1f, 1e-3f}) {
    CAPTURE(lr);
    OptimizerConfig opt;
    opt.lr = lr;
    TrainerOptions options;
    options.batch = 128;
    ModelConfig base = small_config(ModelKind::Plain);
    Trainer t(digits(), twin_configs(base), opt, options);
    const int steps = budget(160, 40);  // about 10 epochs of digits() (quick: under 3)
    t.step(steps);
    std::shared_ptr<const Snapshot> s;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    do {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      s = t.snapshot();
    } while ((s->step < steps || s->running) && std::chrono::steady_clock::now() < deadline);
    REQUIRE(s->step == steps);
    int collapsed[2] = {0, 0};
    for (const TrainerEvent& e : s->events)
      if (e.message.find("training has collapsed") != std::string::npos && e.model >= 0 && e.model < 2) {
        CHECK(e.message.find(model_kind_name(s->networks[e.model].config.kind)) == 0);
        ++collapsed[e.model];
      }
    if (lr > 0.01f) {
      CHECK(collapsed[0] == 1);  // the AE, once, though it stays collapsed
    } else {
      CHECK(collapsed[0] == 0);
      CHECK(collapsed[1] == 0);
    }
  }
}
