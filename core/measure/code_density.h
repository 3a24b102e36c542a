// How much data was ever encoded near a latent code: the distance from z to its k-th nearest
// training code, in units of the same distance at held-out codes (their median). 1.0 = as crowded
// as around a real held-out sample; 3 = the k nearest training codes are three times as far as
// usual: no data was ever here, and the decoder was never trained on this region. The hole map's
// measure (app/gui/views/view_holes.cpp); bench/bench_hole_measures.cpp compares it with others.
//
//   CodeDensity d;
//   d.set_codes(train_codes, 8);      // (latent, n) the training samples' codes (mu for a VAE)
//   d.calibrate(held_codes);          // (latent, m) the held-out samples' codes fix the unit
//   d.normalized_distance(z, out);    // z (latent, q) -> out[q]
#pragma once
#include <vector>

#include "nn/tensor.h"

struct CodeDensity {
  Vec center;                // (latent) mean of the codes; both sides are centred on it (float precision)
  Mat codes;                 // (latent, n) centred training codes
  Vec sq_norms;              // (n)
  int k = 8;                 // which nearest neighbour (clamped to n)
  double unit = 1;           // median over the calibration codes of their k-th NN distance
  // Scratch, grown to the largest query batch seen.
  Mat centred, dots;         // (latent, q), (n, q)
  std::vector<float> column; // (k) the nearest squared distances of one query, ascending

  // Throws InputError if there are no codes or k < 1.
  void set_codes(ConstMatRef train_codes, int k);
  // The unit from held-out codes: the median of their k-th NN distance. `among_codes`: they are
  // some of the training codes themselves (no held-out samples to hand), so each one's own zero
  // distance is skipped (the (k+1)-th is taken). Without any the unit stays 1 (raw distances); a
  // zero median (a collapsed model) leaves it at the smallest positive float.
  void calibrate(ConstMatRef held_codes, bool among_codes = false);
  // k-th nearest training code's distance / unit, for each column of z.
  void normalized_distance(ConstMatRef z, float* out);
  // The raw k-th NN distance (latent units), same order. `skip_self`: each z is itself one of the
  // codes, so the (k+1)-th is taken.
  void kth_distance(ConstMatRef z, float* out, bool skip_self = false);
};
