// The models: one templated forward/backward pass (model_loss) that every kind shares, run in
// float by Model::train_step / Model::evaluate and in double by the gradient checks.
//
// Sections (grep for "//----"):
//   network          shapes, initialisation, encode / decode for the UI
//   workspace        the preallocated buffers of one forward/backward pass
//   penalties        sparsity (L1, KL) and the contractive penalty with its double backprop
//   model_loss       forward, loss, backward for every kind
//   model            optimizer step, evaluation, restore, the double-precision entry point
//   save / load      the .llnet file format
//
// Layout (see tensor.h): one sample per column, W (out, in) column-major, all parameters in
// Network::params: for each encoder layer then each decoder layer, W then b.
#include "models/model.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <zlib.h>

#include "nn/dense.h"
#include "io/errors.h"
#include "io/file_input.h"
#include "io/file_write.h"
#include "nn/losses.h"
#include "nn/optimizer.h"

//---- network ----------------------------------------------------------------------------------

namespace {

// The code layer is linear, except for the KL-sparse model whose code is a sigmoid (its mean
// activation rho_hat must be a probability).
Activation code_activation(const ModelConfig& c) {
  return c.kind == ModelKind::Sparse && c.sparsity == SparsityKind::KL ? Activation::Sigmoid
                                                                      : Activation::Identity;
}

int code_rows(const ModelConfig& c) { return c.kind == ModelKind::VAE ? 2 * c.latent : c.latent; }

}  // namespace

uint64_t network_parameter_count(const ModelConfig& c) {
  constexpr uint64_t kSaturated = ~uint64_t(0);
  uint64_t total = 0;
  auto layer = [&](int64_t in, int64_t out) {
    if (in < 0 || out < 0) return;
    const uint64_t n = uint64_t(in + 1) * uint64_t(out);  // each factor < 2^32: no overflow
    total = total > kSaturated - n ? kSaturated : total + n;
  };
  int64_t width = c.input_size;
  for (int h : c.hidden) {
    layer(width, h);
    width = h;
  }
  layer(width, c.kind == ModelKind::VAE ? 2 * int64_t(c.latent) : int64_t(c.latent));
  width = c.latent;
  for (auto it = c.hidden.rbegin(); it != c.hidden.rend(); ++it) {
    layer(width, *it);
    width = *it;
  }
  layer(width, c.input_size);
  return total;
}

std::string model_config_problem(const ModelConfig& c) {
  const std::string max_width = std::to_string(kMaxLayerWidth);
  if (c.input_size < 1 || c.input_size > kMaxLayerWidth)
    return "the data has " + std::to_string(c.input_size) + " features; a model takes 1 to " + max_width;
  if (c.latent < 1 || c.latent > kMaxLayerWidth)
    return "--latent must be in [1, " + max_width + "], got " + std::to_string(c.latent);
  if (c.hidden.size() > size_t(kMaxHiddenLayers))
    return "--hidden lists " + std::to_string(c.hidden.size()) + " layers, at most " +
           std::to_string(kMaxHiddenLayers) + " are allowed";
  for (int h : c.hidden)
    if (h < 1 || h > kMaxLayerWidth)
      return "--hidden: every width must be in [1, " + max_width + "], got " + std::to_string(h);
  const uint64_t params = network_parameter_count(c);
  if (params > kMaxNetworkParameters)
    return "a network of " + std::to_string(c.input_size) + " features, --hidden and --latent " +
           std::to_string(c.latent) + " would have " + std::to_string(params) + " parameters, over the budget of " +
           std::to_string(kMaxNetworkParameters) + "; use smaller layers";
  // The contractive penalty keeps a (first width)^2 Gram matrix and its gradient.
  const uint64_t n1 = c.hidden.empty() ? uint64_t(c.latent) : uint64_t(c.hidden[0]);
  if (c.kind == ModelKind::Contractive && 2 * n1 * n1 > kMaxNetworkParameters)
    return "--model contractive keeps two " + std::to_string(n1) + " x " + std::to_string(n1) +
           " matrices for its penalty, over the budget of " + std::to_string(kMaxNetworkParameters) +
           " values; use a narrower first --hidden layer";
  return hyperparam_problem(c);  // the choices and every hyperparameter against its table (models/kinds.h)
}

std::string training_config_problem(const ModelConfig& c, const OptimizerConfig& opt, int batch, int train_count) {
  const std::string problem = model_config_problem(c);
  if (!problem.empty()) return problem;
  if (!(opt.lr > 0) || !std::isfinite(opt.lr))
    return "--lr must be a positive finite number, got " + std::to_string(opt.lr);
  if (batch < 1) return "--batch must be at least 1, got " + std::to_string(batch);
  if (batch > train_count)
    return "--batch " + std::to_string(batch) + " is larger than the " + std::to_string(train_count) +
           " training samples";
  uint64_t widths = uint64_t(c.input_size) * 2 + uint64_t(c.latent) * 3;
  for (int h : c.hidden) widths += 2 * uint64_t(h);
  if (uint64_t(batch) * widths > kMaxBatchActivations)
    return "--batch " + std::to_string(batch) + " with these layer widths needs " +
           std::to_string(uint64_t(batch) * widths) + " values per buffer, over the budget of " +
           std::to_string(kMaxBatchActivations) + "; use a smaller --batch";
  return "";
}

