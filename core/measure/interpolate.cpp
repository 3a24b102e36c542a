// Interpolation paths and their distance to the data. See interpolate.h.
#include "measure/interpolate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "io/errors.h"

static const ChoiceList kPathKinds = {
    "path",
    {{"linear", "Linear", "the straight line between the two codes"},
     {"slerp", "Slerp", "a VAE's path along the sphere: direction by slerp, norm linear (the AE stays linear)"}}};
template <> const ChoiceList& choice_list<PathKind>() { return kPathKinds; }

void interpolate_code_at(const Vec& a, const Vec& b, double t, PathKind kind, float* out) {
  const Eigen::Index latent = a.size();
  const double norm_a = a.norm(), norm_b = b.norm();
  double cos_angle = (norm_a > 0 && norm_b > 0) ? a.dot(b) / (norm_a * norm_b) : 1.0;
  cos_angle = std::clamp(cos_angle, -1.0, 1.0);
  const double angle = std::acos(cos_angle);
  // Nearly parallel (or zero) codes have no well-defined great circle: slerp degenerates to lerp.
  const bool use_slerp = kind == PathKind::Slerp && angle > 1e-4 && std::sin(angle) > 1e-6;
  if (!use_slerp) {
    for (Eigen::Index i = 0; i < latent; ++i) out[i] = static_cast<float>((1.0 - t) * a[i] + t * b[i]);
    return;
  }
  // Direction along the great circle, then its norm ramped linearly from |a| to |b|.
  const double wa = std::sin((1.0 - t) * angle) / std::sin(angle) / norm_a;
  const double wb = std::sin(t * angle) / std::sin(angle) / norm_b;
  double direction_sq = 0;
  for (Eigen::Index i = 0; i < latent; ++i) {
    const double d = wa * a[i] + wb * b[i];
    direction_sq += d * d;
  }
  const double scale = ((1.0 - t) * norm_a + t * norm_b) / std::max(1e-300, std::sqrt(direction_sq));
  for (Eigen::Index i = 0; i < latent; ++i) out[i] = static_cast<float>((wa * a[i] + wb * b[i]) * scale);
}

