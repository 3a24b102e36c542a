// The exact interpolation metrics of the lines benchmark (Berthelot, Raffel, Roy and Goodfellow,
// 2018, arXiv 1807.07543), where the data manifold is known: every real image is a line at some
// angle (data/data_generated.h). An interpolant is matched to the closest of 10,000 reference lines
// at evenly spaced angles by cosine distance. Mean Distance is the mean of that distance over all
// interpolants (0 = every interpolant is a real line); Smoothness is, per interpolation, the
// largest step of the matched angle over the whole change, minus 1/(S-1) (0 = the angle moves in
// equal steps; more = it jumps).
// The authors' code (github.com/brain-research/acai, lib/data.py and lib/eval.py) draws the lines
// in [-1, 1] (background -1) and takes the cosine there, and averages Smoothness over all pairs with
// a skipped pair counting 0; ours are on [0, 1] as the app's data are. Both are computed, from one
// product with the references: `paper_*` is the authors' scale (images mapped by 2x - 1).
//
//   const LineReference& ref = LineReference::shared();
//   LinesScore s = lines_score(net, data, 256, 16, seed);   // s.mean_distance, s.smoothness
#pragma once
#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"

constexpr int kLineReferences = 10000;  // the paper's count
constexpr int kLinesPairs = 256, kLinesSteps = 16;  // the paper's protocol

// The reference lines, each scaled to unit length for the cosine: (1024, kLineReferences), column
// k at angle 2 pi k / kLineReferences. Built once (40 MB) on first use.
struct LineReference {
  Mat unit;
  std::vector<double> norm, sum;  // each reference's length and pixel sum before scaling (for the [-1, 1] cosine)
  double angle(int k) const;
  static const LineReference& shared();
};

// For each column of `images` (1024, n): the angle of the closest reference line and the cosine
// distance 1 - cos to it. A blank image is as far from every line as an orthogonal one: distance 1.
// With `paper_angle` and `paper_distance` also the same on the authors' scale: images and
// references mapped by 2x - 1 (a blank image then lies near every line). A set `cancel` (a worker
// whose app is closing) stops it between chunks of 256 images; what it returns is then incomplete.
void closest_lines(const LineReference& ref, ConstMatRef images, std::vector<double>& angle,
                   std::vector<double>& distance, std::vector<double>* paper_angle = nullptr,
                   std::vector<double>* paper_distance = nullptr, const std::atomic<bool>* cancel = nullptr);

// Smoothness of one interpolation from its matched angles (S >= 3): unwrapped, then
// max |a[i+1] - a[i]| / |a[S-1] - a[0]| - 1/(S-1). Returns false (the pair is skipped, as the
// paper does) when the ends are closer than 1e-4 rad.
bool line_smoothness(const std::vector<double>& angles, double* out);

// The ideal interpolation: the angles of `steps` true lines from a to b along the shorter arc.
std::vector<double> ideal_line_angles(double a, double b, int steps);

struct LinesScore {
  double mean_distance = 0;  // over every interpolant
  double smoothness = 0;     // over the pairs not skipped
  int pairs = 0, skipped = 0;
  // The authors' scale (see the top): matched on [-1, 1]; Smoothness averaged over all pairs, a
  // skipped one counting 0.
  double paper_mean_distance = 0, paper_smoothness = 0;
};
// Linear interpolation of the codes (a VAE's means) between `pairs` random held-out pairs, `steps`
// points each with the ends, decoded and matched. `data` must be the lines set (32x32, one channel).
LinesScore lines_score(const Network& net, const Dataset& data, int pairs, int steps, uint64_t seed,
                       const std::atomic<bool>* cancel = nullptr);
// The same metrics of images already decoded: one interpolation per block of `steps` columns.
LinesScore lines_score_images(ConstMatRef images, int steps, const std::atomic<bool>* cancel = nullptr);

// Is `data` the lines set (the metrics apply)?
bool is_lines_dataset(const Dataset& data);
