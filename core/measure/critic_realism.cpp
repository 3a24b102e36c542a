#include "measure/critic_realism.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "nn/layer_pass.h"

std::vector<double> critic_guesses(const Network& net, ConstMatRef images) {
  if (net.critic.empty()) throw std::invalid_argument("critic_guesses: the network has no critic");
  if (images.rows() != net.config.input_size)
    throw std::invalid_argument("critic_guesses: images have the wrong row count for this network");
  const int n = int(images.cols());
  std::vector<double> out(size_t(n), 0.0);
  if (n == 0) return out;
  LayersWorkspace<float> ws;
  layers_reserve(ws, net.critic, n, false);
  layers_forward<float>(ws, net.critic, images, net.params.data(), nullptr);
  const Eigen::Ref<const Mat> top = layers_output(ws).leftCols(n);
  for (int j = 0; j < n; ++j) out[size_t(j)] = double(top.col(j).mean());
  return out;
}

namespace {
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return v[i] < v[j]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * double(i + j);  // ties: the mean rank
    i = j + 1;
  }
  return r;
}
}  // namespace

double spearman_correlation(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2) throw std::invalid_argument("spearman_correlation: sizes");
  const std::vector<double> ra = ranks(a), rb = ranks(b);
  const double n = double(a.size()), mean = (n - 1) / 2;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) * (ra[i] - mean);
    sbb += (rb[i] - mean) * (rb[i] - mean);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}