namespace {

void validate_config(const ModelConfig& c) {
  const std::string problem = model_config_problem(c);
  if (!problem.empty()) throw InputError("model: " + problem);
}

bool is_relu_family(Activation a) {
  return a == Activation::Relu || a == Activation::LeakyRelu || a == Activation::Elu;
}

// Weights: He N(0, gain / fan_in), gain 2 before a ReLU-family activation and 1 before anything
// else (LeCun); Xavier U(-r, r), r = sqrt(6 / (fan_in + fan_out)); Torch U(-r, r), r = 1 / sqrt(fan_in)
// (torch.nn.Linear's default). Biases: U(-1 / sqrt(fan_in), 1 / sqrt(fan_in)) for all three, as
// torch.nn.Linear: with zero biases every ReLU kink of the decoder's first layer would pass through
// the origin of the code, which measurably hurts 2-D codes (about 3 nats on MNIST with latent 2).
void init_layer(float* params, const DenseShape& s, InitKind init, Activation next, Rng& rng) {
  float* W = params + s.weight_offset;
  const size_t n = size_t(s.out) * size_t(s.in);
  const float r_fan_in = 1.0f / std::sqrt(float(s.in));
  if (init == InitKind::He) {
    const float std_dev = std::sqrt((is_relu_family(next) ? 2.0f : 1.0f) / float(s.in));
    for (size_t i = 0; i < n; ++i) W[i] = std_dev * rng.normal();
  } else {
    const float r = init == InitKind::Xavier ? std::sqrt(6.0f / float(s.in + s.out)) : r_fan_in;
    for (size_t i = 0; i < n; ++i) W[i] = r * (2.0f * rng.uniform() - 1.0f);
  }
  float* b = params + s.bias_offset;
  for (int i = 0; i < s.out; ++i) b[i] = r_fan_in * (2.0f * rng.uniform() - 1.0f);
}

}  // namespace

Network Network::create(const ModelConfig& config) {
  validate_config(config);
  Network net;
  net.config = config;
  size_t offset = 0;
  auto add = [&offset](std::vector<DenseShape>& layers, int in, int out) {
    DenseShape s;
    s.in = in;
    s.out = out;
    s.weight_offset = offset;
    offset += size_t(in) * size_t(out);
    s.bias_offset = offset;
    offset += size_t(out);
    layers.push_back(s);
  };
  int width = config.input_size;
  for (int h : config.hidden) {
    add(net.encoder, width, h);
    width = h;
  }
  add(net.encoder, width, code_rows(config));
  width = config.latent;
  for (auto it = config.hidden.rbegin(); it != config.hidden.rend(); ++it) {
    add(net.decoder, width, *it);
    width = *it;
  }
  add(net.decoder, width, config.input_size);
  net.params.assign(offset, 0.0f);

  Rng rng(config.seed);
  for (size_t l = 0; l < net.encoder.size(); ++l)
    init_layer(net.params.data(), net.encoder[l], config.init,
               l + 1 < net.encoder.size() ? config.activation : code_activation(config), rng);
  for (size_t l = 0; l < net.decoder.size(); ++l)
    init_layer(net.params.data(), net.decoder[l], config.init,
               l + 1 < net.decoder.size() ? config.activation : Activation::Identity, rng);
  return net;
}

// One vectorized pass: p * 0 is 0 for a finite p and NaN for an Inf or a NaN, and a NaN survives
// the sum. ~25 us for the 650k floats of 784-400-20, against ~160 us for an element-by-element
// isFinite test; the divergence guard runs this after every step.
bool Network::all_finite() const {
  Eigen::Map<const Eigen::ArrayXf> p(params.data(), Eigen::Index(params.size()));
  return std::isfinite((p * 0.0f).sum());
}

// The first n columns of an inference buffer with `rows` rows. The buffer only grows, so a caller
// that alternates batch sizes (the GUI decodes 20 samples, then 10) stops allocating once it has
// seen the largest.
static MatRef workspace_columns(Mat& buffer, int rows, int n) {
  if (buffer.rows() != rows || buffer.cols() < n) buffer.resize(rows, std::max<Eigen::Index>(n, buffer.cols()));
  return buffer.leftCols(n);
}

void network_encode(const Network& net, ConstMatRef x, MatRef code, InferenceWorkspace& ws, Mat* logvar) {
  const ModelConfig& c = net.config;
  const int n = int(x.cols()), L = int(net.encoder.size());
  // Eigen's own size asserts are compiled out in a Release build: check, as Dataset::gather does,
  // so a caller holding buffers of another architecture gets an error, not a heap overrun.
  if (x.rows() != c.input_size || code.rows() != c.latent || code.cols() != n)
    throw std::invalid_argument("network_encode: x or code has the wrong shape for this network");
  if (int(ws.activations.size()) < L) ws.activations.resize(L);
  for (int l = 0; l < L; ++l) {
    MatRef h = workspace_columns(ws.activations[l], net.encoder[l].out, n);  // (encoder[l].out, n)
    if (l == 0)
      dense_forward<float>(h, x, net.params.data(), net.encoder[l]);
    else
      dense_forward<float>(h, ws.activations[l - 1].leftCols(n), net.params.data(), net.encoder[l]);
    activation_forward<float>(h, h, l + 1 < L ? c.activation : code_activation(c));
  }
  const auto top = ws.activations[L - 1].leftCols(n);  // (code_rows, n): mu then logvar for a VAE
  code = top.topRows(c.latent);
  if (logvar && c.kind == ModelKind::VAE) *logvar = top.bottomRows(c.latent);
}

