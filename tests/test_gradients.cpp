// Tier 2 of the tests: every gradient of core/ against central finite differences in double
// precision (as torch.autograd.gradcheck): eps 1e-6, pass when
// |analytic - numeric| <= 1e-5 + 1e-3 |numeric|. The double path is the same templated code as
// float training (core/models/model.cpp: model_loss<T>), so passing here proves the training gradients.
// Inputs are random but away from kinks: data in (0.05, 0.95), random biases, fixed seeds.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "nn/activations.h"
#include "nn/losses.h"
#include "models/model.h"

namespace {

constexpr double kEps = 1e-6, kAbsTol = 1e-5, kRelTol = 1e-3;

struct CheckResult {
  size_t checked = 0, failures = 0;
  double max_abs_diff = 0;
};

// Central differences of f over every coordinate of p, against `analytic`. Prints the largest
// difference and the first mismatches.
template <typename F>
CheckResult compare_numeric(const char* what, std::vector<double> p, const std::vector<double>& analytic, F f,
                            const std::vector<size_t>& only = {}) {
  CheckResult r;
  for (size_t k = 0; k < (only.empty() ? p.size() : only.size()); ++k) {
    const size_t i = only.empty() ? k : only[k];
    const double saved = p[i];
    p[i] = saved + kEps;
    const double up = f(p);
    p[i] = saved - kEps;
    const double down = f(p);
    p[i] = saved;
    const double numeric = (up - down) / (2 * kEps);
    REQUIRE(std::isfinite(analytic[i]));
    REQUIRE(std::isfinite(numeric));
    const double diff = std::fabs(analytic[i] - numeric);
    r.max_abs_diff = std::max(r.max_abs_diff, diff);
    ++r.checked;
    if (diff > kAbsTol + kRelTol * std::fabs(numeric)) {
      if (r.failures < 5)
        std::printf("  %s: mismatch at %zu: analytic %.9g numeric %.9g\n", what, i, analytic[i], numeric);
      ++r.failures;
    }
  }
  std::printf("%-48s %5zu values, max |analytic - numeric| = %.3g\n", what, r.checked, r.max_abs_diff);
  return r;
}

struct Problem {
  Eigen::MatrixXd batch, eps, corrupted;
  std::vector<double> params;
};

// A small model with random (non-zero) biases, a batch in (0.05, 0.95), VAE noise and a fixed corruption.
Problem make_problem(const Model& model, int B, uint64_t seed) {
  const ModelConfig& c = model.network().config;
  Rng rng(seed);
  Problem p;
  p.batch.resize(c.input_size, B);
  for (Eigen::Index i = 0; i < p.batch.size(); ++i) p.batch(i) = 0.05 + 0.9 * rng.uniform_double();
  p.eps.resize(c.latent, B);
  for (Eigen::Index i = 0; i < p.eps.size(); ++i) p.eps(i) = rng.normal();
  p.corrupted = p.batch;
  for (Eigen::Index i = 0; i < p.corrupted.size(); ++i) p.corrupted(i) += 0.3 * rng.normal();
  p.params.assign(model.network().params.begin(), model.network().params.end());
  for (const std::vector<Layer>* layers : {&model.network().encoder, &model.network().decoder})
    for (const Layer& l : *layers) {
      const bool conv = l.kind == LayerKind::Conv2d || l.kind == LayerKind::ConvTranspose2d;
      if (l.kind != LayerKind::Dense && !conv) continue;
      const size_t offset = conv ? l.conv.bias_offset : l.dense.bias_offset;
      const int n = conv ? (l.kind == LayerKind::Conv2d ? l.conv.small_c : l.conv.big_c) : l.out;
      for (int j = 0; j < n; ++j) p.params[offset + j] = 0.2 * (rng.uniform_double() - 0.5);
    }
  return p;
}

ModelConfig small_config(ModelKind kind, Activation act, OutputLoss loss, std::vector<int> hidden = {5, 4}) {
  ModelConfig c;
  c.kind = kind;
  c.input_size = 6;
  c.hidden = hidden;
  c.latent = 3;
  c.activation = act;
  c.loss = loss;
  c.seed = 7;
  c.init = InitKind::Xavier;
  return c;
}

// `only` (if not empty) lists the parameter indices to check; the others are skipped.
void check_model(const std::string& name, const ModelConfig& c, int B = 4, const std::vector<size_t>& only = {}) {
  Model model(c, OptimizerConfig{});
  const Problem p = make_problem(model, B, 11);
  std::vector<double> analytic;
  model.loss_and_gradient_double(p.batch, p.eps, p.corrupted, p.params, &analytic);
  const CheckResult r = compare_numeric(name.c_str(), p.params, analytic, [&](const std::vector<double>& q) {
    return model.loss_and_gradient_double(p.batch, p.eps, p.corrupted, q, nullptr);
  }, only);
  CHECK_MESSAGE(r.failures == 0, name);
}

// A conv model's parameters are too many to perturb one by one; check, in every layer that has
// parameters, up to 40 weights spread evenly over it and up to 16 biases. A pooled network (the
// ACAI paper's) has three times the layers, each a full loss away: 12 and 6 there, still every layer.
std::vector<size_t> conv_model_sample(const Network& net) {
  const bool deep = net.config.arch == Architecture::Pool;
  const size_t weights = deep ? 12 : 40, biases = deep ? 6 : 16;
  std::vector<size_t> only;
  auto spread = [&](size_t first, size_t n, size_t most) {
    const size_t step = std::max<size_t>(1, n / most);
    for (size_t i = 0; i < n; i += step) only.push_back(first + i);
  };
  for (const std::vector<Layer>* list : {&net.encoder, &net.decoder, &net.critic})
    for (const Layer& l : *list) {
      if (l.kind == LayerKind::Dense) {
        spread(l.dense.weight_offset, size_t(l.in) * l.out, weights);
        spread(l.dense.bias_offset, size_t(l.out), biases);
      } else if (l.kind == LayerKind::Conv2d || l.kind == LayerKind::ConvTranspose2d) {
        spread(l.conv.weight_offset, size_t(l.conv.patch()) * l.conv.small_c, weights);
        spread(l.conv.bias_offset, size_t(l.kind == LayerKind::Conv2d ? l.conv.small_c : l.conv.big_c), biases);
      }
    }
  return only;
}

ModelConfig conv_config(ModelKind kind, Activation act, int channels = 1, int size = 8) {
  ModelConfig c;
  c.kind = kind;
  c.arch = Architecture::Conv;
  c.channels = channels;
  c.height = c.width = size;
  c.input_size = channels * size * size;
  c.hidden = {5};
  c.latent = 3;
  c.activation = act;
  c.loss = OutputLoss::BCE;
  c.seed = 7;
  c.init = InitKind::Xavier;
  return c;
}

void check_conv_model(const std::string& name, const ModelConfig& c, int B = 3) {
  check_model(name, c, B, conv_model_sample(Network::create(c)));
}

const Activation kActivations[] = {Activation::Relu, Activation::LeakyRelu, Activation::Elu,
                                   Activation::Tanh, Activation::Sigmoid,   Activation::Identity};

}  // namespace

