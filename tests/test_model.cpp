// Tier 1 of the tests and the model's contracts: forward values worked out by hand for a tiny
// network with constant weights; encode/decode; save/load round trip and refusals; a tiny
// train-to-target; bit-for-bit reproducibility; no heap allocation in a steady-state training
// step (divergence guard included) at MNIST sizes; and that every model kind trains.
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <zlib.h>
#include <cstring>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "train/divergence.h"
#include "io/errors.h"
#include "models/model.h"

// Counts calls to malloc, so that a test can prove a training step allocates nothing. Eigen's
// aligned allocations and operator new both end in malloc on glibc.
// Off under the sanitizers, which bring their own allocator: the allocation tests then say so
// and check nothing.
static long g_malloc_calls = 0;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kCountingMallocs = false;
#else
constexpr bool kCountingMallocs = true;
extern "C" void* __libc_malloc(size_t size);
extern "C" void* malloc(size_t size) {
  ++g_malloc_calls;
  return __libc_malloc(size);
}
#endif
#define REQUIRE_MALLOC_COUNTER()                                             \
  if (!kCountingMallocs) {                                                   \
    MESSAGE("sanitizer build: malloc is not counted, allocation not checked"); \
    return;                                                                  \
  }

namespace {

// 2 -> 2 (relu) -> latent 1 -> 2 (relu) -> 2, every weight 0.5 and every bias 0.1.
Model constant_model(ModelKind kind, OutputLoss loss) {
  ModelConfig c;
  c.kind = kind;
  c.input_size = 2;
  c.hidden = {2};
  c.latent = 1;
  c.activation = Activation::Relu;
  c.loss = loss;
  Model model(c, OptimizerConfig{});
  Network net = model.network();
  for (const std::vector<Layer>* layers : {&net.encoder, &net.decoder})
    for (const Layer& l : *layers) {
      if (l.kind != LayerKind::Dense) continue;
      std::fill_n(net.params.begin() + l.dense.weight_offset, l.in * l.out, 0.5f);
      std::fill_n(net.params.begin() + l.dense.bias_offset, l.out, 0.1f);
    }
  model.restore(net);
  return model;
}

// Eight 16-pixel patterns: two bars each, a task a small autoencoder learns quickly.
Mat toy_data() {
  Mat x = Mat::Constant(16, 8, 0.05f);
  for (int j = 0; j < 8; ++j) {
    x(j, j) = 0.95f;
    x(8 + (j * 3) % 8, j) = 0.95f;
  }
  return x;
}

std::string temp_path(const char* name) { return std::string("/tmp/latentlab_test_model_") + name; }

}  // namespace

TEST_CASE("forward value worked out by hand: plain AE, MSE") {
  // x = (1, 2). Encoder: pre = 0.5*1 + 0.5*2 + 0.1 = 1.6 (both units), relu -> 1.6;
  // code = 0.5*1.6 + 0.5*1.6 + 0.1 = 1.7. Decoder: 0.5*1.7 + 0.1 = 0.95 (both), relu -> 0.95;
  // output (linear for MSE) = 0.5*0.95 + 0.5*0.95 + 0.1 = 1.05 (both).
  // MSE summed over features = (1.05 - 1)^2 + (1.05 - 2)^2 = 0.0025 + 0.9025 = 0.905.
  Model model = constant_model(ModelKind::Plain, OutputLoss::MSE);
  Mat x(2, 1);
  x << 1, 2;
  const LossParts l = model.evaluate(x);
  CHECK(l.total == doctest::Approx(0.905).epsilon(1e-6));
  CHECK(l.recon == doctest::Approx(0.905).epsilon(1e-6));
  CHECK(l.penalty == 0);

  InferenceWorkspace ws;
  Mat code(1, 1), out(2, 1);
  network_encode(model.network(), x, code, ws);
  CHECK(code(0, 0) == doctest::Approx(1.7));
  network_decode(model.network(), code, out, ws);
  CHECK(out(0, 0) == doctest::Approx(1.05));
  CHECK(out(1, 0) == doctest::Approx(1.05));
}

TEST_CASE("forward value worked out by hand: plain AE, BCE on logits") {
  // x = (1, 0). Encoder: 0.5*1 + 0.1 = 0.6, relu; code = 0.5*0.6*2 + 0.1 = 0.7.
  // Decoder: 0.5*0.7 + 0.1 = 0.45, relu; logits = 0.5*0.45*2 + 0.1 = 0.55 (both).
  // BCE = -log(sigmoid(0.55)) - log(1 - sigmoid(0.55)) = log(1 + e^-0.55) + log(1 + e^0.55)
  //     = 0.455495 + 1.005490 = 1.460985. Decoded image = sigmoid(0.55) = 0.634136 (both pixels).
  // The same samples twice: the loss is averaged over samples, so it does not change.
  Model model = constant_model(ModelKind::Plain, OutputLoss::BCE);
  Mat x(2, 2);
  x << 1, 1, 0, 0;
  CHECK(model.evaluate(x).total == doctest::Approx(1.4609849629).epsilon(1e-6));
  InferenceWorkspace ws;
  Mat code(1, 2), out(2, 2);
  network_encode(model.network(), x, code, ws);
  network_decode(model.network(), code, out, ws);
  CHECK(out(0, 0) == doctest::Approx(0.6341355910));
  CHECK(out(1, 1) == doctest::Approx(0.6341355910));
}

