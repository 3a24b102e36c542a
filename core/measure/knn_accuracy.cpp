// knn_accuracy: see knn_accuracy.h.
#include "measure/knn_accuracy.h"

#include <algorithm>
#include <cmath>
#include <utility>

double knn_accuracy(ConstMatRef train_codes, const std::vector<int>& train_labels, ConstMatRef held_codes,
                    const std::vector<int>& held_labels, int k) {
  // Only labelled training codes vote: keep their columns.
  std::vector<int> voters;
  for (int i = 0; i < int(train_labels.size()) && i < train_codes.cols(); ++i)
    if (train_labels[i] >= 0) voters.push_back(i);
  if (voters.empty() || k < 1) return std::nan("");
  const int n = int(voters.size());
  k = std::min(k, n);
  Mat codes(train_codes.rows(), n);  // (d, n) the labelled training codes
  std::vector<int> labels(n);
  int classes = 0;
  for (int i = 0; i < n; ++i) {
    codes.col(i) = train_codes.col(voters[i]);
    labels[i] = train_labels[voters[i]];
    classes = std::max(classes, labels[i] + 1);
  }
  const Vec sq = codes.colwise().squaredNorm().transpose();  // (n)
  const Eigen::Index m = std::min<Eigen::Index>(held_codes.cols(), Eigen::Index(held_labels.size()));
  Mat dots;                                                  // (n, chunk)
  std::vector<std::pair<float, int>> nearest;                // (k) squared distance, label; ascending
  std::vector<int> votes(classes);
  long right = 0, scored = 0;
  for (Eigen::Index start = 0; start < m; start += 256) {
    const Eigen::Index take = std::min<Eigen::Index>(256, m - start);
    dots.noalias() = codes.transpose() * held_codes.middleCols(start, take);
    for (Eigen::Index q = 0; q < take; ++q) {
      const int truth = held_labels[start + q];
      if (truth < 0) continue;
      const float zz = held_codes.col(start + q).squaredNorm();
      nearest.clear();
      for (int i = 0; i < n; ++i) {
        const float d = sq[i] + zz - 2 * dots(i, q);
        if (int(nearest.size()) == k && d >= nearest.back().first) continue;
        if (int(nearest.size()) == k) nearest.pop_back();
        nearest.insert(std::upper_bound(nearest.begin(), nearest.end(), std::make_pair(d, labels[i]),
                                        [](const auto& a, const auto& b) { return a.first < b.first; }),
                       {d, labels[i]});
      }
      std::fill(votes.begin(), votes.end(), 0);
      int best = nearest[0].second;
      for (const auto& nb : nearest) ++votes[nb.second];
      for (const auto& nb : nearest)  // nearest first: the first label with the most votes wins a tie
        if (votes[nb.second] > votes[best]) best = nb.second;
      right += best == truth;
      ++scored;
    }
  }
  return scored > 0 ? double(right) / double(scored) : std::nan("");
}
