// Interpolation between two codes, and a measure of whether each interpolant stays on the data:
// its pixel distance to the nearest training image, divided by the typical nearest-neighbour
// distance between real images (so 1.0 means "as close to the data as a real held-out image").
// This is the number behind the app's central lesson: an AE's midpoints fall into holes of its
// latent space, a VAE's decode to plausible blends.
//
// Over many pairs (the verdict): verdict_pairs picks the held-out pairs, measure_pair measures one
// model on one pair, pair_verdict counts in how many pairs the second model's interpolants are the
// closer and decides by a sign test whether that is more than chance; pair_verdict_text says it
// in one sentence. `latentlab interpolate` runs them all at once, the GUI a few pairs per frame:
// the same rule, the same numbers, the same sentence.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"
#include "nn/rng.h"

enum class PathKind { Linear, Slerp };
template <> const ChoiceList& choice_list<PathKind>();  // "linear", "slerp" (interpolate.cpp)

// Codes at t = 0, 1/(steps+1), ..., 1: out is (latent, steps + 2), endpoints included.
// Slerp interpolates the direction on the sphere and the norm linearly (a VAE's codes live on a
// shell of radius ~sqrt(latent) under the prior); it falls back to linear for parallel codes.
void interpolate_codes(const Vec& a, const Vec& b, int steps, PathKind kind, MatRef out);
// One point of that path at any t in [0, 1] into out (latent floats); allocates nothing, so a GUI
// can follow a slider along the path every frame.
void interpolate_code_at(const Vec& a, const Vec& b, double t, PathKind kind, float* out);

// What "the data" is for a distance, one rule for `latentlab interpolate` and the GUI (its
// interpolation view and hole map), so that both give the same verdict on the same models: up to
// kDistanceReference training images, evenly spread, and kDistanceCalibration held-out images to fix
// the unit. The reference is the GUI's size: every measured path costs a product with all of it, and
// a frame pays for one; the README compares the verdicts with those at twice as many.
constexpr int kDistanceReference = 5000;
constexpr int kDistanceCalibration = 500;

// Nearest-neighbour distances to a reference set of real images.
struct DataDistance {
  Mat reference;                 // (features, n) real training images
  Vec reference_sq_norms;        // (n)
  double typical_nn_distance = 1;  // median NN distance of held-out real images to `reference`
  Mat dots;                      // (n, batch) scratch for the distance product

  // Uses up to max_reference training images (evenly spread) and up to `calibration` held-out
  // images to fix typical_nn_distance. Throws InputError if the dataset has no held-out part.
  static DataDistance build(const Dataset& data, int max_reference, int calibration);
  // For each column of images (features, k): NN distance / typical_nn_distance. Allocates only
  // when k exceeds every earlier call's (out keeps its capacity, dots only grows).
  void normalized_distance(ConstMatRef images, std::vector<double>& out);
};

struct PathMeasure {
  std::vector<double> distance;  // per interpolant (endpoints excluded), normalised
  double mean_distance = 0, max_distance = 0;
  double midpoint_distance = 0;  // the decode at t = 0.5 exactly
  double smoothness = 0;         // largest L2 change between consecutive decoded frames, normalised
  double endpoint_distance = 0;  // mean of the two decoded endpoints (the model's reconstructions):
                                 // how far this model's decodes sit from the data even on real codes
};

// Decodes the path between two codes (steps interpolants, endpoints decoded too) into
// `frames` (features, steps + 2) and measures it.
PathMeasure measure_path(const Network& net, const Vec& code_a, const Vec& code_b, int steps, PathKind kind,
                         DataDistance& data_distance, InferenceWorkspace& ws, Mat& frames);

// The same measure in reusable buffers: once they have their size (the same net and steps),
// measuring a path again allocates nothing. The decoded path is ws.decoded.leftCols(steps + 2).
struct PathWorkspace {
  Mat codes;                      // (latent, steps + 3) the path, then the exact midpoint
  Mat decoded;                    // (features, steps + 3)
  std::vector<double> distance;   // (steps + 3) normalised distance of each decoded column
  InferenceWorkspace inference;
};
void measure_path(const Network& net, const Vec& code_a, const Vec& code_b, int steps, PathKind kind,
                  DataDistance& data_distance, PathWorkspace& ws, PathMeasure& out);

// Mean normalised distance to the data of decodes of `count` codes drawn from N(0, I): a VAE's
// prior is where its codes live; a plain AE was never asked to put its codes there.
double prior_sample_distance(const Network& net, int count, Rng& rng, DataDistance& data_distance,
                             InferenceWorkspace& ws);

// Endpoint pairs drawn with `rng` from samples [first, first + n): same label, different labels,
// or any. Returns fewer pairs only if the labels make the request impossible (e.g. one class).
std::vector<std::pair<int, int>> pick_pairs(const Dataset& data, int first, int n, int pairs, int label_rule,
                                            Rng& rng);
constexpr int kPairsAny = 0, kPairsSameLabel = 1, kPairsDifferentLabels = 2;

//-----------------------------------------------------------------------------
// Over many pairs: the verdict
//-----------------------------------------------------------------------------

constexpr int kVerdictPairs = 50;                // the GUI's default N
constexpr double kVerdictSignificance = 0.05;    // two-sided sign test: below it, not a tie

// The pairs a verdict is taken over: `count` held-out pairs (label_rule as in pick_pairs) from a
// generator seeded with `seed` (the --seed of `interpolate`, the GUI's model seed).
std::vector<std::pair<int, int>> verdict_pairs(const Dataset& data, uint64_t seed, int count, int label_rule);

// Encodes one pair's endpoints with `net` (mu for a VAE) and measures the path between them.
// Reuses ws: once sized, measuring another pair allocates nothing.
struct PairWorkspace {
  Mat ends_x, ends_code;  // (features, 2), (latent, 2)
  Vec a, b;               // (latent) the codes as measure_path takes them (a column would be a temporary)
  InferenceWorkspace encode;  // apart from the path's decode: each keeps its own sizes
  PathWorkspace path;
};
void measure_pair(const Network& net, const Dataset& data, std::pair<int, int> pair, int steps, PathKind kind,
                  DataDistance& data_distance, PairWorkspace& ws, PathMeasure& out);

// Two-sided sign test: the probability, if each pair were a fair coin, of a split at least as
// uneven as k of n.
double sign_test_p(int k, int n);

// Per pair, the mean distance of each model's interpolants; the second model is "closer" in a pair
// when its mean is lower (equal means count for neither, and leave the test).
struct PairVerdict {
  int pairs = 0;
  int second_closer = 0, first_closer = 0;
  double mean_distance[2] = {0, 0};  // over the pairs, of each pair's mean (the CLI's "interpolants")
  double sign_test_p = 1;
  int favoured = -1;  // 0 or 1: that model's interpolants are closer beyond chance; -1: a tie within noise
};
PairVerdict pair_verdict(const std::vector<double>& first_mean, const std::vector<double>& second_mean);
// "The VAE's interpolants are closer to the data in k of N pairs; mean distance AE a, VAE b." and,
// when that is not beyond chance, what it is instead. The names as the reader should see them.
std::string pair_verdict_text(const PairVerdict& v, const char* first_name, const char* second_name);
