// Latent arithmetic: "smiling faces - neutral faces = a smile vector". The attribute vector is the
// difference of the mean codes (mu for a VAE) of two groups of samples, A and B (a label, or a range
// of a true factor); adding it, times a strength, to any sample's code and decoding shows what the
// model learnt the attribute to be. Works for every kind, so the AE and the VAE can be compared.
// To measure whether the decoding really gained the attribute, a FactorRegressor (ridge regression
// from pixels to a true factor, fitted on the training samples) reads the factor off decodings.
//
//   SampleGroup smiling;  smiling.label = 2;                       // faces: frowning, neutral, smiling
//   std::vector<int> a = samples_in_group(d, smiling, 0, d.train_count), b = ...;
//   Vec v = attribute_vector(codes, a, b);                          // codes (latent, count) -> (latent)
//   latent_arithmetic_decode(net, codes_of_x, v, 1.0f, out, ws);    // out (features, n)
//   FactorRegressor r = factor_regressor_fit(train_x, &d.factors(0, 0), int(d.factors.rows()));
//   factor_regressor_predict(r, out, &smile);
#pragma once
#include <vector>

#include "data/dataset.h"
#include "models/model.h"

// A group of samples: those with a label, or those whose factor lies in [lo, hi].
struct SampleGroup {
  int label = -1;       // >= 0: the samples with this label
  int factor = -1;      // >= 0 (and label < 0): the samples with factor `factor` in [lo, hi]
  float lo = 0, hi = 0;
};
// Whether d's sample i is in the group (false for a group that names nothing).
bool sample_in_group(const Dataset& d, const SampleGroup& g, int i);
// The indices in [first, first + count) of d's samples in the group.
std::vector<int> samples_in_group(const Dataset& d, const SampleGroup& g, int first, int count);

// Mean of the columns `a` of codes minus the mean of the columns `b` (latent). Throws
// std::invalid_argument when a group is empty.
Vec attribute_vector(ConstMatRef codes, const std::vector<int>& a, const std::vector<int>& b);
// out (features, n) = decode(codes + strength * v) for every column of codes (latent, n).
void latent_arithmetic_decode(const Network& net, ConstMatRef codes, const Vec& v, float strength, MatRef out,
                              InferenceWorkspace& ws);

// y ~ w . x + b, fitted by ridge regression (normal equations in double, penalty `ridge` on w).
struct FactorRegressor {
  Eigen::VectorXd w;  // (features)
  double b = 0;
};
// x (features, n), y (n) with stride `stride` between values (a factor row of Dataset::factors).
FactorRegressor factor_regressor_fit(ConstMatRef x, const float* y, int stride, double ridge = 1.0);
// out[i] = w . x_i + b for each column of x.
void factor_regressor_predict(const FactorRegressor& r, ConstMatRef x, std::vector<double>* out);
