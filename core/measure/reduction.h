// Dimensionality reduction measured the same way for every encoder, a model's or PCA's: the held-out
// figures that `latentlab train --json`, `latentlab reduce --json` and the GUI report.
//   recon_error            mean squared error per feature of the held-out reconstructions
//   psnr                   10 log10(1 / recon_error) in dB (data in [0, 1])
//   knn_accuracy           5-NN accuracy of held-out codes against the training codes (knn_accuracy.h)
//   trustworthiness        Venna & Kaski at k = 10 on the first kTrustworthinessSamples held-out samples
//   linear_probe_accuracy  softmax classifier on frozen codes, train -> held out (linear_probe.h)
//   pca_angle_degrees      a linear AE only (pca.h linear_decoder_weights): the largest principal angle
//                          between its decoder's columns and the training split's PCA of the same size
//
//   ReductionFigures f = reduction_figures_network(model.network(), data);
//   ReductionFigures g = reduction_figures_pca(pca_fit(train, 2), data);
#pragma once
#include <cmath>
#include <vector>

#include "data/dataset.h"
#include "measure/pca.h"
#include "models/model.h"

constexpr int kKnnNeighbours = 5;
constexpr int kTrustworthinessNeighbours = 10;
// Trustworthiness costs O(n^2) in time and memory: it is measured on this many held-out samples
// (the first ones), which bounds it to a few 10^8 operations for 784 features.
constexpr int kTrustworthinessSamples = 1000;

struct ReductionFigures {
  double recon_error = 0, psnr = 0, knn_accuracy = 0, trustworthiness = 0, linear_probe_accuracy = 0;
  double pca_angle_degrees = std::nan("");  // NaN: not a linear autoencoder (or PCA itself)
};

// The figures from codes already computed: train_codes (d, n) of data's training split, held_x
// (D, m) the held-out samples, held_codes (d, m) and held_recon (D, m) their codes and
// reconstructions. A figure that needs labels is NaN when the data has none.
ReductionFigures reduction_figures(const Dataset& data, ConstMatRef train_codes, ConstMatRef held_x,
                                   ConstMatRef held_codes, ConstMatRef held_recon);
// Encodes (mu for a VAE) and decodes the mean code, then the figures above.
ReductionFigures reduction_figures_network(const Network& net, const Dataset& data);
ReductionFigures reduction_figures_pca(const Pca& pca, const Dataset& data);
// The linear probe on the raw features (pixels): the baseline every code is compared with.
double linear_probe_raw(const Dataset& data);

// Compression, as the course first uses an autoencoder: send the code, decode it on the other side.
// How many times smaller the code is than the sample, the sample as 8-bit values (one byte per
// pixel and channel) and the code as float32: 784 pixels -> 2 numbers is 98x.
inline double compression_ratio(int features, int latent) { return features / (4.0 * latent); }
// 10 log10(1 / mse) in dB for data in [0, 1] (capped at 120 dB for an exact reconstruction).
double psnr_from_mse(double mse);

// x (features, n) -> codes (latent, n), in chunks (mu for a VAE).
void network_codes(const Network& net, ConstMatRef x, Mat& codes);
// The training split (features, train_count) and the held-out split (features, test_count) as floats.
Mat dataset_train_matrix(const Dataset& data);
Mat dataset_held_matrix(const Dataset& data);
