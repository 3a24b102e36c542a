// The models: one templated forward/backward pass (model_loss) that every kind shares, run in
// float by Model::train_step / Model::evaluate and in double by the gradient checks.
//
// Sections (grep for "//----"):
//   network          the layer lists (Mlp, Conv), validation, initialisation, encode / decode for the UI
//   workspace        the preallocated buffers of one forward/backward pass
//   penalties        sparsity (L1, KL); the contractive penalty, exact (Mlp) or estimated (Conv)
//   model_loss       encoder forward -> latent head -> decoder forward -> loss -> backward
//   model            optimizer step, evaluation, restore, the double-precision entry point
//   save / load      the .llnet file format
//
// Layout (see tensor.h): one sample per column, all parameters in Network::params: for each
// encoder layer then each decoder layer that has parameters, W then b (nn/layer.h gives each
// kind's W layout).
#include "io/checksum.h"
#include "models/model.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>

#include <zlib.h>

#include "nn/layer_pass.h"
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

// The conv architecture's stages: output channels of each stride-2 convolution, input side first.
// Two (the Keras VAE example at 28x28, also 32x32); one more for anything larger than 32 px.
std::vector<int> conv_stage_channels(const ModelConfig& c) {
  if (std::max(c.height, c.width) > 32) return {32, 64, 64};
  return {32, 64};
}
constexpr int kConvKernel = 3, kConvStride = 2, kConvPad = 1;

// Appends layers to a list and hands out parameter offsets; the count saturates rather than
// overflows for absurd sizes (then nothing may be built: model_config_problem refuses it).
struct ListBuilder {
  std::vector<Layer>* list;
  uint64_t* count;
  size_t take(uint64_t n) {
    const size_t at = size_t(*count);
    *count = *count > ~uint64_t(0) - n ? ~uint64_t(0) : *count + n;
    return at;
  }
  void dense(int in, int out) {
    Layer l;
    l.kind = LayerKind::Dense;
    l.in = l.dense.in = in;
    l.out = l.dense.out = out;
    l.dense.weight_offset = take(uint64_t(std::max(in, 0)) * uint64_t(std::max(out, 0)));
    l.dense.bias_offset = take(uint64_t(std::max(out, 0)));
    list->push_back(l);
  }
  void conv(const ConvShape& shape, bool transposed) {
    Layer l;
    l.kind = transposed ? LayerKind::ConvTranspose2d : LayerKind::Conv2d;
    l.conv = shape;
    l.in = transposed ? shape.small_size() : shape.big_size();
    l.out = transposed ? shape.big_size() : shape.small_size();
    l.conv.weight_offset = take(uint64_t(shape.patch()) * uint64_t(shape.small_c));
    l.conv.bias_offset = take(uint64_t(transposed ? shape.big_c : shape.small_c));
    list->push_back(l);
  }
  void activation(Activation a) {  // identity is no layer at all
    if (a == Activation::Identity) return;
    Layer l;
    l.kind = LayerKind::Activation;
    l.in = l.out = list->back().out;
    l.activation = a;
    list->push_back(l);
  }
  void dropout(float p) {
    if (!(p > 0)) return;
    Layer l;
    l.kind = LayerKind::Dropout;
    l.in = l.out = list->back().out;
    l.drop = p;
    list->push_back(l);
  }
  // AvgPool2d (big -> small) or Upsample2d (small -> big): no parameters.
  void resample(const ConvShape& shape, bool up) {
    Layer l;
    l.kind = up ? LayerKind::Upsample2d : LayerKind::AvgPool2d;
    l.conv = shape;
    l.in = up ? shape.small_size() : shape.big_size();
    l.out = up ? shape.big_size() : shape.small_size();
    list->push_back(l);
  }
  void reshape() {
    Layer l;
    l.kind = LayerKind::Reshape;
    l.in = l.out = list->back().out;
    list->push_back(l);
  }
};

// Pool's image sizes (see Architecture in model.h): how many times it halves the image, the last
// grid's size, and whether that grid is the code.
struct PoolShape {
  int scales = 0, grid_h = 0, grid_w = 0;
  bool code_is_grid = false;
  int code_channels = 0;  // the grid's channels when it is the code
  int channels(int scale) const { return ModelConfig::kPoolDepth << scale; }
};

PoolShape pool_shape(const ModelConfig& c) {
  PoolShape p;
  p.grid_h = std::max(c.height, 1), p.grid_w = std::max(c.width, 1);
  // The paper's lines networks stop at 2x2; an odd size (7 for 28x28) cannot halve evenly. The
  // channels double at each scale, so the count is bounded to keep them a plausible width.
  while (p.grid_h % 2 == 0 && p.grid_w % 2 == 0 && std::min(p.grid_h, p.grid_w) >= 4 && p.scales < 6)
    p.grid_h /= 2, p.grid_w /= 2, ++p.scales;
  const int cells = p.grid_h * p.grid_w;
  p.code_is_grid = c.hidden.empty() && c.latent % cells == 0;
  p.code_channels = p.code_is_grid ? c.latent / cells : ModelConfig::kPoolDepth;
  return p;
}

// A stride-1 "same" convolution of a (channels, h, w) image to `out` channels, k = 1 or 3.
ConvShape same_conv(int channels, int h, int w, int out, int k) {
  ConvShape s;
  s.big_c = channels, s.big_h = h, s.big_w = w;
  s.small_c = out, s.small_h = h, s.small_w = w;
  s.k = k, s.stride = 1, s.pad = k / 2;
  return s;
}

// A 2x2 box between a (channels, h, w) image and its half.
ConvShape halving(int channels, int h, int w) {
  ConvShape s;
  s.big_c = s.small_c = channels, s.big_h = h, s.big_w = w;
  s.small_h = h / 2, s.small_w = w / 2;
  s.k = 2, s.stride = 2, s.pad = 0;
  return s;
}

// Pool's encoder up to its last grid (the code itself, or 16 channels before the dense layers).
// Returns the flattened width.
int build_pool_encoder(ListBuilder& enc, const ModelConfig& c, const PoolShape& p, Activation grid_activation) {
  int ch = c.channels, h = c.height, w = c.width;
  enc.conv(same_conv(ch, h, w, p.channels(0), 1), false);  // linear, as the paper's
  ch = p.channels(0);
  for (int scale = 0; scale < p.scales; ++scale) {
    for (int twice = 0; twice < 2; ++twice) {
      enc.conv(same_conv(ch, h, w, p.channels(scale), 3), false);
      enc.activation(c.activation);
      ch = p.channels(scale);
    }
    enc.resample(halving(ch, h, w), false);
    h /= 2, w /= 2;
  }
  enc.conv(same_conv(ch, h, w, p.channels(p.scales), 3), false);
  enc.activation(c.activation);
  enc.conv(same_conv(p.channels(p.scales), h, w, p.code_channels, 3), false);
  enc.activation(grid_activation);
  enc.reshape();  // Flatten
  return p.code_channels * h * w;
}

// Pool's decoder from its first grid: per scale, top first, two 3x3 convs and an upsampling, then
// 3x3 convs to 16 channels and to the image's (the logits, or the linear output).
void build_pool_decoder(ListBuilder& dec, const ModelConfig& c, const PoolShape& p) {
  int ch = p.code_channels, h = p.grid_h, w = p.grid_w;
  for (int scale = p.scales - 1; scale >= 0; --scale) {
    for (int twice = 0; twice < 2; ++twice) {
      dec.conv(same_conv(ch, h, w, p.channels(scale), 3), false);
      dec.activation(c.activation);
      ch = p.channels(scale);
    }
    dec.resample(halving(ch, 2 * h, 2 * w), true);
    h *= 2, w *= 2;
  }
  dec.conv(same_conv(ch, h, w, p.channels(0), 3), false);
  dec.activation(c.activation);
  dec.conv(same_conv(p.channels(0), h, w, c.channels, 3), false);
}

