// Every layer of core/nn/ on its own: forward values worked out by hand (dense, conv and
// transposed conv with stride and padding), the transposed convolution as the adjoint of the
// convolution, and a finite-difference gradient check in double of each layer's parameters and
// input through layer_pass.h (central differences, eps 1e-6, pass when |a - n| <= 1e-5 + 1e-3 |n|),
// inputs kept away from the ReLU kinks. The loss is sum(R .* out) for a fixed random R, so dout = R.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "models/model.h"
#include "nn/gemm_tally.h"
#include "nn/layer_pass.h"
#include "perf/flops.h"

namespace {

constexpr double kEps = 1e-6, kAbsTol = 1e-5, kRelTol = 1e-3;

// One layer with its parameters at offset 0: W, then b.
Layer dense_layer(int in, int out) {
  Layer l;
  l.kind = LayerKind::Dense;
  l.in = l.dense.in = in;
  l.out = l.dense.out = out;
  l.dense.weight_offset = 0;
  l.dense.bias_offset = size_t(in) * out;
  return l;
}

Layer conv_layer(bool transposed, int big_c, int big_h, int big_w, int small_c, int k, int stride, int pad) {
  Layer l;
  l.kind = transposed ? LayerKind::ConvTranspose2d : LayerKind::Conv2d;
  ConvShape& s = l.conv;
  s.big_c = big_c, s.big_h = big_h, s.big_w = big_w, s.small_c = small_c;
  s.small_h = conv_output_size(big_h, k, stride, pad);
  s.small_w = conv_output_size(big_w, k, stride, pad);
  s.k = k, s.stride = stride, s.pad = pad;
  s.weight_offset = 0;
  s.bias_offset = size_t(s.patch()) * small_c;
  l.in = transposed ? s.small_size() : s.big_size();
  l.out = transposed ? s.big_size() : s.small_size();
  return l;
}

// A 2x2 average pool (up = false) or nearest upsampling (up = true) between (c, 2h, 2w) and (c, h, w).
Layer resample_layer(bool up, int c, int h, int w) {
  Layer l;
  l.kind = up ? LayerKind::Upsample2d : LayerKind::AvgPool2d;
  ConvShape& s = l.conv;
  s.big_c = s.small_c = c, s.big_h = 2 * h, s.big_w = 2 * w, s.small_h = h, s.small_w = w;
  s.k = 2, s.stride = 2;
  l.in = up ? s.small_size() : s.big_size();
  l.out = up ? s.big_size() : s.small_size();
  return l;
}

Layer simple_layer(LayerKind kind, int n) {
  Layer l;
  l.kind = kind;
  l.in = l.out = n;
  return l;
}

size_t parameter_count(const Layer& l) {
  if (l.kind == LayerKind::Dense) return size_t(l.in + 1) * l.out;
  if (l.kind == LayerKind::Conv2d) return size_t(l.conv.patch() + 1) * l.conv.small_c;
  if (l.kind == LayerKind::ConvTranspose2d) return size_t(l.conv.patch()) * l.conv.small_c + l.conv.big_c;
  return 0;
}

// loss = sum(R .* layer(x; params)); dropout draws its mask from a fresh stream with a fixed seed,
// so that the loss is a function of x and the parameters alone.
double layer_loss(const std::vector<Layer>& list, const Eigen::MatrixXd& x, const std::vector<double>& params,
                  const Eigen::MatrixXd& R, LayersWorkspace<double>& ws) {
  Rng masks(5);
  layers_reserve(ws, list, int(x.cols()), true);
  layers_forward<double>(ws, list, x, params.data(), &masks);
  return ws.out.back().leftCols(x.cols()).cwiseProduct(R).sum();
}

struct Check {
  size_t checked = 0, failures = 0;
  double max_diff = 0;
  void compare(const char* what, size_t i, double analytic, double numeric) {
    REQUIRE(std::isfinite(analytic));
    REQUIRE(std::isfinite(numeric));
    const double diff = std::fabs(analytic - numeric);
    max_diff = std::max(max_diff, diff);
    ++checked;
    if (diff > kAbsTol + kRelTol * std::fabs(numeric)) {
      if (failures < 5) std::printf("  %s: mismatch at %zu: analytic %.9g numeric %.9g\n", what, i, analytic, numeric);
      ++failures;
    }
  }
};

// Gradient check of one layer: every parameter and every input value. `x_offset` keeps inputs away
// from 0 (the ReLU kink) when the layer is a ReLU-family activation.
void check_layer(const std::string& name, const Layer& layer, int B = 3, bool away_from_zero = false) {
  const std::vector<Layer> list = {layer};
  Rng rng(17);
  Eigen::MatrixXd x(layer.in, B), R(layer.out, B);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    double v = 2 * rng.uniform_double() - 1;
    if (away_from_zero) v = (v < 0 ? -1 : 1) * (0.1 + std::fabs(v));
    x(i) = v;
  }
  for (Eigen::Index i = 0; i < R.size(); ++i) R(i) = rng.normal();
  std::vector<double> params(parameter_count(layer));
  for (double& p : params) p = 0.5 * rng.normal();