TEST_CASE("activation kernels: first and second derivatives match finite differences") {
  Eigen::MatrixXd pre(3, 4);
  pre << -2.1, -0.7, -0.2, 0.3, 0.9, 1.7, -1.3, 2.4, 0.05, -0.05, 0.6, -3.0;
  for (Activation act : kActivations) {
    Eigen::MatrixXd h(3, 4), d1(3, 4), d2(3, 4), hp(3, 4), hm(3, 4), d1p(3, 4), d1m(3, 4), junk(3, 4);
    activation_forward<double>(h, pre, act);
    activation_derivatives<double>(d1, d2, pre, h, act);
    const Eigen::MatrixXd up = pre.array() + kEps, down = pre.array() - kEps;
    activation_forward<double>(hp, up, act);
    activation_forward<double>(hm, down, act);
    activation_derivatives<double>(d1p, junk, up, hp, act);
    activation_derivatives<double>(d1m, junk, down, hm, act);
    const Eigen::MatrixXd num1 = (hp - hm) / (2 * kEps), num2 = (d1p - d1m) / (2 * kEps);
    CHECK_MESSAGE(((d1 - num1).array().abs() <= kAbsTol + kRelTol * num1.array().abs()).all(), activation_name(act));
    CHECK_MESSAGE(((d2 - num2).array().abs() <= kAbsTol + kRelTol * num2.array().abs()).all(), activation_name(act));
    // backward = dh * act'
    Eigen::MatrixXd dh = Eigen::MatrixXd::Constant(3, 4, 0.5), dpre(3, 4);
    activation_backward<double>(dpre, dh, pre, h, act);
    CHECK_MESSAGE((dpre - 0.5 * d1).cwiseAbs().maxCoeff() < 1e-12, activation_name(act));
  }
}