// The encoder's shape (see Architecture in model.h) ending in a Dense of `rows` and `code`: the
// encoder itself, and ACAI's critic. Returns the conv stages, input side first (none for Mlp and
// Pool).
std::vector<ConvShape> build_encoder(ListBuilder& enc, const ModelConfig& c, int rows, float dropout,
                                     Activation code) {
  std::vector<ConvShape> stages;
  int width = c.input_size;
  if (c.arch == Architecture::Pool) {
    const PoolShape p = pool_shape(c);
    if (p.code_is_grid) {  // the grid is the code; a VAE's dense layer makes mu and log var of it
      width = build_pool_encoder(enc, c, p, rows == c.latent ? code : Activation::Identity);
      enc.dropout(dropout);  // the paper's dropout AE drops values of the code grid
      if (rows != width) enc.dense(width, rows), enc.activation(code);
      return stages;
    }
    width = build_pool_encoder(enc, c, p, c.activation);
  }
  if (c.arch == Architecture::Conv) {
    ConvShape s;
    s.small_c = c.channels, s.small_h = c.height, s.small_w = c.width;
    for (int channels : conv_stage_channels(c)) {
      s.big_c = s.small_c, s.big_h = s.small_h, s.big_w = s.small_w;
      s.small_c = channels;
      s.small_h = conv_output_size(s.big_h, kConvKernel, kConvStride, kConvPad);
      s.small_w = conv_output_size(s.big_w, kConvKernel, kConvStride, kConvPad);
      s.k = kConvKernel, s.stride = kConvStride, s.pad = kConvPad;
      stages.push_back(s);
    }
    for (const ConvShape& st : stages) {
      enc.conv(st, false);
      enc.activation(c.activation);
    }
    enc.reshape();  // Flatten
    width = stages.back().small_size();
  }
  for (int h : c.hidden) {
    enc.dense(width, h);
    enc.activation(c.activation);
    enc.dropout(dropout);
    width = h;
  }
  enc.dense(width, rows);
  enc.activation(code);
  return stages;
}

// The lists c implies (see Architecture in model.h), with parameter offsets: every encoder layer,
// then every decoder layer, then (ACAI) every critic layer, W then b. Returns the parameter count.
uint64_t build_layers(const ModelConfig& c, std::vector<Layer>* encoder, std::vector<Layer>* decoder,
                      std::vector<Layer>* critic = nullptr) {
  uint64_t count = 0;
  ListBuilder enc{encoder, &count}, dec{decoder, &count};
  const std::vector<ConvShape> stages = build_encoder(enc, c, code_rows(c), c.dropout, code_activation(c));

  int width = c.latent;
  for (auto it = c.hidden.rbegin(); it != c.hidden.rend(); ++it) {  // none when Pool's code is its grid
    dec.dense(width, *it);
    dec.activation(c.activation);
    dec.dropout(c.dropout);
    width = *it;
  }
  if (c.arch == Architecture::Conv) {
    dec.dense(width, stages.back().small_size());
    dec.activation(c.activation);
    dec.reshape();  // Unflatten
    for (size_t i = stages.size(); i-- > 0;) {
      dec.conv(stages[i], true);
      if (i > 0) dec.activation(c.activation);  // the last one gives the logits
    }
  } else if (c.arch == Architecture::Pool) {
    const PoolShape pool = pool_shape(c);
    if (!pool.code_is_grid) {  // a dense code: back to the grid first (a grid code already is it)
      dec.dense(width, pool.code_channels * pool.grid_h * pool.grid_w);
      dec.activation(c.activation);
      dec.reshape();  // Unflatten
    }
    build_pool_decoder(dec, c, pool);
  } else {
    dec.dense(width, c.input_size);
  }
  if (model_kind_info(c.kind).critic) {  // no dropout: the critic's guess is a function of its input
    std::vector<Layer> unused;
    ListBuilder crit{critic ? critic : &unused, &count};
    build_encoder(crit, c, c.latent, 0.0f, Activation::Identity);
  }
  return count;
}

}  // namespace

std::string architecture_summary(const ModelConfig& c) {
  std::vector<Layer> lists[3];
  build_layers(c, &lists[0], &lists[1], &lists[2]);
  std::string out;
  for (int list = 0; list < 3; ++list) {
    if (lists[list].empty()) continue;
    out += list == 0 ? "encoder:\n" : list == 1 ? "decoder:\n" : "critic (its outputs averaged to one number):\n";
    for (const Layer& l : lists[list]) {
      const ConvShape& s = l.conv;
      const std::string big = std::to_string(s.big_h) + "x" + std::to_string(s.big_w) + "x" + std::to_string(s.big_c);
      const std::string small =
          std::to_string(s.small_h) + "x" + std::to_string(s.small_w) + "x" + std::to_string(s.small_c);
      const std::string conv = std::to_string(s.k) + "x" + std::to_string(s.k) + " stride " +
                               std::to_string(s.stride) + " padding " + std::to_string(s.pad) + ": ";
      switch (l.kind) {
        case LayerKind::Dense: out += "  dense " + std::to_string(l.in) + " -> " + std::to_string(l.out); break;
        case LayerKind::Conv2d: out += "  conv " + conv + big + " -> " + small; break;
        case LayerKind::ConvTranspose2d: out += "  transposed conv " + conv + small + " -> " + big; break;
        case LayerKind::AvgPool2d: out += "  average pool 2x2: " + big + " -> " + small; break;
        case LayerKind::Upsample2d: out += "  nearest upsampling 2x: " + small + " -> " + big; break;
        case LayerKind::Reshape: out += "  reshape " + std::to_string(l.in); break;
        case LayerKind::Dropout: out += "  dropout"; break;
        case LayerKind::Activation: out += std::string("  ") + choice_name(l.activation); break;
      }
      out += "\n";
    }
  }
  return out;
}

uint64_t network_parameter_count(const ModelConfig& c) {
  std::vector<Layer> encoder, decoder;
  return build_layers(c, &encoder, &decoder);
}