  LayersWorkspace<double> ws;
  layer_loss(list, x, params, R, ws);
  std::vector<double> dparams(params.size(), 0.0);
  Eigen::MatrixXd dx = Eigen::MatrixXd::Zero(layer.in, B);
  layers_zero_grads(ws, B);
  ws.dout.back().leftCols(B) = R;
  RefX<double> dx_ref = dx;
  layers_backward<double>(&dx_ref, dparams.data(), ws, list, x, params.data());

  Check c;
  LayersWorkspace<double> probe;
  for (size_t i = 0; i < params.size(); ++i) {
    std::vector<double> q = params;
    q[i] = params[i] + kEps;
    const double up = layer_loss(list, x, q, R, probe);
    q[i] = params[i] - kEps;
    const double down = layer_loss(list, x, q, R, probe);
    c.compare((name + " dparams").c_str(), i, dparams[i], (up - down) / (2 * kEps));
  }
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    Eigen::MatrixXd xq = x;
    xq(i) = x(i) + kEps;
    const double up = layer_loss(list, xq, params, R, probe);
    xq(i) = x(i) - kEps;
    const double down = layer_loss(list, xq, params, R, probe);
    c.compare((name + " din").c_str(), size_t(i), dx(i), (up - down) / (2 * kEps));
  }
  std::printf("%-44s %5zu values, max |analytic - numeric| = %.3g\n", name.c_str(), c.checked, c.max_diff);
  CHECK_MESSAGE(c.failures == 0, name);
}

}  // namespace

TEST_CASE("dense forward, worked out by hand") {
  // W = [[1, 2], [3, 4]] (column-major: 1, 3, 2, 4), b = (0.5, -1), x = (1, -1):
  // out = (1 - 2 + 0.5, 3 - 4 - 1) = (-0.5, -2).
  const Layer l = dense_layer(2, 2);
  const std::vector<double> params = {1, 3, 2, 4, 0.5, -1};
  Eigen::MatrixXd x(2, 1), out(2, 1);
  x << 1, -1;
  dense_forward<double>(out, x, params.data(), l.dense);
  CHECK(out(0, 0) == doctest::Approx(-0.5));
  CHECK(out(1, 0) == doctest::Approx(-2.0));
}

