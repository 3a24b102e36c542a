// The figures that show what each model kind is for, measured the same way on every kind so that
// two models can be compared on each: the code's activity (the sparse AE's subject), the PSNR of
// reconstructions of corrupted inputs (the denoising AE's), the encoder's Jacobian norm (the
// contractive AE's) and how well uniform noise is rebuilt (the copy risk of an overcomplete AE).
// `latentlab train --json` reports them; the GUI's views call the same functions.
//
//   KindFigureSettings s;                       // eval noise: masking 0.3, fixed seed
//   KindFigures f = kind_figures(net, held_out, s);   // held_out (input, n), one sample per column
//   f.psnr_noisy, f.jacobian_norm, ...
#pragma once
#include <cstdint>
#include <vector>

#include "models/model.h"
#include "nn/layer_pass.h"

// A code value counts as "active" when |h| exceeds this. The code is linear (a sigmoid for the
// KL-sparse AE, whose values are in (0, 1)), so one threshold reads the same on every kind: 0.1 is
// a tenth of a sigmoid unit's range, and well below the spread of a trained linear code.
constexpr float kActiveThreshold = 0.1f;

struct KindFigureSettings {
  NoiseKind eval_noise = NoiseKind::Mask;  // how held-out inputs are corrupted for psnr_noisy
  float eval_noise_level = 0.3f;
  int max_samples = 1000;    // held-out samples used (the first ones); the Jacobian uses a quarter of them
  int noise_images = 256;    // uniform-noise images for noise_recon_error
  uint64_t seed = 7;         // the corruption's and the noise images' stream: the same for every model
};

struct KindFigures {
  double mean_activation = 0;    // mean |h| over code units and held-out samples (mu for a VAE)
  double active_fraction = 0;    // share of code values with |h| > kActiveThreshold
  double psnr_noisy = 0;         // dB, mean over held-out samples of PSNR(clean, g(f(noisy)))
  double jacobian_norm = 0;      // mean over held-out samples of ||d f(x) / dx||_F (mu's for a VAE)
  double noise_recon_error = 0;  // mean squared error per value of g(f(u)), u uniform in [0, 1]
  double clean_recon_error = 0;  // the same on the clean held-out samples, for scale
};

// Every figure on the first min(n, s.max_samples) columns of held_out. Deterministic for a given
// network, data and settings. Throws InputError if held_out is empty or of the wrong height.
KindFigures kind_figures(const Network& net, ConstMatRef held_out, const KindFigureSettings& s);

//---- the pieces, for the GUI's views ------------------------------------------------------------

// PSNR in dB of one reconstruction against its clean original, peak 1 (data in [0, 1]); the
// squared error is floored at 1e-10 so that a perfect copy gives 100 dB, not infinity.
double psnr(ConstMatRef clean_column, ConstMatRef reconstruction_column);
// reconstruction (input, n) = g(f(x)) in data space; the code (latent, n) is left in `code`.
void reconstruct(const Network& net, ConstMatRef x, Mat& code, Mat& reconstruction, InferenceWorkspace& ws);
// Per sample ||J||_F of the encoder's code (mu for a VAE) with respect to its input, exact up to
// kExactJacobianRows code units (one backward pass per unit), Hutchinson's estimate beyond. A dense
// encoder takes every unit of every sample down in one product per layer, without weight gradients.
// out has x.cols() values.
void jacobian_norms(const Network& net, ConstMatRef x, std::vector<double>& out);
// The same with its scratch kept by the caller, so that repeated calls of one size (the GUI's chunk
// a frame) allocate nothing after the first.
struct JacobianWorkspace {
  LayersWorkspace<float> layers;
  std::vector<float> dparams;  // (parameters) the backward pass writes them; unused
  Mat din, probes;             // (input, chunk), (latent, probes)
  Mat g, g_below, deriv;       // dense encoders: (width, samples x probes) twice, (width, samples)
};
void jacobian_norms(const Network& net, ConstMatRef x, std::vector<double>& out, JacobianWorkspace& ws);
// The same by one full backward pass of the layer list per probe (any encoder, conv included):
// what jacobian_norms does for conv encoders, and the reference its dense path is tested against.
void jacobian_norms_by_backward(const Network& net, ConstMatRef x, std::vector<double>& out, JacobianWorkspace& ws);
// Code activity over codes (latent, n): per unit mean |h| (latent values), and the share of
// values above kActiveThreshold.
void code_activity(ConstMatRef code, std::vector<double>& unit_mean, double* active_fraction);