std::string model_config_problem(const ModelConfig& c) {
  // A kind outside the kinds table is refused before anything reads its row (the parameter count
  // below asks the row whether the kind trains a critic): found by the ASan stage in test_kinds.
  if (!choice_valid<ModelKind>(static_cast<int>(c.kind))) return hyperparam_problem(c);
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
  if (architecture_takes_images(c.arch) &&
      (c.channels < 1 || c.height < 1 || c.width < 1 || c.channels > 4 ||
       int64_t(c.channels) * c.height * c.width != c.input_size))
    return "--arch " + std::string(choice_name(c.arch)) + " needs images: the data's " + std::to_string(c.input_size) +
           " features are not channels x height x width (" + std::to_string(c.channels) + " x " +
           std::to_string(c.height) + " x " + std::to_string(c.width) + ")";
  if (c.kind == ModelKind::Denoising && c.noise == NoiseKind::DropColour && c.channels != 3)
    return "--noise dropcolour needs colour images (3 channels: sprites-rgb, faces-rgb, an image folder with --rgb)";
  const uint64_t params = network_parameter_count(c);
  if (params > kMaxNetworkParameters)
    return "a network of " + std::to_string(c.input_size) + " features, --hidden and --latent " +
           std::to_string(c.latent) + " would have " + std::to_string(params) + " parameters, over the budget of " +
           std::to_string(kMaxNetworkParameters) + "; use smaller layers";
  // A critic (ACAI) adds its parameters to `params`, and training keeps a fifth array of them
  // beside the four (weights, gradient, Adam's moments): the critic's gradient of the
  // autoencoder's loss, which is discarded (Workspace::discard). Weighed in the same 1 GiB.
  if (model_kind_info(c.kind).critic && 5 * params > 4 * kMaxNetworkParameters) {
    ModelConfig plain = c;
    plain.kind = ModelKind::Plain;
    const uint64_t own = network_parameter_count(plain);
    return "--model " + std::string(model_kind_name(c.kind)) + " trains a critic beside the autoencoder: " +
           std::to_string(own) + " + " + std::to_string(params - own) + " (the critic's) parameters in five " +
           "arrays (weights, gradient, Adam's two moments, the critic's discarded gradient) are " +
           std::to_string(5 * params) + " values, over the training budget of " +
           std::to_string(4 * kMaxNetworkParameters) + "; use smaller layers";
  }
  // The exact contractive penalty (Mlp) keeps a (first width)^2 Gram matrix and its gradient.
  const uint64_t n1 = c.hidden.empty() ? uint64_t(c.latent) : uint64_t(c.hidden[0]);
  if (c.kind == ModelKind::Contractive && c.arch == Architecture::Mlp && 2 * n1 * n1 > kMaxNetworkParameters)
    return "--model contractive keeps two " + std::to_string(n1) + " x " + std::to_string(n1) +
           " matrices for its penalty, over the budget of " + std::to_string(kMaxNetworkParameters) +
           " values; use a narrower first --hidden layer";
  if (!(c.dropout >= 0 && c.dropout < 1)) return "--dropout must be in [0, 1)";
  if (c.dropout > 0 && c.kind == ModelKind::Contractive)
    return "--dropout does not go with --model contractive (the penalty is the Jacobian of the encoder "
           "without a mask)";
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
  if (architecture_takes_images(c.arch)) {  // the image layers' outputs, twice each way
    std::vector<Layer> encoder, decoder;
    build_layers(c, &encoder, &decoder);
    for (const std::vector<Layer>* list : {&encoder, &decoder})
      for (const Layer& l : *list)
        if (layer_has_image_shape(l.kind)) widths += 2 * uint64_t(l.out);
  }
  // A critic (ACAI) adds per sample: the second decoding (the mixes, its outputs and gradients),
  // the critic's input and its gradient (decoded mixes and real blends: three images) and the
  // critic's pass on twice the batch, outputs and gradients (Workspace: dec_mix, critic_in, dmix, crit).
  uint64_t critic_widths = 0;
  if (model_kind_info(c.kind).critic) {
    std::vector<Layer> encoder, decoder, critic;
    build_layers(c, &encoder, &decoder, &critic);
    critic_widths = uint64_t(c.input_size) * 3 + uint64_t(c.latent) * 2;
    for (const Layer& l : decoder) critic_widths += 2 * uint64_t(l.out);
    for (const Layer& l : critic) critic_widths += 4 * uint64_t(l.out);
  }
  if (uint64_t(batch) * widths > kMaxBatchActivations)
    return "--batch " + std::to_string(batch) + " with these layer widths needs " +
           std::to_string(uint64_t(batch) * widths) + " values per buffer, over the budget of " +
           std::to_string(kMaxBatchActivations) + "; use a smaller --batch";
  if (uint64_t(batch) * (widths + critic_widths) > kMaxBatchActivations)
    return "--batch " + std::to_string(batch) + " with these layer widths needs " +
           std::to_string(uint64_t(batch) * widths) + " values per buffer for the autoencoder and " +
           std::to_string(uint64_t(batch) * critic_widths) + " more for --model " + model_kind_name(c.kind) +
           "'s critic and second decoding, over the budget of " + std::to_string(kMaxBatchActivations) +
           "; use a smaller --batch";
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
// fan_in of a convolution: the values one output sees (k^2 in channels; for a transposed one with
// stride s, k^2 / s^2 of them on average).
void init_parameters(float* W, size_t n_weights, float* b, int n_bias, int fan_in, int fan_out, InitKind init,
                     Activation next, Rng& rng) {
  const float r_fan_in = 1.0f / std::sqrt(float(fan_in));
  if (init == InitKind::He) {
    const float std_dev = std::sqrt((is_relu_family(next) ? 2.0f : 1.0f) / float(fan_in));
    for (size_t i = 0; i < n_weights; ++i) W[i] = std_dev * rng.normal();
  } else {
    const float r = init == InitKind::Xavier ? std::sqrt(6.0f / float(fan_in + fan_out)) : r_fan_in;
    for (size_t i = 0; i < n_weights; ++i) W[i] = r * (2.0f * rng.uniform() - 1.0f);
  }
  for (int i = 0; i < n_bias; ++i) b[i] = r_fan_in * (2.0f * rng.uniform() - 1.0f);
}

// Initialises every layer with parameters in list order; `next` is the activation that follows.
void init_list(float* params, const std::vector<Layer>& list, InitKind init, Rng& rng) {
  for (size_t i = 0; i < list.size(); ++i) {
    const Layer& l = list[i];
    const Activation next = i + 1 < list.size() && list[i + 1].kind == LayerKind::Activation
                                ? list[i + 1].activation
                                : Activation::Identity;
    if (l.kind == LayerKind::Dense) {
      init_parameters(params + l.dense.weight_offset, size_t(l.out) * size_t(l.in), params + l.dense.bias_offset,
                      l.out, l.in, l.out, init, next, rng);
    } else if (l.kind == LayerKind::Conv2d || l.kind == LayerKind::ConvTranspose2d) {
      const ConvShape& s = l.conv;
      const bool t = l.kind == LayerKind::ConvTranspose2d;
      const int k2 = s.k * s.k;
      const int fan_in = t ? std::max(1, s.small_c * k2 / (s.stride * s.stride)) : s.patch();
      const int fan_out = t ? s.patch() : s.small_c * k2;
      init_parameters(params + s.weight_offset, size_t(s.patch()) * size_t(s.small_c), params + s.bias_offset,
                      t ? s.big_c : s.small_c, fan_in, fan_out, init, next, rng);
    }
  }
}

}  // namespace

Network Network::create(const ModelConfig& config) {
  validate_config(config);
  Network net;
  net.config = config;
  net.params.assign(size_t(build_layers(config, &net.encoder, &net.decoder, &net.critic)), 0.0f);
  Rng rng(config.seed);
  init_list(net.params.data(), net.encoder, config.init, rng);
  init_list(net.params.data(), net.decoder, config.init, rng);
  init_list(net.params.data(), net.critic, config.init, rng);  // last: the autoencoder is a plain AE's
  return net;
}

size_t Network::autoencoder_count() const {
  if (critic.empty()) return params.size();
  const Layer& first = critic.front();
  return first.kind == LayerKind::Dense ? first.dense.weight_offset : first.conv.weight_offset;
}

// One vectorized pass: p * 0 is 0 for a finite p and NaN for an Inf or a NaN, and a NaN survives
// the sum. ~25 us for the 650k floats of 784-400-20, against ~160 us for an element-by-element
// isFinite test; the divergence guard runs this after every step.
bool Network::all_finite() const {
  Eigen::Map<const Eigen::ArrayXf> p(params.data(), Eigen::Index(params.size()));
  return std::isfinite((p * 0.0f).sum());
}

void network_encode(const Network& net, ConstMatRef x, MatRef code, InferenceWorkspace& ws, Mat* logvar) {
  const ModelConfig& c = net.config;
  const int n = int(x.cols());
  // Eigen's own size asserts are compiled out in a Release build: check, as Dataset::gather does,
  // so a caller holding buffers of another architecture gets an error, not a heap overrun.
  if (x.rows() != c.input_size || code.rows() != c.latent || code.cols() != n)
    throw std::invalid_argument("network_encode: x or code has the wrong shape for this network");
  layers_reserve(ws.encoder, net.encoder, n, false);
  layers_forward<float>(ws.encoder, net.encoder, x, net.params.data(), nullptr);
  const Eigen::Ref<const Mat> top = layers_output(ws.encoder).leftCols(n);  // (code_rows, n): mu then logvar for a VAE
  code = top.topRows(c.latent);
  if (logvar && c.kind == ModelKind::VAE) *logvar = top.bottomRows(c.latent);
}

void network_decode(const Network& net, ConstMatRef z, MatRef out, InferenceWorkspace& ws) {
  const ModelConfig& c = net.config;
  const int n = int(z.cols());
  if (z.rows() != c.latent || out.rows() != c.input_size || out.cols() != n)
    throw std::invalid_argument("network_decode: z or out has the wrong shape for this network");
  layers_reserve(ws.decoder, net.decoder, n, false);
  layers_forward<float>(ws.decoder, net.decoder, z, net.params.data(), nullptr);
  out = layers_output(ws.decoder).leftCols(n);  // the logits
  if (c.loss == OutputLoss::BCE) activation_forward<float>(out, out, Activation::Sigmoid);
}

//---- workspace --------------------------------------------------------------------------------