TEST_CASE("conv2d forward with stride 2 and padding 1, worked out by hand") {
  // A 4x4 image, two channels: channel 0 holds 1..16 row by row, channel 1 is all 1. A 3x3 kernel
  // of 1 on channel 0 and 0.5 on channel 1, bias 0.5, stride 2, padding 1: output 2x2. Output (y, x)
  // sees input rows 2y-1..2y+1 and columns 2x-1..2x+1, those outside the image being padding:
  //   (0,0): 1+2+5+6 = 14,                 4 taps inside: + 0.5*4 = 2,   + 0.5 = 16.5
  //   (0,1): 2+3+4+6+7+8 = 30,             6 taps inside: + 3,           + 0.5 = 33.5
  //   (1,0): 5+6+9+10+13+14 = 57,          6 taps inside: + 3,           + 0.5 = 60.5
  //   (1,1): 6+7+8+10+11+12+14+15+16 = 99, 9 taps inside: + 4.5,         + 0.5 = 104
  const Layer l = conv_layer(false, 2, 4, 4, 1, 3, 2, 1);
  REQUIRE(l.conv.small_h == 2);
  REQUIRE(l.out == 4);
  std::vector<double> params(parameter_count(l));
  for (int tap = 0; tap < 9; ++tap) {
    params[tap * 2 + 0] = 1.0;  // W (1, patch): patch index (ky, kx, c)
    params[tap * 2 + 1] = 0.5;
  }
  params[l.conv.bias_offset] = 0.5;
  Eigen::MatrixXd x(32, 1), out(4, 1);
  for (int p = 0; p < 16; ++p) {
    x(p * 2 + 0, 0) = p + 1;  // channels last: (y, x, c)
    x(p * 2 + 1, 0) = 1;
  }
  Eigen::VectorXd scratch(l.conv.patch() * 4);
  conv2d_forward<double>(out, scratch, x, params.data(), l.conv);
  CHECK(out(0, 0) == doctest::Approx(16.5));
  CHECK(out(1, 0) == doctest::Approx(33.5));
  CHECK(out(2, 0) == doctest::Approx(60.5));
  CHECK(out(3, 0) == doctest::Approx(104.0));
  Eigen::MatrixXd direct(4, 1);
  conv2d_forward_direct<double>(direct, x, params.data(), l.conv);
  CHECK((direct - out).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("conv_transpose2d forward with stride 2, padding 1, output padding 1, worked out by hand") {
  // A 2x2 image (1 2 / 3 4), one channel, to 4x4 with a 3x3 kernel of 1, bias 0.25. Input (y, x)
  // adds itself to output rows 2y-1..2y+1 and columns 2x-1..2x+1 (those inside the 4x4 image):
  //   1 -> rows 0-1, cols 0-1;  2 -> rows 0-1, cols 1-3;  3 -> rows 1-3, cols 0-1;  4 -> rows 1-3, cols 1-3
  // so the output is
  //   1  3  2  2          + 0.25 everywhere
  //   4 10  6  6
  //   3  7  4  4
  //   3  7  4  4
  // (torch.nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1) with these weights.)
  const Layer l = conv_layer(true, 1, 4, 4, 1, 3, 2, 1);
  REQUIRE(l.in == 4);
  REQUIRE(l.out == 16);
  std::vector<double> params(parameter_count(l), 1.0);
  params[l.conv.bias_offset] = 0.25;
  Eigen::MatrixXd x(4, 1), out(16, 1);
  x << 1, 2, 3, 4;
  Eigen::VectorXd scratch(l.conv.patch() * 4);
  conv_transpose2d_forward<double>(out, scratch, x, params.data(), l.conv);
  const double expected[16] = {1, 3, 2, 2, 4, 10, 6, 6, 3, 7, 4, 4, 3, 7, 4, 4};
  for (int i = 0; i < 16; ++i) CHECK(out(i, 0) == doctest::Approx(expected[i] + 0.25));
}

TEST_CASE("the transposed convolution is the adjoint of the convolution: <conv x, y> = <x, convT y>") {
  for (int stride : {1, 2})
    for (int pad : {0, 1}) {
      const Layer c = conv_layer(false, 3, 7, 6, 4, 3, stride, pad);
      const Layer t = conv_layer(true, 3, 7, 6, 4, 3, stride, pad);
      Rng rng(3);
      std::vector<double> wc(parameter_count(c), 0.0), wt(parameter_count(t), 0.0);  // biases 0
      Eigen::Map<Eigen::MatrixXd> W(wc.data(), c.conv.small_c, c.conv.patch());
      for (Eigen::Index i = 0; i < W.size(); ++i) W(i) = rng.normal();
      Eigen::Map<Eigen::MatrixXd>(wt.data(), t.conv.patch(), t.conv.small_c) = W.transpose();
      Eigen::MatrixXd x(c.in, 2), y(c.out, 2), cx(c.out, 2), ty(c.in, 2);
      for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = rng.normal();
      for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = rng.normal();
      Eigen::VectorXd scratch(c.conv.patch() * c.conv.small_h * c.conv.small_w * 2);
      conv2d_forward<double>(cx, scratch, x, wc.data(), c.conv);
      conv_transpose2d_forward<double>(ty, scratch, y, wt.data(), t.conv);
      CHECK(cx.cwiseProduct(y).sum() == doctest::Approx(x.cwiseProduct(ty).sum()).epsilon(1e-12));
    }
}

TEST_CASE("average pool and nearest upsampling, worked out by hand; each the other's adjoint up to 4") {
  // A 4x2 image of 2 channels, channels-last: pixel (y, x) holds (10 y + x, -(10 y + x)).
  const Layer pool = resample_layer(false, 2, 2, 1), up = resample_layer(true, 2, 2, 1);
  Eigen::MatrixXd img(16, 1);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 2; ++x) img(2 * (y * 2 + x), 0) = 10 * y + x, img(2 * (y * 2 + x) + 1, 0) = -(10 * y + x);
  Eigen::MatrixXd pooled(4, 1);
  avg_pool2d_forward<double>(pooled, img, pool.conv);
  // Block rows 0-1: (0 + 1 + 10 + 11) / 4 = 5.5; rows 2-3: (20 + 21 + 30 + 31) / 4 = 25.5.
  CHECK(pooled(0, 0) == 5.5);
  CHECK(pooled(1, 0) == -5.5);
  CHECK(pooled(2, 0) == 25.5);
  CHECK(pooled(3, 0) == -25.5);
  Eigen::MatrixXd big(16, 1);
  upsample2d_forward<double>(big, pooled, up.conv);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 2; ++x) {
      CHECK(big(2 * (y * 2 + x), 0) == (y < 2 ? 5.5 : 25.5));
      CHECK(big(2 * (y * 2 + x) + 1, 0) == (y < 2 ? -5.5 : -25.5));
    }
  // <pool x, y> = <x, upsample y> / 4, on a 6x4 image of 3 channels and two samples.
  const Layer p2 = resample_layer(false, 3, 3, 2), u2 = resample_layer(true, 3, 3, 2);
  Rng rng(4);
  Eigen::MatrixXd x(p2.in, 2), y(p2.out, 2), px(p2.out, 2), uy(p2.in, 2);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = rng.normal();
  for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = rng.normal();
  avg_pool2d_forward<double>(px, x, p2.conv);
  upsample2d_forward<double>(uy, y, u2.conv);
  CHECK(4 * px.cwiseProduct(y).sum() == doctest::Approx(x.cwiseProduct(uy).sum()).epsilon(1e-12));
}