TEST_CASE("forward value worked out by hand: VAE with a fixed eps") {
  // x = (1, 0), eps = 0.5. Encoder hidden: 0.6 (both). The last encoder layer has 2 rows:
  // mu = logvar = 0.5*0.6*2 + 0.1 = 0.7. z = 0.7 + 0.5 * exp(0.35) = 1.409534.
  // Decoder: 0.5*z + 0.1 = 0.804767, relu; logits = 0.5*0.804767*2 + 0.1 = 0.904767.
  // recon = log(1 + e^-0.904767) + log(1 + e^0.904767) = 1.584324;
  // KL = -0.5 (1 + 0.7 - 0.49 - e^0.7) = 0.401876; total = 1.986200 (beta 1), 2.388076 (beta 2).
  Model model = constant_model(ModelKind::VAE, OutputLoss::BCE);
  Eigen::MatrixXd x(2, 1), eps(1, 1);
  x << 1, 0;
  eps << 0.5;
  std::vector<double> params(model.network().params.begin(), model.network().params.end());
  CHECK(model.loss_and_gradient_double(x, eps, Eigen::MatrixXd(), params, nullptr) ==
        doctest::Approx(1.986199914640212).epsilon(1e-7));
  model.config().beta = 2.0f;
  CHECK(model.loss_and_gradient_double(x, eps, Eigen::MatrixXd(), params, nullptr) ==
        doctest::Approx(2.3880762683754506).epsilon(1e-7));
  // The code shown for an input is mu, and encode reports the log-variance too.
  InferenceWorkspace ws;
  Mat code(1, 1), logvar;
  network_encode(model.network(), x.cast<float>(), code, ws, &logvar);
  CHECK(code(0, 0) == doctest::Approx(0.7));
  REQUIRE(logvar.size() == 1);
  CHECK(logvar(0, 0) == doctest::Approx(0.7));
}

TEST_CASE("shapes: the VAE's last encoder layer has 2*latent rows; overcomplete and linear models build") {
  ModelConfig c;
  c.kind = ModelKind::VAE;
  c.hidden = {400};
  c.latent = 20;
  Network net = Network::create(c);
  REQUIRE(net.encoder.size() == 3);  // Dense, ReLU, Dense
  CHECK(net.encoder[2].kind == LayerKind::Dense);
  CHECK(net.encoder[2].out == 40);
  CHECK(net.decoder[0].in == 20);
  CHECK(net.parameter_count() == size_t(784 * 400 + 400 + 400 * 40 + 40 + 20 * 400 + 400 + 400 * 784 + 784));
  c.kind = ModelKind::Plain;
  c.latent = 1024;  // overcomplete
  CHECK(Network::create(c).encoder.back().out == 1024);
  c.hidden = {};  // a linear autoencoder (PCA-like): one layer each way
  CHECK(Network::create(c).encoder.size() == 1);
  CHECK(Network::create(c).decoder.size() == 1);
  c.latent = 0;
  CHECK_THROWS_AS(Network::create(c), InputError);
}

TEST_CASE("save and load: a bit-exact round trip, and refusals naming the file") {
  ModelConfig c;
  c.kind = ModelKind::Sparse;
  c.input_size = 12;
  c.hidden = {7, 5};
  c.latent = 3;
  c.activation = Activation::Tanh;
  c.sparsity = SparsityKind::KL;
  c.rho = 0.1f;
  c.seed = 42;
  Model model(c, OptimizerConfig{});
  Mat x = Mat::Random(12, 4).cwiseAbs();
  model.train_step(x);
  const std::string path = temp_path("roundtrip.llnet");
  std::string error;
  REQUIRE(network_save(model.network(), path, &error));
  Network loaded = network_load(path);
  CHECK(loaded.params == model.network().params);
  CHECK(loaded.config.kind == ModelKind::Sparse);
  CHECK(loaded.config.hidden == std::vector<int>{7, 5});
  CHECK(loaded.config.activation == Activation::Tanh);
  CHECK(loaded.config.sparsity == SparsityKind::KL);
  CHECK(loaded.config.rho == 0.1f);
  CHECK(loaded.config.seed == 42);
  InferenceWorkspace ws;
  Mat a(3, 4), b(3, 4);
  network_encode(model.network(), x, a, ws);
  network_encode(loaded, x, b, ws);
  CHECK(a == b);

  // Truncated, wrong magic, missing: InputError with the path in the message.
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string bad = temp_path("bad.llnet");
  std::ofstream(bad, std::ios::binary) << bytes.substr(0, bytes.size() - 5);
  CHECK_THROWS_WITH_AS(network_load(bad), doctest::Contains(bad.c_str()), InputError);
  std::string wrong = bytes;
  wrong[0] = 'X';
  std::ofstream(bad, std::ios::binary | std::ios::trunc) << wrong;
  CHECK_THROWS_WITH_AS(network_load(bad), doctest::Contains("magic"), InputError);
  CHECK_THROWS_AS(network_load(temp_path("does_not_exist.llnet")), InputError);
  CHECK_FALSE(network_save(model.network(), "/nonexistent-dir/x.llnet", &error));
  CHECK(error.find("/nonexistent-dir/x.llnet") != std::string::npos);
  std::remove(path.c_str());
  std::remove(bad.c_str());
}