void network_decode(const Network& net, ConstMatRef z, MatRef out, InferenceWorkspace& ws) {
  const ModelConfig& c = net.config;
  const int n = int(z.cols()), L = int(net.decoder.size());
  if (z.rows() != c.latent || out.rows() != c.input_size || out.cols() != n)
    throw std::invalid_argument("network_decode: z or out has the wrong shape for this network");
  if (int(ws.activations.size()) < L) ws.activations.resize(L);
  for (int l = 0; l + 1 < L; ++l) {
    MatRef h = workspace_columns(ws.activations[l], net.decoder[l].out, n);  // (decoder[l].out, n)
    if (l == 0)
      dense_forward<float>(h, z, net.params.data(), net.decoder[l]);
    else
      dense_forward<float>(h, ws.activations[l - 1].leftCols(n), net.params.data(), net.decoder[l]);
    activation_forward<float>(h, h, c.activation);
  }
  if (L == 1)
    dense_forward<float>(out, z, net.params.data(), net.decoder[0]);
  else
    dense_forward<float>(out, ws.activations[L - 2].leftCols(n), net.params.data(), net.decoder[L - 1]);
  if (c.loss == OutputLoss::BCE) activation_forward<float>(out, out, Activation::Sigmoid);
}

//---- workspace --------------------------------------------------------------------------------

