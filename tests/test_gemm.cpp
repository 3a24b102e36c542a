// Our float GEMM (core/nn/gemm.h) against a naive product in double, at random shapes that are not
// multiples of any block (odd sizes, 1, sizes just past the K and M blocks), both transposes of A
// and B, leading dimensions larger than the matrices, overwrite (beta 0) and accumulate (beta 1),
// with and without the row bias. Also: overwrite never reads C, nothing outside C's (m, n) is
// written, and the dense layer's float products agree with its double (Eigen) ones.
#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "nn/dense.h"
#include "nn/gemm.h"

namespace {

struct Case {
  bool ta, tb, accumulate, bias;
  long m, n, k;
};

// Runs one case; returns the number of wrong elements (printed).
int check_case(const Case& t, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const long a_rows = t.ta ? t.k : t.m, a_cols = t.ta ? t.m : t.k;
  const long b_rows = t.tb ? t.n : t.k, b_cols = t.tb ? t.k : t.n;
  const long lda = a_rows + 3, ldb = b_rows + 5, ldc = t.m + 7;  // padded: leading dimensions matter
  std::vector<float> a(size_t(lda * a_cols)), b(size_t(ldb * b_cols)), bias(size_t(t.m));
  for (float& x : a) x = u(rng);
  for (float& x : b) x = u(rng);
  for (float& x : bias) x = u(rng);
  const float sentinel = 12345.0f;
  std::vector<float> c(size_t(ldc * t.n), sentinel);
  for (long j = 0; j < t.n; ++j)
    for (long i = 0; i < t.m; ++i)  // overwrite mode must not read C: NaN would show
      c[size_t(i + j * ldc)] = t.accumulate ? u(rng) : std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> c0 = c;
  gemm_f32(t.ta, t.tb, t.m, t.n, t.k, a.data(), lda, b.data(), ldb, c.data(), ldc, t.accumulate,
           t.bias ? bias.data() : nullptr);
  int wrong = 0;
  for (long j = 0; j < t.n; ++j) {
    for (long i = 0; i < t.m; ++i) {
      double ref = 0, mag = 0;
      for (long p = 0; p < t.k; ++p) {
        const double x = t.ta ? a[size_t(p + i * lda)] : a[size_t(i + p * lda)];
        const double y = t.tb ? b[size_t(j + p * ldb)] : b[size_t(p + j * ldb)];
        ref += x * y;
        mag += std::fabs(x * y);
      }
      if (t.bias) ref += bias[size_t(i)], mag += std::fabs(bias[size_t(i)]);
      if (t.accumulate) ref += c0[size_t(i + j * ldc)], mag += std::fabs(c0[size_t(i + j * ldc)]);
      const double got = c[size_t(i + j * ldc)];
      // Float rounding of a sum of k + 2 terms: at most (k + 2) eps |terms| (a loose bound; a
      // wrong index or a missed block is off by the size of a term, far more).
      const double tol = double(t.k + 2) * FLT_EPSILON * mag + 1e-30;
      if (!(std::fabs(got - ref) <= tol) && ++wrong <= 3)
        std::printf("gemm m %ld n %ld k %ld ta %d tb %d acc %d bias %d: C(%ld, %ld) = %g, want %g\n", t.m, t.n, t.k,
                    t.ta, t.tb, t.accumulate, t.bias, i, j, got, ref);
    }
    for (long i = t.m; i < ldc; ++i)  // the padding rows of C are not C
      if (c[size_t(i + j * ldc)] != sentinel && ++wrong <= 3)
        std::printf("gemm m %ld n %ld k %ld: wrote past row m at (%ld, %ld)\n", t.m, t.n, t.k, i, j);
  }
  return wrong;
}

}  // namespace

TEST_CASE("the float GEMM matches a double reference at odd shapes, both transposes, both beta modes") {
  INFO("kernel: " << gemm_f32_kernel());
  std::mt19937 rng(20261207);
  // Sizes around the blocks: 1, odd, a tile and one past it, past the K block (384) and the M
  // block (288), and the shapes of the 784-400-20 VAE at batch 16.
  const long sizes[] = {1, 2, 7, 13, 17, 31, 33, 47, 65, 97};
  std::uniform_int_distribution<int> pick(0, int(std::size(sizes)) - 1);
  int cases = 0, wrong = 0;
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb)
      for (int acc = 0; acc < 2; ++acc)
        for (int bias = 0; bias < 2; ++bias)
          for (int r = 0; r < 6; ++r) {
            const Case t{ta == 1, tb == 1, acc == 1, bias == 1, sizes[pick(rng)], sizes[pick(rng)], sizes[pick(rng)]};
            wrong += check_case(t, rng);
            ++cases;
          }
  const Case big[] = {
      {false, false, false, true, 300, 29, 391, }, {true, false, true, false, 289, 13, 785},
      {false, true, true, false, 41, 30, 777},     {true, true, false, true, 301, 25, 400},
      {false, false, true, true, 5, 1601, 3},      {false, false, false, false, 784, 1, 400},
      {false, false, false, true, 400, 16, 784},   {false, true, true, false, 400, 20, 16},
      {true, false, true, false, 20, 16, 400},     {false, false, true, false, 3, 4, 0},
  };
  for (const Case& t : big) {
    wrong += check_case(t, rng);
    ++cases;
  }
  CHECK(cases == 16 * 6 + int(std::size(big)));
  CHECK(wrong == 0);
}

TEST_CASE("the dense layer's float products (our GEMM) agree with its double ones (Eigen)") {
  Layer l;
  l.kind = LayerKind::Dense;
  l.in = l.dense.in = 37;
  l.out = l.dense.out = 45;
  l.dense.weight_offset = 0;
  l.dense.bias_offset = size_t(l.in) * l.out;
  const int B = 19;
  const Eigen::MatrixXd params = Eigen::MatrixXd::Random(long(l.dense.bias_offset) + l.out, 1);
  const Eigen::MatrixXd x = Eigen::MatrixXd::Random(l.in, B), dy = Eigen::MatrixXd::Random(l.out, B);
  const Eigen::MatrixXf pf = params.cast<float>(), xf = x.cast<float>(), dyf = dy.cast<float>();

  MatX<double> y(l.out, B), dx = MatX<double>::Zero(l.in, B), dp = MatX<double>::Zero(params.rows(), 1);
  MatX<float> yf(l.out, B), dxf = MatX<float>::Zero(l.in, B), dpf = MatX<float>::Zero(params.rows(), 1);
  dense_forward<double>(y, x, params.data(), l.dense);
  dense_forward<float>(yf, xf, pf.data(), l.dense);
  RefX<double> dxr(dx);
  RefX<float> dxfr(dxf);
  dense_backward<double>(&dxr, dp.data(), dy, x, params.data(), l.dense);
  dense_backward<float>(&dxfr, dpf.data(), dyf, xf, pf.data(), l.dense);
  const double scale = 1.0 + y.cwiseAbs().maxCoeff();
  CHECK((yf.cast<double>() - y).cwiseAbs().maxCoeff() <= 1e-5 * scale * l.in);
  CHECK((dxf.cast<double>() - dx).cwiseAbs().maxCoeff() <= 1e-5 * scale * l.out);
  CHECK((dpf.cast<double>() - dp).cwiseAbs().maxCoeff() <= 1e-5 * scale * B);
  CHECK(dp.cwiseAbs().maxCoeff() > 0.1);  // the gradients were written at all
}
