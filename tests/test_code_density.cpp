// The hole map's measure (core/measure/code_density.h): the distance from a code to its k-th
// nearest training code, in units of the same distance at held-out codes. Checked on a lattice by
// hand, against a brute-force search in double precision, and on the picture it exists for: two
// clusters with a gap between them read dark on the clusters and bright in the gap.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "io/errors.h"
#include "measure/code_density.h"
#include "nn/rng.h"

namespace {
// A 10 x 10 lattice of spacing 1 at (0..9, 0..9), plus `offset` on both coordinates.
Mat lattice(float offset) {
  Mat m(2, 100);
  for (int i = 0; i < 100; ++i) {
    m(0, i) = i % 10 + offset;
    m(1, i) = i / 10 + offset;
  }
  return m;
}
}  // namespace

TEST_CASE("k-th nearest distance on a lattice, by hand") {
  CodeDensity d;
  d.set_codes(lattice(0), 1);
  Mat q(2, 3);
  q << 4.5f, 4.0f, 20.0f,
       4.5f, 4.0f, 9.0f;
  float out[3];
  d.kth_distance(q, out);
  CHECK(out[0] == doctest::Approx(std::sqrt(0.5f)));  // a cell's centre: four codes at sqrt(0.5)
  CHECK(out[1] < 0.01f);                               // on a code
  CHECK(out[2] == doctest::Approx(11));                // off the lattice's right edge: (9, 9) is nearest
  d.set_codes(lattice(0), 6);                          // on a code: itself, four at 1, then four at sqrt(2)
  d.kth_distance(q, out);
  CHECK(out[1] == doctest::Approx(std::sqrt(2.0f)));
}

TEST_CASE("the unit is the held-out codes' median, and 1.0 reads as held-out") {
  CodeDensity d;
  d.set_codes(lattice(0), 1);
  d.calibrate(lattice(0.5f));  // every held-out code at a cell's centre (some outside, farther)
  CHECK(d.unit == doctest::Approx(std::sqrt(0.5)));
  Mat q(2, 2);
  q << 2.5f, 40.0f,
       2.5f, 40.0f;
  float out[2];
  d.normalized_distance(q, out);
  CHECK(out[0] == doctest::Approx(1.0f));
  CHECK(out[1] > 50);
}

TEST_CASE("calibrating on the training codes themselves skips each one's own zero distance") {
  CodeDensity d;
  d.set_codes(lattice(0), 1);
  d.calibrate(lattice(0), true);  // every code's nearest other code is 1 away
  CHECK(d.unit == doctest::Approx(1.0));
  CHECK(d.k == 1);
  d.calibrate(lattice(0));        // taken as held-out codes: each finds itself
  CHECK(d.unit < 0.05);
}

TEST_CASE("agrees with a brute-force search in double precision, away from the origin") {
  Rng rng(7);
  const int latent = 5, n = 700, q = 60;
  Mat codes(latent, n), z(latent, q);
  for (Eigen::Index i = 0; i < codes.size(); ++i) codes.data()[i] = 40 + 3 * rng.normal();  // far from 0: the centring matters
  for (Eigen::Index i = 0; i < z.size(); ++i) z.data()[i] = 40 + 4 * rng.normal();
  for (int k : {1, 3, 10}) {
    CodeDensity d;
    d.set_codes(codes, k);
    std::vector<float> out(q);
    d.kth_distance(z, out.data());
    for (int j = 0; j < q; ++j) {
      std::vector<double> dist(n);
      for (int i = 0; i < n; ++i) {
        double s = 0;
        for (int a = 0; a < latent; ++a) s += (double(codes(a, i)) - z(a, j)) * (double(codes(a, i)) - z(a, j));
        dist[i] = std::sqrt(s);
      }
      std::nth_element(dist.begin(), dist.begin() + (k - 1), dist.end());
      CHECK(out[j] == doctest::Approx(dist[k - 1]).epsilon(1e-4));
    }
  }
}

TEST_CASE("two clusters: dark on them, bright in the gap between them") {
  Rng rng(3);
  Mat train(2, 2000), held(2, 400);
  auto fill = [&](Mat& m) {
    for (Eigen::Index i = 0; i < m.cols(); ++i) {
      const float cx = (i % 2) ? 4.0f : -4.0f;
      m(0, i) = cx + 0.7f * rng.normal();
      m(1, i) = 0.7f * rng.normal();
    }
  };
  fill(train);
  fill(held);
  CodeDensity d;
  d.set_codes(train, 8);
  d.calibrate(held);
  Mat q(2, 3);
  q << -4, 0, 4,
        0, 0, 0;
  float out[3];
  d.normalized_distance(q, out);
  CHECK(out[0] < 1);  // a cluster's centre is more crowded than the median held-out code
  CHECK(out[2] < 1);
  CHECK(out[1] > 5);  // the gap: no training code within several typical spacings
}

TEST_CASE("bad input is refused, and a collapsed model has a finite unit") {
  CodeDensity d;
  CHECK_THROWS_AS(d.set_codes(Mat(2, 0), 8), InputError);
  CHECK_THROWS_AS(d.set_codes(lattice(0), 0), InputError);
  Mat same = Mat::Zero(2, 50);
  d.set_codes(same, 3);
  d.calibrate(same);
  CHECK(d.unit > 0);
  Mat q(2, 1);
  q << 1, 0;
  float out[1];
  d.normalized_distance(q, out);
  CHECK(std::isfinite(out[0]));
  CHECK(d.k == 3);
  d.set_codes(lattice(0), 1000);  // k above the number of codes: the farthest one
  CHECK(d.k == 100);
}
