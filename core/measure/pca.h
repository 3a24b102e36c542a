// Principal component analysis of the DATA (not of a model's codes): the linear baseline every
// autoencoder is measured against. Fitted on the training split; a sample's code is its projection
// on the leading components, and decoding a code is the linear reconstruction mean + W z. (The
// GUI's "PCA plane" of the codes, for latent > 2, is another thing: see view_point_colors.)
//
//   Pca p = pca_fit(train, 2);         // train (features, n) -> 2 components
//   pca_project(p, x, codes);          // x (features, m) -> codes (2, m)
//   pca_reconstruct(p, codes, xhat);   // codes (2, m) -> xhat (features, m)
#pragma once
#include "models/model.h"
#include "nn/tensor.h"

struct Pca {
  Vec mean;        // (features) the training samples' mean
  Mat components;  // (features, k) orthonormal columns, largest variance first
  Vec variances;   // (k) the variance along each component (eigenvalue of the covariance), descending
  double total_variance = 0;  // trace of the covariance: variances.sum() / total_variance is the share kept

  int size() const { return static_cast<int>(components.cols()); }
};

// The k leading principal components of x (features, n), n >= 1, 1 <= k <= features (InputError
// otherwise). The covariance (1/n, features x features) is accumulated and eigen-decomposed in
// double precision (Eigen's SelfAdjointEigenSolver). Each component's sign is fixed so that its
// largest-magnitude entry is positive, so that two fits of the same data give the same map.
Pca pca_fit(ConstMatRef x, int k);
// codes (k, m) = components^T (x - mean).
void pca_project(const Pca& p, ConstMatRef x, MatRef codes);
// out (features, m) = mean + components * codes: the linear decoder.
void pca_reconstruct(const Pca& p, ConstMatRef codes, MatRef out);

// PCA as a linear autoencoder: no hidden layer, MSE (a linear output); the encoder's dense layer is
// components^T (x - mean) and the decoder's mean + components z, so network_encode and
// network_decode are pca_project and pca_reconstruct. (The GUI's PCA map is this network.)
Network pca_network(const Pca& p);

// A linear autoencoder is PCA: an MLP with no hidden layer, MSE and no VAE head, trained to its
// minimum, has a decoder whose columns span the same subspace as the leading principal components
// (Baldi & Hornik 1989), though not the components themselves: its code is PCA's up to an
// invertible linear map. Its decoder's weights (features, latent), or an empty matrix when `net` is
// not such a network.
Mat linear_decoder_weights(const Network& net);
// The largest principal angle between the column spaces of a (D, k) and b (D, k'), in degrees:
// 0 when one contains the other, 90 when some direction of one is orthogonal to the other.
double largest_principal_angle(ConstMatRef a, ConstMatRef b);
