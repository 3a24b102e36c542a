// Perturbations and the code's response (sensitivity.h).
#include "measure/sensitivity.h"

#include <cmath>

#include "io/errors.h"
#include "nn/rng.h"

namespace {
const ChoiceList kPerturbDirections = {
    "perturbation direction",
    {{"random", "Random", "a random direction (fixed seed): how the code reacts to noise"},
     {"toward", "Toward a sample",
      "toward another sample (the previous one selected, else a held-out sample of another label): a "
      "change that means something"}}};
}  // namespace

template <> const ChoiceList& choice_list<PerturbDirection>() { return kPerturbDirections; }

void perturbation(PerturbDirection direction, ConstMatRef x, ConstMatRef toward, float size, uint64_t seed,
                  Mat& delta) {
  const Eigen::Index f = x.rows();
  if (x.cols() != 1 || toward.rows() != f || toward.cols() != 1)
    throw InputError("perturbation: x and toward must be single samples of the same size");
  delta.resize(f, 1);
  double norm = 0;
  if (direction == PerturbDirection::TowardSample) {
    delta = toward - x;
    norm = delta.norm();
  }
  if (!(norm > 0)) {
    Rng rng(seed);
    for (Eigen::Index i = 0; i < f; ++i) delta(i, 0) = rng.normal();
    norm = delta.norm();
  }
  delta *= float(size * std::sqrt(double(f)) / norm);
}

CodeShift code_shift(const Network& net, ConstMatRef x, ConstMatRef delta, Mat& codes, InferenceWorkspace& ws) {
  if (x.rows() != net.config.input_size || x.cols() != 1 || delta.rows() != x.rows() || delta.cols() != 1)
    throw InputError("code_shift: x and delta must be single samples of the network's input size");
  Mat pair(x.rows(), 2);  // (features, 2) before, after
  pair.col(0) = x;
  pair.col(1) = x + delta;
  codes.resize(net.config.latent, 2);
  network_encode(net, pair, codes, ws);
  CodeShift s;
  s.input = delta.norm();
  s.shift = (codes.col(1) - codes.col(0)).norm();
  s.gain = s.input > 0 ? s.shift / s.input : 0;
  return s;
}

double code_spread(ConstMatRef codes) {
  if (codes.cols() < 2) return 0;
  const Vec mean = codes.rowwise().mean();
  return std::sqrt(double((codes.colwise() - mean).squaredNorm()) / double(codes.cols()));
}