TEST_CASE("losses: BCE on logits and MSE, value and gradient") {
  Eigen::MatrixXd logits(2, 3), target(2, 3), grad(2, 3), scratch(2, 3);
  logits << -3.0, 0.4, 25.0, 1.2, -0.8, -40.0;
  target << 0.1, 0.9, 0.5, 1.0, 0.0, 0.3;
  for (OutputLoss kind : {OutputLoss::BCE, OutputLoss::MSE}) {
    loss_recon<double>(grad, logits, target, 1.0, kind);
    for (Eigen::Index i = 0; i < logits.size(); ++i) {
      Eigen::MatrixXd up = logits, down = logits;
      up(i) += kEps;
      down(i) -= kEps;
      const double num = (loss_recon<double>(scratch, up, target, 1.0, kind) -
                          loss_recon<double>(scratch, down, target, 1.0, kind)) / (2 * kEps);
      CHECK(std::fabs(grad(i) - num) <= kAbsTol + kRelTol * std::fabs(num));
    }
  }
  // BCE value against the naive formula where that is finite, and finite at |logit| = 40
  Eigen::MatrixXd one(1, 1), t(1, 1), g(1, 1);
  one << 0.4;
  t << 0.9;
  const double s = 1 / (1 + std::exp(-0.4));
  CHECK(loss_bce_logits<double>(g, one, t, 1.0) == doctest::Approx(-(0.9 * std::log(s) + 0.1 * std::log(1 - s))));
  loss_recon<double>(grad, logits, target, 1.0, OutputLoss::BCE);
  CHECK(grad.allFinite());
}

TEST_CASE("every activation, both losses: plain autoencoder") {
  for (Activation act : kActivations)
    for (OutputLoss loss : {OutputLoss::BCE, OutputLoss::MSE})
      check_model(std::string("plain ") + activation_name(act) + (loss == OutputLoss::BCE ? " bce" : " mse"),
                  small_config(ModelKind::Plain, act, loss));
}

TEST_CASE("sparse autoencoder: L1 on the code and KL sparsity on a sigmoid code") {
  for (Activation act : {Activation::Relu, Activation::Tanh}) {
    ModelConfig c = small_config(ModelKind::Sparse, act, OutputLoss::BCE);
    c.sparsity = SparsityKind::L1;
    c.sparsity_weight = 0.3f;
    check_model(std::string("sparse L1 ") + activation_name(act), c);
    c.sparsity = SparsityKind::KL;
    c.rho = 0.05f;
    c.sparsity_weight = 0.5f;
    check_model(std::string("sparse KL ") + activation_name(act), c);
  }
}

TEST_CASE("denoising autoencoder with a fixed corruption, loss against the clean input") {
  for (OutputLoss loss : {OutputLoss::BCE, OutputLoss::MSE})
    check_model(std::string("denoising elu ") + (loss == OutputLoss::BCE ? "bce" : "mse"),
                small_config(ModelKind::Denoising, Activation::Elu, loss));
}

TEST_CASE("contractive penalty: whole-encoder Jacobian, every activation and depth") {
  for (Activation act : kActivations) {
    ModelConfig c = small_config(ModelKind::Contractive, act, OutputLoss::MSE);
    c.contractive_weight = 0.7f;
    check_model(std::string("contractive 6-5-4-3 ") + activation_name(act), c);
  }
  for (std::vector<int> hidden : {std::vector<int>{}, std::vector<int>{5}, std::vector<int>{5, 4, 3}}) {
    ModelConfig c = small_config(ModelKind::Contractive, Activation::Tanh, OutputLoss::BCE, hidden);
    c.contractive_weight = 0.7f;
    check_model("contractive tanh depth " + std::to_string(hidden.size() + 1), c);
  }
}