TEST_CASE("gradient check: average pool and nearest upsampling") {
  check_layer("avg pool 2x2: 6x4x3 -> 3x2x3", resample_layer(false, 3, 3, 2));
  check_layer("upsample 2x: 3x2x3 -> 6x4x3", resample_layer(true, 3, 3, 2));
  check_layer("avg pool 2x2: 2x2x1 -> 1x1x1, batch 1", resample_layer(false, 1, 1, 1), 1);
}

TEST_CASE("gradient check: dense") {
  check_layer("dense 5 -> 4", dense_layer(5, 4));
  check_layer("dense 1 -> 3, batch 1", dense_layer(1, 3), 1);
}

TEST_CASE("gradient check: conv2d, stride and padding") {
  check_layer("conv2d 5x5x2 -> 3 ch, k3 s2 p1", conv_layer(false, 2, 5, 5, 3, 3, 2, 1));
  check_layer("conv2d 6x5x1 -> 2 ch, k3 s1 p0", conv_layer(false, 1, 6, 5, 2, 3, 1, 0));
  check_layer("conv2d 4x4x3 -> 2 ch, k2 s2 p0", conv_layer(false, 3, 4, 4, 2, 2, 2, 0));
}

TEST_CASE("gradient check: conv_transpose2d, stride, padding and output padding") {
  check_layer("conv_transpose2d 3x3x3 -> 6x6x2, k3 s2 p1 op1", conv_layer(true, 2, 6, 6, 3, 3, 2, 1));
  check_layer("conv_transpose2d 3x3x2 -> 5x5x1, k3 s2 p1 op0", conv_layer(true, 1, 5, 5, 2, 3, 2, 1));
  check_layer("conv_transpose2d 4x3x2 -> 6x5x2, k3 s1 p0", conv_layer(true, 2, 6, 5, 2, 3, 1, 0));
}

TEST_CASE("gradient check: reshape, dropout with its mask, every activation") {
  check_layer("reshape", simple_layer(LayerKind::Reshape, 6));
  Layer drop = simple_layer(LayerKind::Dropout, 8);
  drop.drop = 0.3f;
  check_layer("dropout p 0.3", drop);
  for (Activation act : {Activation::Relu, Activation::LeakyRelu, Activation::Elu, Activation::Tanh,
                         Activation::Sigmoid, Activation::Identity}) {
    Layer l = simple_layer(LayerKind::Activation, 6);
    l.activation = act;
    check_layer(std::string("activation ") + activation_name(act), l, 3, true);
  }
}

