// The Mutual Information Gap (see mig.h).
#include "measure/mig.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

std::vector<int> mig_discretize(const float* values, int n, int stride, int bins, bool keep_discrete) {
  std::vector<int> out(size_t(n), 0);
  if (n == 0) return out;
  if (keep_discrete) {
    std::vector<float> distinct;
    for (int i = 0; i < n && int(distinct.size()) <= bins; ++i) {
      const float v = values[size_t(i) * size_t(stride)];
      if (std::find(distinct.begin(), distinct.end(), v) == distinct.end()) distinct.push_back(v);
    }
    if (int(distinct.size()) <= bins) {
      std::sort(distinct.begin(), distinct.end());
      for (int i = 0; i < n; ++i) {
        const float v = values[size_t(i) * size_t(stride)];
        out[size_t(i)] = int(std::lower_bound(distinct.begin(), distinct.end(), v) - distinct.begin());
      }
      return out;
    }
  }
  float lo = values[0], hi = values[0];
  for (int i = 1; i < n; ++i) {
    lo = std::min(lo, values[size_t(i) * size_t(stride)]);
    hi = std::max(hi, values[size_t(i) * size_t(stride)]);
  }
  if (!(hi > lo)) return out;  // constant (or NaN): one bin
  // numpy.histogram's edges and numpy.digitize on all but the last edge, as disentanglement_lib:
  // bin b holds [lo + b w, lo + (b + 1) w), the maximum goes to the last bin.
  const double width = (double(hi) - double(lo)) / bins;
  for (int i = 0; i < n; ++i) {
    const int b = int(std::floor((double(values[size_t(i) * size_t(stride)]) - lo) / width));
    out[size_t(i)] = std::clamp(b, 0, bins - 1);
  }
  return out;
}

double discrete_entropy(const std::vector<int>& a, int na) {
  std::vector<double> count(size_t(na), 0.0);
  for (int v : a) count[size_t(v)] += 1;
  const double n = double(a.size());
  double h = 0;
  for (double c : count)
    if (c > 0) h -= (c / n) * std::log(c / n);
  return h;
}

double discrete_mutual_information(const std::vector<int>& a, int na, const std::vector<int>& b, int nb) {
  const size_t n = a.size();
  if (n == 0 || b.size() != n) return 0;
  std::vector<double> joint(size_t(na) * size_t(nb), 0.0), pa(size_t(na), 0.0), pb(size_t(nb), 0.0);
  for (size_t i = 0; i < n; ++i) {
    joint[size_t(a[i]) * size_t(nb) + size_t(b[i])] += 1;
    pa[size_t(a[i])] += 1;
    pb[size_t(b[i])] += 1;
  }
  // sum p(a,b) log(p(a,b) / (p(a) p(b))) with counts: log(c n / (ca cb)).
  double mi = 0;
  const double dn = double(n);
  for (int i = 0; i < na; ++i)
    for (int j = 0; j < nb; ++j) {
      const double c = joint[size_t(i) * size_t(nb) + size_t(j)];
      if (c > 0) mi += (c / dn) * std::log(c * dn / (pa[size_t(i)] * pb[size_t(j)]));
    }
  return std::max(0.0, mi);  // rounding can leave -1e-17 for independent variables
}

Mig mig_compute(ConstMatRef codes, ConstMatRef factors, int bins) {
  if (codes.cols() != factors.cols()) throw std::invalid_argument("mig_compute: codes and factors differ in sample count");
  const int latent = int(codes.rows()), nf = int(factors.rows()), n = int(codes.cols());
  Mig m;
  m.mi = Eigen::MatrixXd::Zero(latent, nf);
  m.entropy.assign(size_t(nf), 0.0);
  m.gap.assign(size_t(nf), 0.0);
  m.best_dim.assign(size_t(nf), -1);
  if (n == 0) return m;
  std::vector<std::vector<int>> code_bins(static_cast<size_t>(latent)), factor_bins(static_cast<size_t>(nf));
  std::vector<int> factor_values(static_cast<size_t>(nf));
  for (int j = 0; j < latent; ++j) code_bins[size_t(j)] = mig_discretize(codes.data() + j, n, int(codes.outerStride()), bins, false);
  for (int k = 0; k < nf; ++k) {
    factor_bins[size_t(k)] = mig_discretize(factors.data() + k, n, int(factors.outerStride()), bins, true);
    factor_values[size_t(k)] = *std::max_element(factor_bins[size_t(k)].begin(), factor_bins[size_t(k)].end()) + 1;
  }
  int varying = 0;
  double sum = 0;
  for (int k = 0; k < nf; ++k) {
    const std::vector<int>& f = factor_bins[size_t(k)];
    m.entropy[size_t(k)] = discrete_entropy(f, factor_values[size_t(k)]);
    double top = 0, second = 0;
    for (int j = 0; j < latent; ++j) {
      const double mi = discrete_mutual_information(code_bins[size_t(j)], bins, f, factor_values[size_t(k)]);
      m.mi(j, k) = mi;
      if (m.best_dim[size_t(k)] < 0 || mi > top) {
        second = std::max(second, top);
        top = mi;
        m.best_dim[size_t(k)] = j;
      } else {
        second = std::max(second, mi);
      }
    }
    if (m.entropy[size_t(k)] <= 0) continue;
    m.gap[size_t(k)] = (top - second) / m.entropy[size_t(k)];
    sum += m.gap[size_t(k)];
    ++varying;
  }
  m.mig = varying > 0 ? sum / varying : 0;
  return m;
}