namespace {

// The step of the finite-difference contractive estimate (conv encoders), in input units (the
// data is in [0, 1] or standardised).
constexpr double kContractiveProbeStep = 1e-2;

bool contractive_exact(const ModelConfig& c) {
  return c.kind == ModelKind::Contractive && c.arch == Architecture::Mlp;
}
bool contractive_estimated(const ModelConfig& c) {
  return c.kind == ModelKind::Contractive && c.arch != Architecture::Mlp;
}

// Every buffer of one forward/backward pass at batch size B. Sized once per batch size (and
// architecture); a step at the same size allocates nothing.
template <typename T>
struct Workspace {
  int batch = -1;
  const Network* sized_for = nullptr;  // the architecture the buffers were sized for (by shape, below)
  LayersWorkspace<T> enc, dec;  // every layer's output and its gradient, encoder and decoder
  MatX<T> x_in;       // (input, B)  the encoder's input when it differs from the batch (denoising)
  MatX<T> eps;        // (latent, B) VAE noise
  MatX<T> z;          // (latent, B) VAE sample mu + sigma * eps
  MatX<T> sigma;      // (latent, B) VAE exp(0.5 logvar), kept for backward
  MatX<T> dz;         // (latent, B) VAE dLoss/dz from the decoder
  VecX<T> rho_hat;    // (latent)    KL sparsity: mean code activation over the batch
  VecX<T> rho_grad;   // (latent)    KL sparsity: dPenalty/dcode, the same for every sample
  // exact contractive penalty (Mlp): the encoder as stages Dense -> activation
  std::vector<int> stage_dense, stage_act;  // layer indices of each stage's Dense and activation (-1: identity)
  std::vector<MatX<T>> d1, d2, cpre;  // per stage (out, B): act', act'', extra dLoss/dpre
  std::vector<MatX<T>> am, bm, dam, dbm;  // per stage: per-sample Jacobian factors (see below)
  MatX<T> gram, dgram;  // (n1, n1) W0 W0^T and its gradient
  MatX<T> ag;           // (latent, n1) am[0] gram
  // estimated contractive penalty (Conv)
  MatX<T> probe;        // (input, B) the probe directions v, N(0, I), drawn by the caller
  MatX<T> x_probe;      // (input, B) x_in + step v
  LayersWorkspace<T> enc_probe;  // the encoder's pass on x_probe
  // ACAI (see "ACAI" below)
  VecX<T> alpha;             // (B) mixing coefficients in [0, 0.5], drawn by the caller
  MatX<T> z_mix, dz_mix;     // (latent, B) alpha_n z_n + (1 - alpha_n) z_{B-1-n}, and its gradient
  LayersWorkspace<T> dec_mix;  // the decoder's pass on z_mix
  MatX<T> critic_in;         // (input, 2B) the decoded mixes, then gamma x + (1 - gamma) x_hat, as images
  MatX<T> dmix;              // (input, B) dL_fg / d(decoded mixes)
  LayersWorkspace<T> crit;   // the critic's pass on critic_in
  VecX<T> guess;             // (2B) the critic's guesses: the mean of its outputs per column
  std::vector<T> discard;    // the critic's parameter gradients of L_fg, never read: the critic does
                             // not learn from the autoencoder's loss
};

template <typename T>
bool workspace_fits(const Workspace<T>& ws, const Network& net, int B) {
  if (ws.batch != B || ws.enc.out.size() != net.encoder.size() || ws.dec.out.size() != net.decoder.size())
    return false;
  for (size_t l = 0; l < net.encoder.size(); ++l)
    if (ws.enc.out[l].rows() != net.encoder[l].out) return false;
  for (size_t l = 0; l < net.decoder.size(); ++l)
    if (ws.dec.out[l].rows() != net.decoder[l].out) return false;
  if (ws.x_in.rows() != net.config.input_size || ws.z.rows() != net.config.latent) return false;
  if (contractive_exact(net.config) == ws.d1.empty()) return false;
  if (net.critic.empty() != (ws.critic_in.size() == 0)) return false;
  return contractive_estimated(net.config) == (ws.probe.size() > 0);
}

template <typename T>
void workspace_prepare(Workspace<T>& ws, const Network& net, int B) {
  if (workspace_fits(ws, net, B)) return;
  const ModelConfig& c = net.config;
  ws = Workspace<T>();
  layers_reserve(ws.enc, net.encoder, B, true);
  layers_reserve(ws.dec, net.decoder, B, true);
  ws.x_in.resize(c.input_size, B);
  ws.eps.resize(c.latent, B);
  ws.z.resize(c.latent, B);
  ws.sigma.resize(c.latent, B);
  ws.dz.resize(c.latent, B);
  ws.rho_hat.resize(c.latent);
  ws.rho_grad.resize(c.latent);
  if (contractive_exact(c)) {
    for (int l = 0; l < int(net.encoder.size()); ++l)
      if (net.encoder[l].kind == LayerKind::Dense) {
        ws.stage_dense.push_back(l);
        const bool act = l + 1 < int(net.encoder.size()) && net.encoder[l + 1].kind == LayerKind::Activation;
        ws.stage_act.push_back(act ? l + 1 : -1);
      }
    const size_t Le = ws.stage_dense.size();
    auto per_stage = [&](std::vector<MatX<T>>& v) {
      v.resize(Le);
      for (size_t s = 0; s < Le; ++s) v[s].resize(net.encoder[ws.stage_dense[s]].out, B);
    };
    per_stage(ws.d1);
    per_stage(ws.d2);
    per_stage(ws.cpre);
    const int k = c.latent, n1 = net.encoder[ws.stage_dense[0]].out;
    ws.am.resize(Le);
    ws.bm.resize(Le);
    ws.dam.resize(Le);
    ws.dbm.resize(Le);
    for (size_t s = 0; s < Le; ++s) {
      const DenseShape& d = net.encoder[ws.stage_dense[s]].dense;
      ws.am[s].resize(k, d.out);  // am[s]: (latent, n_{s+1})
      ws.dam[s].resize(k, d.out);
      ws.bm[s].resize(k, d.in);   // bm[s]: (latent, n_s)
      ws.dbm[s].resize(k, d.in);
    }
    ws.gram.resize(n1, n1);
    ws.dgram.resize(n1, n1);
    ws.ag.resize(k, n1);
  }
  if (contractive_estimated(c)) {
    ws.probe.resize(c.input_size, B);
    ws.x_probe.resize(c.input_size, B);
    layers_reserve(ws.enc_probe, net.encoder, B, true);
  }
  if (!net.critic.empty()) {
    ws.alpha.resize(B);
    ws.z_mix.resize(c.latent, B);
    ws.dz_mix.resize(c.latent, B);
    layers_reserve(ws.dec_mix, net.decoder, B, true);
    ws.critic_in.resize(c.input_size, 2 * B);
    ws.dmix.resize(c.input_size, B);
    layers_reserve(ws.crit, net.critic, 2 * B, true);
    ws.guess.resize(2 * B);
    ws.discard.assign(net.params.size(), T(0));
  }
  ws.batch = B;
}

//---- penalties --------------------------------------------------------------------------------

// L1 sparsity: weight * (1/B) sum_{j,n} |code_jn|. Adds its gradient to dcode if given.
template <typename T>
double penalty_l1(RefX<T>* dcode, CRefX<T> code, double weight) {
  const double B = double(code.cols());
  if (dcode) dcode->array() += T(weight / B) * code.array().sign();
  return weight * code.array().abs().sum() / B;
}

// KL sparsity on a sigmoid code: weight * sum_j KL(rho || rho_hat_j), rho_hat_j = mean_n code_jn.
// rho_hat is a batch statistic, so the penalty is not averaged again. d/dcode_jn =
// weight / B * (-rho / rho_hat_j + (1 - rho) / (1 - rho_hat_j)).
template <typename T>
double penalty_kl_sparsity(RefX<T>* dcode, VecX<T>& rho_hat, VecX<T>& rho_grad, CRefX<T> code, double weight,
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

// Contractive penalty, exact, for an encoder of stages Dense -> activation (Mlp):
// weight * (1/B) sum_n ||J_n||_F^2, J_n the Jacobian d code / d x of the whole encoder at sample n.
// With stages l = 0..L-1, W_l (n_{l+1}, n_l), s_l = act_l'(pre_l):
//   J = diag(s_{L-1}) W_{L-1} diag(s_{L-2}) W_{L-2} ... diag(s_0) W_0.
// Per sample, going down from the code:
//   bm[L-1] = diag(s_{L-1}) W_{L-1};  am[l] = bm[l+1] diag(s_l);  bm[l] = am[l] W_l  (l >= 1)
// so J = am[0] W_0 and ||J||^2 = tr(am[0] G am[0]^T) with G = W_0 W_0^T computed once per batch
// (which never forms the (latent, input) Jacobian). The exact gradient is reverse mode through
// these products (double backprop): weights get dW directly; each s_l depends on pre_l, which
// gives an extra dLoss/dpre_l = act_l''(pre_l) * dLoss/ds_l, added to the Dense layer's output
// gradient for the encoder's ordinary backward pass. Needs the forward pass's outputs.
template <typename T>
double penalty_contractive(T* grads, Workspace<T>& ws, const Network& net, const T* params, double weight) {
  const int L = int(ws.stage_dense.size()), B = ws.batch;
  const T scale = T(weight / B);
  auto dense = [&](int l) -> const DenseShape& { return net.encoder[ws.stage_dense[l]].dense; };
  auto Wmap = [&](int l) { return Eigen::Map<const MatX<T>>(params + dense(l).weight_offset, dense(l).out, dense(l).in); };
  for (int l = 0; l < L; ++l) {
    const int a = ws.stage_act[l];
    const MatX<T>& pre = ws.enc.out[ws.stage_dense[l]];
    const MatX<T>& h = a < 0 ? pre : ws.enc.out[a];  // the stage's output; its pre-activation if linear
    activation_derivatives<T>(ws.d1[l], ws.d2[l], pre.leftCols(B), h.leftCols(B),
                              a < 0 ? Activation::Identity : net.encoder[a].activation);
  }
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
        Eigen::Map<MatX<T>> dW(grads + dense(l + 1).weight_offset, dense(l + 1).out, dense(l + 1).in);
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
    Eigen::Map<MatX<T>> dW0(grads + dense(0).weight_offset, dense(0).out, dense(0).in);
    dW0.noalias() += T(2) * ws.dgram * W0;
    for (int l = 0; l < L; ++l) ws.enc.dout[ws.stage_dense[l]].leftCols(B) += ws.cpre[l];
  }
  return double(scale) * total;
}

// Contractive penalty, estimated, for any encoder f (Conv): the finite difference along a random
// direction, weight * (1/B) sum_n ||f(x_n + h v_n) - f(x_n)||^2 / h^2 with v_n ~ N(0, I) (ws.probe,
// drawn by the caller) and h = kContractiveProbeStep. E_v ||J v||^2 = ||J||_F^2, so this is an
// unbiased estimate of the exact penalty for a piecewise-linear encoder whose pieces x + h v does not
// leave, and off by O(h^2) curvature terms otherwise; its gradient (of the estimate, for the drawn v)
// is exact and is what the gradient checks test. Cost: one more forward and backward pass of the
// encoder per step, and one more set of encoder buffers. The code is the encoder's output.
template <typename T>
double penalty_contractive_estimate(T* grads, Workspace<T>& ws, const Network& net, const T* params, CRefX<T> x_in,
                                    double weight) {
  const int B = ws.batch;
  const T h = T(kContractiveProbeStep);
  ws.x_probe = x_in + h * ws.probe;
  layers_forward<T>(ws.enc_probe, net.encoder, ws.x_probe, params, nullptr);
  const Eigen::Ref<const MatX<T>> code = ws.enc.out.back().leftCols(B);
  const Eigen::Ref<const MatX<T>> moved = ws.enc_probe.out.back().leftCols(B);
  const double value = weight / B * double((moved - code).squaredNorm()) / (double(h) * double(h));
  if (grads) {  // d/dmoved = 2 weight / (B h^2) (moved - code) = -d/dcode
    layers_zero_grads(ws.enc_probe, B);
    RefX<T> dmoved = ws.enc_probe.dout.back().leftCols(B);
    dmoved = T(2 * weight / (B * double(h) * double(h))) * (moved - code);
    ws.enc.dout.back().leftCols(B) -= dmoved;
    layers_backward<T>(nullptr, grads, ws.enc_probe, net.encoder, ws.x_probe, params);
  }
  return value;
}

// The penalty of the kinds that have one on the code (the VAE's KL is its latent head's): its value,
// and (if grads) its gradient added to the encoder's output gradients and to grads.
template <typename T>
double model_penalty(T* grads, Workspace<T>& ws, const Network& net, const T* params, CRefX<T> x_in) {
  const ModelConfig& c = net.config;
  const int B = ws.batch;
  const Eigen::Ref<const MatX<T>> code = ws.enc.out.back().leftCols(B);  // (latent, B)
  std::optional<RefX<T>> dcode;
  if (grads) dcode.emplace(ws.enc.dout.back().leftCols(B));
  RefX<T>* d = grads ? &*dcode : nullptr;
  switch (c.kind) {
    case ModelKind::Sparse:
      return c.sparsity == SparsityKind::L1
                 ? penalty_l1<T>(d, code, c.sparsity_weight)
                 : penalty_kl_sparsity<T>(d, ws.rho_hat, ws.rho_grad, code, c.sparsity_weight, c.rho);
    case ModelKind::Contractive:
      return contractive_exact(c) ? penalty_contractive<T>(grads, ws, net, params, c.contractive_weight)
                                  : penalty_contractive_estimate<T>(grads, ws, net, params, x_in, c.contractive_weight);
    case ModelKind::Plain:
    case ModelKind::Denoising:
    case ModelKind::VAE:
    case ModelKind::Acai: break;  // ACAI's critic term is added by its own step (acai_forward below)
  }
  return 0;
}

//---- ACAI -------------------------------------------------------------------------------------
// Berthelot, Raffel, Roy and Goodfellow 2018 (arXiv 1807.07543). Each code z_n is mixed with the
// code of the batch reversed, z_alpha = alpha z_n + (1 - alpha) z_{B-1-n}, alpha ~ U[0, 0.5], and
// decoded to an image x_alpha. The critic d (the encoder's shape; its outputs averaged to one number)
// regresses alpha from x_alpha and answers 0 on a blend of a real image and its reconstruction:
//   L_d  = mean_n (d(x_alpha) - alpha)^2 + mean_n d(gamma x + (1 - gamma) x_hat)^2
// while the autoencoder learns to make its mixes look real, d(x_alpha) = 0:
//   L_fg = recon + lambda D mean_n d(x_alpha)^2
// The paper's reconstruction is a mean over pixels and ours a sum, so the critic's term is scaled
// by D = input_size: lambda weighs it against the reconstruction per pixel, as in the paper.
// Both losses come from one forward pass; each gradient goes to its own network only (the paper's
// code steps both optimizers on the same batch). The critic sees images in data space (the
// sigmoid of the logits for BCE).

// In data space: the sigmoid of logits for BCE, the logits themselves for MSE.
template <typename T>
void output_image(RefX<T> out, CRefX<T> logits, OutputLoss loss) {
  if (loss == OutputLoss::BCE) activation_forward<T>(out, logits, Activation::Sigmoid);
  else out = logits;
}

// The mixes, their decoding and the critic's pass on both halves of critic_in; returns lambda D
// mean d(x_alpha)^2 and sets *critic_loss to L_d. code: (latent, B); logits: (input, B) of x_hat.
template <typename T>
double acai_forward(Workspace<T>& ws, const Network& net, const T* params, CRefX<T> x, CRefX<T> code,
                    CRefX<T> logits, Rng* dropout, double* critic_loss) {
  const ModelConfig& c = net.config;
  const int B = ws.batch;
  for (int n = 0; n < B; ++n)
    ws.z_mix.col(n) = ws.alpha[n] * code.col(n) + (T(1) - ws.alpha[n]) * code.col(B - 1 - n);
  layers_forward<T>(ws.dec_mix, net.decoder, ws.z_mix, params, dropout);
  output_image<T>(ws.critic_in.leftCols(B), ws.dec_mix.out.back().leftCols(B), c.loss);
  RefX<T> blend = ws.critic_in.rightCols(B);
  output_image<T>(blend, logits, c.loss);
  blend = T(c.acai_gamma) * x + T(1 - c.acai_gamma) * blend;
  layers_forward<T>(ws.crit, net.critic, ws.critic_in, params, nullptr);
  for (int n = 0; n < 2 * B; ++n) ws.guess[n] = ws.crit.out.back().col(n).mean();
  *critic_loss = double((ws.guess.head(B) - ws.alpha).squaredNorm() + ws.guess.tail(B).squaredNorm()) / B;
  return double(c.acai_weight) * c.input_size * double(ws.guess.head(B).squaredNorm()) / B;
}

// The two backward passes after acai_forward: L_fg's critic term through the critic (its parameter
// gradients discarded), the decoder and the mixing into dcode; then L_d into the critic's gradients.
template <typename T>
void acai_backward(T* grads, RefX<T> dcode, Workspace<T>& ws, const Network& net, const T* params) {
  const ModelConfig& c = net.config;
  const int B = ws.batch, rows = net.critic.back().out;
  // d(lambda D mean d^2)/d guess_n = 2 lambda D guess_n / B, spread evenly over the outputs it averages
  // (column by column: a row-wise broadcast would allocate a temporary every step)
  layers_zero_grads(ws.crit, 2 * B);
  const T fg_scale = T(2 * double(c.acai_weight) * c.input_size / (double(B) * rows));
  for (int n = 0; n < B; ++n) ws.crit.dout.back().col(n).setConstant(fg_scale * ws.guess[n]);
  std::fill(ws.discard.begin() + long(net.autoencoder_count()), ws.discard.end(), T(0));
  ws.dmix.setZero();
  RefX<T> dmix = ws.dmix;
  layers_backward<T>(&dmix, ws.discard.data(), ws.crit, net.critic, ws.critic_in.leftCols(B), params);
  layers_zero_grads(ws.dec_mix, B);
  RefX<T> dlogits = ws.dec_mix.dout.back().leftCols(B);
  if (c.loss == OutputLoss::BCE)  // sigmoid' = s (1 - s), s the decoded mix
    dlogits.array() = ws.dmix.array() * ws.critic_in.leftCols(B).array() * (T(1) - ws.critic_in.leftCols(B).array());
  else
    dlogits = ws.dmix;
  ws.dz_mix.setZero();
  RefX<T> dz = ws.dz_mix;
  layers_backward<T>(&dz, grads, ws.dec_mix, net.decoder, ws.z_mix, params);
  for (int n = 0; n < B; ++n) {
    dcode.col(n) += ws.alpha[n] * ws.dz_mix.col(n);
    dcode.col(B - 1 - n) += (T(1) - ws.alpha[n]) * ws.dz_mix.col(n);
  }
  // L_d: 2 (guess - alpha) / B on the mixes, 2 guess / B on the blends, spread over the outputs
  layers_zero_grads(ws.crit, 2 * B);
  const T scale = T(2.0 / (double(B) * rows));
  for (int n = 0; n < B; ++n) {
    ws.crit.dout.back().col(n).setConstant(scale * (ws.guess[n] - ws.alpha[n]));
    ws.crit.dout.back().col(B + n).setConstant(scale * ws.guess[B + n]);
  }
  layers_backward<T>(nullptr, grads, ws.crit, net.critic, ws.critic_in, params);
}

//---- model_loss -------------------------------------------------------------------------------

// The VAE's latent head: z = mu + sigma eps with sigma = exp(logvar / 2), code = (mu; logvar)
// (2 latent, B); returns KL(N(mu, sigma^2) || N(0, I)) in closed form, averaged over the batch.
// Keeps sigma for backward.
template <typename T>
double vae_head_forward(Workspace<T>& ws, CRefX<T> code, int latent) {
  const int B = ws.batch;
  ws.sigma.array() = (T(0.5) * code.bottomRows(latent).array()).exp();
  ws.z.array() = code.topRows(latent).array() + ws.sigma.array() * ws.eps.array();
  return -0.5 *
         double((T(1) + code.bottomRows(latent).array() - code.topRows(latent).array().square() -
                 ws.sigma.array().square())
                    .sum()) /
         B;
}

// dcode += d(recon + beta KL)/d(mu; logvar) from dz = dLoss/dz:
//   dmu += dz + beta mu / B;  dlogvar += dz eps sigma / 2 + beta (sigma^2 - 1) / (2 B)
template <typename T>
void vae_head_backward(RefX<T> dcode, CRefX<T> dz, CRefX<T> code, const Workspace<T>& ws, int latent, double beta) {
  const int B = ws.batch;
  dcode.topRows(latent).array() += dz.array() + T(beta / B) * code.topRows(latent).array();
  dcode.bottomRows(latent).array() += T(0.5) * dz.array() * ws.eps.array() * ws.sigma.array() +
                                      T(0.5 * beta / B) * (ws.sigma.array().square() - T(1));
}

// One forward pass of any model kind on a batch, its loss parts, and (if grads is non-null) the
// backward pass, accumulating dLoss/dparams into grads (zeroing them is the caller's step).
//   x_target: (input, B) the clean batch, the reconstruction target
//   x_in:     (input, B) the encoder's input (the corrupted batch for a denoising model)
//   eps:      (latent, B) VAE noise, in ws.eps; probe: (input, B) the conv contractive's, in ws.probe
//   beta:     the VAE's KL weight for this step (warm-up applied)
//   dropout:  the stream dropout masks come from while training; null = no dropout (evaluation)
template <typename T>
LossParts model_loss(T* grads, Workspace<T>& ws, const Network& net, const T* params, CRefX<T> x_target,
                     CRefX<T> x_in, double beta, Rng* dropout) {
  const ModelConfig& c = net.config;
  const int B = ws.batch;
  const bool vae = c.kind == ModelKind::VAE;
  LossParts parts;

  // encoder forward: every layer keeps its output for backward
  layers_forward<T>(ws.enc, net.encoder, x_in, params, dropout);
  const Eigen::Ref<const MatX<T>> code = ws.enc.out.back().leftCols(B);  // (code_rows, B)

  // latent head: the code itself, or the VAE's sample
  const double kl = vae ? vae_head_forward<T>(ws, code, c.latent) : 0.0;
  const Eigen::Ref<const MatX<T>> z = vae ? Eigen::Ref<const MatX<T>>(ws.z) : code;  // (latent, B)

  // decoder forward: its last output is the logits
  layers_forward<T>(ws.dec, net.decoder, z, params, dropout);
  const Eigen::Ref<const MatX<T>> logits = ws.dec.out.back().leftCols(B);  // (input, B)

  // loss: the reconstruction writes dLoss/dlogits; the penalty adds to the code's gradient
  if (grads) {
    layers_zero_grads(ws.enc, B);
    layers_zero_grads(ws.dec, B);
  }
  RefX<T> dlogits = ws.dec.dout.back().leftCols(B);  // scratch when there are no gradients
  parts.recon = loss_recon<T>(dlogits, logits, x_target, T(1.0 / B), c.loss) / B;
  const bool critic = !net.critic.empty();
  if (critic) parts.penalty = acai_forward<T>(ws, net, params, x_target, z, logits, dropout, &parts.critic);
  else parts.penalty = vae ? kl : model_penalty<T>(grads, ws, net, params, x_in);
  parts.total = parts.recon + (vae ? beta : 1.0) * parts.penalty;
  if (!grads) return parts;

  // backward: decoder, latent head, encoder
  RefX<T> dcode = ws.enc.dout.back().leftCols(B);
  if (vae) {
    ws.dz.setZero();
    RefX<T> dz = ws.dz;
    layers_backward<T>(&dz, grads, ws.dec, net.decoder, z, params);
    vae_head_backward<T>(dcode, ws.dz, code, ws, c.latent, beta);
  } else {
    layers_backward<T>(&dcode, grads, ws.dec, net.decoder, z, params);
  }
  if (critic) acai_backward<T>(grads, dcode, ws, net, params);
  layers_backward<T>(nullptr, grads, ws.enc, net.encoder, x_in, params);
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

void noise_corrupt(MatRef x_in, ConstMatRef x, NoiseKind noise, float level, Rng& rng, int channels) {
  const Eigen::Index rows = x.rows(), cols = x.cols();
  if (noise == NoiseKind::DropColour) {  // the whole image, always: the colouriser's input is grey
    if (channels != 3) {
      x_in = x;
      return;
    }
    for (Eigen::Index j = 0; j < cols; ++j)
      for (Eigen::Index i = 0; i + 2 < rows; i += 3) {
        const float y = 0.299f * x(i, j) + 0.587f * x(i + 1, j) + 0.114f * x(i + 2, j);
        x_in(i, j) = x_in(i + 1, j) = x_in(i + 2, j) = y;
      }
    return;
  }
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) {
      const float v = x(i, j);
      switch (noise) {
        case NoiseKind::Gaussian: x_in(i, j) = v + level * rng.normal(); break;
        case NoiseKind::Mask: x_in(i, j) = rng.uniform() < level ? 0.0f : v; break;
        case NoiseKind::SaltPepper:
          x_in(i, j) = rng.uniform() < level ? (rng.uniform() < 0.5f ? 0.0f : 1.0f) : v;
          break;
        case NoiseKind::DropColour: break;  // above
      }
    }
}

namespace {

template <typename T>
void fill_normal(RefX<T> m, Rng& rng) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = rng.normal();
}

// ACAI's mixing coefficients: U[0, 1] folded onto [0, 0.5] (the paper's 0.5 - |u - 0.5|).
template <typename T>
void fill_alpha(VecX<T>& alpha, Rng& rng) {
  for (Eigen::Index i = 0; i < alpha.size(); ++i) alpha[i] = T(0.5 - std::fabs(double(rng.uniform()) - 0.5));
}

}  // namespace