namespace {

// Every buffer of one forward/backward pass at batch size B. Sized once per batch size (and
// architecture); a step at the same size allocates nothing.
template <typename T>
struct Workspace {
  int batch = -1;
  std::vector<MatX<T>> enc_pre, enc_act, enc_dpre;  // per encoder layer: (encoder[l].out, B)
  std::vector<MatX<T>> dec_pre, dec_act, dec_dpre;  // per decoder layer: (decoder[l].out, B);
                                                    // dec_dpre of the last layer = dLoss/dlogits
  MatX<T> x_in;       // (input, B)  the encoder's input when it differs from the batch (denoising)
  MatX<T> eps;        // (latent, B) VAE noise
  MatX<T> z;          // (latent, B) VAE sample mu + sigma * eps
  MatX<T> sigma;      // (latent, B) VAE exp(0.5 logvar), kept for backward
  MatX<T> dz;         // (latent, B) dLoss/dz from the decoder
  VecX<T> rho_hat;    // (latent)    KL sparsity: mean code activation over the batch
  VecX<T> rho_grad;   // (latent)    KL sparsity: dPenalty/dcode, the same for every sample
  // contractive penalty
  std::vector<MatX<T>> d1, d2, cpre;  // per encoder layer (out, B): act', act'', extra dLoss/dpre
  std::vector<MatX<T>> am, bm, dam, dbm;  // per encoder layer: per-sample Jacobian factors (see below)
  MatX<T> gram, dgram;  // (n1, n1) W0 W0^T and its gradient
  MatX<T> ag;           // (latent, n1) am[0] gram
};

template <typename T>
bool workspace_fits(const Workspace<T>& ws, const Network& net, int B) {
  if (ws.batch != B || ws.enc_pre.size() != net.encoder.size() || ws.dec_pre.size() != net.decoder.size())
    return false;
  for (size_t l = 0; l < net.encoder.size(); ++l)
    if (ws.enc_pre[l].rows() != net.encoder[l].out) return false;
  for (size_t l = 0; l < net.decoder.size(); ++l)
    if (ws.dec_pre[l].rows() != net.decoder[l].out) return false;
  if (ws.x_in.rows() != net.config.input_size || ws.z.rows() != net.config.latent) return false;
  const bool contractive = net.config.kind == ModelKind::Contractive;
  return contractive == !ws.d1.empty();
}

template <typename T>
void workspace_prepare(Workspace<T>& ws, const Network& net, int B) {
  if (workspace_fits(ws, net, B)) return;
  const ModelConfig& c = net.config;
  const size_t Le = net.encoder.size();
  auto per_layer = [B](std::vector<MatX<T>>& v, const std::vector<DenseShape>& layers) {
    v.resize(layers.size());
    for (size_t l = 0; l < layers.size(); ++l) v[l].resize(layers[l].out, B);
  };
  per_layer(ws.enc_pre, net.encoder);
  per_layer(ws.enc_act, net.encoder);
  per_layer(ws.enc_dpre, net.encoder);
  per_layer(ws.dec_pre, net.decoder);
  per_layer(ws.dec_act, net.decoder);
  per_layer(ws.dec_dpre, net.decoder);
  ws.x_in.resize(c.input_size, B);
  ws.eps.resize(c.latent, B);
  ws.z.resize(c.latent, B);
  ws.sigma.resize(c.latent, B);
  ws.dz.resize(c.latent, B);
  ws.rho_hat.resize(c.latent);
  ws.rho_grad.resize(c.latent);
  if (c.kind == ModelKind::Contractive) {
    per_layer(ws.d1, net.encoder);
    per_layer(ws.d2, net.encoder);
    per_layer(ws.cpre, net.encoder);
    const int k = c.latent, n1 = net.encoder[0].out;
    ws.am.resize(Le);
    ws.bm.resize(Le);
    ws.dam.resize(Le);
    ws.dbm.resize(Le);
    for (size_t l = 0; l < Le; ++l) {
      ws.am[l].resize(k, net.encoder[l].out);  // am[l]: (latent, n_{l+1})
      ws.dam[l].resize(k, net.encoder[l].out);
      ws.bm[l].resize(k, net.encoder[l].in);   // bm[l]: (latent, n_l)
      ws.dbm[l].resize(k, net.encoder[l].in);
    }
    ws.gram.resize(n1, n1);
    ws.dgram.resize(n1, n1);
    ws.ag.resize(k, n1);
  } else {
    ws.d1.clear(), ws.d2.clear(), ws.cpre.clear(), ws.am.clear(), ws.bm.clear(), ws.dam.clear(), ws.dbm.clear();
  }
  ws.batch = B;
}

//---- penalties --------------------------------------------------------------------------------

// L1 sparsity: weight * (1/B) sum_{j,n} |code_jn|. Adds its gradient to dcode if given.
template <typename T>
double penalty_l1(MatX<T>* dcode, CRefX<T> code, double weight) {
  const double B = double(code.cols());
  if (dcode) dcode->array() += T(weight / B) * code.array().sign();
  return weight * code.array().abs().sum() / B;
}

// KL sparsity on a sigmoid code: weight * sum_j KL(rho || rho_hat_j), rho_hat_j = mean_n code_jn.
// rho_hat is a batch statistic, so the penalty is not averaged again. d/dcode_jn =
// weight / B * (-rho / rho_hat_j + (1 - rho) / (1 - rho_hat_j)).
template <typename T>
double penalty_kl_sparsity(MatX<T>* dcode, VecX<T>& rho_hat, VecX<T>& rho_grad, CRefX<T> code, double weight,
                           double rho) {
  const double B = double(code.cols());
  rho_hat = code.rowwise().mean();
  rho_hat = rho_hat.cwiseMax(T(1e-6)).cwiseMin(T(1 - 1e-6));  // a saturated batch stays finite
  double kl = 0;
  for (Eigen::Index j = 0; j < rho_hat.size(); ++j) {
    const double r = double(rho_hat[j]);
    kl += rho * std::log(rho / r) + (1 - rho) * std::log((1 - rho) / (1 - r));
  }
  if (dcode) {
    rho_grad.array() = T(weight / B) * (T(-rho) / rho_hat.array() + T(1 - rho) / (T(1) - rho_hat.array()));
    dcode->colwise() += rho_grad;
  }
  return weight * kl;
}

// Contractive penalty: weight * (1/B) sum_n ||J_n||_F^2, J_n the Jacobian d code / d x of the
// whole encoder at sample n. With layers l = 0..L-1, W_l (n_{l+1}, n_l), s_l = act_l'(pre_l):
//   J = diag(s_{L-1}) W_{L-1} diag(s_{L-2}) W_{L-2} ... diag(s_0) W_0.
// Per sample, going down from the code:
//   bm[L-1] = diag(s_{L-1}) W_{L-1};  am[l] = bm[l+1] diag(s_l);  bm[l] = am[l] W_l  (l >= 1)
// so J = am[0] W_0 and ||J||^2 = tr(am[0] G am[0]^T) with G = W_0 W_0^T computed once per batch
// (which never forms the (latent, input) Jacobian). The exact gradient is reverse mode through
// these products (double backprop): weights get dW directly; each s_l depends on pre_l, which
// gives an extra dLoss/dpre_l = act_l''(pre_l) * dLoss/ds_l, stored in cpre[l] and added by the
// encoder's ordinary backward pass. Needs enc_pre / enc_act of the forward pass.
template <typename T>
double penalty_contractive(T* grads, Workspace<T>& ws, const Network& net, const T* params, double weight) {
  const ModelConfig& c = net.config;
  const int L = int(net.encoder.size()), B = ws.batch;
  const T scale = T(weight / B);
  auto Wmap = [&](int l) {
    return Eigen::Map<const MatX<T>>(params + net.encoder[l].weight_offset, net.encoder[l].out, net.encoder[l].in);
  };
  for (int l = 0; l < L; ++l)
    activation_derivatives<T>(ws.d1[l], ws.d2[l], ws.enc_pre[l], ws.enc_act[l],
                              l + 1 < L ? c.activation : code_activation(c));
  Eigen::Map<const MatX<T>> W0 = Wmap(0);
  ws.gram.noalias() = W0 * W0.transpose();  // (n1, n1)
  if (grads) {
    ws.dgram.setZero();
    for (int l = 0; l < L; ++l) ws.cpre[l].setZero();
  }
  double total = 0;
  if (L == 1) {  // J = diag(s_0) W_0: ||J||^2 = sum_k s_k^2 G_kk
    const MatX<T>& s = ws.d1[0];  // (latent, B)
    total = double((s.array().square().colwise() * ws.gram.diagonal().array()).sum());
    if (grads) {
      ws.dgram.diagonal() = scale * s.array().square().rowwise().sum().matrix();
      ws.cpre[0].array() = (T(2) * scale) * ws.d2[0].array() * s.array();
      ws.cpre[0].array().colwise() *= ws.gram.diagonal().array();
    }
  } else {
    for (int n = 0; n < B; ++n) {
      Eigen::Map<const MatX<T>> Wtop = Wmap(L - 1);
      ws.bm[L - 1].noalias() = ws.d1[L - 1].col(n).asDiagonal() * Wtop;  // (latent, n_{L-1})
      for (int l = L - 2; l >= 0; --l) {
        ws.am[l].noalias() = ws.bm[l + 1] * ws.d1[l].col(n).asDiagonal();  // (latent, n_{l+1})
        if (l >= 1) ws.bm[l].noalias() = ws.am[l] * Wmap(l);                // (latent, n_l)
      }
      ws.ag.noalias() = ws.am[0] * ws.gram;  // (latent, n1)
      total += double(ws.am[0].cwiseProduct(ws.ag).sum());
      if (!grads) continue;
      ws.dam[0] = (T(2) * scale) * ws.ag;
      ws.dgram.noalias() += scale * ws.am[0].transpose() * ws.am[0];
      for (int l = 0; l <= L - 2; ++l) {
        // am[l] = bm[l+1] diag(s_l)
        ws.cpre[l].col(n).array() +=
            ws.d2[l].col(n).array() * ws.dam[l].cwiseProduct(ws.bm[l + 1]).colwise().sum().transpose().array();
        ws.dbm[l + 1].noalias() = ws.dam[l] * ws.d1[l].col(n).asDiagonal();
        Eigen::Map<MatX<T>> dW(grads + net.encoder[l + 1].weight_offset, net.encoder[l + 1].out,
                               net.encoder[l + 1].in);
        if (l + 1 < L - 1) {  // bm[l+1] = am[l+1] W_{l+1}
          dW.noalias() += ws.am[l + 1].transpose() * ws.dbm[l + 1];
          ws.dam[l + 1].noalias() = ws.dbm[l + 1] * Wmap(l + 1).transpose();
        } else {  // bm[L-1] = diag(s_{L-1}) W_{L-1}
          dW.noalias() += ws.d1[L - 1].col(n).asDiagonal() * ws.dbm[L - 1];
          ws.cpre[L - 1].col(n).array() +=
              ws.d2[L - 1].col(n).array() * ws.dbm[L - 1].cwiseProduct(Wtop).rowwise().sum().array();
        }
      }
    }
  }
  if (grads) {  // G = W0 W0^T  =>  dW0 += (dG + dG^T) W0 = 2 dG W0 (dG is symmetric)
    Eigen::Map<MatX<T>> dW0(grads + net.encoder[0].weight_offset, net.encoder[0].out, net.encoder[0].in);
    dW0.noalias() += T(2) * ws.dgram * W0;
  }
  return double(scale) * total;
}

//---- model_loss -------------------------------------------------------------------------------

// One forward pass of any model kind on a batch, its loss parts, and (if grads is non-null) the
// backward pass, accumulating dLoss/dparams into grads (zeroing them is the caller's step).
//   x_target: (input, B) the clean batch, the reconstruction target
//   x_in:     (input, B) the encoder's input (the corrupted batch for a denoising model)
//   eps:      (latent, B) VAE noise, in ws.eps
//   beta:     the VAE's KL weight for this step (warm-up applied)
template <typename T>
LossParts model_loss(T* grads, Workspace<T>& ws, const Network& net, const T* params, CRefX<T> x_target,
                     CRefX<T> x_in, double beta) {
  const ModelConfig& c = net.config;
  const int Le = int(net.encoder.size()), Ld = int(net.decoder.size()), B = ws.batch;
  const T inv_b = T(1.0 / B);
  LossParts parts;

  // encoder: keeps pre and act of every layer for backward
  for (int l = 0; l < Le; ++l) {
    if (l == 0)
      dense_forward<T>(ws.enc_pre[l], x_in, params, net.encoder[l]);
    else
      dense_forward<T>(ws.enc_pre[l], ws.enc_act[l - 1], params, net.encoder[l]);
    activation_forward<T>(ws.enc_act[l], ws.enc_pre[l], l + 1 < Le ? c.activation : code_activation(c));
  }
  const MatX<T>& code = ws.enc_act[Le - 1];  // (code_rows, B)

  // latent: the VAE samples z = mu + sigma eps; KL(N(mu, sigma^2) || N(0, I)) in closed form
  double kl = 0;
  if (c.kind == ModelKind::VAE) {
    ws.sigma.array() = (T(0.5) * code.bottomRows(c.latent).array()).exp();
    ws.z.array() = code.topRows(c.latent).array() + ws.sigma.array() * ws.eps.array();
    kl = -0.5 *
         double((T(1) + code.bottomRows(c.latent).array() - code.topRows(c.latent).array().square() -
                 ws.sigma.array().square())
                    .sum()) /
         B;
  }
  const MatX<T>& z = c.kind == ModelKind::VAE ? ws.z : code;  // (latent, B)

  // decoder: the last layer's pre-activation is the logits
  for (int l = 0; l < Ld; ++l) {
    if (l == 0)
      dense_forward<T>(ws.dec_pre[l], z, params, net.decoder[l]);
    else
      dense_forward<T>(ws.dec_pre[l], ws.dec_act[l - 1], params, net.decoder[l]);
    if (l + 1 < Ld) activation_forward<T>(ws.dec_act[l], ws.dec_pre[l], c.activation);
  }

  // losses: recon into dec_dpre[Ld-1] (dLoss/dlogits); penalties into dz below
  parts.recon = loss_recon<T>(ws.dec_dpre[Ld - 1], ws.dec_pre[Ld - 1], x_target, inv_b, c.loss) / B;

  // decoder backward down to dz
  if (grads) {
    for (int l = Ld - 1; l >= 0; --l) {
      const MatX<T>& in = l == 0 ? z : ws.dec_act[l - 1];
      dense_backward<T>(l == 0 ? &ws.dz : &ws.dec_dpre[l - 1], grads, ws.dec_dpre[l], in, params, net.decoder[l]);
      if (l > 0) activation_backward<T>(ws.dec_dpre[l - 1], ws.dec_dpre[l - 1], ws.dec_pre[l - 1], ws.dec_act[l - 1],
                                        c.activation);
    }
  }

  // penalties and dLoss/d(code pre-activation) into enc_dpre[Le-1]
  MatX<T>& dtop = ws.enc_dpre[Le - 1];  // (code_rows, B)
  MatX<T>* dz = grads ? &ws.dz : nullptr;
  switch (c.kind) {
    case ModelKind::VAE:
      parts.penalty = kl;
      parts.total = parts.recon + beta * kl;
      if (grads) {  // dmu = dz + beta mu / B;  dlogvar = dz eps sigma / 2 + beta (sigma^2 - 1) / (2 B)
        dtop.topRows(c.latent).array() = ws.dz.array() + T(beta / B) * code.topRows(c.latent).array();
        dtop.bottomRows(c.latent).array() = T(0.5) * ws.dz.array() * ws.eps.array() * ws.sigma.array() +
                                            T(0.5 * beta / B) * (ws.sigma.array().square() - T(1));
      }
      break;
    case ModelKind::Sparse:
      parts.penalty = c.sparsity == SparsityKind::L1
                          ? penalty_l1<T>(dz, code, c.sparsity_weight)
                          : penalty_kl_sparsity<T>(dz, ws.rho_hat, ws.rho_grad, code, c.sparsity_weight, c.rho);
      break;
    case ModelKind::Contractive:
      parts.penalty = penalty_contractive<T>(grads, ws, net, params, c.contractive_weight);
      break;
    case ModelKind::Plain:
    case ModelKind::Denoising: break;
  }
  if (c.kind != ModelKind::VAE) {
    parts.total = parts.recon + parts.penalty;
    if (grads) activation_backward<T>(dtop, ws.dz, ws.enc_pre[Le - 1], code, code_activation(c));
  }
  if (!grads) return parts;

  // encoder backward (the contractive penalty adds its dLoss/dpre at every layer)
  const bool contractive = c.kind == ModelKind::Contractive;
  if (contractive) dtop += ws.cpre[Le - 1];
  for (int l = Le - 1; l >= 0; --l) {
    if (l == 0) {
      dense_backward<T>(nullptr, grads, ws.enc_dpre[0], x_in, params, net.encoder[0]);
    } else {
      dense_backward<T>(&ws.enc_dpre[l - 1], grads, ws.enc_dpre[l], ws.enc_act[l - 1], params, net.encoder[l]);
      activation_backward<T>(ws.enc_dpre[l - 1], ws.enc_dpre[l - 1], ws.enc_pre[l - 1], ws.enc_act[l - 1],
                             c.activation);
      if (contractive) ws.enc_dpre[l - 1] += ws.cpre[l - 1];
    }
  }
  return parts;
}

}  // namespace

