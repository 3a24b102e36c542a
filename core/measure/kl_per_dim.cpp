// KL per latent dimension (see kl_per_dim.h).
#include "measure/kl_per_dim.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <utility>

KlPerDim kl_per_dim_from_means(std::vector<double> kl) {
  KlPerDim r;
  r.kl = std::move(kl);
  for (double k : r.kl) {
    r.total += k;
    if (k > kActiveUnitNats) ++r.active_units;
  }
  r.collapsed = !r.kl.empty() && r.active_units == 0;
  return r;
}

void kl_per_dim_accumulate(ConstMatRef mu, ConstMatRef logvar, std::vector<double>& sum) {
  // KL(N(mu, s^2) || N(0, 1)) = (mu^2 + s^2 - 1 - log s^2) / 2 per sample and dimension, in double
  // so that a thousand small terms do not lose the ones that matter near the threshold.
  for (Eigen::Index j = 0; j < mu.rows() && j < Eigen::Index(sum.size()); ++j) {
    double acc = 0;
    for (Eigen::Index i = 0; i < mu.cols(); ++i) {
      const double m = mu(j, i), lv = logvar(j, i);
      acc += 0.5 * (m * m + std::exp(lv) - 1.0 - lv);
    }
    sum[size_t(j)] += acc;
  }
}

KlPerDim kl_per_dim_from_codes(ConstMatRef mu, ConstMatRef logvar) {
  const Eigen::Index n = mu.cols();
  if (n == 0) return KlPerDim{};  // nothing measured
  std::vector<double> kl(size_t(mu.rows()), 0.0);
  kl_per_dim_accumulate(mu, logvar, kl);
  for (double& k : kl) k /= double(n);
  return kl_per_dim_from_means(std::move(kl));
}

KlPerDim kl_per_dim(const Network& net, ConstMatRef x, InferenceWorkspace& ws) {
  const ModelConfig& c = net.config;
  if (!model_kind_info(c.kind).variational) return KlPerDim{};
  const int n = int(x.cols());
  Mat mu(c.latent, n), logvar(c.latent, n);  // (latent, n)
  constexpr int kChunk = 512;                // bounds the encoder's workspace
  Mat chunk_mu, chunk_lv;
  for (int first = 0; first < n; first += kChunk) {
    const int m = std::min(kChunk, n - first);
    chunk_mu.resize(c.latent, m);
    network_encode(net, x.middleCols(first, m), chunk_mu, ws, &chunk_lv);
    mu.middleCols(first, m) = chunk_mu;
    logvar.middleCols(first, m) = chunk_lv;
  }
  return kl_per_dim_from_codes(mu, logvar);
}

std::vector<int> kl_order(const std::vector<double>& kl) {
  std::vector<int> order(kl.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return kl[size_t(a)] > kl[size_t(b)]; });
  return order;
}

std::string posterior_collapse_advice(double beta) {
  char text[512];
  std::snprintf(text, sizeof text,
                "Posterior collapse: no latent dimension carries %.2g nats, so the decoder learns (almost) "
                "nothing from the input and draws about the average image. At beta %.3g the KL costs more than "
                "the information is worth: try a lower beta, or KL warm-up.",
                kActiveUnitNats, beta);
  return text;
}