TEST_CASE("penalties alone: gradient of (loss with weight w) - (loss with weight 0)") {
  // The reconstruction cancels, so a wrong penalty gradient cannot hide behind a larger recon one.
  for (int which = 0; which < 3; ++which) {
    ModelConfig c = small_config(which == 2 ? ModelKind::Contractive : ModelKind::Sparse, Activation::Sigmoid,
                                 OutputLoss::BCE);
    c.sparsity = which == 0 ? SparsityKind::L1 : SparsityKind::KL;
    const char* name = which == 0 ? "L1 sparsity alone" : which == 1 ? "KL sparsity alone" : "contractive alone";
    c.sparsity_weight = c.contractive_weight = 1.0f;
    Model with(c, OptimizerConfig{});
    c.sparsity_weight = c.contractive_weight = 0.0f;
    Model without(c, OptimizerConfig{});
    const Problem p = make_problem(with, 4, 13);
    std::vector<double> g_with, g_without;
    with.loss_and_gradient_double(p.batch, p.eps, p.corrupted, p.params, &g_with);
    without.loss_and_gradient_double(p.batch, p.eps, p.corrupted, p.params, &g_without);
    for (size_t i = 0; i < g_with.size(); ++i) g_with[i] -= g_without[i];
    const CheckResult r = compare_numeric(name, p.params, g_with, [&](const std::vector<double>& q) {
      return with.loss_and_gradient_double(p.batch, p.eps, p.corrupted, q, nullptr) -
             without.loss_and_gradient_double(p.batch, p.eps, p.corrupted, q, nullptr);
    });
    CHECK_MESSAGE(r.failures == 0, name);
  }
}

TEST_CASE("contractive penalty alone: the value is lambda * mean ||J||_F^2") {
  // With the reconstruction removed (compare two weights), the penalty difference must be the
  // squared Frobenius norm of a finite-difference Jacobian of the encoder, averaged over samples.
  ModelConfig c = small_config(ModelKind::Contractive, Activation::Tanh, OutputLoss::MSE);
  c.contractive_weight = 1.0f;
  Model with(c, OptimizerConfig{});
  c.contractive_weight = 0.0f;
  Model without(c, OptimizerConfig{});
  const Problem p = make_problem(with, 3, 5);
  const double penalty = with.loss_and_gradient_double(p.batch, p.eps, p.corrupted, p.params, nullptr) -
                         without.loss_and_gradient_double(p.batch, p.eps, p.corrupted, p.params, nullptr);
  // the encoder in double, by hand: tanh hidden layers, linear code
  const Network& net = with.network();
  auto encode = [&](const Eigen::VectorXd& x) {
    Eigen::VectorXd h = x;
    for (const Layer& l : net.encoder) {
      if (l.kind == LayerKind::Activation) {
        h = h.array().tanh();
        continue;
      }
      Eigen::Map<const Eigen::MatrixXd> W(p.params.data() + l.dense.weight_offset, l.out, l.in);
      Eigen::Map<const Eigen::VectorXd> b(p.params.data() + l.dense.bias_offset, l.out);
      h = W * h + b;
    }
    return h;
  };
  double frob = 0;
  for (int n = 0; n < 3; ++n)
    for (int i = 0; i < c.input_size; ++i) {
      Eigen::VectorXd up = p.batch.col(n), down = p.batch.col(n);
      up[i] += 1e-5;
      down[i] -= 1e-5;
      frob += ((encode(up) - encode(down)) / 2e-5).squaredNorm();
    }
  CHECK(penalty == doctest::Approx(frob / 3).epsilon(1e-6));
}

TEST_CASE("VAE: full loss (recon + beta KL) with a fixed eps") {
  for (OutputLoss loss : {OutputLoss::BCE, OutputLoss::MSE}) {
    ModelConfig c = small_config(ModelKind::VAE, Activation::Relu, loss);
    c.beta = 1.0f;
    check_model(std::string("vae relu ") + (loss == OutputLoss::BCE ? "bce" : "mse"), c);
  }
  ModelConfig c = small_config(ModelKind::VAE, Activation::Tanh, OutputLoss::BCE);
  c.beta = 3.5f;
  check_model("beta-vae tanh beta 3.5", c);
  c.hidden = {};
  check_model("vae, no hidden layer", c);
}

