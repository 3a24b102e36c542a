// The code units' and the sensitivity's pieces (core/measure/code_units.h, sensitivity.h) by hand,
// then the contractive AE's claim one sample at a time: under the same nudges, its code moves less
// than the plain AE's. Built-in digits, fixed seeds, short training (the conditions of
// test_kind_figures' Jacobian claim: lambda 0.1).
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "measure/code_units.h"
#include "measure/kind_figures.h"
#include "measure/sensitivity.h"
#include "models/model.h"
#include "train/trainer.h"

namespace {

const Dataset& digits() {
  static const std::shared_ptr<const Dataset> d = [] {
    DataSpec spec;
    spec.source = "digits";
    spec.count = 3000;
    spec.train_count = 2500;
    return std::make_shared<const Dataset>(load_dataset(spec));
  }();
  return *d;
}

Model trained(const ModelConfig& c, int epochs) {
  const Dataset& d = digits();
  OptimizerConfig opt;
  opt.lr = 1e-3f;
  Model model(c, opt);
  Rng order_rng(shuffle_seed(c.seed));
  std::vector<int> order;
  Mat x(d.features(), 128);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    epoch_order(order_rng, d.train_count, order);
    for (int first = 0; first < d.train_count; first += 128) {
      const int n = std::min(128, d.train_count - first);
      if (x.cols() != n) x.resize(Eigen::NoChange, n);
      d.gather(order.data() + first, n, x);
      model.train_step(x);
    }
  }
  return model;
}

}  // namespace

TEST_CASE("code units by hand: busiest first, and each unit's favourite inputs averaged") {
  Mat code(2, 4), x(3, 4);
  code << 0.1f, 0.9f, 0.5f, -2.0f,  // unit 0: highest at samples 1 then 2 (signed: -2 is lowest)
          0.3f, 0.0f, 0.0f, 0.4f;   // unit 1: highest at samples 3 then 0
  x << 1, 2, 3, 4,
       0, 0, 0, 8,
       5, 5, 5, 5;
  std::vector<double> mean;
  code_activity(code, mean, nullptr);  // unit 0: (0.1 + 0.9 + 0.5 + 2) / 4 = 0.875; unit 1: 0.175
  std::vector<int> order;
  code_unit_order(mean, order);
  REQUIRE(order.size() == 2);
  CHECK(order[0] == 0);
  CHECK(order[1] == 1);
  Mat fav;
  code_unit_favourites(code, x, 2, fav);
  REQUIRE(fav.rows() == 3);
  REQUIRE(fav.cols() == 2);
  CHECK(fav(0, 0) == doctest::Approx(2.5));  // samples 1 and 2: (2 + 3) / 2
  CHECK(fav(1, 0) == doctest::Approx(0.0));
  CHECK(fav(0, 1) == doctest::Approx(2.5));  // samples 3 and 0: (4 + 1) / 2
  CHECK(fav(1, 1) == doctest::Approx(4.0));
  CHECK(fav(2, 1) == doctest::Approx(5.0));
  code_unit_favourites(code, x, 99, fav);    // k clamped to the samples: every unit's mean is the inputs' mean
  CHECK(fav(0, 0) == doctest::Approx(2.5));
  CHECK(fav(1, 1) == doctest::Approx(2.0));
}

TEST_CASE("a perturbation has the RMS size asked for, along the chosen direction") {
  Mat x = Mat::Zero(4, 1), toward(4, 1), delta;
  toward << 3, 0, 4, 0;
  perturbation(PerturbDirection::TowardSample, x, toward, 0.5f, 1, delta);
  CHECK(delta.norm() == doctest::Approx(0.5 * 2));  // size * sqrt(4)
  CHECK(delta(0, 0) == doctest::Approx(0.6));       // (3, 0, 4, 0) / 5 * 1
  CHECK(delta(2, 0) == doctest::Approx(0.8));
  Mat a, b;
  perturbation(PerturbDirection::Random, x, toward, 0.5f, 9, a);
  perturbation(PerturbDirection::Random, x, toward, 0.5f, 9, b);
  CHECK(a.norm() == doctest::Approx(1.0));
  CHECK((a - b).norm() == 0);                       // a fixed seed, the same direction
  perturbation(PerturbDirection::TowardSample, x, x, 0.5f, 9, b);  // nowhere to go: the random one
  CHECK((a - b).norm() == 0);
}

TEST_CASE("code spread by hand: the RMS distance from the mean code") {
  Mat codes(2, 2);
  codes << -1, 1,
            0, 0;
  CHECK(code_spread(codes) == doctest::Approx(1.0));
  CHECK(code_spread(codes.leftCols(1)) == 0);
}

TEST_CASE("nudged inputs move a contractive AE's code less than a plain AE's") {
  ModelConfig plain;
  plain.kind = ModelKind::Plain;
  plain.hidden = {128};
  plain.latent = 16;
  plain.input_size = 784;
  plain.seed = 1;
  ModelConfig contractive = plain;
  contractive.kind = ModelKind::Contractive;
  contractive.contractive_weight = 0.1f;  // the default 1e-3 barely moves ||J|| (README)
  const Model a = trained(plain, 10), c = trained(contractive, 10);
  const Dataset& d = digits();
  Mat x(d.features(), 1), other(d.features(), 1), delta, codes;
  InferenceWorkspace ws;
  double gain_a = 0, gain_c = 0;
  constexpr int kSamples = 50;
  for (int i = 0; i < kSamples; ++i) {
    const int s = d.train_count + i;
    d.copy_range(s, 1, x);
    perturbation(PerturbDirection::Random, x, x, 0.05f, 100 + uint64_t(i), delta);
    gain_a += code_shift(a.network(), x, delta, codes, ws).gain / kSamples;
    gain_c += code_shift(c.network(), x, delta, codes, ws).gain / kSamples;
  }
  MESSAGE("code shift per unit of input, random nudges of RMS 0.05: plain " << gain_a << ", contractive " << gain_c);
  CHECK(gain_c < 0.75 * gain_a);
  // For the README: the same in units of each model's own code spread (a contractive AE may also
  // shrink its whole code), and along the data (toward the next held-out sample). Not asserted.
  Mat held(d.features(), d.test_count()), codes_a(16, d.test_count()), codes_c(16, d.test_count());
  d.copy_range(d.train_count, d.test_count(), held);
  network_encode(a.network(), held, codes_a, ws);
  network_encode(c.network(), held, codes_c, ws);
  const double spread_a = code_spread(codes_a), spread_c = code_spread(codes_c);
  double along_a = 0, along_c = 0;
  for (int i = 0; i < kSamples; ++i) {
    d.copy_range(d.train_count + i, 1, x);
    d.copy_range(d.train_count + i + 1, 1, other);
    perturbation(PerturbDirection::TowardSample, x, other, 0.05f, 1, delta);
    along_a += code_shift(a.network(), x, delta, codes, ws).gain / kSamples;
    along_c += code_shift(c.network(), x, delta, codes, ws).gain / kSamples;
  }
  MESSAGE("codes' spread: plain " << spread_a << ", contractive " << spread_c << "; random nudges per unit of input, "
          "in spreads: plain " << gain_a / spread_a << ", contractive " << gain_c / spread_c
          << "; toward the next sample: plain " << along_a << " (" << along_a / spread_a << " spreads), contractive "
          << along_c << " (" << along_c / spread_c << ")");
}
