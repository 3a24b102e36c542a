// Interpolation paths, the distance-to-data measure, and the app's central claim: on the
// built-in digits with default settings, a VAE's interpolation midpoints lie closer to real
// data than a plain AE's (checked over 50 pairs by running the real `latentlab interpolate`).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "measure/interpolate.h"
#include "test_quick.h"

TEST_CASE("linear interpolation hits both endpoints and the exact midpoint") {
  Vec a(3), b(3);
  a << 1, 2, 3;
  b << 3, -2, 5;
  Mat path(3, 5);  // t = 0, .25, .5, .75, 1
  interpolate_codes(a, b, 3, PathKind::Linear, path);
  CHECK((path.col(0) - a).norm() == doctest::Approx(0));
  CHECK((path.col(4) - b).norm() == doctest::Approx(0));
  CHECK(path(0, 2) == doctest::Approx(2));
  CHECK(path(1, 2) == doctest::Approx(0));
  CHECK(path(2, 2) == doctest::Approx(4));
}

TEST_CASE("slerp keeps the norm on a straight ramp and follows the great circle") {
  Vec a(2), b(2);
  a << 2, 0;
  b << 0, 4;
  Mat path(2, 3);
  interpolate_codes(a, b, 1, PathKind::Slerp, path);
  // Midway the direction is 45 degrees and the norm is the mean of 2 and 4.
  CHECK(path.col(1).norm() == doctest::Approx(3.0));
  CHECK(path(0, 1) == doctest::Approx(path(1, 1)));
  // Linear interpolation would have cut the corner: its midpoint has norm sqrt(5) < 3.
  Mat line(2, 3);
  interpolate_codes(a, b, 1, PathKind::Linear, line);
  CHECK(line.col(1).norm() < path.col(1).norm() - 0.5);
}

TEST_CASE("slerp between parallel codes falls back to linear instead of dividing by zero") {
  Vec a(2), b(2);
  a << 1, 1;
  b << 2, 2;
  Mat path(2, 3);
  interpolate_codes(a, b, 1, PathKind::Slerp, path);
  CHECK(path.allFinite());
  CHECK(path(0, 1) == doctest::Approx(1.5));
}

TEST_CASE("one point of the path at any t matches the path's columns, linear and slerp") {
  Vec a(3), b(3);
  a << 1.5f, -0.5f, 2;
  b << -1, 2, 0.5f;
  for (PathKind kind : {PathKind::Linear, PathKind::Slerp}) {
    Mat path(3, 9);
    interpolate_codes(a, b, 7, kind, path);
    for (int i = 0; i < 9; ++i) {
      float z[3];
      interpolate_code_at(a, b, i / 8.0, kind, z);
      for (int k = 0; k < 3; ++k) CHECK(z[k] == doctest::Approx(path(k, i)).epsilon(1e-5));
    }
  }
}

TEST_CASE("distance to the data: real held-out images sit near 1, noise and blends far away") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 2400;
  spec.train_count = 2000;
  Dataset data = load_dataset(spec);
  DataDistance dd = DataDistance::build(data, 2000, 200);
  CHECK(dd.typical_nn_distance > 0.5);  // digits differ by many pixels

  // Held-out images other than the calibration ones: their median distance is about 1 by construction.
  Mat real(data.features(), 50);
  data.copy_range(data.train_count + 1, 50, real);
  std::vector<double> d_real;
  dd.normalized_distance(real, d_real);
  std::sort(d_real.begin(), d_real.end());
  CHECK(d_real[25] == doctest::Approx(1.0).epsilon(0.35));

  // A training image itself is at distance 0.
  Mat train_image(data.features(), 1);
  data.copy_range(0, 1, train_image);
  std::vector<double> d_self;
  dd.normalized_distance(train_image, d_self);
  CHECK(d_self[0] < 1e-2);

  // Uniform noise is far from every digit.
  Rng rng(3);
  Mat noise(data.features(), 5);
  for (Eigen::Index i = 0; i < noise.size(); ++i) noise.data()[i] = rng.uniform();
  std::vector<double> d_noise;
  dd.normalized_distance(noise, d_noise);
  for (double d : d_noise) CHECK(d > 2.0);
}

