// Interpolation paths and their distance to the data. See interpolate.h.
#include "interpolate.h"

#include <algorithm>
#include <cmath>

#include "errors.h"

void interpolate_codes(const Vec& a, const Vec& b, int steps, PathKind kind, MatRef out) {
  const int frames = steps + 2;
  const double norm_a = a.norm(), norm_b = b.norm();
  double cos_angle = (norm_a > 0 && norm_b > 0) ? a.dot(b) / (norm_a * norm_b) : 1.0;
  cos_angle = std::clamp(cos_angle, -1.0, 1.0);
  const double angle = std::acos(cos_angle);
  // Nearly parallel (or zero) codes have no well-defined great circle: slerp degenerates to lerp.
  const bool use_slerp = kind == PathKind::Slerp && angle > 1e-4 && std::sin(angle) > 1e-6;
  for (int i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / (frames - 1);
    if (!use_slerp) {
      out.col(i) = ((1.0 - t) * a.cast<double>() + t * b.cast<double>()).cast<float>();
      continue;
    }
    const double wa = std::sin((1.0 - t) * angle) / std::sin(angle);
    const double wb = std::sin(t * angle) / std::sin(angle);
    Eigen::VectorXd direction = wa * a.cast<double>() / norm_a + wb * b.cast<double>() / norm_b;
    direction.normalize();
    out.col(i) = (direction * ((1.0 - t) * norm_a + t * norm_b)).cast<float>();
  }
}

DataDistance DataDistance::build(const Dataset& data, int max_reference, int calibration) {
  if (data.test_count() < 1)
    throw InputError(data.name + ": interpolation needs held-out samples to calibrate the distance to the data");
  if (data.train_count < 2) throw InputError(data.name + ": interpolation needs at least 2 training samples");
  DataDistance dd;
  const int n_ref = std::min(max_reference, data.train_count);
  std::vector<int> idx(n_ref);
  for (int i = 0; i < n_ref; ++i) idx[i] = static_cast<int>(static_cast<long long>(i) * data.train_count / n_ref);
  dd.reference.resize(data.features(), n_ref);
  data.gather(idx.data(), n_ref, dd.reference);
  dd.reference_sq_norms = dd.reference.colwise().squaredNorm().transpose();

  const int n_cal = std::min(calibration, data.test_count());
  std::vector<int> cal(n_cal);
  for (int i = 0; i < n_cal; ++i)
    cal[i] = data.train_count + static_cast<int>(static_cast<long long>(i) * data.test_count() / n_cal);
  Mat held_out(data.features(), n_cal);
  data.gather(cal.data(), n_cal, held_out);
  dd.typical_nn_distance = 1.0;
  std::vector<double> nn;
  dd.normalized_distance(held_out, nn);  // raw distances, since the scale is still 1
  std::sort(nn.begin(), nn.end());
  double median = nn[nn.size() / 2];
  dd.typical_nn_distance = median > 1e-12 ? median : 1.0;
  return dd;
}

void DataDistance::normalized_distance(ConstMatRef images, std::vector<double>& out) {
  const int k = static_cast<int>(images.cols());
  out.assign(k, 0.0);
  // ||x - r||^2 = ||x||^2 + ||r||^2 - 2 r.x, all references at once as one matrix product.
  dots.resize(reference.cols(), k);
  dots.noalias() = reference.transpose() * images;
  for (int j = 0; j < k; ++j) {
    const double x_sq = images.col(j).squaredNorm();
    double best = INFINITY;
    for (Eigen::Index r = 0; r < reference.cols(); ++r) {
      const double d = reference_sq_norms[r] - 2.0 * dots(r, j);
      best = std::min(best, d);
    }
    out[j] = std::sqrt(std::max(0.0, best + x_sq)) / typical_nn_distance;
  }
}

PathMeasure measure_path(const Network& net, const Vec& code_a, const Vec& code_b, int steps, PathKind kind,
                         DataDistance& data_distance, InferenceWorkspace& ws, Mat& frames) {
  const int latent = static_cast<int>(code_a.size());
  Mat codes(latent, steps + 3);  // the path, then the exact midpoint in the last column
  interpolate_codes(code_a, code_b, steps, kind, codes.leftCols(steps + 2));
  Mat midpoint_code(latent, 3);
  interpolate_codes(code_a, code_b, 1, kind, midpoint_code);
  codes.col(steps + 2) = midpoint_code.col(1);

  Mat decoded(net.config.input_size, steps + 3);
  network_decode(net, codes, decoded, ws);
  frames = decoded.leftCols(steps + 2);

  PathMeasure m;
  std::vector<double> dist;
  data_distance.normalized_distance(decoded, dist);
  m.distance.assign(dist.begin() + 1, dist.begin() + 1 + steps);  // interpolants only
  m.midpoint_distance = dist[steps + 2];
  m.endpoint_distance = 0.5 * (dist[0] + dist[steps + 1]);
  for (double d : m.distance) {
    m.mean_distance += d / steps;
    m.max_distance = std::max(m.max_distance, d);
  }
  for (int i = 0; i + 1 < steps + 2; ++i) {
    double change = (frames.col(i + 1) - frames.col(i)).norm() / data_distance.typical_nn_distance;
    m.smoothness = std::max(m.smoothness, change);
  }
  return m;
}

double prior_sample_distance(const Network& net, int count, Rng& rng, DataDistance& data_distance,
                             InferenceWorkspace& ws) {
  Mat z(net.config.latent, count), decoded(net.config.input_size, count);
  for (Eigen::Index i = 0; i < z.size(); ++i) z.data()[i] = rng.normal();
  network_decode(net, z, decoded, ws);
  std::vector<double> dist;
  data_distance.normalized_distance(decoded, dist);
  double mean = 0;
  for (double d : dist) mean += d / count;
  return mean;
}

std::vector<std::pair<int, int>> pick_pairs(const Dataset& data, int first, int n, int pairs, int label_rule,
                                            Rng& rng) {
  std::vector<std::pair<int, int>> out;
  if (n < 2) return out;
  // Bounded attempts: a request that the labels cannot satisfy ends instead of spinning.
  const long long max_attempts = 1000LL * pairs + 1000;
  for (long long attempt = 0; attempt < max_attempts && static_cast<int>(out.size()) < pairs; ++attempt) {
    int a = first + rng.below(n), b = first + rng.below(n);
    if (a == b) continue;
    const bool same = !data.labels.empty() && data.labels[a] == data.labels[b] && data.labels[a] >= 0;
    if (label_rule == kPairsSameLabel && !same) continue;
    if (label_rule == kPairsDifferentLabels && (same || data.labels.empty())) continue;
    out.emplace_back(a, b);
  }
  return out;
}