TEST_CASE("the float training path computes the same loss as the double path") {
  for (ModelKind kind : {ModelKind::Plain, ModelKind::Sparse, ModelKind::Contractive, ModelKind::VAE}) {
    ModelConfig c = small_config(kind, Activation::Elu, OutputLoss::BCE);
    c.beta = 0.0f;  // evaluate() draws its own eps; with beta 0 the VAE's total still depends on it,
                    // so compare the deterministic kinds exactly and the VAE only for finiteness
    Model model(c, OptimizerConfig{});
    const Problem p = make_problem(model, 4, 3);
    std::vector<double> params(model.network().params.begin(), model.network().params.end());
    const double d = model.loss_and_gradient_double(p.batch, p.eps, p.corrupted, params, nullptr);
    const LossParts f = model.evaluate(p.batch.cast<float>());
    if (kind == ModelKind::VAE)
      CHECK(std::isfinite(f.total));
    else
      CHECK(f.total == doctest::Approx(d).epsilon(1e-5));
  }
}

TEST_CASE("conv models: every kind, whole-model gradient (a sample of every layer's parameters)") {
  check_conv_model("conv ae relu 8x8x1", conv_config(ModelKind::Plain, Activation::Relu));
  check_conv_model("conv ae tanh 8x8x3 (rgb)", conv_config(ModelKind::Plain, Activation::Tanh, 3));
  ModelConfig mse = conv_config(ModelKind::Plain, Activation::Elu);
  mse.loss = OutputLoss::MSE;
  check_conv_model("conv ae elu mse, 7x9 (odd sizes)", [&] {
    ModelConfig c = mse;
    c.height = 7;
    c.width = 9;
    c.input_size = 63;
    return c;
  }());
  ModelConfig sparse = conv_config(ModelKind::Sparse, Activation::Relu);
  sparse.sparsity_weight = 0.3f;
  check_conv_model("conv sparse L1", sparse);
  sparse.sparsity = SparsityKind::KL;
  check_conv_model("conv sparse KL", sparse);
  check_conv_model("conv denoising", conv_config(ModelKind::Denoising, Activation::Relu));
  for (Activation act : {Activation::Relu, Activation::Tanh}) {
    ModelConfig contractive = conv_config(ModelKind::Contractive, act);
    contractive.contractive_weight = 0.5f;
    check_conv_model(std::string("conv contractive (estimate) ") + activation_name(act), contractive);
  }
  ModelConfig vae = conv_config(ModelKind::VAE, Activation::Relu);
  vae.beta = 2.0f;
  check_conv_model("conv beta-vae", vae);
  check_conv_model("conv vae 33x33 (three stages)", [&] {
    ModelConfig c = conv_config(ModelKind::VAE, Activation::Tanh, 1, 33);
    return c;
  }(), 2);
  ModelConfig dropout = conv_config(ModelKind::Plain, Activation::Relu);
  dropout.dropout = 0.3f;
  check_conv_model("conv ae with dropout (fixed masks)", dropout);
}

TEST_CASE("pool models (the ACAI paper's): every kind, the code a grid or a dense layer") {
  // 8x8 halves twice to 2x2: latent 4 fills the grid (one channel) and is the code; latent 3 does
  // not, so a dense layer makes the code. A VAE's dense layer makes mu and log var of the grid.
  auto pool = [](ModelKind kind, int latent, Activation act) {
    ModelConfig c = conv_config(kind, act);
    c.arch = Architecture::Pool;
    c.hidden = {};
    c.latent = latent;
    return c;
  };
  for (int latent : {4, 3}) {
    const std::string code = latent == 4 ? " (grid code)" : " (dense code)";
    // Leaky ReLU (the paper's) where no input sits within eps of its kink; ELU elsewhere.
    const Activation act = latent == 4 ? Activation::LeakyRelu : Activation::Elu;
    check_conv_model(std::string("pool ae ") + activation_name(act) + code, pool(ModelKind::Plain, latent, act));
    check_conv_model("pool vae tanh" + code, pool(ModelKind::VAE, latent, Activation::Tanh));
    ModelConfig sparse = pool(ModelKind::Sparse, latent, Activation::Elu);
    sparse.sparsity = SparsityKind::KL;
    sparse.sparsity_weight = 0.3f;
    check_conv_model("pool sparse KL" + code, sparse);
  }
  ModelConfig odd = pool(ModelKind::Plain, 2, Activation::Tanh);  // 6x5 cannot halve: no pooling at all
  odd.height = 6, odd.width = 5, odd.input_size = 30;
  check_conv_model("pool ae 6x5 (no scale)", odd);
  ModelConfig dropout = pool(ModelKind::Plain, 4, Activation::Tanh);
  dropout.dropout = 0.3f;  // on the code grid, as the paper's dropout AE
  REQUIRE(Network::create(dropout).encoder.back().kind == LayerKind::Dropout);
  check_conv_model("pool ae, dropout on the grid code (fixed masks)", dropout);
  ModelConfig hidden = pool(ModelKind::Denoising, 4, Activation::Relu);
  hidden.hidden = {5};  // --hidden given: dense layers after the grid, even when the latent fills it
  check_conv_model("pool denoising, hidden 5", hidden);
}

