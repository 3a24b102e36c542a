// The figures of kind_figures.h. Every random draw (the held-out corruption, the noise images, the
// Jacobian's probes) comes from streams seeded by the settings, so that two models are measured on
// exactly the same inputs.
#include "measure/kind_figures.h"

#include <algorithm>
#include <cmath>

#include "io/errors.h"
#include "nn/layer_pass.h"

namespace {

constexpr int kChunk = 128;            // samples per pass, to bound the workspaces
constexpr int kExactJacobianRows = 32;  // up to this many code units the Jacobian is exact (one
                                        // backward pass per unit); beyond, this many random probes
constexpr int kJacobianColumns = 1024;  // dense encoders: samples x probes a product carries at most
uint64_t stream(uint64_t seed, uint64_t salt) { return seed * 0x9E3779B97F4A7C15ull ^ salt; }

}  // namespace

double psnr(ConstMatRef clean_column, ConstMatRef reconstruction_column) {
  const double mse = std::max(1e-10, double((clean_column - reconstruction_column).squaredNorm()) /
                                         double(std::max<Eigen::Index>(1, clean_column.size())));
  return -10.0 * std::log10(mse);
}

void reconstruct(const Network& net, ConstMatRef x, Mat& code, Mat& reconstruction, InferenceWorkspace& ws) {
  const Eigen::Index n = x.cols();
  if (code.rows() != net.config.latent || code.cols() != n) code.resize(net.config.latent, n);
  if (reconstruction.rows() != net.config.input_size || reconstruction.cols() != n)
    reconstruction.resize(net.config.input_size, n);
  network_encode(net, x, code, ws);
  network_decode(net, code, reconstruction, ws);
}

void code_activity(ConstMatRef code, std::vector<double>& unit_mean, double* active_fraction) {
  unit_mean.assign(size_t(code.rows()), 0.0);
  if (code.cols() == 0) {
    if (active_fraction) *active_fraction = 0;
    return;
  }
  for (Eigen::Index j = 0; j < code.rows(); ++j) unit_mean[size_t(j)] = double(code.row(j).cwiseAbs().mean());
  if (active_fraction)
    *active_fraction = double((code.array().abs() > kActiveThreshold).count()) / double(code.size());
}

// ||J_n||_F^2 = sum_k ||J_n^T e_k||^2: each row of J is a backward pass of the encoder with the
// code's gradient set to a unit vector. Above kExactJacobianRows units, Hutchinson's estimate
// E_u ||J^T u||^2 = ||J||_F^2 (u ~ N(0, I) over the code units, the same u for every sample) with
// that many probes keeps the cost bounded; averaging over samples smooths it.
void jacobian_norms(const Network& net, ConstMatRef x, std::vector<double>& out) {
  JacobianWorkspace ws;
  jacobian_norms(net, x, out, ws);
}

// The probes (latent, probes): unit vectors (exact) or scaled Gaussians (the estimate).
static const Mat& jacobian_probes(const ModelConfig& c, JacobianWorkspace& jws) {
  const bool exact = c.latent <= kExactJacobianRows;
  const int probes = exact ? c.latent : kExactJacobianRows;
  Mat& u = jws.probes;
  if (u.rows() != c.latent || u.cols() != probes) u.resize(c.latent, probes);
  if (exact) {
    u.setIdentity();
  } else {
    Rng rng(stream(c.seed, 0x6A61636F6269ull));
    for (int p = 0; p < probes; ++p)
      for (int k = 0; k < c.latent; ++k) u(k, p) = rng.normal() / std::sqrt(float(probes));
  }
  return u;
}

// Whether the encoder is dense layers, elementwise activations and layers that pass values through
// at inference (dropout, reshape): then every probe of every sample goes down in one product a layer.
static bool dense_encoder(const Network& net) {
  for (const Layer& l : net.encoder)
    if (layer_has_image_shape(l.kind)) return false;
  return true;
}

