// A fast DataDistance (interpolate.h) for thousands of decodes a second: the hole map's measure
// until it became the density of the training codes (code_density.h); bench/bench_hole_measures
// still compares the two with it. Two stages:
//   1. candidates: every reference image is compared on the training images' top principal
//      components plus one coordinate for the length of its residual off them,
//        ||x - r||² ≈ ||P(x - r)||² + (||x_res|| - ||r_res||)²   (a lower bound; one matrix product),
//      and the `candidates` nearest by that are kept;
//   2. the exact pixel distance to each candidate; the smallest is the answer.
// So the answer is the true distance to a real reference image: exact whenever the nearest one is
// among the candidates, a little above the true nearest distance otherwise. The unit is fixed as
// DataDistance's, by held-out real images measured with this same measure: 1.0 is as close to the
// data as a real held-out image. bench/bench_hole_map.cpp measures the error against DataDistance.
//
//   ProjectedDistance pd = ProjectedDistance::build(data, 32, 5000, 8, 500, 1);
//   pd.normalized_distance(decoded, out);   // decoded (features, k) -> out[k]
#pragma once
#include <cstdint>
#include <vector>

#include "data/dataset.h"
#include "nn/tensor.h"

struct ProjectedDistance {
  Vec mean;                   // (features) mean training image
  Mat basis;                  // (features, components) orthonormal top principal directions
  Mat reference;              // (components + 1, n) centred reference images on the basis, then
                              // the length of their residual off it
  Vec reference_sq_norms;     // (n) squared norms of those columns
  Mat images;                 // (features, n) the reference images themselves, for stage 2
  Vec images_sq_norms;        // (n)
  int candidates = 8;         // kept by stage 1 for each image measured
  double typical_nn_distance = 1;  // median over held-out images of their NN distance, this measure
  // Scratch for normalized_distance, grown to the largest batch seen.
  Mat centred;                // (features, batch)
  Mat projected;              // (components + 1, batch)
  Mat dots;                   // (n, batch)
  std::vector<int> best;      // (candidates) stage 1's nearest, for one image

  // Principal directions from up to max_reference training images (evenly spread), found by a few
  // rounds of subspace iteration from `seed`; the same images are the reference set. Throws
  // InputError if the dataset has no held-out part or fewer than 2 training images.
  static ProjectedDistance build(const Dataset& data, int components, int max_reference, int candidates,
                                 int calibration, uint64_t seed);
  // For each column of images (features, k): approximate NN distance / typical_nn_distance into
  // out[0..k). Allocates only when k exceeds every earlier call's.
  void normalized_distance(ConstMatRef images, float* out);
};