TEST_CASE("tiny train-to-target: a plain AE reconstructs eight patterns") {
  ModelConfig c;
  c.kind = ModelKind::Plain;
  c.input_size = 16;
  c.hidden = {32};
  c.latent = 8;
  c.loss = OutputLoss::BCE;
  OptimizerConfig opt;
  opt.lr = 1e-2f;
  Model model(c, opt);
  const Mat x = toy_data();
  const double before = model.evaluate(x).total;
  for (int i = 0; i < 1500; ++i) model.train_step(x);
  const double after = model.evaluate(x).total;
  // The floor is the targets' own entropy: 16 pixels at H(0.05) = 0.1985 nats = 3.18 nats.
  const double floor = 16 * -(0.05 * std::log(0.05) + 0.95 * std::log(0.95));
  MESSAGE("before " << before << ", after " << after << ", entropy floor " << floor);
  CHECK(after < floor + 0.05);
  CHECK(before > floor + 5);
}

TEST_CASE("SGD with momentum and gradient clipping also train") {
  ModelConfig c;
  c.kind = ModelKind::Plain;
  c.input_size = 16;
  c.hidden = {32};
  c.latent = 8;
  OptimizerConfig opt;
  opt.kind = OptimizerKind::SGD;
  opt.lr = 0.05f;
  opt.clip_norm = 5.0f;
  Model model(c, opt);
  const Mat x = toy_data();
  const double before = model.evaluate(x).total;
  for (int i = 0; i < 1000; ++i) model.train_step(x);
  CHECK(model.evaluate(x).total < 0.5 * before);
}

TEST_CASE("every model kind trains, stays finite, and reports its parts") {
  const Mat x = toy_data();
  for (const ModelKindInfo& info : model_kinds()) {  // every row of the kinds table
    const ModelKind kind = info.kind;
    for (int variant = 0; variant < 3; ++variant) {
      ModelConfig c;
      c.kind = kind;
      c.input_size = 16;
      c.hidden = {24, 12};
      c.latent = 4;
      c.activation = variant == 2 ? Activation::Tanh : Activation::Relu;
      c.sparsity = variant == 1 ? SparsityKind::KL : SparsityKind::L1;
      c.noise = variant == 0 ? NoiseKind::Gaussian : variant == 1 ? NoiseKind::Mask : NoiseKind::SaltPepper;
      c.kl_warmup_steps = variant == 1 ? 50 : 0;
      c.contractive_weight = 0.01f;
      c.sparsity_weight = 0.01f;
      OptimizerConfig opt;
      opt.lr = 5e-3f;
      Model model(c, opt);
      const LossParts first = model.train_step(x);
      if (info.variational && c.kl_warmup_steps > 0)
        CHECK(first.total == doctest::Approx(first.recon));  // beta ramps from 0
      const double before = model.evaluate(x).total;
      for (int i = 0; i < 400; ++i) model.train_step(x);
      const LossParts after = model.evaluate(x);
      INFO(model_kind_name(kind), " variant ", variant, ": ", before, " -> ", after.total);
      CHECK(model.network().all_finite());
      CHECK(after.total < before);
      // The table says what the parts are: a variational kind's penalty is the unweighted KL.
      CHECK(after.total == doctest::Approx(after.recon + (info.variational ? c.beta : 1.0) * after.penalty));
      if (!info.penalty) CHECK(after.penalty == 0);
      if (info.penalty) CHECK(after.penalty > 0);
      CHECK(model.step() == 401);
    }
  }
}