// Dense encoders: J_n^T u = W_1^T D_1 W_2^T ... D_{L-1} W_L^T u, with D_l the activation's
// derivative at sample n. The probes of every sample in a chunk are the columns of one matrix
// g (width, n probes), sample-major, so each layer is one GEMM (W^T g) or a per-sample scaling; no
// weight gradient is formed. The same sums as the per-unit backward passes, in another order.
static void jacobian_norms_dense(const Network& net, ConstMatRef x, std::vector<double>& out, JacobianWorkspace& jws) {
  const ModelConfig& c = net.config;
  const int N = int(x.cols());
  const Mat& u = jacobian_probes(c, jws);
  const int P = int(u.cols());
  const int chunk = std::max(1, std::min(kChunk, kJacobianColumns / P));  // n P columns at most kJacobianColumns
  LayersWorkspace<float>& ws = jws.layers;
  for (int first = 0; first < N; first += chunk) {
    const int n = std::min(chunk, N - first);
    const Eigen::Ref<const Mat> xs = x.middleCols(first, n);
    layers_reserve(ws, net.encoder, n, true);  // keeps every layer's output: the derivatives read them
    for (size_t l = 0; l < net.encoder.size(); ++l)
      if (net.encoder[l].kind == LayerKind::Dropout) ws.mask[l].setOnes();
    layers_forward<float>(ws, net.encoder, xs, net.params.data(), nullptr);
    Mat* g = &jws.g;  // (rows of layer l's output, n P): d(u_p . code_n)/d(output of layer l)
    Mat* below = &jws.g_below;
    g->setZero(net.encoder.back().out, Eigen::Index(n) * P);  // the code's rows: mu is the first latent rows
    for (int j = 0; j < n; ++j) g->block(0, Eigen::Index(j) * P, c.latent, P) = u;
    for (size_t l = net.encoder.size(); l-- > 0;) {
      const Layer& layer = net.encoder[l];
      if (layer.kind == LayerKind::Dense) {
        Eigen::Map<const Mat> W(net.params.data() + layer.dense.weight_offset, layer.dense.out, layer.dense.in);
        below->resize(layer.dense.in, g->cols());
        below->noalias() = W.transpose() * *g;
        std::swap(g, below);
      } else if (layer.kind == LayerKind::Activation) {
        const Eigen::Ref<const Mat> pre = l == 0 ? Eigen::Ref<const Mat>(xs) : Eigen::Ref<const Mat>(ws.out[l - 1].leftCols(n));
        if (jws.deriv.rows() != layer.out || jws.deriv.cols() < n) jws.deriv.resize(layer.out, n);
        MatRef dd = jws.deriv.leftCols(n);
        dd.setOnes();
        activation_backward<float>(dd, dd, pre, ws.out[l].leftCols(n), layer.activation);
        for (int j = 0; j < n; ++j) g->middleCols(Eigen::Index(j) * P, P).array().colwise() *= dd.col(j).array();
      }  // dropout (inference) and reshape pass the gradient through
    }
    for (int j = 0; j < n; ++j) out[size_t(first + j)] = double(g->middleCols(Eigen::Index(j) * P, P).squaredNorm());
  }
}