TEST_CASE("mlp with dropout: gradient with fixed masks") {
  ModelConfig c = small_config(ModelKind::VAE, Activation::Tanh, OutputLoss::BCE);
  c.dropout = 0.25f;
  check_model("vae tanh dropout 0.25", c);
}

TEST_CASE("the conv contractive estimate: its penalty alone, and near the exact value for a linear encoder") {
  // With the reconstruction removed (two weights), the penalty's gradient alone.
  ModelConfig c = conv_config(ModelKind::Contractive, Activation::Tanh);
  c.contractive_weight = 1.0f;
  Model with(c, OptimizerConfig{});
  c.contractive_weight = 0.0f;
  Model without(c, OptimizerConfig{});
  const Problem p = make_problem(with, 3, 13);
  std::vector<double> g_with, g_without;
  with.loss_and_gradient_double(p.batch, p.eps, p.corrupted, p.params, &g_with);
  without.loss_and_gradient_double(p.batch, p.eps, p.corrupted, p.params, &g_without);
  for (size_t i = 0; i < g_with.size(); ++i) g_with[i] -= g_without[i];
  const CheckResult r = compare_numeric("conv contractive estimate alone", p.params, g_with,
                                        [&](const std::vector<double>& q) {
                                          return with.loss_and_gradient_double(p.batch, p.eps, p.corrupted, q, nullptr) -
                                                 without.loss_and_gradient_double(p.batch, p.eps, p.corrupted, q, nullptr);
                                        },
                                        conv_model_sample(with.network()));
  CHECK(r.failures == 0);
}

namespace {

// ACAI has two losses, each with its own parameters: the autoencoder's L_fg = recon + lambda D
// mean d(x_alpha)^2 (through the critic, the decoder a second time and the mixing of codes) and the
// critic's L_d. Each slice of the gradient is checked against its own loss, at fixed alpha.
struct AcaiCheck {
  CheckResult ae, critic;
};

AcaiCheck check_acai(const std::string& name, const ModelConfig& c, int B, bool sample, double weight_only = -1) {
  Model model(c, OptimizerConfig{});
  const Problem p = make_problem(model, B, 17);
  Eigen::VectorXd alpha(B);
  for (int n = 0; n < B; ++n) alpha[n] = 0.05 + 0.4 * double((n * 7) % B) / B;  // in [0.05, 0.45], all different
  std::vector<double> analytic;
  model.acai_losses_and_gradient_double(p.batch, alpha, p.params, &analytic);
  // weight_only >= 0: the critic's term alone, (L_fg at lambda) - (L_fg at lambda = weight_only = 0)
  ModelConfig c0 = c;
  c0.acai_weight = 0.0f;
  Model without(c0, OptimizerConfig{});
  if (weight_only >= 0) {
    std::vector<double> g0;
    without.acai_losses_and_gradient_double(p.batch, alpha, p.params, &g0);
    for (size_t i = 0; i < analytic.size(); ++i) analytic[i] -= g0[i];
  }
  const size_t split = model.network().autoencoder_count();
  std::vector<size_t> ae, critic;
  const std::vector<size_t> sampled = sample ? conv_model_sample(model.network()) : std::vector<size_t>{};
  if (sample) {
    for (size_t i : sampled) (i < split ? ae : critic).push_back(i);
  } else {
    for (size_t i = 0; i < p.params.size(); ++i) (i < split ? ae : critic).push_back(i);
  }
  REQUIRE(!ae.empty());
  REQUIRE(!critic.empty());
  AcaiCheck r;
  r.ae = compare_numeric((name + ": autoencoder, L_fg").c_str(), p.params, analytic, [&](const std::vector<double>& q) {
    const double l = model.acai_losses_and_gradient_double(p.batch, alpha, q, nullptr).total;
    return weight_only >= 0 ? l - without.acai_losses_and_gradient_double(p.batch, alpha, q, nullptr).total : l;
  }, ae);
  if (weight_only < 0)
    r.critic = compare_numeric((name + ": critic, L_d").c_str(), p.params, analytic, [&](const std::vector<double>& q) {
      return model.acai_losses_and_gradient_double(p.batch, alpha, q, nullptr).critic;
    }, critic);
  return r;
}

}  // namespace