TEST_CASE("reproducible bit for bit; evaluate changes neither the weights nor the training stream") {
  const Mat x = toy_data();
  for (ModelKind kind : {ModelKind::Denoising, ModelKind::VAE, ModelKind::Contractive}) {
    ModelConfig c;
    c.kind = kind;
    c.input_size = 16;
    c.hidden = {24};
    c.latent = 3;
    c.seed = 9;
    Model a(c, OptimizerConfig{}), b(c, OptimizerConfig{});
    for (int i = 0; i < 30; ++i) {
      a.train_step(x);
      if (i % 7 == 0) a.evaluate(x);  // b never evaluates
      b.train_step(x);
    }
    CHECK_MESSAGE(a.network().params == b.network().params, std::string(model_kind_name(kind)));
    c.seed = 10;
    Model other(c, OptimizerConfig{});
    CHECK(other.network().params != a.network().params);
    const std::vector<float> before = a.network().params;
    a.evaluate(x);
    CHECK(a.network().params == before);
  }
}

TEST_CASE("a denoising model's held-out loss is on the clean input; restore resets the optimizer") {
  ModelConfig c;
  c.kind = ModelKind::Denoising;
  c.input_size = 16;
  c.hidden = {24};
  c.latent = 4;
  c.noise = NoiseKind::Mask;
  c.noise_level = 0.5f;
  Model noisy(c, OptimizerConfig{});
  c.kind = ModelKind::Plain;
  Model plain(c, OptimizerConfig{});
  const Mat x = toy_data();
  CHECK(noisy.evaluate(x).total == plain.evaluate(x).total);
  const Network good = noisy.network();
  noisy.train_step(x);
  CHECK(noisy.network().params != good.params);
  noisy.restore(good);
  CHECK(noisy.network().params == good.params);
}

namespace {
// Malloc calls over `steps` training steps, after two warm-up steps that size the workspaces.
// Each step is what `latentlab train` does: train_step, then the divergence guard, here with a
// checkpoint every other step so that its copies are counted too.
long steady_state_mallocs(const ModelConfig& c, const OptimizerConfig& opt, int batch, int steps = 3) {
  Model model(c, opt);
  const Mat x = Mat::Random(c.input_size, batch).cwiseAbs();  // (input, batch) in [0, 1]
  DivergencePolicy policy;
  policy.checkpoint_every = 2;
  DivergenceGuard guard;
  divergence_init(guard, model.network(), 0, policy);
  int64_t step = 0;
  int rollbacks = 0;
  auto guarded_step = [&] {
    rollbacks += divergence_after_step(guard, model, model.train_step(x), ++step, x) != DivergenceAction::None;
  };
  guarded_step();
  guarded_step();
  const long before = g_malloc_calls;
  for (int i = 0; i < steps; ++i) guarded_step();
  const long mallocs = g_malloc_calls - before;
  CHECK(rollbacks == 0);
  return mallocs;
}
}  // namespace

TEST_CASE("the malloc counter sees Eigen's heap allocations") {
  REQUIRE_MALLOC_COUNTER();
  const long before = g_malloc_calls;
  Mat m = Mat::Constant(64, 64, 1.0f);  // (64, 64)
  const long counted = g_malloc_calls - before;
  CHECK(counted == 1);
  CHECK(m.sum() == 64 * 64);
}

TEST_CASE("a steady-state training step allocates nothing") {
  REQUIRE_MALLOC_COUNTER();
  // Tiny layers: Eigen's coefficient-based products.
  for (const ModelKindInfo& info : model_kinds()) {  // every row of the kinds table
    const ModelKind kind = info.kind;
    ModelConfig c;
    c.kind = kind;
    c.input_size = 32;
    c.hidden = {16, 8};
    c.latent = 4;
    c.sparsity = SparsityKind::KL;
    const long mallocs = steady_state_mallocs(c, OptimizerConfig{}, 16, 5);
    CHECK_MESSAGE(mallocs == 0, std::string(model_kind_name(kind)));
  }
}