void jacobian_norms_by_backward(const Network& net, ConstMatRef x, std::vector<double>& out, JacobianWorkspace& jws) {
  const ModelConfig& c = net.config;
  if (x.rows() != c.input_size) throw InputError("jacobian_norms: x has the wrong number of features");
  const int N = int(x.cols());
  out.assign(size_t(N), 0.0);
  const Mat& u = jacobian_probes(c, jws);  // (latent, probes): the code gradients
  const int probes = int(u.cols());
  LayersWorkspace<float>& ws = jws.layers;
  jws.dparams.resize(net.params.size());
  const int chunk = std::min(N, kChunk);
  if (jws.din.rows() != c.input_size || jws.din.cols() < chunk) jws.din.resize(c.input_size, chunk);  // (input, chunk)
  for (int first = 0; first < N; first += kChunk) {
    const int n = std::min(kChunk, N - first);
    const Eigen::Ref<const Mat> xs = x.middleCols(first, n);
    layers_reserve(ws, net.encoder, n, true);
    for (size_t l = 0; l < net.encoder.size(); ++l)  // inference: dropout passes everything through
      if (net.encoder[l].kind == LayerKind::Dropout) ws.mask[l].setOnes();
    layers_forward<float>(ws, net.encoder, xs, net.params.data(), nullptr);
    for (int p = 0; p < probes; ++p) {
      layers_zero_grads(ws, n);
      // The code's rows: mu is the first `latent` rows of a VAE's (mu; logvar).
      ws.dout.back().topRows(c.latent).leftCols(n) = u.col(p).replicate(1, n);
      MatRef d = jws.din.leftCols(n);
      d.setZero();
      layers_backward<float>(&d, jws.dparams.data(), ws, net.encoder, xs, net.params.data());
      for (int j = 0; j < n; ++j) out[size_t(first + j)] += double(d.col(j).squaredNorm());
    }
  }
  for (double& v : out) v = std::sqrt(v);
}

void jacobian_norms(const Network& net, ConstMatRef x, std::vector<double>& out, JacobianWorkspace& jws) {
  if (!dense_encoder(net)) return jacobian_norms_by_backward(net, x, out, jws);
  if (x.rows() != net.config.input_size) throw InputError("jacobian_norms: x has the wrong number of features");
  out.assign(size_t(x.cols()), 0.0);
  jacobian_norms_dense(net, x, out, jws);
  for (double& v : out) v = std::sqrt(v);
}

KindFigures kind_figures(const Network& net, ConstMatRef held_out, const KindFigureSettings& s) {
  const ModelConfig& c = net.config;
  if (held_out.cols() == 0) throw InputError("kind figures: no held-out samples to measure on");
  if (held_out.rows() != c.input_size) throw InputError("kind figures: held-out data has the wrong number of features");
  const int n = int(std::min<Eigen::Index>(held_out.cols(), std::max(1, s.max_samples)));
  const Eigen::Ref<const Mat> clean = held_out.leftCols(n);
  KindFigures f;
  InferenceWorkspace ws;
  Mat code, recon;

  // The code's activity and the clean reconstruction.
  reconstruct(net, clean, code, recon, ws);
  std::vector<double> unit_mean;
  code_activity(code, unit_mean, &f.active_fraction);
  for (double m : unit_mean) f.mean_activation += m / double(unit_mean.size());
  f.clean_recon_error = double((recon - clean).squaredNorm()) / double(clean.size());

  // Corrupted held-out inputs against their clean originals.
  Mat noisy(c.input_size, n);
  Rng corruption(stream(s.seed, 0x6E6F697379ull));
  noise_corrupt(noisy, clean, s.eval_noise, s.eval_noise_level, corruption, c.channels);
  reconstruct(net, noisy, code, recon, ws);
  for (int j = 0; j < n; ++j) f.psnr_noisy += psnr(clean.col(j), recon.col(j)) / n;

  // The encoder's sensitivity, on a quarter of the samples (one backward pass per code unit each).
  std::vector<double> norms;
  jacobian_norms(net, clean.leftCols(std::max(1, n / 4)), norms);
  for (double v : norms) f.jacobian_norm += v / double(norms.size());

  // Uniform noise: a model that rebuilds it well has learned to copy rather than to describe digits.
  const int m = std::max(1, s.noise_images);
  Mat uniform(c.input_size, m);
  Rng images(stream(s.seed, 0x756E69666F726Dull));
  for (int j = 0; j < m; ++j)
    for (int i = 0; i < c.input_size; ++i) uniform(i, j) = images.uniform();
  reconstruct(net, uniform, code, recon, ws);
  f.noise_recon_error = double((recon - uniform).squaredNorm()) / double(uniform.size());
  return f;
}
