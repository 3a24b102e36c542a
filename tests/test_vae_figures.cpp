// Inside the VAE, measured (core/measure/kl_per_dim.h, core/measure/mig.h): the MIG on hand-made
// codes whose answer is worked out by hand, KL per dimension against the closed form, and real runs
// on the built-in sprites: a very high beta collapses the posterior and the rule says so, the
// default does not; raising beta lowers the KL and worsens the reconstruction (the MIG claim is
// reported in the README, where it did not hold).
#include <doctest/doctest.h>
#include "test_quick.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "data/dataset.h"
#include "test_training.h"
#include "measure/kl_per_dim.h"
#include "measure/mig.h"
#include "models/model.h"
#include "nn/rng.h"
#include "train/trainer.h"

TEST_CASE("MIG: codes that copy independent factors score 1; constant codes score 0") {
  // Two factors on a full 4 x 3 grid, each pair once (so their empirical MI is exactly 0), 5 times over.
  const int n = 60;
  Mat factors(2, n), codes(3, n);
  for (int i = 0; i < n; ++i) {
    factors(0, i) = float(i % 4);
    factors(1, i) = float((i / 4) % 3);
    codes(0, i) = factors(1, i) * 0.7f - 2;  // any monotone copy: 3 distinct values, 3 distinct bins
    codes(1, i) = 5;                         // constant: no information
    codes(2, i) = factors(0, i) * 1.5f;
  }
  const Mig m = mig_compute(codes, factors);
  CHECK(m.mi(2, 0) == doctest::Approx(std::log(4.0)));
  CHECK(m.mi(0, 1) == doctest::Approx(std::log(3.0)));
  CHECK(m.best_dim[0] == 2);
  CHECK(m.best_dim[1] == 0);
  CHECK(m.mig == doctest::Approx(1.0));

  Mat constant = Mat::Constant(3, n, 0.25f);
  CHECK(mig_compute(constant, factors).mig == doctest::Approx(0.0));

  // Both factors in one code (dimension 0 = 4 f1 + f0, 12 values) and in no other: each factor's top
  // MI is its whole entropy, the second is 0 for one and ... still 0: the code gives the gap as 1,
  // as MIG does (it measures compactness per factor, not that a dimension holds only one factor).
  Mat shared(2, n);
  for (int i = 0; i < n; ++i) {
    shared(0, i) = 4 * factors(1, i) + factors(0, i);
    shared(1, i) = -1;
  }
  CHECK(mig_compute(shared, factors).mig == doctest::Approx(1.0));
  // The same factor copied into two dimensions: the gap is 0 for it.
  Mat twice(2, n);
  for (int i = 0; i < n; ++i) twice(0, i) = twice(1, i) = factors(0, i);
  const Mig t = mig_compute(twice, factors.topRows(1));
  CHECK(t.mig == doctest::Approx(0.0));
}

TEST_CASE("MIG: a partial code, worked out by hand") {
  // factor f = 0 0 1 1; dimension 0 = 0 0 0 1; dimension 1 = 0 1 0 1 (independent of f).
  // H(f) = ln 2. I(d0; f) = H(d0) - H(d0 | f) = H(1/4) - (1/2) ln 2 = (3/4) ln(4/3); I(d1; f) = 0.
  // MIG = (3/4) ln(4/3) / ln 2.
  Mat factors(1, 4), codes(2, 4);
  factors << 0, 0, 1, 1;
  codes << 0, 0, 0, 1,
           0, 1, 0, 1;
  const Mig m = mig_compute(codes, factors);
  CHECK(m.entropy[0] == doctest::Approx(std::log(2.0)));
  CHECK(m.mi(0, 0) == doctest::Approx(0.75 * std::log(4.0 / 3)));
  CHECK(m.mi(1, 0) == doctest::Approx(0.0));
  CHECK(m.mig == doctest::Approx(0.75 * std::log(4.0 / 3) / std::log(2.0)));
}

TEST_CASE("MIG: independent random codes score near 0; continuous factors are binned") {
  Rng rng(7);
  const int n = 4000;
  Mat factors(2, n), codes(4, n);
  for (int i = 0; i < n; ++i) {
    factors(0, i) = rng.uniform();
    factors(1, i) = float(rng.below(3));
    for (int j = 0; j < 4; ++j) codes(j, i) = rng.normal();
  }
  const Mig m = mig_compute(codes, factors);
  CHECK(m.mig >= 0.0);
  CHECK(m.mig < 0.02);  // the plug-in estimator's bias on 4,000 samples is a few hundredths of a nat at most
  // A code equal to the continuous factor plus a little noise takes it back.
  for (int i = 0; i < n; ++i) codes(1, i) = factors(0, i) + 0.001f * rng.normal();
  const Mig c = mig_compute(codes, factors);
  CHECK(c.best_dim[0] == 1);
  CHECK(c.gap[0] > 0.8);
}