TEST_CASE("a steady-state training step allocates nothing at MNIST sizes") {
  REQUIRE_MALLOC_COUNTER();
  // Blocked GEMM, whose packing buffers (up to 1.2 MiB here, depending on the CPU's cache sizes)
  // stay on the stack because CMakeLists.txt raises EIGEN_STACK_ALLOCATION_LIMIT to 2 MiB. With
  // Eigen's default of 128 KiB the recipe's VAE made 9 to 12 mallocs per step.
  struct Case {
    const char* name;
    ModelKind kind;
    std::vector<int> hidden;
    int latent;
    int batch;
  };
  const Case cases[] = {
      {"vae 784-400-20, batch 128 (the pytorch/examples recipe)", ModelKind::VAE, {400}, 20, 128},
      {"vae 784-400-20, batch 16", ModelKind::VAE, {400}, 20, 16},
      {"vae 784-400-20, batch 256", ModelKind::VAE, {400}, 20, 256},
      {"vae 784-256-2, batch 128 (the GUI's twin)", ModelKind::VAE, {256}, 2, 128},
      {"ae 784-256-2, batch 128 (the GUI's twin)", ModelKind::Plain, {256}, 2, 128},
      {"ae 784-400-20, batch 128", ModelKind::Plain, {400}, 20, 128},
      {"ae 784-400-1024 (overcomplete), batch 128", ModelKind::Plain, {400}, 1024, 128},
      {"ae 784-512-256-32, batch 64", ModelKind::Plain, {512, 256}, 32, 64},
      {"sparse 784-400-64, batch 128", ModelKind::Sparse, {400}, 64, 128},
      {"denoising 784-400-20, batch 128", ModelKind::Denoising, {400}, 20, 128},
      {"contractive 784-400-20, batch 128", ModelKind::Contractive, {400}, 20, 128},
      {"contractive 784-512-256-32, batch 64", ModelKind::Contractive, {512, 256}, 32, 64},
  };
  for (const Case& k : cases) {
    ModelConfig c;
    c.kind = k.kind;
    c.input_size = 784;
    c.hidden = k.hidden;
    c.latent = k.latent;
    const long mallocs = steady_state_mallocs(c, OptimizerConfig{}, k.batch);
    CHECK_MESSAGE(mallocs == 0, std::string(k.name));
  }
}

TEST_CASE("a steady-state training step allocates nothing: noises, penalties, optimizers") {
  REQUIRE_MALLOC_COUNTER();
  {
    ModelConfig c;
    c.input_size = 784;
    c.hidden = {400};
    c.latent = 20;
    c.kind = ModelKind::Sparse;
    c.sparsity = SparsityKind::KL;
    CHECK_MESSAGE(steady_state_mallocs(c, OptimizerConfig{}, 128) == 0, "sparse KL");
    c.kind = ModelKind::Denoising;
    for (NoiseKind noise : {NoiseKind::Gaussian, NoiseKind::Mask, NoiseKind::SaltPepper}) {
      c.noise = noise;
      CHECK_MESSAGE(steady_state_mallocs(c, OptimizerConfig{}, 128) == 0, "denoising noise " << int(noise));
    }
    c.kind = ModelKind::VAE;
    c.beta = 4;
    c.kl_warmup_steps = 100;
    OptimizerConfig sgd;
    sgd.kind = OptimizerKind::SGD;
    sgd.lr = 1e-2f;
    sgd.clip_norm = 1;
    CHECK_MESSAGE(steady_state_mallocs(c, sgd, 128) == 0, "beta-VAE with warm-up, SGD with clipping");
    OptimizerConfig adam_clipped;
    adam_clipped.clip_norm = 1;
    CHECK_MESSAGE(steady_state_mallocs(c, adam_clipped, 16) == 0, "beta-VAE, Adam with clipping, batch 16");
  }
}

TEST_CASE("encode and decode reuse their workspace when the batch size alternates") {
  REQUIRE_MALLOC_COUNTER();
  // The GUI decodes a 20-sample gallery, then 10 reconstructions, then one probe, every refresh,
  // all through one InferenceWorkspace: after the largest has been seen, nothing is allocated.
  ModelConfig c;
  c.kind = ModelKind::VAE;
  c.input_size = 784;
  c.hidden = {256};
  c.latent = 2;
  const Network net = Network::create(c);
  InferenceWorkspace ws;
  Mat z = Mat::Random(2, 20), x(784, 20), code(2, 20);
  network_decode(net, z, x, ws);  // warm-up at the largest size
  network_encode(net, x, code, ws);
  Mat reference_small(784, 10);
  network_decode(net, z.leftCols(10), reference_small, ws);
  const long before = g_malloc_calls;
  for (int round = 0; round < 3; ++round)
    for (int n : {20, 10, 1, 20}) {
      network_decode(net, z.leftCols(n), x.leftCols(n), ws);
      network_encode(net, x.leftCols(n), code.leftCols(n), ws);
    }
  CHECK(g_malloc_calls - before == 0);
  // And the answers do not depend on what the buffer held before.
  Mat again(784, 10);
  network_decode(net, z.leftCols(10), again, ws);
  CHECK((again - reference_small).cwiseAbs().maxCoeff() == 0.0f);
}