TEST_CASE("a convolution split into chunks of samples gives the same values and gradients") {
  for (bool transposed : {false, true}) {
    const Layer l = conv_layer(transposed, 3, 6, 6, 4, 3, 2, 1);
    const std::vector<Layer> list = {l};
    Rng rng(8);
    const int B = 5;
    Eigen::MatrixXd x(l.in, B), R(l.out, B);
    for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = rng.normal();
    for (Eigen::Index i = 0; i < R.size(); ++i) R(i) = rng.normal();
    std::vector<double> params(parameter_count(l));
    for (double& p : params) p = rng.normal();
    std::vector<double> grads[2];
    Eigen::MatrixXd outs[2], dxs[2];
    for (int pass = 0; pass < 2; ++pass) {
      LayersWorkspace<double> ws;
      layers_reserve(ws, list, B, true);
      if (pass == 1) ws.scratch.resize(Eigen::Index(l.conv.patch()) * l.conv.small_h * l.conv.small_w);  // 1 sample
      REQUIRE(conv_chunk(l.conv, ws.scratch.size(), B) == (pass == 0 ? B : 1));
      layers_forward<double>(ws, list, x, params.data(), nullptr);
      layers_zero_grads(ws, B);
      ws.dout[0] = R;
      grads[pass].assign(params.size(), 0.0);
      dxs[pass] = Eigen::MatrixXd::Zero(l.in, B);
      RefX<double> dx = dxs[pass];
      layers_backward<double>(&dx, grads[pass].data(), ws, list, x, params.data());
      outs[pass] = ws.out[0];
    }
    CHECK((outs[0] - outs[1]).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((dxs[0] - dxs[1]).cwiseAbs().maxCoeff() < 1e-12);
    for (size_t i = 0; i < params.size(); ++i) CHECK(grads[0][i] == doctest::Approx(grads[1][i]).epsilon(1e-12));
  }
}

TEST_CASE("dropout: zeroes about p of the values, keeps the mean, and is the identity at inference") {
  Layer l = simple_layer(LayerKind::Dropout, 100);
  l.drop = 0.25f;
  const std::vector<Layer> list = {l};
  LayersWorkspace<float> ws;
  layers_reserve(ws, list, 200, false);
  const Mat x = Mat::Constant(100, 200, 2.0f);
  Rng rng(4);
  layers_forward<float>(ws, list, x, nullptr, &rng);
  const double zeros = (ws.out[0].array() == 0.0f).count() / 20000.0;
  CHECK(zeros == doctest::Approx(0.25).epsilon(0.05));
  CHECK(ws.out[0].mean() == doctest::Approx(2.0).epsilon(0.03));
  layers_forward<float>(ws, list, x, nullptr, nullptr);
  CHECK(ws.out[0] == x);
}

// The bench's FLOP figures divide by perf/flops.h's count from the layer shapes; here that count
// is checked against the matrix products one training step actually calls, for every layer kind
// with a product. A backward pass that computed the data's gradient, or skipped a weight gradient,
// would make them differ.
TEST_CASE("the FLOPs counted from the layer shapes are the products one training step calls") {
  struct Case {
    const char* name;
    Architecture arch;
    std::vector<int> hidden;
    ModelKind kind;
  };
  const Case cases[] = {{"mlp vae 400", Architecture::Mlp, {400}, ModelKind::VAE},
                        {"mlp ae 64,32", Architecture::Mlp, {64, 32}, ModelKind::Plain},
                        {"vanilla (hidden none)", Architecture::Mlp, {}, ModelKind::Plain},
                        {"conv vae", Architecture::Conv, {16}, ModelKind::VAE}};
  for (const Case& c : cases) {
    CAPTURE(c.name);
    ModelConfig cfg;
    cfg.kind = c.kind;
    cfg.hidden = c.hidden;
    cfg.latent = 3;
    cfg.arch = c.arch;
    if (c.arch == Architecture::Conv) cfg.channels = 1, cfg.height = cfg.width = 28;
    Model model(cfg, OptimizerConfig{});
    const int batch = 8;
    Rng rng(3);
    Mat x(784, batch);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform();
    GemmTally tally;
    {
      GemmTallyScope on(tally);
      model.train_step(x);
    }
    CHECK(tally.shapes.size() > 0);
    CHECK(2 * tally.macs / batch == doctest::Approx(train_flops_per_sample(model.network())).epsilon(1e-9));
    // Inference: encoding is the encoder's forward products and nothing else.
    GemmTally encode_tally;
    InferenceWorkspace ws;
    Mat code(cfg.latent, batch);
    {
      GemmTallyScope on(encode_tally);
      network_encode(model.network(), x, code, ws);
    }
    CHECK(2 * encode_tally.macs / batch == doctest::Approx(forward_flops_per_sample(model.network().encoder)));
  }
  CHECK(t_gemm_tally == nullptr);  // every scope restored what it found
}