//---- model ------------------------------------------------------------------------------------

struct ModelWorkspace {
  Workspace<float> train;  // train_step's buffers
  Workspace<float> eval;   // evaluate's, so that evaluating does not resize the training buffers
};

ModelWorkspaceHandle::ModelWorkspaceHandle() : ptr(new ModelWorkspace) {}
ModelWorkspaceHandle::~ModelWorkspaceHandle() { delete ptr; }
ModelWorkspaceHandle::ModelWorkspaceHandle(const ModelWorkspaceHandle&) : ptr(new ModelWorkspace) {}
ModelWorkspaceHandle& ModelWorkspaceHandle::operator=(const ModelWorkspaceHandle&) { return *this; }
ModelWorkspaceHandle::ModelWorkspaceHandle(ModelWorkspaceHandle&& other) noexcept : ptr(other.ptr) {
  other.ptr = nullptr;
}
ModelWorkspaceHandle& ModelWorkspaceHandle::operator=(ModelWorkspaceHandle&& other) noexcept {
  std::swap(ptr, other.ptr);
  return *this;
}

namespace {

// Fills x_in (input, B) with a fresh corruption of x: Gaussian x + sigma n; masking zeroes each
// value with probability p; salt-and-pepper sets each value with probability p to 0 or 1 (even odds).
void corrupt(MatRef x_in, ConstMatRef x, NoiseKind noise, float level, Rng& rng) {
  const Eigen::Index rows = x.rows(), cols = x.cols();
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) {
      const float v = x(i, j);
      switch (noise) {
        case NoiseKind::Gaussian: x_in(i, j) = v + level * rng.normal(); break;
        case NoiseKind::Mask: x_in(i, j) = rng.uniform() < level ? 0.0f : v; break;
        case NoiseKind::SaltPepper:
          x_in(i, j) = rng.uniform() < level ? (rng.uniform() < 0.5f ? 0.0f : 1.0f) : v;
          break;
      }
    }
}