TEST_CASE("discretisation: equal-width bins as numpy.histogram + digitize; discrete factors kept") {
  const float v[] = {0.0f, 0.049f, 0.05f, 0.5f, 0.999f, 1.0f};
  const std::vector<int> b = mig_discretize(v, 6, 1, 20, false);
  CHECK(b == std::vector<int>{0, 0, 1, 10, 19, 19});
  const float d[] = {2, 7, 2, 9};
  CHECK(mig_discretize(d, 4, 1, 20, true) == std::vector<int>{0, 1, 0, 2});
}

TEST_CASE("KL per dimension: the closed form, the active-unit rule, the collapse rule") {
  // mu = 1, logvar = 0: KL = 1/2. mu = 0, logvar = 0: 0. mu = 0, logvar = log 2: (2 - 1 - ln 2) / 2.
  Mat mu(3, 2), lv(3, 2);
  mu << 1, 1, 0, 0, 0, 0;
  lv << 0, 0, 0, 0, std::log(2.0f), std::log(2.0f);
  const KlPerDim k = kl_per_dim_from_codes(mu, lv);
  CHECK(k.kl[0] == doctest::Approx(0.5));
  CHECK(k.kl[1] == doctest::Approx(0.0));
  CHECK(k.kl[2] == doctest::Approx((1 - std::log(2.0)) / 2).epsilon(1e-5));
  CHECK(k.active_units == 2);
  CHECK(!k.collapsed);
  CHECK(kl_order(k.kl) == std::vector<int>{0, 2, 1});
  // Every dimension just under the threshold: collapsed.
  Mat small_mu = Mat::Constant(3, 2, float(std::sqrt(2 * kActiveUnitNats) * 0.9));
  const KlPerDim c = kl_per_dim_from_codes(small_mu, Mat::Zero(3, 2));
  CHECK(c.active_units == 0);
  CHECK(c.collapsed);
}

namespace {

const Dataset& sprites() {
  static const Dataset d = [] {
    DataSpec spec;
    spec.source = "sprites";
    spec.count = 6000;
    spec.train_count = 5000;
    return load_dataset(spec);
  }();
  return d;
}

// A sprites VAE, 784-256-latent, trained `epochs` epochs of batch 128 in the trainer's batch order.
Model train_sprites_vae(float beta, int epochs, uint64_t seed, int latent) {
  const Dataset& d = sprites();
  ModelConfig c;
  c.kind = ModelKind::VAE;
  c.hidden = {256};
  c.latent = latent;
  c.beta = beta;
  c.seed = seed;
  c.input_size = d.features();
  Model model(c, OptimizerConfig{});
  train_full_batches(d, epochs, 128, seed, [&](const Mat& x) { model.train_step(x); });
  return model;
}

Mat held_out(const Dataset& d) {
  Mat x(d.features(), d.test_count());
  d.copy_range(d.train_count, d.test_count(), x);
  return x;
}

}  // namespace

TEST_CASE("beta on sprites: the KL falls and the reconstruction worsens; beta 50 collapses and the rule says so") {
  const Dataset& d = sprites();
  const Mat x = held_out(d);
  InferenceWorkspace ws;
  const float betas[] = {1.0f, 4.0f, 50.0f};
  KlPerDim kl[3];
  LossParts loss[3];
  double mig[3];
  for (int b = 0; b < 3; ++b) {
    Model model = train_sprites_vae(betas[b], budget(12, 1), 1, 4);  // test_quick.h
    kl[b] = kl_per_dim(model.network(), x, ws);
    loss[b] = model.evaluate(x);
    Mat codes(4, x.cols());
    network_encode(model.network(), x, codes, ws);
    mig[b] = mig_compute(codes, d.factors.middleCols(d.train_count, d.test_count())).mig;
    std::printf("beta %g: recon %.2f, KL %.4f, active %d, collapsed %d, MIG %.4f\n", double(betas[b]), loss[b].recon,
                kl[b].total, kl[b].active_units, int(kl[b].collapsed), mig[b]);
  }
  // The rate-distortion trade-off, in the direction the theory says.
  CLAIM(kl[1].total < kl[0].total);
  CLAIM(loss[1].recon > loss[0].recon);
  CLAIM(loss[2].recon > loss[1].recon);
  // The default is healthy; beta 50 has collapsed: no dimension carries 0.01 nats.
  CLAIM(!kl[0].collapsed);
  CLAIM(kl[0].active_units == 4);
  CLAIM(kl[2].collapsed);
  for (double k : kl[2].kl) CLAIM(k < kActiveUnitNats);
  CLAIM(kl[0].total > 100 * kl[2].total);
  for (int b = 0; b < 3; ++b) CHECK((std::isfinite(loss[b].recon) && kl[b].total >= 0));
  // The MIG claim (beta 4 above beta 1) did not hold in our runs at this training length (README,
  // "Inside the VAE"), so it is not asserted; the figures are printed above.
  for (double m : mig) CHECK((m >= 0 && m <= 1));
}