Model::Model(const ModelConfig& config, const OptimizerConfig& optimizer)
    : net_(Network::create(config)),
      opt_(optimizer),
      rng_(config.seed ^ 0x7261696E696E6721ull),
      eval_rng_(config.seed ^ 0x68656C646F757421ull),
      dropout_rng_(config.seed ^ 0x64726F706F757421ull) {
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

  if (c.kind == ModelKind::Denoising) noise_corrupt(ws.x_in, batch, c.noise, c.noise_level, rng_, c.channels);
  if (c.kind == ModelKind::VAE) fill_normal<float>(ws.eps, rng_);
  if (contractive_estimated(c)) fill_normal<float>(ws.probe, rng_);
  if (!net_.critic.empty()) fill_alpha<float>(ws.alpha, rng_);
  Rng* dropout = c.dropout > 0 ? &dropout_rng_ : nullptr;
  double beta = c.beta;
  if (c.kl_warmup_steps > 0) beta *= std::min(1.0, double(step_) / c.kl_warmup_steps);

  std::fill(grad_.begin(), grad_.end(), 0.0f);
  const LossParts parts =
      c.kind == ModelKind::Denoising
          ? model_loss<float>(grad_.data(), ws, net_, net_.params.data(), batch, ws.x_in, beta, dropout)
          : model_loss<float>(grad_.data(), ws, net_, net_.params.data(), batch, batch, beta, dropout);

  // One optimizer per network: the autoencoder's parameters, then (ACAI) the critic's, each with its
  // own moments and its own clipping. Both step once per training step, so they share adam_t_.
  const size_t split = net_.autoencoder_count(), n = grad_.size();
  ++adam_t_;
  for (const size_t first : {size_t(0), split}) {
    const size_t count = first == 0 ? split : n - split;
    if (count == 0) continue;
    float *p = net_.params.data() + first, *g = grad_.data() + first;
    if (opt_.clip_norm > 0) grad_clip_norm(g, count, opt_.clip_norm);
    if (opt_.kind == OptimizerKind::Adam)
      adam_update(p, g, m_.data() + first, v_.data() + first, count, opt_.lr, opt_.beta1, opt_.beta2, opt_.eps,
                  adam_t_);
    else
      sgd_update(p, g, m_.data() + first, count, opt_.lr, opt_.momentum);
  }
  if (!net_.critic.empty()) {
    critic_readout_.alpha.resize(size_t(B));
    critic_readout_.guess.resize(size_t(B));
    for (int i = 0; i < B; ++i) {
      critic_readout_.alpha[size_t(i)] = ws.alpha[i];
      critic_readout_.guess[size_t(i)] = ws.guess[i];
    }
    critic_readout_.real_guess = double(ws.guess.tail(B).mean());
  }
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
    if (c.kind == ModelKind::VAE) fill_normal<float>(ws.eps, eval_rng_);
    if (contractive_estimated(c)) fill_normal<float>(ws.probe, eval_rng_);
    if (!net_.critic.empty()) fill_alpha<float>(ws.alpha, eval_rng_);
    const LossParts p = model_loss<float>(nullptr, ws, net_, net_.params.data(), data.middleCols(first, n),
                                          data.middleCols(first, n), c.beta, nullptr);
    sum.total += p.total * n;
    sum.recon += p.recon * n;
    sum.penalty += p.penalty * n;
    sum.critic += p.critic * n;
  }
  sum.total /= N;
  sum.recon /= N;
  sum.penalty /= N;
  sum.critic /= N;
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

