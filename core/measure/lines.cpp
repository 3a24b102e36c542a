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
    r.norm.resize(kLineReferences);
    r.sum.resize(kLineReferences);
    for (int k = 0; k < kLineReferences; ++k) {
      draw_line_image(static_cast<float>(r.angle(k)), r.unit.col(k).data());
      r.norm[size_t(k)] = double(r.unit.col(k).norm());
      r.sum[size_t(k)] = double(r.unit.col(k).sum());
      r.unit.col(k).normalize();
    }
    return r;
  }();
  return ref;
}

void closest_lines(const LineReference& ref, ConstMatRef images, std::vector<double>& angle,
                   std::vector<double>& distance, std::vector<double>* paper_angle,
                   std::vector<double>* paper_distance, const std::atomic<bool>* cancel) {
  const Eigen::Index n = images.cols();
  angle.assign(size_t(n), 0.0);
  distance.assign(size_t(n), 1.0);
  const bool paper = paper_angle && paper_distance;
  if (paper) {
    paper_angle->assign(size_t(n), 0.0);
    paper_distance->assign(size_t(n), 1.0);
  }
  constexpr Eigen::Index kChunk = 256;  // (references, chunk) floats at a time: 10 MB
  Mat cosines;
  std::vector<double> paper_norm;  // |2r - 1| of each reference
  if (paper)
    for (int k = 0; k < kLineReferences; ++k) {
      const double nr = ref.norm[size_t(k)], sr = ref.sum[size_t(k)];
      paper_norm.push_back(std::sqrt(std::max(1e-30, 4 * nr * nr - 4 * sr + double(kPixels))));
    }
  for (Eigen::Index first = 0; first < n; first += kChunk) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return;
    const Eigen::Index m = std::min(kChunk, n - first);
    cosines.noalias() = ref.unit.transpose() * images.middleCols(first, m);  // (references, m)
    for (Eigen::Index j = 0; j < m; ++j) {
      const double norm = images.col(first + j).norm();
      if (paper) {
        // (2x - 1).(2r - 1) = 4 x.r - 2 sum x - 2 sum r + D, |2x - 1|^2 = 4 |x|^2 - 4 sum x + D.
        const double sx = double(images.col(first + j).sum()), D = double(kPixels);
        const double nx = std::sqrt(std::max(0.0, 4 * norm * norm - 4 * sx + D));
        double top = -2;
        int best = 0;
        for (int k = 0; k < kLineReferences; ++k) {
          const double nr = ref.norm[size_t(k)], sr = ref.sum[size_t(k)];
          const double dot = 4 * double(cosines(k, j)) * nr - 2 * sx - 2 * sr + D;
          const double c = dot / (nx * paper_norm[size_t(k)]);
          if (c > top) top = c, best = k;
        }
        if (nx > 0) {
          (*paper_angle)[size_t(first + j)] = ref.angle(best);
          (*paper_distance)[size_t(first + j)] = std::max(0.0, 1.0 - top);
        }
      }
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

LinesScore lines_score_images(ConstMatRef images, int steps, const std::atomic<bool>* cancel) {
  LinesScore score;
  std::vector<double> angle, distance, paper_angle, paper_distance;
  closest_lines(LineReference::shared(), images, angle, distance, &paper_angle, &paper_distance, cancel);
  const double count = std::max<double>(1, double(distance.size()));
  for (size_t i = 0; i < distance.size(); ++i) {
    score.mean_distance += distance[i] / count;
    score.paper_mean_distance += paper_distance[i] / count;
  }
  const int interpolations = steps > 0 ? int(images.cols()) / steps : 0;
  double sum = 0, paper_sum = 0;
  for (int p = 0; p < interpolations; ++p) {
    const std::vector<double> one(angle.begin() + p * steps, angle.begin() + (p + 1) * steps);
    double s = 0;
    if (line_smoothness(one, &s)) {
      sum += s;
      ++score.pairs;
    } else {
      ++score.skipped;
    }
    const std::vector<double> paper_one(paper_angle.begin() + p * steps, paper_angle.begin() + (p + 1) * steps);
    if (line_smoothness(paper_one, &s)) paper_sum += s;
  }
  score.smoothness = score.pairs > 0 ? sum / score.pairs : std::nan("");
  score.paper_smoothness = interpolations > 0 ? paper_sum / interpolations : std::nan("");
  return score;
}

LinesScore lines_score(const Network& net, const Dataset& data, int pairs, int steps, uint64_t seed,
                       const std::atomic<bool>* cancel) {
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
  return lines_score_images(decoded, steps, cancel);
}

bool is_lines_dataset(const Dataset& data) {
  return data.name == "lines" && data.width == kLineSide && data.height == kLineSide && data.channels == 1;
}
