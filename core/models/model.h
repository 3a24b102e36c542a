// The autoencoders the app teaches: plain (under- or overcomplete), sparse (L1 or KL to rho),
// denoising (Gaussian, masking, salt-and-pepper), contractive (whole-encoder Jacobian penalty)
// and the VAE / beta-VAE, each as a multilayer perceptron or a convolutional network. A Network
// is weights + two lists of layers, encoder and decoder (cheap to copy, encodes and decodes); a
// Model wraps one Network with its optimizer state, RNG and training workspaces. A model kind is
// an objective over those lists: its latent head, its penalty and their gradients (model.cpp).
//
//   ModelConfig cfg;  cfg.kind = ModelKind::VAE;  cfg.hidden = {400};  cfg.latent = 2;
//   Model model(cfg, OptimizerConfig{});
//   LossParts l = model.train_step(batch);            // batch: (784, B), one sample per column
//   LossParts held_out = model.evaluate(test_data);   // same estimator as training
//   network_decode(model.network(), z, xhat, ws);      // z (latent, n) -> xhat (784, n)
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/kinds.h"
#include "nn/layer.h"
#include "nn/rng.h"
#include "nn/tensor.h"

// The kinds and every other choice (activation, loss, sparsity, noise, optimizer, init,
// architecture), with their names, titles and hyperparameters, are tables in models/kinds.h.
// The network's shape for each architecture is built in model.cpp ("network"):
//   Mlp:  input -> Dense(hidden[0]) ... -> Dense(code); the decoder mirrors it.
//   Conv: channels-last image -> Conv 32, Conv 64 (3x3, stride 2, padding 1, each followed by the
//         activation; one more Conv 64 for images larger than 32 px) -> Flatten -> Dense(hidden...)
//         -> Dense(code); the decoder mirrors it with transposed convolutions (the Keras VAE example).
//   Pool: the ACAI paper's (github.com/brain-research/acai, lib/layers.py): Conv 1x1 to 16 channels;
//         per scale two 3x3 convs of 16 * 2^s channels and a 2x2 average pool, while the image
//         halves evenly down to 2x2; a 3x3 conv of 16 * 2^S channels; a 3x3 conv to the code grid
//         (latent / cells channels) when --latent fills the last grid and --hidden is none, else to
//         16 channels, Flatten, Dense(hidden...), Dense(code). A VAE adds Dense(latent -> mu, log
//         var) after the grid, as the paper's does; --dropout drops values of the grid (the paper's
//         dropout AE). The decoder mirrors it with nearest-neighbour upsampling and ends in 3x3
//         convs to 16 channels and to the image.

struct ModelConfig {
  ModelKind kind = ModelKind::VAE;
  int input_size = 784;
  std::vector<int> hidden = {400};  // encoder widths, input side first; the decoder mirrors them
  int latent = 2;                   // >= 1; the code layer is linear
  Activation activation = Activation::Relu;
  OutputLoss loss = OutputLoss::BCE;
  InitKind init = InitKind::He;
  uint64_t seed = 1;
  // The hyperparameters; their defaults are the table's (kinds.cpp; test_kinds checks that they agree).
  // VAE: loss = recon + beta * KL; beta ramps linearly from 0 over kl_warmup_steps (0 = off).
  float beta = 1.0f;
  int kl_warmup_steps = 0;
  // Sparse: L1 = weight * sum|h| on the code; KL = weight * sum_j KL(rho || rho_hat_j) on a sigmoid code.
  SparsityKind sparsity = SparsityKind::L1;
  float sparsity_weight = 1e-3f;
  float rho = 0.05f;
  // Denoising: Gaussian sigma, masking probability, or salt-and-pepper probability.
  NoiseKind noise = NoiseKind::Gaussian;
  float noise_level = 0.3f;
  // Contractive: weight * ||J_f(x)||_F^2 for the whole encoder f (exact for Mlp; for Conv a
  // finite-difference estimate, see model.cpp "penalties").
  float contractive_weight = 1e-3f;
  // ACAI: the autoencoder's loss adds acai_weight * input_size * mean d(x_alpha)^2 (the critic's guess
  // on decoded mixes; per pixel, as the paper's mean-squared reconstruction), and the critic also
  // learns to answer 0 on acai_gamma x + (1 - acai_gamma) x_hat (model.cpp, "ACAI").
  float acai_weight = 0.5f;
  float acai_gamma = 0.2f;
  // The architecture; Conv needs the image geometry (input_size = channels * height * width).
  Architecture arch = Architecture::Mlp;
  int channels = 1, height = 0, width = 0;
  static constexpr int kConvDenseWidth = 16;  // a conv network's dense layer when none is chosen (Keras's example)
  static constexpr int kPoolDepth = 16;       // Pool's channels at full size (the paper's lines setting)
  // Dropout after every hidden activation while training (0 = none); identity at inference.
  float dropout = 0.0f;
};

// The hidden widths an image architecture takes when none are given: Conv's one dense layer of
// kConvDenseWidth, none for Pool (its code is its last grid).
inline std::vector<int> image_arch_default_hidden(Architecture a) {
  return a == Architecture::Pool ? std::vector<int>{} : std::vector<int>{ModelConfig::kConvDenseWidth};
}