TEST_CASE("the vanilla autoencoder (no hidden layer, identity, MSE) learns the PCA subspace") {
  // 400 samples in 12 dimensions: a 3-D subspace with scales 3, 2 and 1, plus isotropic noise
  // 0.1 and an offset. A linear AE with a 3-D code minimises the same error as PCA, so its
  // decoder's columns must span the top-3 principal directions of the centred data: every
  // principal angle between the two subspaces near zero (cosines near 1).
  const int D = 12, K = 3, N = 400;
  Rng rng(21);
  Eigen::MatrixXd basis(D, K);
  for (Eigen::Index i = 0; i < basis.size(); ++i) basis(i) = rng.normal();
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(basis);
  const Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(D, K);  // (D, K) orthonormal
  Eigen::MatrixXd X(D, N);
  for (int n = 0; n < N; ++n) {
    Eigen::VectorXd s(K);
    s << 3 * rng.normal(), 2 * rng.normal(), rng.normal();
    X.col(n) = Q * s;
    for (int i = 0; i < D; ++i) X(i, n) += 0.1 * rng.normal() + 0.5;
  }
  const Eigen::MatrixXd centred = X.colwise() - X.rowwise().mean();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(centred * centred.transpose() / N);
  const Eigen::MatrixXd pca = eig.eigenvectors().rightCols(K);  // (D, K) the top-K directions

  ModelConfig c;
  c.kind = ModelKind::Plain;
  c.input_size = D;
  c.hidden = {};
  c.latent = K;
  c.activation = Activation::Identity;
  c.loss = OutputLoss::MSE;
  c.seed = 4;
  OptimizerConfig opt;
  opt.lr = 1e-2f;
  Model model(c, opt);
  REQUIRE(model.network().encoder.size() == 1);
  REQUIRE(model.network().decoder.size() == 1);
  const Mat x = X.cast<float>();
  for (int i = 0; i < 4000; ++i) model.train_step(x);
  const Layer& dec = model.network().decoder[0];
  const Eigen::MatrixXd W =
      Eigen::Map<const Mat>(model.network().params.data() + dec.dense.weight_offset, D, K).cast<double>();
  const Eigen::HouseholderQR<Eigen::MatrixXd> wqr(W);
  const Eigen::MatrixXd span = wqr.householderQ() * Eigen::MatrixXd::Identity(D, K);
  const Eigen::VectorXd cosines = Eigen::JacobiSVD<Eigen::MatrixXd>(span.transpose() * pca).singularValues();
  const double largest_angle_deg = std::acos(std::min(1.0, cosines.minCoeff())) * 180 / M_PI;
  MESSAGE("principal angles' cosines " << cosines.transpose() << ", largest angle " << largest_angle_deg << " deg");
  CHECK(largest_angle_deg < 2.0);
  // and a random 3-D subspace is far from it, so the check can fail
  Eigen::MatrixXd random(D, K);
  for (Eigen::Index i = 0; i < random.size(); ++i) random(i) = rng.normal();
  const Eigen::HouseholderQR<Eigen::MatrixXd> rqr(random);
  const Eigen::MatrixXd rspan = rqr.householderQ() * Eigen::MatrixXd::Identity(D, K);
  CHECK(Eigen::JacobiSVD<Eigen::MatrixXd>(rspan.transpose() * pca).singularValues().minCoeff() < 0.9);
}

namespace {
ModelConfig conv_model_config(ModelKind kind, int channels, int size) {
  ModelConfig c;
  c.kind = kind;
  c.arch = Architecture::Conv;
  c.channels = channels;
  c.height = c.width = size;
  c.input_size = channels * size * size;
  c.hidden = {16};
  c.latent = 2;
  c.sparsity = SparsityKind::KL;
  c.seed = 9;
  return c;
}
}  // namespace

TEST_CASE("conv architecture: the Keras VAE example's shapes at 28x28, one more stage at 64x64") {
  const Network net = Network::create(conv_model_config(ModelKind::VAE, 1, 28));
  // encoder: Conv 32 (14x14), ReLU, Conv 64 (7x7), ReLU, Flatten, Dense 16, ReLU, Dense 2 x latent
  REQUIRE(net.encoder.size() == 8);
  CHECK(net.encoder[0].kind == LayerKind::Conv2d);
  CHECK(net.encoder[0].out == 14 * 14 * 32);
  CHECK(net.encoder[2].out == 7 * 7 * 64);
  CHECK(net.encoder[4].kind == LayerKind::Reshape);
  CHECK(net.encoder[5].out == 16);
  CHECK(net.encoder[7].out == 4);
  // decoder: Dense 16, ReLU, Dense 7x7x64, ReLU, Unflatten, ConvT 32 (14x14), ReLU, ConvT 1 (28x28)
  REQUIRE(net.decoder.size() == 8);
  CHECK(net.decoder[2].out == 7 * 7 * 64);
  CHECK(net.decoder[5].kind == LayerKind::ConvTranspose2d);
  CHECK(net.decoder[5].out == 14 * 14 * 32);
  CHECK(net.decoder[7].out == 784);
  const Network big = Network::create(conv_model_config(ModelKind::Plain, 3, 64));
  CHECK(big.encoder[4].out == 8 * 8 * 64);  // 64 -> 32 -> 16 -> 8
  CHECK(big.decoder.back().out == 64 * 64 * 3);
  // The data must be an image of the declared geometry.
  ModelConfig wrong = conv_model_config(ModelKind::Plain, 1, 28);
  wrong.input_size = 700;
  CHECK(model_config_problem(wrong).find("--arch conv") != std::string::npos);
}