ModelTrainingState Model::training_state() const {
  ModelTrainingState s;
  s.step = step_;
  s.adam_t = adam_t_;
  s.rng = rng_.state;
  s.eval_rng = eval_rng_.state;
  s.dropout_rng = dropout_rng_.state;
  s.m = m_;
  s.v = v_;
  return s;
}

void Model::resume(const Network& net, const OptimizerConfig& opt, const ModelTrainingState& state) {
  const size_t n = net_.params.size();
  if (net.params.size() != n || state.m.size() != n || state.v.size() != n)
    throw InputError("resume: the saved state has " + std::to_string(net.params.size()) +
                     " parameters, the model has " + std::to_string(n));
  net_.params = net.params;
  net_.config = net.config;
  opt_ = opt;
  step_ = state.step;
  adam_t_ = state.adam_t;
  rng_.state = state.rng;
  eval_rng_.state = state.eval_rng;
  dropout_rng_.state = state.dropout_rng;
  m_ = state.m;
  v_ = state.v;
}

double Model::loss_and_gradient_double(const Eigen::MatrixXd& batch, const Eigen::MatrixXd& eps,
                                       const Eigen::MatrixXd& corrupted, const std::vector<double>& params,
                                       std::vector<double>* grad) const {
  const ModelConfig& c = net_.config;
  if (params.size() != net_.params.size()) throw InputError("loss_and_gradient_double: wrong parameter count");
  if (!net_.critic.empty())  // two losses, each with its own parameters: not one function to check
    throw std::invalid_argument("loss_and_gradient_double: a model with a critic has two losses; use "
                                "acai_losses_and_gradient_double");
  Workspace<double> ws;
  workspace_prepare(ws, net_, int(batch.cols()));
  if (c.kind == ModelKind::VAE) ws.eps = eps;
  // The conv contractive's probe and the dropout masks: fixed streams, so that the loss is a
  // function of the parameters alone (what a finite-difference check needs).
  Rng fixed_probe(c.seed ^ 0x70726F6265ull), fixed_dropout(c.seed ^ 0x64726F70ull);
  if (contractive_estimated(c)) fill_normal<double>(ws.probe, fixed_probe);
  double beta = c.beta;
  if (c.kl_warmup_steps > 0) beta *= std::min(1.0, double(step_) / c.kl_warmup_steps);
  double* g = nullptr;
  if (grad) {
    grad->assign(params.size(), 0.0);
    g = grad->data();
  }
  const bool noisy = c.kind == ModelKind::Denoising && corrupted.size() > 0;
  return model_loss<double>(g, ws, net_, params.data(), batch, noisy ? corrupted : batch, beta,
                            c.dropout > 0 ? &fixed_dropout : nullptr)
      .total;
}

