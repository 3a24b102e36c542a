// What a layer is, as a plain description: its kind, its sizes and where its parameters sit in
// the network's one flat parameter array. A network is two lists of these (models/model.h); the
// kernels that run them are in nn/layer_pass.h and the one header per layer kind it includes.
// Images are stored as one sample per column with channels interleaved, (y, x, c) row-major: the
// layout of Dataset::pixels, so a conv layer reads a batch as it comes.
#pragma once
#include <cstddef>
#include <vector>

#include "nn/tensor.h"

enum class Activation;  // models/model.h (an opaque declaration: this header needs no model)

// Values are what .llnet files store: a new kind goes at the end.
enum class LayerKind { Dense, Conv2d, ConvTranspose2d, Reshape, Dropout, Activation, AvgPool2d, Upsample2d };
constexpr LayerKind kLayerKinds[] = {LayerKind::Dense,      LayerKind::Conv2d,  LayerKind::ConvTranspose2d,
                                     LayerKind::Reshape,    LayerKind::Dropout, LayerKind::Activation,
                                     LayerKind::AvgPool2d, LayerKind::Upsample2d};

// A dense layer's place inside Network::params.
struct DenseShape {
  int in = 0, out = 0;
  size_t weight_offset = 0;  // (out, in) column-major
  size_t bias_offset = 0;    // (out)
};

// A convolution between a larger image (big_*) and a smaller one (small_*), square kernel k,
// stride and zero padding as torch.nn.Conv2d. Conv2d maps big -> small; ConvTranspose2d, its
// adjoint, maps small -> big (torch.nn.ConvTranspose2d with the same k, stride, padding, and
// output_padding = whatever makes big_h, big_w what they are).
//   Conv2d weight:          (small_c, k * k * big_c) column-major, a column index (ky, kx, c)
//   ConvTranspose2d weight: (k * k * big_c, small_c) column-major, a row index (ky, kx, c)
//   bias: (out channels)
struct ConvShape {
  int big_c = 0, big_h = 0, big_w = 0;
  int small_c = 0, small_h = 0, small_w = 0;
  int k = 3, stride = 1, pad = 0;
  size_t weight_offset = 0, bias_offset = 0;
  int patch() const { return k * k * big_c; }  // rows of one im2col column
  int big_size() const { return big_c * big_h * big_w; }
  int small_size() const { return small_c * small_h * small_w; }
};

// The layers whose sizes are an image's (ConvShape): the convolutions, and the 2x2 average pool
// (big -> small) and nearest-neighbour upsampling (small -> big) of nn/resample.h.
inline bool layer_has_image_shape(LayerKind k) {
  return k == LayerKind::Conv2d || k == LayerKind::ConvTranspose2d || k == LayerKind::AvgPool2d ||
         k == LayerKind::Upsample2d;
}
inline bool layer_is_conv(LayerKind k) { return k == LayerKind::Conv2d || k == LayerKind::ConvTranspose2d; }

struct Layer {
  LayerKind kind = LayerKind::Dense;
  int in = 0, out = 0;  // features per sample, in and out
  DenseShape dense;     // Dense
  ConvShape conv;       // Conv2d, ConvTranspose2d, AvgPool2d, Upsample2d
  Activation activation{};  // Activation
  float drop = 0;       // Dropout: the probability of zeroing a value
  // Reshape: in == out, the layout does not change (channels-last images are already flat);
  // it marks where a list goes from image to vector (Flatten) or back.
};

// Every buffer of one pass through a list of layers (nn/layer_pass.h) at up to `capacity` samples;
// a pass on B <= capacity samples uses the first B columns. Buffers only grow, so a caller that
// alternates batch sizes stops allocating once it has seen the largest. Without gradients
// (inference) nothing is kept for backward, so activations work in place on the layer below and
// reshape and dropout pass through: those layers have no buffer (see layers_output).
template <typename T>
struct LayersWorkspace {
  int capacity = 0;
  bool grads = false;
  std::vector<MatX<T>> out;   // per layer: (layers[l].out, capacity) its output, kept for backward
                              // (empty for an in-place layer of an inference workspace)
  std::vector<MatX<T>> dout;  // per layer: (layers[l].out, capacity) dLoss/d(output), accumulated
  std::vector<MatX<T>> mask;  // per Dropout layer: (out, capacity) the mask forward drew; empty otherwise
  VecX<T> scratch;            // im2col columns shared by the list's conv layers (see layer_pass.h)
};

// torch's output sizes: conv (n + 2 pad - k) / stride + 1; transposed (n - 1) stride - 2 pad + k + output_padding.
inline int conv_output_size(int n, int k, int stride, int pad) { return (n + 2 * pad - k) / stride + 1; }