// The layers this config builds, one line each ("conv 3x3 stride 2: 28x28x1 -> 14x14x32"), for
// --help and the logs.
std::string architecture_summary(const ModelConfig& c);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::Adam;
  float lr = 1e-3f;
  float momentum = 0.9f;       // SGD
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // Adam
  float clip_norm = 0.0f;      // clip the global gradient norm to this; 0 = off
};

// Loss parts, each averaged over samples (BCE/MSE summed over features: nats per image for BCE).
// `penalty` is the KL for a VAE (unweighted), the sparsity / contractive penalty (weighted) otherwise.
// `critic` is the critic's own loss (ACAI, trained apart: not in `total`), 0 for the other kinds.
struct LossParts {
  double total = 0, recon = 0, penalty = 0;
  double critic = 0;
};

// Weights and architecture: everything needed to encode and decode. All parameters live in
// one allocation, so copying a Network for a UI snapshot is one memcpy.
struct Network {
  ModelConfig config;
  std::vector<float> params;
  std::vector<Layer> encoder;  // input -> ... -> code (the VAE's code has 2*latent rows: mu then
                               // log-variance); ends with the code's activation, if it has one
  std::vector<Layer> decoder;  // latent -> ... -> logits (the output's sigmoid is the loss's)
  std::vector<Layer> critic;   // ACAI only: the encoder's shape, image -> (latent) whose mean is the
                               // critic's guess; its parameters come after the decoder's (model.cpp)

  static Network create(const ModelConfig& config);  // initialised from config.seed
  size_t parameter_count() const { return params.size(); }
  // The autoencoder's parameters are params[0, autoencoder_count()); the critic's (ACAI) the rest.
  size_t autoencoder_count() const;
  bool all_finite() const;
};

// Scratch space for encode/decode, so a steady-state UI frame allocates nothing once it has
// seen its largest batch.
struct InferenceWorkspace {
  LayersWorkspace<float> encoder, decoder;
};

// x (input, n) -> code (latent, n). For a VAE the code is mu; logvar (latent, n) is filled if non-null.
void network_encode(const Network& net, ConstMatRef x, MatRef code, InferenceWorkspace& ws,
                    Mat* logvar = nullptr);
// z (latent, n) -> reconstruction (input, n) in data space (sigmoid applied for BCE).
void network_decode(const Network& net, ConstMatRef z, MatRef out, InferenceWorkspace& ws);

// Fills x_in (input, B) with a fresh corruption of x (the denoising AE's, and the held-out figures'):
// Gaussian x + level n; masking zeroes each value with probability level; salt-and-pepper sets each
// value with probability level to 0 or 1 (even odds); drop colour sets each pixel's three channels
// to its luminance (Rec. 601: 0.299 R + 0.587 G + 0.114 B; x is (y, x, c) interleaved with `channels`
// values per pixel, and other than 3 channels it copies). x_in may not alias x.
void noise_corrupt(MatRef x_in, ConstMatRef x, NoiseKind noise, float level, Rng& rng, int channels = 1);

// Budgets, checked before anything is allocated (Network::create, network_load, the CLI and the
// trainer all go through model_config_problem), so an absurd size is an InputError, never a
// std::bad_alloc. Parameters are floats: the budget is 256 MiB of weights, and training keeps four
// such arrays (weights, gradient, Adam's two moments), 1 GiB in all; a critic's (ACAI) parameters
// count in it, and its training keeps a fifth array, weighed against the same 1 GiB.
constexpr uint64_t kMaxNetworkParameters = uint64_t(1) << 26;
constexpr int kMaxLayerWidth = 1 << 20;  // features, every hidden width, the latent size
constexpr int kMaxHiddenLayers = 64;
// A training step holds about six (width, batch) float buffers per layer: batch x (sum of all
// layer widths) may not exceed this (256 MiB per buffer set).
constexpr uint64_t kMaxBatchActivations = uint64_t(1) << 26;

// The parameters `c` implies (weights and biases of every layer), without allocating anything;
// saturates rather than overflows for absurd sizes.
uint64_t network_parameter_count(const ModelConfig& c);

// The one validation of an architecture, with c.input_size the data's feature count: "" if it can be
// built, else a message naming the setting as the command line does (--latent, --hidden, ...).
// Checks sizes >= 1, the width and depth limits and the parameter budget, then every choice and
// hyperparameter against its table (hyperparam_problem, models/kinds.h). The trainer's live
// setter goes through it too.
std::string model_config_problem(const ModelConfig& c);
// The same plus what training adds: a learning rate that is a positive finite number, a batch of
// at least 1 and no larger than the training set, and batch x widths within kMaxBatchActivations.
std::string training_config_problem(const ModelConfig& c, const OptimizerConfig& opt, int batch, int train_count);

