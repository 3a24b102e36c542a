// The decoder's Jacobian norm by forward-mode tangents (decoder_jacobian.h).
#include "measure/decoder_jacobian.h"

#include <algorithm>
#include <cmath>

#include "io/errors.h"
#include "nn/activations.h"
#include "nn/layer_pass.h"

namespace {
constexpr int kTangentColumns = 2048;  // codes x tangents one product carries at most: bounds the workspace
}  // namespace

bool decoder_jacobian_supported(const Network& net) {
  for (const Layer& l : net.decoder)
    if (layer_has_image_shape(l.kind)) return false;
  return !net.decoder.empty();
}

// T holds the tangents of n codes, code-major: columns [j P, (j + 1) P) are code j's. Through a dense
// layer T becomes W T (the bias does not move with z); through an activation each code's columns
// are scaled by act'(pre) at that code; reshape and dropout (inference) pass it through. At the
// end, for BCE, the sigmoid's derivative s (1 - s) at the code's output.
void decoder_jacobian_norms(const Network& net, ConstMatRef z, ConstMatRef directions, std::vector<double>& out,
                            DecoderJacobianWorkspace& jws) {
  const ModelConfig& c = net.config;
  if (z.rows() != c.latent || directions.rows() != c.latent)
    throw InputError("decoder_jacobian_norms: z or directions has the wrong number of rows");
  if (!decoder_jacobian_supported(net)) throw InputError("decoder_jacobian_norms: the decoder is not dense");
  const int N = int(z.cols()), P = int(directions.cols());
  out.assign(size_t(N), 0.0);
  if (N == 0 || P == 0) return;
  const int chunk = std::max(1, std::min(N, kTangentColumns / P));
  LayersWorkspace<float>& ws = jws.layers;
  for (int first = 0; first < N; first += chunk) {
    const int n = std::min(chunk, N - first);
    const Eigen::Ref<const Mat> zs = z.middleCols(first, n);
    layers_reserve(ws, net.decoder, n, true);  // keeps every layer's output: the derivatives read them
    for (size_t l = 0; l < net.decoder.size(); ++l)
      if (net.decoder[l].kind == LayerKind::Dropout) ws.mask[l].setOnes();
    layers_forward<float>(ws, net.decoder, zs, net.params.data(), nullptr);
    // Both tangent buffers hold the widest layer, so that calls of one size allocate nothing.
    const Eigen::Index cols = Eigen::Index(n) * P;
    int width = c.latent;
    for (const Layer& layer : net.decoder) width = std::max(width, layer.out);
    if (jws.t.rows() < width || jws.t.cols() < cols) jws.t.resize(width, cols);
    if (jws.t_next.rows() < width || jws.t_next.cols() < cols) jws.t_next.resize(width, cols);
    Mat* t = &jws.t;
    Mat* next = &jws.t_next;
    int rows = c.latent;  // the tangents' rows at the current layer
    for (int j = 0; j < n; ++j) t->block(0, Eigen::Index(j) * P, rows, P) = directions;
    for (size_t l = 0; l < net.decoder.size(); ++l) {
      const Layer& layer = net.decoder[l];
      if (layer.kind == LayerKind::Dense) {
        Eigen::Map<const Mat> W(net.params.data() + layer.dense.weight_offset, layer.dense.out, layer.dense.in);
        next->topLeftCorner(layer.dense.out, cols).noalias() = W * t->topLeftCorner(layer.dense.in, cols);
        rows = layer.dense.out;
        std::swap(t, next);
      } else if (layer.kind == LayerKind::Activation) {
        const Eigen::Ref<const Mat> pre = l == 0 ? Eigen::Ref<const Mat>(zs) : Eigen::Ref<const Mat>(ws.out[l - 1].leftCols(n));
        if (jws.deriv.rows() < layer.out || jws.deriv.cols() < n) jws.deriv.resize(width, n);
        MatRef dd = jws.deriv.topLeftCorner(layer.out, n);
        dd.setOnes();
        activation_backward<float>(dd, dd, pre, ws.out[l].leftCols(n), layer.activation);
        for (int j = 0; j < n; ++j) t->block(0, Eigen::Index(j) * P, rows, P).array().colwise() *= dd.col(j).array();
      }  // dropout (inference) and reshape pass the tangents through
    }
    if (c.loss == OutputLoss::BCE) {  // the data-space output is the sigmoid of the logits
      const Eigen::Ref<const Mat> logits = layers_output(ws).leftCols(n);
      if (jws.deriv.rows() < logits.rows() || jws.deriv.cols() < n) jws.deriv.resize(width, n);
      MatRef dd = jws.deriv.topLeftCorner(logits.rows(), n);
      activation_forward<float>(dd, logits, Activation::Sigmoid);
      dd.array() *= 1.0f - dd.array();
      for (int j = 0; j < n; ++j) t->block(0, Eigen::Index(j) * P, rows, P).array().colwise() *= dd.col(j).array();
    }
    for (int j = 0; j < n; ++j)
      out[size_t(first + j)] = std::sqrt(double(t->block(0, Eigen::Index(j) * P, rows, P).squaredNorm()));
  }
}