TEST_CASE("ACAI: the autoencoder's loss through the critic, and the critic's loss") {
  for (OutputLoss loss : {OutputLoss::BCE, OutputLoss::MSE})
    for (Activation act : {Activation::Tanh, Activation::Elu}) {
      ModelConfig c = small_config(ModelKind::Acai, act, loss);
      c.acai_weight = 2.0f;  // the critic's term as large as the reconstruction, so that it counts
      c.acai_gamma = 0.3f;
      const std::string name = std::string("acai ") + activation_name(act) + (loss == OutputLoss::BCE ? " bce" : " mse");
      const AcaiCheck r = check_acai(name, c, 5, false);  // odd B: the middle sample mixes with itself
      CHECK_MESSAGE(r.ae.failures == 0, name);
      CHECK_MESSAGE(r.critic.failures == 0, name);
    }
  // The critic's term alone, so that an error in its path (the critic's input gradient, the second
  // decoding, the mixing) is not hidden in the reconstruction's larger gradient.
  ModelConfig c = small_config(ModelKind::Acai, Activation::Tanh, OutputLoss::BCE);
  const AcaiCheck alone = check_acai("acai tanh bce, critic term alone", c, 4, false, 0.0);
  CHECK(alone.ae.failures == 0);
  CHECK(alone.ae.max_abs_diff < 1e-6);
}

TEST_CASE("ACAI conv: both losses (a sample of every layer's parameters, the critic's too)") {
  ModelConfig c = conv_config(ModelKind::Acai, Activation::Relu);
  const AcaiCheck r = check_acai("conv acai relu 8x8x1", c, 4, true);
  CHECK(r.ae.failures == 0);
  CHECK(r.critic.failures == 0);
  c.loss = OutputLoss::MSE;
  c.activation = Activation::Tanh;
  const AcaiCheck m = check_acai("conv acai tanh mse", c, 3, true);
  CHECK(m.ae.failures == 0);
  CHECK(m.critic.failures == 0);
}

TEST_CASE("ACAI pool (the paper's architecture): both losses, through the grid code") {
  ModelConfig c = conv_config(ModelKind::Acai, Activation::LeakyRelu);
  c.arch = Architecture::Pool;
  c.hidden = {};
  c.latent = 4;
  const AcaiCheck r = check_acai("pool acai leaky relu 8x8x1", c, 4, true);
  CHECK(r.ae.failures == 0);
  CHECK(r.critic.failures == 0);
}

TEST_CASE("ACAI: the critic's term moves the autoencoder's gradient, and the critic's parameters only by L_d") {
  // The check above could pass with a critic term that never reaches the autoencoder; it does.
  ModelConfig c = small_config(ModelKind::Acai, Activation::Tanh, OutputLoss::BCE);
  Model model(c, OptimizerConfig{});
  c.acai_weight = 0.0f;
  Model without(c, OptimizerConfig{});
  const Problem p = make_problem(model, 4, 5);
  const Eigen::VectorXd alpha = Eigen::VectorXd::Constant(4, 0.3);
  std::vector<double> g, g0;
  const LossParts l = model.acai_losses_and_gradient_double(p.batch, alpha, p.params, &g);
  const LossParts l0 = without.acai_losses_and_gradient_double(p.batch, alpha, p.params, &g0);
  const size_t split = model.network().autoencoder_count();
  double moved = 0, scale = 0, critic_moved = 0;
  for (size_t i = 0; i < split; ++i) moved += std::fabs(g[i] - g0[i]), scale += std::fabs(g0[i]);
  for (size_t i = split; i < g.size(); ++i) critic_moved += std::fabs(g[i] - g0[i]);
  CHECK(moved > 1e-3 * scale);
  CHECK(critic_moved < 1e-12);  // L_d does not depend on lambda (equal up to rounding)
  CHECK(l.critic == l0.critic);
  CHECK(l.penalty > 0);
  CHECK(l0.penalty == 0);
}

