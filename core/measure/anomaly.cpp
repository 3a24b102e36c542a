// Anomaly scores and the ROC curve: see anomaly.h.
#include "measure/anomaly.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "io/errors.h"
#include "io/file_input.h"

std::string anomaly_score_problem(const Network& net, AnomalyScore score) {
  const bool needs_kl = score == AnomalyScore::Elbo || score == AnomalyScore::Kl;
  if (needs_kl && !model_kind_info(net.config.kind).variational)
    return std::string("the ") + choice_name(score) + " score needs a variational model (--model vae), not " +
           model_kind_name(net.config.kind);
  return "";
}

void anomaly_scorer_init(AnomalyScorer& s, const Network& net, AnomalyScore score, ConstMatRef train_x) {
  const std::string problem = anomaly_score_problem(net, score);
  if (!problem.empty()) throw InputError("anomaly: " + problem);
  s.net = net;
  s.score = score;
  if (score != AnomalyScore::Nearest) return;
  Mat codes(net.config.latent, train_x.cols());  // (latent, n)
  InferenceWorkspace ws;
  for (Eigen::Index start = 0; start < train_x.cols(); start += 512) {
    const Eigen::Index take = std::min<Eigen::Index>(512, train_x.cols() - start);
    network_encode(net, train_x.middleCols(start, take), codes.middleCols(start, take), ws);
  }
  s.nearest.set_codes(codes, 1);
}

void anomaly_scores(AnomalyScorer& s, ConstMatRef x, std::vector<float>& out) {
  const Eigen::Index m = x.cols();
  out.assign(m, 0.0f);
  const bool variational = model_kind_info(s.net.config.kind).variational;
  const bool bce = s.net.config.loss == OutputLoss::BCE;
  InferenceWorkspace& ws = s.ws;
  Mat &code = s.code, &logvar = s.logvar, &recon = s.recon;
  for (Eigen::Index start = 0; start < m; start += 512) {
    const Eigen::Index take = std::min<Eigen::Index>(512, m - start);
    const auto xs = x.middleCols(start, take);
    code.resize(s.net.config.latent, take);
    network_encode(s.net, xs, code, ws, variational ? &logvar : nullptr);
    float* o = out.data() + start;
    if (s.score == AnomalyScore::Nearest) {
      s.nearest.kth_distance(code, o);
      continue;
    }
    if (s.score == AnomalyScore::Recon || s.score == AnomalyScore::Elbo) {
      recon.resize(xs.rows(), take);
      network_decode(s.net, code, recon, ws);
      for (Eigen::Index j = 0; j < take; ++j) {
        if (bce) {  // the decoder's sigmoid output, clamped as torch's binary_cross_entropy clamps its log
          const auto p = recon.col(j).array().max(1e-7f).min(1.0f - 1e-7f);
          o[j] = -(xs.col(j).array() * p.log() + (1.0f - xs.col(j).array()) * (1.0f - p).log()).sum();
        } else {
          o[j] = (recon.col(j) - xs.col(j)).squaredNorm();
        }
      }
    }
    if (s.score == AnomalyScore::Elbo || s.score == AnomalyScore::Kl) {
      // KL(N(mu, sigma^2) || N(0, I)) = -1/2 sum(1 + logvar - mu^2 - exp(logvar))
      for (Eigen::Index j = 0; j < take; ++j)
        o[j] += -0.5f * (1.0f + logvar.col(j).array() - code.col(j).array().square() - logvar.col(j).array().exp()).sum();
    }
  }
}

RocCurve roc_curve(const std::vector<float>& scores, const std::vector<bool>& positive) {
  RocCurve r;
  const size_t n = std::min(scores.size(), positive.size());
  const double pos = double(std::count(positive.begin(), positive.begin() + n, true)), neg = double(n) - pos;
  if (pos == 0 || neg == 0) {
    r.auc = std::nan("");
    return r;
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  r.fpr.push_back(0);
  r.tpr.push_back(0);
  double tp = 0, fp = 0, area = 0;
  for (size_t i = 0; i < n;) {
    // Every sample with this score crosses the threshold at once: one point, a trapezoid (the tie's half).
    size_t j = i;
    double dtp = 0, dfp = 0;
    for (; j < n && scores[order[j]] == scores[order[i]]; ++j) (positive[order[j]] ? dtp : dfp) += 1;
    area += dfp * (tp + dtp / 2);
    tp += dtp;
    fp += dfp;
    r.fpr.push_back(fp / neg);
    r.tpr.push_back(tp / pos);
    i = j;
  }
  r.auc = area / (pos * neg);
  return r;
}

//---- the hold-out policy ----------------------------------------------------------------------

std::string holdout_label_problem(const Dataset& d, int label) {
  const std::string name = printable_path(d.name);
  if (d.labels.empty() || *std::max_element(d.labels.begin(), d.labels.end()) < 0)
    return name + ": no labels; holding one out needs them (see --labels)";
  int held_k = 0;
  for (int i = d.train_count; i < d.count; ++i) held_k += d.labels[size_t(i)] == label;
  if (held_k == 0 || held_k == d.test_count())
    return name + ": the held-out split has " + std::to_string(held_k) + " samples of label " + std::to_string(label) +
           " out of " + std::to_string(d.test_count()) + "; the AUC needs both some and not all";
  if (holdout_training_samples(d, label).empty())
    return name + ": every training sample has label " + std::to_string(label) + "; nothing is left to train on";
  return "";
}

std::vector<int> holdout_training_samples(const Dataset& d, int label) {
  std::vector<int> keep;
  for (int i = 0; i < d.train_count; ++i)
    if (d.labels.empty() || d.labels[size_t(i)] != label) keep.push_back(i);
  return keep;
}

std::vector<bool> holdout_positives(const Dataset& d, int label) {
  std::vector<bool> positive(size_t(d.test_count()), false);
  if (d.labels.empty()) return positive;
  for (int i = 0; i < d.test_count(); ++i) positive[size_t(i)] = d.labels[size_t(d.train_count + i)] == label;
  return positive;
}

Dataset dataset_holding_out(const Dataset& d, int label) {
  const std::string problem = holdout_label_problem(d, label);
  if (!problem.empty()) throw InputError(problem);
  std::vector<int> order = holdout_training_samples(d, label);
  const int train = int(order.size());
  for (int i = d.train_count; i < d.count; ++i) order.push_back(i);
  Dataset out = d;
  if (!out.pixels.empty()) {
    const size_t f = size_t(d.features());
    out.pixels.resize(f * order.size());
    for (size_t j = 0; j < order.size(); ++j)
      std::copy_n(d.pixels.data() + size_t(order[j]) * f, f, out.pixels.data() + j * f);
  }
  if (d.values.size() > 0) {
    out.values.resize(d.values.rows(), Eigen::Index(order.size()));
    for (size_t j = 0; j < order.size(); ++j) out.values.col(Eigen::Index(j)) = d.values.col(order[j]);
  }
  if (d.factors.size() > 0) {
    out.factors.resize(d.factors.rows(), Eigen::Index(order.size()));
    for (size_t j = 0; j < order.size(); ++j) out.factors.col(Eigen::Index(j)) = d.factors.col(order[j]);
  }
  out.labels.resize(order.size());
  for (size_t j = 0; j < order.size(); ++j) out.labels[j] = d.labels[size_t(order[j])];
  out.count = int(order.size());
  out.train_count = train;
  out.split_rule = (d.split_rule.empty() ? std::string("") : d.split_rule + "; ") + "training samples of label " +
                   std::to_string(label) + " held out";
  return out;
}
