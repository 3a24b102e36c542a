// Leave-one-out kNN accuracy of labels on a 2-D map. See label_separation.h.
#include "measure/label_separation.h"

#include <algorithm>
#include <vector>

double knn_label_accuracy(const float* xy, const int* labels, int n, int k) {
  std::vector<int> labelled;
  for (int i = 0; i < n; ++i)
    if (labels[i] >= 0) labelled.push_back(i);
  const int m = static_cast<int>(labelled.size());
  if (k < 1 || m < k + 1) return 0.0;
  std::vector<std::pair<float, int>> nearest(k);  // (squared distance, label), sorted nearest first
  int right = 0;
  for (int a = 0; a < m; ++a) {
    const int i = labelled[a];
    int found = 0;
    for (int b = 0; b < m; ++b) {
      if (b == a) continue;
      const int j = labelled[b];
      const float dx = xy[2 * i] - xy[2 * j], dy = xy[2 * i + 1] - xy[2 * j + 1];
      const float d = dx * dx + dy * dy;
      if (found == k && d >= nearest[k - 1].first) continue;
      int at = found < k ? found++ : k - 1;  // insertion sort into the k nearest
      while (at > 0 && nearest[at - 1].first > d) {
        nearest[at] = nearest[at - 1];
        --at;
      }
      nearest[at] = {d, labels[j]};
    }
    // Majority vote; among tied labels the one whose nearest member comes first.
    int best_label = nearest[0].second, best_votes = 0;
    for (int c = 0; c < k; ++c) {
      int votes = 0;
      for (int e = 0; e < k; ++e) votes += nearest[e].second == nearest[c].second;
      if (votes > best_votes) best_votes = votes, best_label = nearest[c].second;
    }
    right += best_label == labels[i];
  }
  return static_cast<double>(right) / m;
}
