// How much each latent dimension of a variational model is used: the KL divergence of its
// posterior q(z_j|x) = N(mu_j, sigma_j^2) from the prior N(0, 1), in nats, averaged over samples.
// A dimension whose KL is near zero says the same thing for every input (mu 0, sigma 1): the
// decoder cannot read anything from it. `latentlab train --json` (kl_per_dim, active_units,
// collapsed) and the GUI's KL view (app/gui/views/view_kl.cpp) both read these figures.
//
//   KlPerDim k = kl_per_dim(net, held_out, ws);   // held_out (features, n)
//   k.kl[j], k.active_units, k.collapsed;         // sorted: kl_order(k.kl)
//
// Rules, written once here:
//   active     a dimension is an active unit when its mean KL exceeds kActiveUnitNats (0.01 nats,
//              the threshold of the issue; Burda et al.'s "active units" threshold the variance of
//              mu at 0.01 instead, which a dimension near the prior also fails).
//   collapsed  posterior collapse: no dimension is active, i.e. every dimension's KL is below
//              kActiveUnitNats. The codes then carry (almost) nothing about the input and every
//              reconstruction is close to the average image. The collapse watch of the trainer
//              (train/collapse.h) sees the symptom (the codes' spread fused, the loss stuck near the
//              average image's); this rule names the cause for a VAE: the KL term won.
#pragma once
#include <string>
#include <vector>

#include "models/model.h"

constexpr double kActiveUnitNats = 0.01;

struct KlPerDim {
  std::vector<double> kl;  // (latent) nats, mean over the samples; empty for a non-variational kind
  double total = 0;        // sum of kl: the model's KL term, unweighted
  int active_units = 0;    // dimensions with kl > kActiveUnitNats
  bool collapsed = false;  // variational, and no dimension active
};

// The KL of every latent dimension over the columns of x (features, n), encoded in chunks with
// `ws` as scratch. A kind that is not variational (models/kinds.h) gets an empty result.
KlPerDim kl_per_dim(const Network& net, ConstMatRef x, InferenceWorkspace& ws);
// The same from codes already encoded: mu and logvar (latent, n).
KlPerDim kl_per_dim_from_codes(ConstMatRef mu, ConstMatRef logvar);
// Adds each dimension's KL summed over the columns of mu and logvar (latent, n) to sum (latent):
// for a pass that encodes a chunk at a time without allocating (the GUI's). Divide by the count.
void kl_per_dim_accumulate(ConstMatRef mu, ConstMatRef logvar, std::vector<double>& sum);
// The figures (total, active units, collapsed) of mean KLs already measured, e.g. by a pass that
// encodes a chunk per frame (the GUI's): the rules above, applied once here.
KlPerDim kl_per_dim_from_means(std::vector<double> kl);
// Dimension indices, largest KL first (ties by index): the order of the bar chart and the traversal rows.
std::vector<int> kl_order(const std::vector<double>& kl);
// What a posterior collapse means and what to try, one or two sentences for the user.
std::string posterior_collapse_advice(double beta);
