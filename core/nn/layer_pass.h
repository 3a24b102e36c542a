// Forward and backward through a list of layers (nn/layer.h): each layer's own pair of kernels
// (dense.h, conv2d.h, conv_transpose2d.h, resample.h, reshape.h, dropout.h, activations.h), one after the
// other, with the buffers they keep for backward in a LayersWorkspace.
//
//   LayersWorkspace<float> ws;
//   layers_reserve(ws, layers, B, true);        // once per batch size: nothing is allocated after
//   layers_forward(ws, layers, x, params, &rng); // x (layers[0].in, B) -> ws.out.back() (.., B)
//   layers_zero_grads(ws, B);  ws.dout.back() += dLoss/dout;
//   layers_backward(&dx, dparams, ws, layers, x, params);  // dparams and dx accumulate (+=)
#pragma once
#include <optional>
#include <stdexcept>
#include <vector>

#include "nn/conv2d.h"
#include "nn/conv_transpose2d.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "nn/layer.h"
#include "nn/resample.h"
#include "nn/reshape.h"

// The im2col scratch a list shares: enough for this many values, or one sample if that is more.
constexpr Eigen::Index kConvScratchValues = Eigen::Index(1) << 20;

inline Eigen::Index layers_scratch_size(const std::vector<Layer>& layers, int batch) {
  Eigen::Index need = 0;
  for (const Layer& l : layers)
    if (layer_is_conv(l.kind)) {
      const Eigen::Index per_sample = Eigen::Index(l.conv.patch()) * l.conv.small_h * l.conv.small_w;
      need = std::max(need, per_sample * conv_chunk(l.conv, kConvScratchValues, batch));
    }
  return need;
}

// Whether layer l has an output buffer of its own: always when gradients are kept; at inference
// only a layer that computes something new (an activation, reshape or dropout at l > 0 reuses the
// buffer below it).
inline bool layer_has_buffer(const std::vector<Layer>& layers, size_t l, bool grads) {
  const LayerKind k = layers[l].kind;
  return grads || l == 0 || !(k == LayerKind::Activation || k == LayerKind::Reshape || k == LayerKind::Dropout);
}

// Sizes ws for `batch` samples (gradient buffers too if `grads`); allocates only when it must grow.
template <typename T>
void layers_reserve(LayersWorkspace<T>& ws, const std::vector<Layer>& layers, int batch, bool grads) {
  bool fits = ws.out.size() == layers.size() && ws.capacity >= batch && (ws.grads || !grads);
  for (size_t l = 0; fits && l < layers.size(); ++l)
    fits = ws.out[l].rows() == (layer_has_buffer(layers, l, ws.grads) ? layers[l].out : 0);
  if (fits && ws.scratch.size() >= layers_scratch_size(layers, ws.capacity)) return;
  const int cap = std::max(batch, ws.out.size() == layers.size() ? ws.capacity : 0);
  ws.out.resize(layers.size());
  ws.dout.resize(layers.size());
  ws.mask.resize(layers.size());
  for (size_t l = 0; l < layers.size(); ++l) {
    if (layer_has_buffer(layers, l, grads))
      ws.out[l].resize(layers[l].out, cap);
    else
      ws.out[l].resize(0, 0);
    if (grads) ws.dout[l].resize(layers[l].out, cap);
    if (layers[l].kind == LayerKind::Dropout) ws.mask[l].resize(layers[l].out, cap);
  }
  ws.scratch.resize(layers_scratch_size(layers, cap));
  ws.capacity = cap;
  ws.grads = grads;
}

