// CodeDensity: see code_density.h.
#include "measure/code_density.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "io/errors.h"

void CodeDensity::set_codes(ConstMatRef train_codes, int k_) {
  if (train_codes.cols() < 1 || train_codes.rows() < 1) throw InputError("code density: no training codes");
  if (k_ < 1) throw InputError("code density: k must be at least 1");
  center = train_codes.rowwise().mean();
  codes = train_codes.colwise() - center;
  sq_norms = codes.colwise().squaredNorm().transpose();
  k = std::min<int>(k_, static_cast<int>(codes.cols()));
  unit = 1;
}

void CodeDensity::kth_distance(ConstMatRef z, float* out, bool skip_self) {
  const Eigen::Index q = z.cols(), n = codes.cols();
  const int rank = std::min<int>(k + (skip_self ? 1 : 0), static_cast<int>(n));
  if (centred.rows() != z.rows() || centred.cols() < q) centred.resize(z.rows(), q);
  if (dots.rows() != n || dots.cols() < q) dots.resize(n, q);
  centred.leftCols(q) = z.colwise() - center;
  // ||c - z||² = ||c||² + ||z||² - 2 c·z, one matrix product for the batch.
  dots.leftCols(q).noalias() = codes.transpose() * centred.leftCols(q);
  // The `rank` smallest squared distances, kept sorted: one comparison rejects almost every code, so a
  // query costs about one pass over the codes (a full selection would sort-partition all of them).
  column.resize(rank);
  for (Eigen::Index j = 0; j < q; ++j) {
    const float zz = centred.col(j).squaredNorm();
    const float* dot = dots.col(j).data();
    int kept = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const float d = std::max(0.0f, sq_norms[i] + zz - 2 * dot[i]);
      if (kept == rank && d >= column[rank - 1]) continue;
      int at = kept < rank ? kept++ : rank - 1;
      while (at > 0 && column[at - 1] > d) {
        column[at] = column[at - 1];
        --at;
      }
      column[at] = d;
    }
    out[j] = std::sqrt(column[rank - 1]);
  }
}

void CodeDensity::calibrate(ConstMatRef held_codes, bool among_codes) {
  unit = 1;
  const Eigen::Index m = held_codes.cols();
  if (m < 1) return;
  std::vector<float> d(m);
  for (Eigen::Index start = 0; start < m; start += 256) {
    const Eigen::Index take = std::min<Eigen::Index>(256, m - start);
    kth_distance(held_codes.middleCols(start, take), d.data() + start, among_codes);
  }
  std::nth_element(d.begin(), d.begin() + m / 2, d.end());
  unit = std::max<double>(d[m / 2], std::numeric_limits<float>::min());
}

void CodeDensity::normalized_distance(ConstMatRef z, float* out) {
  kth_distance(z, out);
  const float inv = static_cast<float>(1.0 / unit);
  for (Eigen::Index j = 0; j < z.cols(); ++j) out[j] *= inv;
}
