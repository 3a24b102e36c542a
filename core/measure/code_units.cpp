// Code units' order and favourite inputs (code_units.h).
#include "measure/code_units.h"

#include <algorithm>
#include <numeric>

#include "io/errors.h"

void code_unit_order(const std::vector<double>& unit_mean, std::vector<int>& order) {
  order.resize(unit_mean.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return unit_mean[size_t(a)] > unit_mean[size_t(b)]; });
}

void code_unit_favourites(ConstMatRef code, ConstMatRef x, int k, Mat& out) {
  const int n = int(code.cols());
  if (n == 0 || x.cols() != n) throw InputError("code_unit_favourites: code and inputs must describe the same samples");
  k = std::max(1, std::min(k, n));
  if (out.rows() != x.rows() || out.cols() != code.rows()) out.resize(x.rows(), code.rows());
  std::vector<int> idx(static_cast<size_t>(n));
  for (Eigen::Index j = 0; j < code.rows(); ++j) {
    std::iota(idx.begin(), idx.end(), 0);
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                      [&](int a, int b) { return code(j, a) > code(j, b); });
    out.col(j).setZero();
    for (int t = 0; t < k; ++t) out.col(j) += x.col(idx[size_t(t)]);
    out.col(j) /= float(k);
  }
}