LossParts Model::acai_losses_and_gradient_double(const Eigen::MatrixXd& batch, const Eigen::VectorXd& alpha,
                                                 const std::vector<double>& params, std::vector<double>* grad) const {
  if (net_.critic.empty()) throw std::invalid_argument("acai_losses_and_gradient_double: the model has no critic");
  if (params.size() != net_.params.size() || alpha.size() != batch.cols())
    throw std::invalid_argument("acai_losses_and_gradient_double: wrong parameter count or alpha size");
  Workspace<double> ws;
  workspace_prepare(ws, net_, int(batch.cols()));
  ws.alpha = alpha;
  double* g = nullptr;
  if (grad) {
    grad->assign(params.size(), 0.0);
    g = grad->data();
  }
  return model_loss<double>(g, ws, net_, params.data(), batch, batch, 1.0, nullptr);
}

//---- save / load ------------------------------------------------------------------------------
// The .llnet format (docs/model_format.md), little-endian, no padding:
//   char[8]  magic "LLNET\0\0\0"
//   u32      version (4; version 3 lacks the v4 fields, version 2 also the v3 fields, version 1 also
//            the trailing checksum)
//   i32      kind, input_size, hidden count H, hidden[H], latent, activation, loss, init
//   u64      seed
//   f32      beta;  i32 kl_warmup_steps
//   i32      sparsity;  f32 sparsity_weight, rho
//   i32      noise;  f32 noise_level
//   f32      contractive_weight
//   v3:      i32 arch, channels, height, width;  f32 dropout
//   v3:      i32 encoder layer count E, decoder layer count D, then E + D layer records:
//            i32 kind, in, out, then for Conv2d / ConvTranspose2d / AvgPool2d / Upsample2d i32 big_c,
//            big_h, big_w, small_c, small_h, small_w, k, stride, pad; for Activation i32 activation;
//            for Dropout f32 p
//            (the list must be the one the settings build: it describes, the settings decide)
//   v4:      f32 acai_weight, acai_gamma (ACAI's critic is implied by the kind: its layers are not
//            listed, its parameters follow the decoder's)
//   u64      parameter count P (must equal what the config implies)
//   f32[P]   Network::params in its layout (per layer W (out, in) column-major, then b)
//   u32      versions 2 and 3: CRC-32 (zlib's) of every byte before it

