// How far an encoder's code moves when its input is nudged: the contractive AE's subject, one sample
// at a time (kind_figures.h's jacobian_norms gives the local rate, ||J||_F, over many). A perturbation
// of a chosen size (RMS per input value) in a random direction or toward another sample; the code's
// displacement, raw and in units of the codes' own spread (a model can shrink its whole code: the
// spread says whether the move is small for it). The GUI's "Sensitivity" view calls these.
//
//   Mat delta;  perturbation(PerturbDirection::Random, x, x, 0.05f, seed, delta);   // (features, 1)
//   CodeShift s = code_shift(net, x, delta, codes, ws);  // s.shift, s.gain; codes (latent, 2): before, after
#pragma once
#include <cstdint>

#include "models/kinds.h"
#include "models/model.h"

enum class PerturbDirection { Random, TowardSample };
template <> const ChoiceList& choice_list<PerturbDirection>();

// delta (features, 1) with RMS value `size` per input value (||delta|| = size * sqrt(features)):
// along a unit Gaussian direction drawn from `seed`, or along (toward - x). A `toward` equal to x
// falls back to the random direction.
void perturbation(PerturbDirection direction, ConstMatRef x, ConstMatRef toward, float size, uint64_t seed,
                  Mat& delta);

struct CodeShift {
  double input = 0;  // ||delta||
  double shift = 0;  // ||f(x + delta) - f(x)|| (mu for a VAE)
  double gain = 0;   // shift / input: the finite-step counterpart of ||J u|| along delta's direction
};
// Encodes x and x + delta (both (features, 1)) as one batch; codes (latent, 2) keeps both codes.
CodeShift code_shift(const Network& net, ConstMatRef x, ConstMatRef delta, Mat& codes, InferenceWorkspace& ws);

// The codes' spread: the RMS distance of the columns of codes (latent, n) from their mean, sqrt of the
// trace of their covariance; 0 for fewer than two codes. A shift in these units compares across models.
double code_spread(ConstMatRef codes);