void fill_normal(MatRef m, Rng& rng) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = rng.normal();
}

}  // namespace

Model::Model(const ModelConfig& config, const OptimizerConfig& optimizer)
    : net_(Network::create(config)),
      opt_(optimizer),
      rng_(config.seed ^ 0x7261696E696E6721ull),
      eval_rng_(config.seed ^ 0x68656C646F757421ull) {
  grad_.assign(net_.params.size(), 0.0f);
  m_.assign(net_.params.size(), 0.0f);
  v_.assign(net_.params.size(), 0.0f);
}

LossParts Model::train_step(ConstMatRef batch) {
  const ModelConfig& c = net_.config;
  const int B = int(batch.cols());
  if (B < 1 || batch.rows() != c.input_size) throw InputError("train_step: batch has the wrong shape");
  Workspace<float>& ws = work_.ptr->train;
  workspace_prepare(ws, net_, B);

  if (c.kind == ModelKind::Denoising) corrupt(ws.x_in, batch, c.noise, c.noise_level, rng_);
  if (c.kind == ModelKind::VAE) fill_normal(ws.eps, rng_);
  double beta = c.beta;
  if (c.kl_warmup_steps > 0) beta *= std::min(1.0, double(step_) / c.kl_warmup_steps);

  std::fill(grad_.begin(), grad_.end(), 0.0f);
  const LossParts parts =
      c.kind == ModelKind::Denoising
          ? model_loss<float>(grad_.data(), ws, net_, net_.params.data(), batch, ws.x_in, beta)
          : model_loss<float>(grad_.data(), ws, net_, net_.params.data(), batch, batch, beta);

  const size_t n = grad_.size();
  if (opt_.clip_norm > 0) grad_clip_norm(grad_.data(), n, opt_.clip_norm);
  if (opt_.kind == OptimizerKind::Adam)
    adam_update(net_.params.data(), grad_.data(), m_.data(), v_.data(), n, opt_.lr, opt_.beta1, opt_.beta2,
                opt_.eps, ++adam_t_);
  else
    sgd_update(net_.params.data(), grad_.data(), m_.data(), n, opt_.lr, opt_.momentum);
  ++step_;
  return parts;
}