namespace {

constexpr char kMagic[8] = {'L', 'L', 'N', 'E', 'T', 0, 0, 0};
constexpr uint32_t kVersion = 4;
constexpr int kMaxLayersPerList = 3 * kMaxHiddenLayers + 16;  // Dense, activation, dropout per hidden width
constexpr size_t kMaxLayerRecordBytes = 4 * 12;
constexpr size_t kMaxHeaderBytes = 12 + 4 * (3 + kMaxHiddenLayers + 4) + 8 + 4 * 8 + 4 * 5 + 4 * 2 + 8 +
                                   2 * kMaxLayersPerList * kMaxLayerRecordBytes + 8;
constexpr uint64_t kMaxNetworkFileBytes = kMaxHeaderBytes + 4 * kMaxNetworkParameters + 4;

template <typename V>
void put(std::vector<uint8_t>& out, V v) {
  const size_t at = out.size();
  out.resize(at + sizeof v);
  std::memcpy(out.data() + at, &v, sizeof v);
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
  put(out, int32_t(c.arch));
  put(out, int32_t(c.channels));
  put(out, int32_t(c.height));
  put(out, int32_t(c.width));
  put(out, c.dropout);
  put(out, c.acai_weight);
  put(out, c.acai_gamma);
  put(out, int32_t(net.encoder.size()));
  put(out, int32_t(net.decoder.size()));
  for (const std::vector<Layer>* list : {&net.encoder, &net.decoder})
    for (const Layer& l : *list) {
      put(out, int32_t(l.kind));
      put(out, int32_t(l.in));
      put(out, int32_t(l.out));
      if (layer_has_image_shape(l.kind))
        for (int v : {l.conv.big_c, l.conv.big_h, l.conv.big_w, l.conv.small_c, l.conv.small_h, l.conv.small_w,
                      l.conv.k, l.conv.stride, l.conv.pad})
          put(out, int32_t(v));
      if (l.kind == LayerKind::Activation) put(out, int32_t(l.activation));
      if (l.kind == LayerKind::Dropout) put(out, l.drop);
    }
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
  if (version < 1 || version > kVersion)
    throw InputError(name + ": unsupported network file version " + std::to_string(version) +
                     " (this build reads versions 1 to " + std::to_string(kVersion) + ")");
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
  std::vector<Layer> stored[2];  // version 3: the encoder's and the decoder's layer records
  if (version >= 3) {
    c.arch = r.get_choice<Architecture>();
    c.channels = r.get<int32_t>("channels");
    c.height = r.get<int32_t>("height");
    c.width = r.get<int32_t>("width");
    for (int32_t v : {c.channels, c.height, c.width})
      if (v < 0 || v > kMaxLayerWidth) throw InputError(name + ": bad image geometry value " + std::to_string(v));
    c.dropout = r.get<float>("dropout");
    if (version >= 4) {
      c.acai_weight = r.get<float>("ACAI weight");
      c.acai_gamma = r.get<float>("ACAI gamma");
    }
    const int32_t counts[2] = {r.get<int32_t>("encoder layer count"), r.get<int32_t>("decoder layer count")};
    for (int list = 0; list < 2; ++list) {
      if (counts[list] < 1 || counts[list] > kMaxLayersPerList)
        throw InputError(name + ": bad layer count " + std::to_string(counts[list]));
      stored[list].resize(size_t(counts[list]));
      for (Layer& l : stored[list]) {
        const int32_t kind = r.get<int32_t>("layer kind");
        if (kind < 0 || size_t(kind) >= std::size(kLayerKinds))
          throw InputError(name + ": unknown layer kind " + std::to_string(kind) + " (this build knows " +
                           std::to_string(std::size(kLayerKinds)) + "); the file is damaged or from a newer latentlab");
        l.kind = kLayerKinds[kind];
        l.in = r.get<int32_t>("layer size");
        l.out = r.get<int32_t>("layer size");
        if (layer_has_image_shape(l.kind))
          for (int* v : {&l.conv.big_c, &l.conv.big_h, &l.conv.big_w, &l.conv.small_c, &l.conv.small_h,
                         &l.conv.small_w, &l.conv.k, &l.conv.stride, &l.conv.pad})
            *v = r.get<int32_t>("convolution shape");
        if (l.kind == LayerKind::Activation) l.activation = r.get_choice<Activation>();
        if (l.kind == LayerKind::Dropout) l.drop = r.get<float>("dropout");
      }
    }
  }
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
  if (version >= 3)
    for (int list = 0; list < 2; ++list) {
      const std::vector<Layer>& built = list == 0 ? net.encoder : net.decoder;
      bool same = stored[list].size() == built.size();
      for (size_t i = 0; same && i < built.size(); ++i) {
        const Layer &a = stored[list][i], &b = built[i];
        const ConvShape &p = a.conv, &q = b.conv;
        same = a.kind == b.kind && a.in == b.in && a.out == b.out;
        if (layer_has_image_shape(a.kind))
          same = same && p.big_c == q.big_c && p.big_h == q.big_h && p.big_w == q.big_w && p.small_c == q.small_c &&
                 p.small_h == q.small_h && p.small_w == q.small_w && p.k == q.k && p.stride == q.stride &&
                 p.pad == q.pad;
        if (a.kind == LayerKind::Activation) same = same && a.activation == b.activation;
        if (a.kind == LayerKind::Dropout) same = same && a.drop == b.drop;
      }
      if (!same)
        throw InputError(name + ": the stored " + (list == 0 ? "encoder" : "decoder") +
                         " layer list is not the one its settings build; the file is inconsistent");
    }
  std::memcpy(net.params.data(), r.p, size_t(expected) * sizeof(float));
  if (!net.all_finite()) throw InputError(name + ": network has non-finite parameters");
  return net;
}

Network network_load(const std::string& path) {
  const std::vector<uint8_t> bytes = read_regular_file(path, "network file", kMaxNetworkFileBytes);
  return network_parse(bytes.data(), bytes.size(), path);
}