// in (layers[0].in, B) -> ws.out[l] for every l, B = in.cols(). Dropout draws its masks from
// *dropout_rng, or passes its input through when that is null (inference).
template <typename T>
void layers_forward(LayersWorkspace<T>& ws, const std::vector<Layer>& layers, CRefX<T> in, const T* params,
                    Rng* dropout_rng) {
  const Eigen::Index B = in.cols();
  MatX<T>* below = nullptr;  // the buffer holding the previous layer's output; null: `in`
  for (size_t l = 0; l < layers.size(); ++l) {
    const Layer& layer = layers[l];
    if (!layer_has_buffer(layers, l, ws.grads)) {  // inference, in place on the buffer below
      if (layer.kind == LayerKind::Activation) {
        RefX<T> h = below->leftCols(B);
        activation_forward<T>(h, h, layer.activation);
      }
      continue;
    }
    const Eigen::Ref<const MatX<T>> x =
        l == 0 ? Eigen::Ref<const MatX<T>>(in) : Eigen::Ref<const MatX<T>>(below->leftCols(B));
    below = &ws.out[l];
    RefX<T> y = ws.out[l].leftCols(B);
    switch (layer.kind) {
      case LayerKind::Dense: dense_forward<T>(y, x, params, layer.dense); break;
      case LayerKind::Conv2d: conv2d_forward<T>(y, ws.scratch, x, params, layer.conv); break;
      case LayerKind::ConvTranspose2d:
        if (x.outerStride() != x.rows()) throw std::logic_error("conv_transpose2d: input must be contiguous");
        conv_transpose2d_forward<T>(y, ws.scratch, x, params, layer.conv);
        break;
      case LayerKind::AvgPool2d: avg_pool2d_forward<T>(y, x, layer.conv); break;
      case LayerKind::Upsample2d: upsample2d_forward<T>(y, x, layer.conv); break;
      case LayerKind::Reshape: reshape_forward<T>(y, x); break;
      case LayerKind::Dropout:
        if (dropout_rng) {
          RefX<T> mask = ws.mask[l].leftCols(B);
          dropout_mask<T>(mask, layer.drop, *dropout_rng);
          dropout_forward<T>(y, x, &mask);
        } else {
          dropout_forward<T>(y, x, nullptr);
        }
        break;
      case LayerKind::Activation: activation_forward<T>(y, x, layer.activation); break;
    }
  }
}

// The list's output after layers_forward: (layers.back().out, B), the first B columns of the last
// layer that has a buffer.
template <typename T>
MatX<T>& layers_output(LayersWorkspace<T>& ws) {
  size_t l = ws.out.size() - 1;
  while (l > 0 && ws.out[l].size() == 0 && ws.out[l].rows() == 0) --l;
  return ws.out[l];
}

// Zeroes every gradient buffer of the first B columns: the explicit step before a backward pass
// accumulates into them.
template <typename T>
void layers_zero_grads(LayersWorkspace<T>& ws, Eigen::Index B) {
  for (MatX<T>& d : ws.dout) d.leftCols(B).setZero();
}

// Backward from ws.dout (complete for the last layer; others may already hold extra terms, e.g. a
// penalty's): dparams += dLoss/dparams, and din += dLoss/din if din is given. Needs the forward
// pass's ws.out and masks, and its input `in`. Dropout layers backward through the mask forward drew.
template <typename T>
void layers_backward(RefX<T>* din, T* dparams, LayersWorkspace<T>& ws, const std::vector<Layer>& layers,
                     CRefX<T> in, const T* params) {
  const Eigen::Index B = in.cols();
  for (size_t l = layers.size(); l-- > 0;) {
    const Layer& layer = layers[l];
    const Eigen::Ref<const MatX<T>> x =
        l == 0 ? Eigen::Ref<const MatX<T>>(in) : Eigen::Ref<const MatX<T>>(ws.out[l - 1].leftCols(B));
    const Eigen::Ref<const MatX<T>> dy = ws.dout[l].leftCols(B);
    std::optional<RefX<T>> below;  // dLoss/d(this layer's input), if anyone needs it
    if (l > 0) below.emplace(ws.dout[l - 1].leftCols(B));
    RefX<T>* dx = l == 0 ? din : &*below;
    switch (layer.kind) {
      case LayerKind::Dense: dense_backward<T>(dx, dparams, dy, x, params, layer.dense); break;
      case LayerKind::Conv2d: conv2d_backward<T>(dx, dparams, ws.scratch, dy, x, params, layer.conv); break;
      case LayerKind::ConvTranspose2d:
        conv_transpose2d_backward<T>(dx, dparams, ws.scratch, dy, x, params, layer.conv);
        break;
      case LayerKind::AvgPool2d:
        if (dx) avg_pool2d_backward<T>(*dx, dy, layer.conv);
        break;
      case LayerKind::Upsample2d:
        if (dx) upsample2d_backward<T>(*dx, dy, layer.conv);
        break;
      case LayerKind::Reshape:
        if (dx) reshape_backward<T>(*dx, dy);
        break;
      case LayerKind::Dropout:
        if (dx) dropout_backward<T>(*dx, dy, ws.mask[l].leftCols(B));
        break;
      case LayerKind::Activation:
        if (dx) activation_backward_add<T>(*dx, dy, x, ws.out[l].leftCols(B), layer.activation);
        break;
    }
  }
}