LossParts Model::evaluate(ConstMatRef data) {
  const ModelConfig& c = net_.config;
  const int N = int(data.cols());
  if (N == 0) return LossParts{};
  if (data.rows() != c.input_size) throw InputError("evaluate: data has the wrong number of features");
  constexpr int kChunk = 256;
  Workspace<float>& ws = work_.ptr->eval;
  LossParts sum;
  for (int first = 0; first < N; first += kChunk) {
    const int n = std::min(kChunk, N - first);
    workspace_prepare(ws, net_, n);
    if (c.kind == ModelKind::VAE) fill_normal(ws.eps, eval_rng_);
    const LossParts p = model_loss<float>(nullptr, ws, net_, net_.params.data(), data.middleCols(first, n),
                                          data.middleCols(first, n), c.beta);
    sum.total += p.total * n;
    sum.recon += p.recon * n;
    sum.penalty += p.penalty * n;
  }
  sum.total /= N;
  sum.recon /= N;
  sum.penalty /= N;
  return sum;
}

void Model::restore(const Network& good) {
  if (good.params.size() != net_.params.size())
    throw InputError("restore: the network has a different architecture (" + std::to_string(good.params.size()) +
                     " parameters, the model has " + std::to_string(net_.params.size()) + ")");
  net_.params = good.params;
  std::fill(m_.begin(), m_.end(), 0.0f);
  std::fill(v_.begin(), v_.end(), 0.0f);
  adam_t_ = 0;
}

double Model::loss_and_gradient_double(const Eigen::MatrixXd& batch, const Eigen::MatrixXd& eps,
                                       const Eigen::MatrixXd& corrupted, const std::vector<double>& params,
                                       std::vector<double>* grad) const {
  const ModelConfig& c = net_.config;
  if (params.size() != net_.params.size()) throw InputError("loss_and_gradient_double: wrong parameter count");
  Workspace<double> ws;
  workspace_prepare(ws, net_, int(batch.cols()));
  if (c.kind == ModelKind::VAE) ws.eps = eps;
  double beta = c.beta;
  if (c.kl_warmup_steps > 0) beta *= std::min(1.0, double(step_) / c.kl_warmup_steps);
  double* g = nullptr;
  if (grad) {
    grad->assign(params.size(), 0.0);
    g = grad->data();
  }
  const bool noisy = c.kind == ModelKind::Denoising && corrupted.size() > 0;
  return model_loss<double>(g, ws, net_, params.data(), batch, noisy ? corrupted : batch, beta).total;
}

//---- save / load ------------------------------------------------------------------------------
// The .llnet format (docs/model_format.md), little-endian, no padding:
//   char[8]  magic "LLNET\0\0\0"
//   u32      version (2; version 1 is the same without the trailing checksum)
//   i32      kind, input_size, hidden count H, hidden[H], latent, activation, loss, init
//   u64      seed
//   f32      beta;  i32 kl_warmup_steps
//   i32      sparsity;  f32 sparsity_weight, rho
//   i32      noise;  f32 noise_level
//   f32      contractive_weight
//   u64      parameter count P (must equal what the config implies)
//   f32[P]   Network::params in its layout (per layer W (out, in) column-major, then b)
//   u32      version 2: CRC-32 (zlib's) of every byte before it

namespace {

constexpr char kMagic[8] = {'L', 'L', 'N', 'E', 'T', 0, 0, 0};
constexpr uint32_t kVersion = 2;
constexpr size_t kMaxHeaderBytes = 12 + 4 * (3 + kMaxHiddenLayers + 4) + 8 + 4 * 8 + 8;
constexpr uint64_t kMaxNetworkFileBytes = kMaxHeaderBytes + 4 * kMaxNetworkParameters + 4;

template <typename V>
void put(std::vector<uint8_t>& out, V v) {
  const size_t at = out.size();
  out.resize(at + sizeof v);
  std::memcpy(out.data() + at, &v, sizeof v);
}

uint32_t crc32_of(const uint8_t* bytes, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {  // zlib takes a uInt length
    const uInt chunk = n > (1u << 30) ? (1u << 30) : uInt(n);
    crc = crc32(crc, bytes, chunk);
    bytes += chunk;
    n -= chunk;
  }
  return uint32_t(crc);
}

// Reads the fields in order from [p, end); every read is bounds-checked.
struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  const std::string& name;  // quoted and printable, for messages
  template <typename V>
  V get(const char* what) {
    if (size_t(end - p) < sizeof(V))
      throw InputError(name + ": truncated network file (it ends inside the " + what + ")");
    V v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
  }
  // A choice (kind, activation, ...) is checked against its table in models/kinds.h.
  template <typename E>
  E get_choice() {
    const ChoiceList& list = choice_list<E>();
    const int32_t v = get<int32_t>(list.what);
    if (!choice_valid<E>(v))
      throw InputError(name + ": unknown " + list.what + " " + std::to_string(v) + " (this build knows " +
                       std::to_string(list.count()) + ": " + list.names(", ") +
                       "); the file is damaged or from a newer latentlab");
    return static_cast<E>(v);
  }
  int get_size(const char* what) {
    const int v = get<int32_t>(what);
    if (v < 1 || v > kMaxLayerWidth)
      throw InputError(name + ": bad " + what + " " + std::to_string(v) + " (must be in [1, " +
                       std::to_string(kMaxLayerWidth) + "])");
    return v;
  }
};

}  // namespace

