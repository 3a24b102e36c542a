// trustworthiness: see trustworthiness.h.
#include "measure/trustworthiness.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace {

// (n, n) squared Euclidean distances between the columns of v.
Mat squared_distances(ConstMatRef v) {
  const Vec sq = v.colwise().squaredNorm().transpose();  // (n)
  Mat d(v.cols(), v.cols());
  d.noalias() = v.transpose() * v;
  d = (-2 * d).colwise() + sq;
  d.rowwise() += sq.transpose();
  return d.cwiseMax(0.0f);
}

}  // namespace

double trustworthiness(ConstMatRef x, ConstMatRef codes, int k) {
  const int n = static_cast<int>(std::min(x.cols(), codes.cols()));
  if (k < 1 || n < 2 * k + 2) return std::nan("");
  const Mat data_d = squared_distances(x.leftCols(n));    // (n, n)
  const Mat map_d = squared_distances(codes.leftCols(n));  // (n, n)
  // "a before b" in a row of distances: nearer, or as near with a smaller index.
  auto before = [](const float* row, int a, int b) { return row[a] < row[b] || (row[a] == row[b] && a < b); };
  std::vector<int> others(n - 1);
  double penalty = 0;
  for (int i = 0; i < n; ++i) {
    std::iota(others.begin(), others.begin() + i, 0);
    std::iota(others.begin() + i, others.end(), i + 1);
    const float* map_row = map_d.col(i).data();  // symmetric: column i is row i
    const float* data_row = data_d.col(i).data();
    std::partial_sort(others.begin(), others.begin() + k, others.end(),
                      [&](int a, int b) { return before(map_row, a, b); });
    for (int t = 0; t < k; ++t) {
      const int j = others[t];
      int rank = 1;  // j's rank among i's neighbours in the data
      for (int l = 0; l < n; ++l)
        if (l != i && l != j && before(data_row, l, j)) ++rank;
      if (rank > k) penalty += rank - k;
    }
  }
  return 1.0 - 2.0 / (double(n) * k * (2.0 * n - 3.0 * k - 1.0)) * penalty;
}