void interpolate_codes(const Vec& a, const Vec& b, int steps, PathKind kind, MatRef out) {
  const int frames = steps + 2;
  for (int i = 0; i < frames; ++i)
    interpolate_code_at(a, b, static_cast<double>(i) / (frames - 1), kind, out.col(i).data());
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
  if (dots.rows() != reference.cols() || dots.cols() < k) dots.resize(reference.cols(), k);
  dots.leftCols(k).noalias() = reference.transpose() * images;
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

void measure_path(const Network& net, const Vec& code_a, const Vec& code_b, int steps, PathKind kind,
                  DataDistance& data_distance, PathWorkspace& ws, PathMeasure& m) {
  const int latent = static_cast<int>(code_a.size());
  if (ws.codes.rows() != latent || ws.codes.cols() != steps + 3) ws.codes.resize(latent, steps + 3);
  if (ws.decoded.rows() != net.config.input_size || ws.decoded.cols() != steps + 3)
    ws.decoded.resize(net.config.input_size, steps + 3);
  interpolate_codes(code_a, code_b, steps, kind, ws.codes.leftCols(steps + 2));
  interpolate_code_at(code_a, code_b, 0.5, kind, ws.codes.col(steps + 2).data());  // the exact midpoint
  network_decode(net, ws.codes, ws.decoded, ws.inference);

  const std::vector<double>& dist = ws.distance;
  data_distance.normalized_distance(ws.decoded, ws.distance);
  m.distance.assign(dist.begin() + 1, dist.begin() + 1 + steps);  // interpolants only
  m.midpoint_distance = dist[steps + 2];
  m.endpoint_distance = 0.5 * (dist[0] + dist[steps + 1]);
  m.mean_distance = m.max_distance = m.smoothness = 0;
  for (double d : m.distance) {
    m.mean_distance += d / steps;
    m.max_distance = std::max(m.max_distance, d);
  }
  for (int i = 0; i + 1 < steps + 2; ++i) {
    double change = (ws.decoded.col(i + 1) - ws.decoded.col(i)).norm() / data_distance.typical_nn_distance;
    m.smoothness = std::max(m.smoothness, change);
  }
}

PathMeasure measure_path(const Network& net, const Vec& code_a, const Vec& code_b, int steps, PathKind kind,
                         DataDistance& data_distance, InferenceWorkspace& ws, Mat& frames) {
  PathWorkspace path_ws;
  std::swap(path_ws.inference, ws);
  PathMeasure m;
  measure_path(net, code_a, code_b, steps, kind, data_distance, path_ws, m);
  std::swap(path_ws.inference, ws);
  frames = path_ws.decoded.leftCols(steps + 2);
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

std::vector<std::pair<int, int>> verdict_pairs(const Dataset& data, uint64_t seed, int count, int label_rule) {
  Rng rng(seed * 7919 + 17);
  return pick_pairs(data, data.train_count, data.test_count(), count, label_rule, rng);
}

void measure_pair(const Network& net, const Dataset& data, std::pair<int, int> pair, int steps, PathKind kind,
                  DataDistance& data_distance, PairWorkspace& ws, PathMeasure& out) {
  if (ws.ends_x.rows() != data.features()) ws.ends_x.resize(data.features(), 2);
  if (ws.ends_code.rows() != net.config.latent) ws.ends_code.resize(net.config.latent, 2);
  const int ends[2] = {pair.first, pair.second};
  data.gather(ends, 2, ws.ends_x);
  network_encode(net, ws.ends_x, ws.ends_code, ws.encode);
  ws.a = ws.ends_code.col(0);  // allocates only when the latent size changes
  ws.b = ws.ends_code.col(1);
  measure_path(net, ws.a, ws.b, steps, kind, data_distance, ws.path, out);
}

double sign_test_p(int k, int n) {
  if (n <= 0) return 1.0;
  const int far = std::max(k, n - k);  // the larger side; both tails by symmetry
  // P(X >= far) for X ~ Binomial(n, 1/2), summed in logs so that n in the thousands stays finite.
  double tail = 0;
  for (int i = far; i <= n; ++i)
    tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) - n * std::log(2.0));
  return std::min(1.0, 2.0 * tail);
}

PairVerdict pair_verdict(const std::vector<double>& first_mean, const std::vector<double>& second_mean) {
  PairVerdict v;
  v.pairs = static_cast<int>(std::min(first_mean.size(), second_mean.size()));
  for (int i = 0; i < v.pairs; ++i) {
    v.second_closer += second_mean[i] < first_mean[i];
    v.first_closer += first_mean[i] < second_mean[i];
    v.mean_distance[0] += first_mean[i] / v.pairs;
    v.mean_distance[1] += second_mean[i] / v.pairs;
  }
  v.sign_test_p = sign_test_p(v.second_closer, v.second_closer + v.first_closer);
  if (v.sign_test_p < kVerdictSignificance) v.favoured = v.second_closer > v.first_closer ? 1 : 0;
  return v;
}

std::string pair_verdict_text(const PairVerdict& v, const char* first_name, const char* second_name) {
  char buf[400];
  const int n = std::snprintf(buf, sizeof buf, "The %s's interpolants are closer to the data in %s%d of %d pairs",
                              second_name, v.favoured == 0 ? "only " : "", v.second_closer, v.pairs);
  std::string text(buf, static_cast<size_t>(std::max(0, n)));
  if (v.favoured == 0)
    std::snprintf(buf, sizeof buf, ": here the %s's are the closer (sign test p = %.2g)", first_name, v.sign_test_p);
  else if (v.favoured < 0)
    std::snprintf(buf, sizeof buf, ", a tie within noise (sign test p = %.2f)", v.sign_test_p);
  else
    buf[0] = '\0';
  text += buf;
  std::snprintf(buf, sizeof buf, "; mean distance %s %.2f, %s %.2f.", first_name, v.mean_distance[0], second_name,
                v.mean_distance[1]);
  return text + buf;
}