std::vector<uint8_t> network_serialize(const Network& net) {
  const ModelConfig& c = net.config;
  std::vector<uint8_t> out;
  out.reserve(kMaxHeaderBytes + net.params.size() * sizeof(float) + 4);
  for (char ch : kMagic) put(out, ch);
  put(out, kVersion);
  put(out, int32_t(c.kind));
  put(out, int32_t(c.input_size));
  put(out, int32_t(c.hidden.size()));
  for (int h : c.hidden) put(out, int32_t(h));
  put(out, int32_t(c.latent));
  put(out, int32_t(c.activation));
  put(out, int32_t(c.loss));
  put(out, int32_t(c.init));
  put(out, uint64_t(c.seed));
  put(out, c.beta);
  put(out, int32_t(c.kl_warmup_steps));
  put(out, int32_t(c.sparsity));
  put(out, c.sparsity_weight);
  put(out, c.rho);
  put(out, int32_t(c.noise));
  put(out, c.noise_level);
  put(out, c.contractive_weight);
  put(out, uint64_t(net.params.size()));
  const size_t at = out.size();
  out.resize(at + net.params.size() * sizeof(float));
  if (!net.params.empty()) std::memcpy(out.data() + at, net.params.data(), net.params.size() * sizeof(float));
  put(out, crc32_of(out.data(), out.size()));
  return out;
}

bool network_save(const Network& net, const std::string& path, std::string* error) {
  const std::vector<uint8_t> bytes = network_serialize(net);
  return write_file_atomically(path, bytes.data(), bytes.size(), error);
}

Network network_parse(const uint8_t* bytes, size_t n, const std::string& file_name) {
  const std::string name = "'" + printable_path(file_name) + "'";
  if (n < 12 || std::memcmp(bytes, kMagic, 8) != 0) {
    if (n < 8) throw InputError(name + ": not a latentlab network file (only " + std::to_string(n) + " bytes)");
    throw InputError(name + ": not a latentlab network file (bad magic)");
  }
  uint32_t version;
  std::memcpy(&version, bytes + 8, 4);
  if (version != 1 && version != 2)
    throw InputError(name + ": unsupported network file version " + std::to_string(version) +
                     " (this build reads versions 1 and 2)");
  const uint8_t* end = bytes + n;
  if (version >= 2) {
    if (n < 16) throw InputError(name + ": truncated network file (no checksum)");
    uint32_t stored;
    std::memcpy(&stored, bytes + n - 4, 4);
    if (crc32_of(bytes, n - 4) != stored)
      throw InputError(name + ": checksum mismatch: the network file is damaged (a flipped bit, a partial copy "
                              "or a truncation); it cannot be loaded");
    end -= 4;
  }
  Reader r{bytes + 12, end, name};
  ModelConfig c;
  c.kind = r.get_choice<ModelKind>();
  c.input_size = r.get_size("input size");
  const int32_t H = r.get<int32_t>("hidden layer count");
  if (H < 0 || H > kMaxHiddenLayers)
    throw InputError(name + ": bad hidden layer count " + std::to_string(H) + " (at most " +
                     std::to_string(kMaxHiddenLayers) + ")");
  c.hidden.resize(size_t(H));
  for (int& h : c.hidden) h = r.get_size("hidden width");
  c.latent = r.get_size("latent size");
  c.activation = r.get_choice<Activation>();
  c.loss = r.get_choice<OutputLoss>();
  c.init = r.get_choice<InitKind>();
  c.seed = r.get<uint64_t>("seed");
  c.beta = r.get<float>("beta");
  c.kl_warmup_steps = r.get<int32_t>("KL warm-up");
  c.sparsity = r.get_choice<SparsityKind>();
  c.sparsity_weight = r.get<float>("sparsity weight");
  c.rho = r.get<float>("rho");
  c.noise = r.get_choice<NoiseKind>();
  c.noise_level = r.get<float>("noise level");
  c.contractive_weight = r.get<float>("contractive weight");
  // Every size is checked against the budgets and the bytes actually present before the
  // parameters are allocated.
  const uint64_t expected = network_parameter_count(c);
  const uint64_t count = r.get<uint64_t>("parameter count");
  if (count != expected)
    throw InputError(name + ": parameter count " + std::to_string(count) + " does not match the architecture (" +
                     std::to_string(expected) + ")");
  if (expected > kMaxNetworkParameters)
    throw InputError(name + ": the network declares " + std::to_string(expected) +
                     " parameters, over the budget of " + std::to_string(kMaxNetworkParameters));
  const uint64_t present = uint64_t(end - r.p);
  if (present != expected * sizeof(float))
    throw InputError(name + ": " + (present < expected * sizeof(float) ? "truncated" : "overlong") +
                     " network file: it declares " + std::to_string(expected) + " parameters (" +
                     std::to_string(expected * sizeof(float)) + " bytes) but holds " + std::to_string(present) +
                     " bytes of them");
  const std::string problem = model_config_problem(c);
  if (!problem.empty()) throw InputError(name + ": the saved architecture cannot be built: " + problem);
  Network net = Network::create(c);
  std::memcpy(net.params.data(), r.p, size_t(expected) * sizeof(float));
  if (!net.all_finite()) throw InputError(name + ": network has non-finite parameters");
  return net;
}

Network network_load(const std::string& path) {
  const std::vector<uint8_t> bytes = read_regular_file(path, "network file", kMaxNetworkFileBytes);
  return network_parse(bytes.data(), bytes.size(), path);
}
