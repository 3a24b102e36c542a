#include "measure/lines.h"

#include <algorithm>
#include <cmath>

#include "data/data_generated.h"
#include "measure/interpolate.h"

namespace {
constexpr double kTwoPi = 6.283185307179586;
constexpr int kPixels = kLineSide * kLineSide;
}  // namespace

double LineReference::angle(int k) const { return kTwoPi * k / kLineReferences; }

const LineReference& LineReference::shared() {
  static const LineReference ref = [] {
    LineReference r;
    r.unit.resize(kPixels, kLineReferences);
    for (int k = 0; k < kLineReferences; ++k) {
      draw_line_image(static_cast<float>(r.angle(k)), r.unit.col(k).data());
      r.unit.col(k).normalize();
    }
    return r;
  }();
  return ref;
}

void closest_lines(const LineReference& ref, ConstMatRef images, std::vector<double>& angle,
                   std::vector<double>& distance) {
  const Eigen::Index n = images.cols();
  angle.assign(size_t(n), 0.0);
  distance.assign(size_t(n), 1.0);
  constexpr Eigen::Index kChunk = 256;  // (references, chunk) floats at a time: 10 MB
  Mat cosines;
  for (Eigen::Index first = 0; first < n; first += kChunk) {
    const Eigen::Index m = std::min(kChunk, n - first);
    cosines.noalias() = ref.unit.transpose() * images.middleCols(first, m);  // (references, m)
    for (Eigen::Index j = 0; j < m; ++j) {
      const double norm = images.col(first + j).norm();
      if (!(norm > 0)) continue;  // blank: distance 1, angle 0
      Eigen::Index best = 0;
      const double top = cosines.col(j).maxCoeff(&best);
      angle[size_t(first + j)] = ref.angle(int(best));
      distance[size_t(first + j)] = std::max(0.0, 1.0 - top / norm);
    }
  }
}

bool line_smoothness(const std::vector<double>& angles, double* out) {
  const size_t s = angles.size();
  if (s < 3) return false;
  std::vector<double> unwrapped(angles);
  for (size_t i = 1; i < s; ++i) {
    double d = std::remainder(angles[i] - angles[i - 1], kTwoPi);  // in [-pi, pi]
    unwrapped[i] = unwrapped[i - 1] + d;
  }
  const double total = std::fabs(unwrapped[s - 1] - unwrapped[0]);
  if (total < 1e-4) return false;
  double largest = 0;
  for (size_t i = 1; i < s; ++i) largest = std::max(largest, std::fabs(unwrapped[i] - unwrapped[i - 1]));
  *out = largest / total - 1.0 / double(s - 1);
  return true;
}

std::vector<double> ideal_line_angles(double a, double b, int steps) {
  const double arc = std::remainder(b - a, kTwoPi);  // the shorter way round, signed
  std::vector<double> out(size_t(std::max(steps, 0)));
  for (int i = 0; i < steps; ++i) {
    const double t = steps > 1 ? double(i) / (steps - 1) : 0.0;
    double v = std::fmod(a + t * arc, kTwoPi);
    out[size_t(i)] = v < 0 ? v + kTwoPi : v;
  }
  return out;
}

LinesScore lines_score_images(ConstMatRef images, int steps) {
  LinesScore score;
  std::vector<double> angle, distance;
  closest_lines(LineReference::shared(), images, angle, distance);
  for (double d : distance) score.mean_distance += d;
  score.mean_distance /= std::max<double>(1, double(distance.size()));
  const int interpolations = steps > 0 ? int(images.cols()) / steps : 0;
  double sum = 0;
  for (int p = 0; p < interpolations; ++p) {
    const std::vector<double> one(angle.begin() + p * steps, angle.begin() + (p + 1) * steps);
    double s = 0;
    if (line_smoothness(one, &s)) {
      sum += s;
      ++score.pairs;
    } else {
      ++score.skipped;
    }
  }
  score.smoothness = score.pairs > 0 ? sum / score.pairs : std::nan("");
  return score;
}

LinesScore lines_score(const Network& net, const Dataset& data, int pairs, int steps, uint64_t seed) {
  const std::vector<std::pair<int, int>> chosen = verdict_pairs(data, seed, pairs, kPairsAny);
  const int latent = net.config.latent, n = int(chosen.size());
  std::vector<int> ends;
  for (const auto& p : chosen) ends.insert(ends.end(), {p.first, p.second});
  Mat x(data.features(), 2 * n), codes(latent, 2 * n);
  data.gather(ends.data(), 2 * n, x);
  InferenceWorkspace ws;
  network_encode(net, x, codes, ws);  // a VAE's means
  Mat path(latent, Eigen::Index(n) * steps);
  for (int p = 0; p < n; ++p)
    for (int i = 0; i < steps; ++i) {
      const float t = steps > 1 ? float(i) / float(steps - 1) : 0.0f;
      path.col(Eigen::Index(p) * steps + i) = (1 - t) * codes.col(2 * p) + t * codes.col(2 * p + 1);
    }
  Mat decoded(data.features(), path.cols());
  network_decode(net, path, decoded, ws);
  return lines_score_images(decoded, steps);
}

bool is_lines_dataset(const Dataset& data) {
  return data.name == "lines" && data.width == kLineSide && data.height == kLineSide && data.channels == 1;
}
