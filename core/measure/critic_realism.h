// The ACAI critic as a realism measure where the data manifold is unknown (digits, MNIST; issue
// 19): a trained critic d(x) guesses how much of a mix an image is, 0 = looks like a real image or
// its reconstruction, up to 0.5 = an even blend of two. `latentlab interpolate` scores every model's
// interpolants with it beside their nearest-neighbour distance (measure/interpolate.h) and says
// whether the two measures agree (Spearman's rank correlation over pairs).
//
//   std::vector<double> g = critic_guesses(acai.network(), frames);  // one guess per column
//   double rho = spearman_correlation(critic_per_pair, distance_per_pair);
#pragma once
#include <vector>

#include "models/model.h"

// The critic's guess (the mean of its outputs) for every column of `images` (input, n), in data
// space as the critic saw them in training. Throws std::invalid_argument if `net` has no critic.
std::vector<double> critic_guesses(const Network& net, ConstMatRef images);

// Spearman's rank correlation of a and b (same size >= 2; ties get their mean rank); 0 when either
// is constant.
double spearman_correlation(const std::vector<double>& a, const std::vector<double>& b);
