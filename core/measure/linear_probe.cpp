// linear_probe_accuracy: see linear_probe.h.
#include "measure/linear_probe.h"

#include <algorithm>
#include <cmath>

#include "nn/rng.h"

double linear_probe_accuracy(ConstMatRef train_codes, const std::vector<int>& train_labels, ConstMatRef held_codes,
                             const std::vector<int>& held_labels, const LinearProbeOptions& o) {
  std::vector<int> rows;  // the labelled training samples
  int classes = 0;
  for (int i = 0; i < int(train_labels.size()) && i < train_codes.cols(); ++i)
    if (train_labels[i] >= 0) {
      rows.push_back(i);
      classes = std::max(classes, train_labels[i] + 1);
    }
  if (rows.empty() || classes < 2) return std::nan("");
  const Eigen::Index d = train_codes.rows();
  const int n = int(rows.size());
  // Standardise with the training codes' statistics.
  Mat x(d, n);  // (d, n)
  for (int i = 0; i < n; ++i) x.col(i) = train_codes.col(rows[i]);
  const Vec mean = x.rowwise().mean();
  x.colwise() -= mean;
  Vec inv_std = (x.array().square().rowwise().sum() / float(n)).sqrt().matrix();
  for (Eigen::Index r = 0; r < d; ++r) inv_std[r] = inv_std[r] > 1e-6f ? 1.0f / inv_std[r] : 1.0f;
  x = inv_std.asDiagonal() * x;

  Mat w = Mat::Zero(classes, d), m_w = w, v_w = w;  // (classes, d) weights and Adam's moments
  Vec b = Vec::Zero(classes), m_b = b, v_b = b;     // (classes)
  Mat xb(d, o.batch), logits(classes, o.batch), dw(classes, d);
  Vec db(classes);
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  Rng rng(o.seed);
  const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
  int64_t t = 0;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    for (int i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    for (int first = 0; first < n; first += o.batch) {
      const int take = std::min(o.batch, n - first);
      for (int j = 0; j < take; ++j) xb.col(j) = x.col(order[first + j]);
      auto xs = xb.leftCols(take);
      auto z = logits.leftCols(take);
      z.noalias() = w * xs;
      z.colwise() += b;
      // softmax, then dlogits = (p - onehot) / take
      for (int j = 0; j < take; ++j) {
        const float top = z.col(j).maxCoeff();
        z.col(j) = (z.col(j).array() - top).exp().matrix();
        z.col(j) /= z.col(j).sum();
        z(train_labels[rows[order[first + j]]], j) -= 1.0f;
      }
      z /= float(take);
      dw.noalias() = z * xs.transpose();
      dw += o.weight_decay * w;
      db = z.rowwise().sum();
      // Adam (Kingma & Ba): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr m^/(sqrt(v^)+eps)
      ++t;
      const float c1 = 1.0f - std::pow(beta1, float(t)), c2 = 1.0f - std::pow(beta2, float(t));
      m_w = beta1 * m_w + (1 - beta1) * dw;
      v_w = beta2 * v_w + (1 - beta2) * dw.cwiseAbs2();
      w.array() -= o.lr * (m_w.array() / c1) / ((v_w.array() / c2).sqrt() + eps);
      m_b = beta1 * m_b + (1 - beta1) * db;
      v_b = beta2 * v_b + (1 - beta2) * db.cwiseAbs2();
      b.array() -= o.lr * (m_b.array() / c1) / ((v_b.array() / c2).sqrt() + eps);
    }
  }
  long right = 0, scored = 0;
  const Eigen::Index m = std::min<Eigen::Index>(held_codes.cols(), Eigen::Index(held_labels.size()));
  Vec xs(d), z(classes);
  for (Eigen::Index j = 0; j < m; ++j) {
    if (held_labels[j] < 0) continue;
    xs = inv_std.asDiagonal() * (held_codes.col(j) - mean);
    z.noalias() = w * xs;
    z += b;
    Eigen::Index best = 0;
    z.maxCoeff(&best);
    right += int(best) == held_labels[j];
    ++scored;
  }
  return scored > 0 ? double(right) / double(scored) : std::nan("");
}