TEST_CASE("pool architecture: the ACAI paper's shapes at 32x32 (lines), a dense code at 28x28") {
  ModelConfig c = conv_model_config(ModelKind::Plain, 1, 32);
  c.arch = Architecture::Pool;
  c.hidden = {};
  c.latent = 64;  // the paper's lines code: 2x2x16
  const Network net = Network::create(c);
  // encoder: Conv 1x1 16; 4 scales of (Conv 3x3, act, Conv 3x3, act, pool); Conv 256, act; Conv 16; Flatten
  REQUIRE(net.encoder.size() == 1 + 4 * 5 + 3 + 1);
  CHECK(net.encoder[0].conv.k == 1);
  CHECK(net.encoder[0].out == 32 * 32 * 16);
  for (int scale = 0; scale < 4; ++scale) {
    const Layer& pool = net.encoder[size_t(5 + 5 * scale)];
    CHECK(pool.kind == LayerKind::AvgPool2d);
    CHECK(pool.conv.small_c == 16 << scale);
    CHECK(pool.conv.small_h == 16 >> scale);
  }
  CHECK(net.encoder[21].out == 2 * 2 * 256);
  CHECK(net.encoder[23].conv.small_c == 16);
  CHECK(net.encoder.back().kind == LayerKind::Reshape);
  CHECK(net.encoder.back().out == 64);
  // decoder: from the grid, 4 scales of (Conv, act, Conv, act, upsample), Conv 16, act, Conv 1
  REQUIRE(net.decoder.size() == 4 * 5 + 3);
  CHECK(net.decoder[0].in == 64);
  CHECK(net.decoder[0].conv.small_c == 128);
  CHECK(net.decoder[4].kind == LayerKind::Upsample2d);
  CHECK(net.decoder[4].out == 4 * 4 * 128);
  CHECK(net.decoder.back().out == 32 * 32);
  // A VAE's dense layer makes mu and log var of the grid, as the paper's VAE does.
  c.kind = ModelKind::VAE;
  const Network vae = Network::create(c);
  CHECK(vae.encoder.back().kind == LayerKind::Dense);
  CHECK(vae.encoder.back().in == 64);
  CHECK(vae.encoder.back().out == 128);
  CHECK(vae.decoder.size() == net.decoder.size());
  // 28x28 halves twice (7 is odd); a latent of 2 does not fill 7x7, so a dense layer makes the code.
  ModelConfig mnist = conv_model_config(ModelKind::Plain, 1, 28);
  mnist.arch = Architecture::Pool;
  mnist.hidden = {};
  const Network small = Network::create(mnist);
  CHECK(small.encoder.back().kind == LayerKind::Dense);
  CHECK(small.encoder.back().in == 7 * 7 * 16);
  CHECK(small.encoder.back().out == 2);
  CHECK(small.decoder.back().out == 784);
  CHECK(architecture_summary(mnist).find("average pool 2x2: 28x28x16 -> 14x14x16") != std::string::npos);
  CHECK(architecture_summary(mnist).find("nearest upsampling 2x: 7x7x32 -> 14x14x32") != std::string::npos);
  mnist.input_size = 700;
  CHECK(model_config_problem(mnist).find("--arch pool") != std::string::npos);
}

TEST_CASE("pool models: every kind trains, bit for bit reproducibly; a save/load round trip keeps the layer list") {
  Mat x(16 * 16, 6);
  Rng rng(3);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = rng.uniform();
  for (ModelKind kind : {ModelKind::Plain, ModelKind::VAE, ModelKind::Acai}) {
    ModelConfig c = conv_model_config(kind, 1, 16);
    c.arch = Architecture::Pool;
    c.hidden = {};
    c.latent = 4;  // 16 -> 2x2: the grid is the code
    OptimizerConfig opt;
    opt.lr = 3e-3f;
    Model a(c, opt), b(c, opt);
    const double before = a.evaluate(x).recon;
    for (int i = 0; i < 80; ++i) a.train_step(x), b.train_step(x);
    INFO(std::string(model_kind_name(kind)));
    CHECK(a.network().params == b.network().params);
    CHECK(a.evaluate(x).recon < before);
    const std::string path = temp_path("pool.llnet");
    std::string error;
    REQUIRE(network_save(a.network(), path, &error));
    const Network loaded = network_load(path);
    CHECK(loaded.params == a.network().params);
    CHECK(loaded.config.arch == Architecture::Pool);
    REQUIRE(loaded.encoder.size() == a.network().encoder.size());
    for (size_t i = 0; i < loaded.encoder.size(); ++i) CHECK(loaded.encoder[i].kind == a.network().encoder[i].kind);
    InferenceWorkspace ws;
    Mat za(4, 6), zb(4, 6), ya(x.rows(), 6), yb(x.rows(), 6);
    network_encode(a.network(), x, za, ws);
    network_encode(loaded, x, zb, ws);
    CHECK(za == zb);
    network_decode(loaded, zb, yb, ws);
    network_decode(a.network(), za, ya, ws);
    CHECK(ya == yb);
    std::remove(path.c_str());
  }
}

