// Disentanglement: how far each true factor of the data (sprites' shape, scale, rotation, x, y;
// faces' smile, ...) is captured by one latent dimension alone. The Mutual Information Gap (Chen
// et al. 2018), estimated as disentanglement_lib does (mig.py): the mean codes (mu for a VAE) are
// discretised into 20 equal-width bins per dimension between its minimum and maximum; the mutual
// information I(code_j; factor_k) is that of the empirical joint histogram (natural log); for each
// factor, the gap between the two largest I over the dimensions is divided by the factor's entropy
// H(factor_k), and the gaps are averaged over the factors. 1 = every factor lives in exactly one
// dimension that no other factor shares the information of; 0 = no dimension stands out.
//
//   Mig m = mig_compute(codes, factors);   // codes (latent, n), factors (factors, n)
//   m.mig, m.mi(j, k), m.gap[k];
//
// Where our data differ from disentanglement_lib's: its factors are discrete. A factor here with at
// most `bins` distinct values (the sprites' shape) is taken as it is; a continuous one (scale, x,
// smile, ...) is discretised into the same 20 equal-width bins as the codes. A factor that is
// constant over the samples (entropy 0) has no gap and is left out of the mean. With one latent
// dimension the second largest I is 0.
#pragma once
#include <vector>

#include "nn/tensor.h"

constexpr int kMigBins = 20;

struct Mig {
  double mig = 0;               // mean of gap over the factors that vary; 0 if none does
  Eigen::MatrixXd mi;           // (latent, factors) I(code_j; factor_k), nats
  std::vector<double> entropy;  // (factors) H(factor_k), nats
  std::vector<double> gap;      // (factors) (top I - second I) / H; 0 for a constant factor
  std::vector<int> best_dim;    // (factors) the dimension with the largest I
};

// codes (latent, n) and factors (factors, n), one sample per column, n >= 1. Throws
// std::invalid_argument when the column counts differ.
Mig mig_compute(ConstMatRef codes, ConstMatRef factors, int bins = kMigBins);
// One row of values as histogram bin indices 0..bins-1 (equal-width between its min and max, the
// max in the last bin, a constant row all 0), or, when `keep_discrete` and the row has at most
// `bins` distinct values, as the rank of each value among them.
std::vector<int> mig_discretize(const float* values, int n, int stride, int bins, bool keep_discrete);
// The mutual information (nats) of two discrete variables with values in [0, na) and [0, nb).
double discrete_mutual_information(const std::vector<int>& a, int na, const std::vector<int>& b, int nb);
double discrete_entropy(const std::vector<int>& a, int na);