TEST_CASE("measure_path in a reusable workspace gives the same measure, call after call") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 700;
  spec.train_count = 600;
  Dataset data = load_dataset(spec);
  DataDistance dd = DataDistance::build(data, 600, 100);
  ModelConfig config;
  config.input_size = data.features();
  config.hidden = {32};
  config.latent = 3;
  config.kind = ModelKind::VAE;
  Model model(config, OptimizerConfig{});
  Vec a(3), b(3);
  a << 0.5f, -1, 0.2f;
  b << -0.7f, 0.4f, 1.1f;
  InferenceWorkspace ws;
  Mat frames;
  PathMeasure once = measure_path(model.network(), a, b, 7, PathKind::Slerp, dd, ws, frames);
  PathWorkspace path_ws;
  PathMeasure again;
  for (int call = 0; call < 2; ++call) {
    measure_path(model.network(), a, b, 7, PathKind::Slerp, dd, path_ws, again);
    REQUIRE(again.distance.size() == once.distance.size());
    for (size_t i = 0; i < once.distance.size(); ++i) CHECK(again.distance[i] == doctest::Approx(once.distance[i]));
    CHECK(again.mean_distance == doctest::Approx(once.mean_distance));
    CHECK(again.max_distance == doctest::Approx(once.max_distance));
    CHECK(again.midpoint_distance == doctest::Approx(once.midpoint_distance));
    CHECK(again.smoothness == doctest::Approx(once.smoothness));
    CHECK(again.endpoint_distance == doctest::Approx(once.endpoint_distance));
    CHECK((path_ws.decoded.leftCols(9) - frames).cwiseAbs().maxCoeff() == doctest::Approx(0.0));
  }
  // A single image measured after the path reuses the distance's scratch (it only grows).
  std::vector<double> one;
  dd.normalized_distance(frames.col(4), one);
  CHECK(one[0] == doctest::Approx(once.distance[3]));
}

TEST_CASE("pair picking respects the label rule and stays in range") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 600;
  spec.train_count = 500;
  Dataset data = load_dataset(spec);
  Rng rng(5);
  auto same = pick_pairs(data, data.train_count, data.test_count(), 30, kPairsSameLabel, rng);
  REQUIRE(same.size() == 30);
  for (auto [a, b] : same) {
    CHECK(a != b);
    CHECK(a >= data.train_count);
    CHECK(b < data.count);
    CHECK(data.labels[a] == data.labels[b]);
  }
  auto different = pick_pairs(data, data.train_count, data.test_count(), 30, kPairsDifferentLabels, rng);
  REQUIRE(different.size() == 30);
  for (auto [a, b] : different) CHECK(data.labels[a] != data.labels[b]);
}

// Reads a number after "key": in a one-line JSON object; the key must appear after `from`.
static double json_number(const std::string& json, const std::string& key, size_t from = 0) {
  size_t at = json.find("\"" + key + "\":", from);
  REQUIRE(at != std::string::npos);
  return std::stod(json.substr(at + key.size() + 3));
}

TEST_CASE("the claim: VAE midpoints are closer to the data than AE midpoints (50 pairs, defaults)") {
  // The quick form (test_quick.h): one epoch of a 1500-digit set, no claim.
  std::string command = std::string(LATENTLAB_EXE) + " interpolate --pairs 50 --json" +
                        (quick_run() ? " --epochs 1 --count 1500" : "");
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  REQUIRE(pclose(pipe) == 0);
  MESSAGE(out);
  size_t ae = out.find("\"model\":\"ae\""), vae = out.find("\"model\":\"vae\"");
  REQUIRE(ae != std::string::npos);
  REQUIRE(vae != std::string::npos);
  double ae_mid = json_number(out, "midpoint_distance", ae), vae_mid = json_number(out, "midpoint_distance", vae);
  CHECK(json_number(out, "pairs") == 50);
  CLAIM(vae_mid < ae_mid);
  // The robust half of the lesson: random codes from the prior decode to something digit-like for
  // the VAE, and to something far from any digit for the AE (measured 1.4x farther, seeds 1-3).
  double ae_prior = json_number(out, "prior_sample_distance", ae);
  double vae_prior = json_number(out, "prior_sample_distance", vae);
  CLAIM(ae_prior > 1.2 * vae_prior);
}