TEST_CASE("conv models: every kind trains, bit for bit reproducibly; a save/load round trip keeps the layer list") {
  Mat x(3 * 12 * 12, 8);
  Rng rng(2);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = rng.uniform();
  for (ModelKind kind : {ModelKind::Plain, ModelKind::Sparse, ModelKind::Denoising, ModelKind::Contractive,
                         ModelKind::VAE}) {
    ModelConfig c = conv_model_config(kind, 3, 12);
    c.contractive_weight = 0.01f;
    c.sparsity_weight = 0.01f;
    OptimizerConfig opt;
    opt.lr = 3e-3f;
    Model a(c, opt), b(c, opt);
    const double before = a.evaluate(x).total;
    for (int i = 0; i < 40; ++i) {
      a.train_step(x);
      if (i % 9 == 0) a.evaluate(x);
      b.train_step(x);
    }
    INFO(model_kind_name(kind));
    CHECK(a.network().params == b.network().params);
    CHECK(a.network().all_finite());
    CHECK(a.evaluate(x).total < before);
    const std::string path = temp_path("conv.llnet");
    std::string error;
    REQUIRE(network_save(a.network(), path, &error));
    const Network loaded = network_load(path);
    CHECK(loaded.params == a.network().params);
    CHECK(loaded.config.arch == Architecture::Conv);
    CHECK(loaded.encoder.size() == a.network().encoder.size());
    InferenceWorkspace ws;
    Mat za(2, 8), zb(2, 8), ya(x.rows(), 8), yb(x.rows(), 8);
    network_encode(a.network(), x, za, ws);
    network_encode(loaded, x, zb, ws);
    CHECK(za == zb);
    network_decode(a.network(), za, ya, ws);
    network_decode(loaded, zb, yb, ws);
    CHECK(ya == yb);
    std::remove(path.c_str());
  }
}

TEST_CASE("a version-3 file whose layer list disagrees with its settings is refused") {
  const Network net = Network::create(conv_model_config(ModelKind::Plain, 1, 8));
  std::vector<uint8_t> bytes = network_serialize(net);
  // The first layer record (kind, in, out, big_c, big_h, big_w, small_c, ...) sits right after the
  // v3 fields, the two v4 fields (ACAI's) and the two layer counts: make its convolution give 31
  // channels instead of 32.
  const size_t v2_fields_end = 12 + 4 * (7 + net.config.hidden.size()) + 8 + 32;
  const size_t first_record = v2_fields_end + 4 * 5 + 4 * 2 + 8;
  int32_t kind, channels;
  std::memcpy(&kind, bytes.data() + first_record, 4);
  std::memcpy(&channels, bytes.data() + first_record + 4 * 6, 4);
  REQUIRE(kind == int32_t(LayerKind::Conv2d));
  REQUIRE(channels == 32);
  channels = 31;
  std::memcpy(bytes.data() + first_record + 4 * 6, &channels, 4);
  bytes.resize(bytes.size() - 4);  // a valid checksum, so that the layer list is what is refused
  uint32_t crc = uint32_t(crc32(crc32(0L, Z_NULL, 0), bytes.data(), uInt(bytes.size())));
  bytes.insert(bytes.end(), reinterpret_cast<uint8_t*>(&crc), reinterpret_cast<uint8_t*>(&crc) + 4);
  CHECK_THROWS_WITH_AS(network_parse(bytes.data(), bytes.size(), "x.llnet"), doctest::Contains("layer list"),
                       InputError);
}

TEST_CASE("a steady-state conv training step allocates nothing at 28x28, batch 64") {
  REQUIRE_MALLOC_COUNTER();
  for (ModelKind kind : {ModelKind::Plain, ModelKind::Sparse, ModelKind::Denoising, ModelKind::Contractive,
                         ModelKind::VAE}) {
    const long mallocs = steady_state_mallocs(conv_model_config(kind, 1, 28), OptimizerConfig{}, 64, 2);
    CHECK_MESSAGE(mallocs == 0, std::string(model_kind_name(kind)));
  }
  CHECK_MESSAGE(steady_state_mallocs(conv_model_config(ModelKind::VAE, 3, 32), OptimizerConfig{}, 64, 2) == 0,
                "vae 32x32x3");
}