// The .llnet file (docs/model_format.md): config + params, version 2 ends with a CRC-32 of
// everything before it. network_save writes atomically (core/io/file_write.h): on failure it returns
// false and sets *error (naming the file), and the previous file is untouched. Never called with a
// non-finite network.
std::vector<uint8_t> network_serialize(const Network& net);
bool network_save(const Network& net, const std::string& path, std::string* error);
// Throws InputError naming the file and the problem: a file too short, too long, damaged (checksum),
// of another format or version, or declaring sizes over the budgets. Reads versions 1 and 2.
Network network_load(const std::string& path);
// network_load's parser on bytes in memory (what the fuzz target calls); `name` is used in messages.
Network network_parse(const uint8_t* bytes, size_t n, const std::string& name);

// Owns a Model's preallocated training and evaluation buffers (defined in model.cpp). A copied
// Model gets fresh, empty buffers, sized on its first step.
struct ModelWorkspace;
struct ModelWorkspaceHandle {
  ModelWorkspaceHandle();
  ~ModelWorkspaceHandle();
  ModelWorkspaceHandle(const ModelWorkspaceHandle&);
  ModelWorkspaceHandle& operator=(const ModelWorkspaceHandle&);
  ModelWorkspaceHandle(ModelWorkspaceHandle&& other) noexcept;
  ModelWorkspaceHandle& operator=(ModelWorkspaceHandle&& other) noexcept;
  ModelWorkspace* ptr = nullptr;
};

// Everything training changes in a Model besides its weights and optimizer settings: what a session
// saves so that a resumed run goes on bit for bit (core/train/session.h).
struct ModelTrainingState {
  int64_t step = 0;
  int64_t adam_t = 0;        // Adam's bias-correction step
  uint64_t rng = 0, eval_rng = 0, dropout_rng = 0;  // the three streams' states
  std::vector<float> m, v;   // the optimizer's moments (SGD: m is the momentum; v unused); with a
                             // critic (ACAI), its own optimizer's moments are the arrays' tail
};

// ACAI's critic on the last training step: for each decoded mix, the alpha it was made with and the
// critic's guess d(x_alpha); and its mean guess on the gamma blends of real images (ideally 0).
struct CriticReadout {
  std::vector<float> alpha, guess;  // (B) each
  double real_guess = 0;
};

class Model {
 public:
  Model(const ModelConfig& config, const OptimizerConfig& optimizer);

  // One optimizer step on `batch` (input, B). Denoising corrupts afresh; VAE draws fresh eps.
  // Returns this batch's loss parts (before the update).
  LossParts train_step(ConstMatRef batch);
  // Held-out loss, the same single-sample estimator as training for a VAE (one z per input), clean
  // input for a denoising model. Processes `data` (input, n) in chunks; does not change weights.
  LossParts evaluate(ConstMatRef data);

  const Network& network() const { return net_; }
  ModelConfig& config() { return net_.config; }  // beta, weights, noise level may change between steps
  OptimizerConfig& optimizer() { return opt_; }
  int64_t step() const { return step_; }
  // Restore weights (and reset optimizer moments) from a known-good copy, e.g. after divergence.
  void restore(const Network& good);
  ModelTrainingState training_state() const;
  // ACAI: what the critic guessed on the last training step (empty for the other kinds).
  const CriticReadout& critic_readout() const { return critic_readout_; }
  // Weights, optimizer settings and state exactly as saved: the next step is the one the saved run
  // would have taken. Throws InputError when the sizes do not match this model's.
  void resume(const Network& net, const OptimizerConfig& opt, const ModelTrainingState& state);

  // For gradient checks: the loss (total, as trained) and its exact gradient w.r.t. every parameter,
  // in double precision, on `batch` with fixed noise: `eps` (latent, B) for a VAE, the corrupted input
  // for a denoising model (both may be empty otherwise). Does not touch the weights.
  double loss_and_gradient_double(const Eigen::MatrixXd& batch, const Eigen::MatrixXd& eps,
                                  const Eigen::MatrixXd& corrupted, const std::vector<double>& params,
                                  std::vector<double>* grad) const;
  // ACAI's two objectives in double at fixed mixing coefficients `alpha` (B): returns the parts with
  // .total the autoencoder's loss L_fg (through the critic) and .critic the critic's loss L_d. grad
  // gets dL_fg for the autoencoder's parameters and dL_d for the critic's: what the two Adams step on.
  LossParts acai_losses_and_gradient_double(const Eigen::MatrixXd& batch, const Eigen::VectorXd& alpha,
                                            const std::vector<double>& params, std::vector<double>* grad) const;

 private:
  Network net_;
  OptimizerConfig opt_;
  Rng rng_;       // training noise: VAE eps, denoising corruption
  Rng eval_rng_;  // held-out VAE eps, a stream of its own so that evaluating never changes training
  Rng dropout_rng_;  // dropout masks, a stream of their own so that a model without dropout is unchanged
  int64_t step_ = 0;
  int64_t adam_t_ = 0;  // Adam's bias-correction step; restarts with the moments in restore()
  // optimizer moments and training workspaces are preallocated here (see model.cpp)
  std::vector<float> grad_, m_, v_;
  CriticReadout critic_readout_;  // sized once (ACAI), filled by every training step
  ModelWorkspaceHandle work_;
};