TEST_CASE("the sign test: two-sided binomial tails worked by hand") {
  // 5 of 5: both tails are 1/32 each, so p = 2/32.
  CHECK(sign_test_p(5, 5) == doctest::Approx(0.0625));
  CHECK(sign_test_p(0, 5) == doctest::Approx(0.0625));
  // 4 of 5: P(X >= 4) = (5 + 1) / 32, doubled.
  CHECK(sign_test_p(4, 5) == doctest::Approx(12.0 / 32));
  // An even split is no evidence at all, and nothing from no pairs.
  CHECK(sign_test_p(25, 50) == doctest::Approx(1.0));
  CHECK(sign_test_p(0, 0) == 1.0);
  // 50 pairs: 33 of 50 is the smallest count below 0.05 (P(X >= 33) = 0.0164, doubled), 32 is not.
  CHECK(sign_test_p(33, 50) == doctest::Approx(0.0328).epsilon(0.01));
  CHECK(sign_test_p(33, 50) < kVerdictSignificance);
  CHECK(sign_test_p(32, 50) > kVerdictSignificance);
  CHECK(std::isfinite(sign_test_p(2500, 5000)));
}

TEST_CASE("the verdict counts pairs, averages means, and says which side the test lands on") {
  // Second model closer in 4 pairs, first in 1, one exact tie that counts for neither.
  const std::vector<double> first = {1.4, 1.3, 1.5, 1.2, 1.0, 1.1};
  const std::vector<double> second = {1.2, 1.1, 1.4, 1.1, 1.3, 1.1};
  PairVerdict v = pair_verdict(first, second);
  CHECK(v.pairs == 6);
  CHECK(v.second_closer == 4);
  CHECK(v.first_closer == 1);
  CHECK(v.mean_distance[0] == doctest::Approx(7.5 / 6));
  CHECK(v.mean_distance[1] == doctest::Approx(7.2 / 6));
  CHECK(v.sign_test_p == doctest::Approx(12.0 / 32));  // 4 of the 5 that differ
  CHECK(v.favoured == -1);
  const std::string tie = pair_verdict_text(v, "AE", "VAE");
  CHECK(tie.find("The VAE's interpolants are closer to the data in 4 of 6 pairs") == 0);
  CHECK(tie.find("a tie within noise") != std::string::npos);
  CHECK(tie.find("mean distance AE 1.25, VAE 1.20.") != std::string::npos);

  std::vector<double> low(40, 1.0), high(40, 1.5);
  PairVerdict vae = pair_verdict(high, low);
  CHECK(vae.favoured == 1);
  CHECK(pair_verdict_text(vae, "AE", "VAE").find("in 40 of 40 pairs; mean distance AE 1.50, VAE 1.00.") !=
        std::string::npos);
  PairVerdict ae = pair_verdict(low, high);
  CHECK(ae.favoured == 0);
  CHECK(pair_verdict_text(ae, "AE", "VAE").find("in only 0 of 40 pairs: here the AE's are the closer") !=
        std::string::npos);
}

TEST_CASE("the verdict's pairs are the CLI's: held-out, seeded, the same for the same seed") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 600;
  spec.train_count = 500;
  Dataset data = load_dataset(spec);
  auto pairs = verdict_pairs(data, 3, 50, kPairsAny);
  REQUIRE(pairs.size() == 50);
  for (auto [a, b] : pairs) {
    CHECK(a >= data.train_count);
    CHECK(b >= data.train_count);
    CHECK(a != b);
  }
  CHECK(verdict_pairs(data, 3, 50, kPairsAny) == pairs);
  CHECK(verdict_pairs(data, 4, 50, kPairsAny) != pairs);
}
