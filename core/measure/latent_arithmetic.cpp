// Latent arithmetic and the factor regressor that measures it (see latent_arithmetic.h).
#include "measure/latent_arithmetic.h"

#include <Eigen/Cholesky>
#include <stdexcept>

bool sample_in_group(const Dataset& d, const SampleGroup& g, int i) {
  if (i < 0 || i >= d.count) return false;
  if (g.label >= 0) return i < int(d.labels.size()) && d.labels[size_t(i)] == g.label;
  if (g.factor >= 0 && g.factor < d.factors.rows() && i < d.factors.cols()) {
    const float f = d.factors(g.factor, i);
    return f >= g.lo && f <= g.hi;
  }
  return false;
}

std::vector<int> samples_in_group(const Dataset& d, const SampleGroup& g, int first, int count) {
  std::vector<int> out;
  for (int i = first; i < first + count && i < d.count; ++i)
    if (sample_in_group(d, g, i)) out.push_back(i);
  return out;
}

Vec attribute_vector(ConstMatRef codes, const std::vector<int>& a, const std::vector<int>& b) {
  if (a.empty() || b.empty()) throw std::invalid_argument("attribute_vector: a group is empty");
  Eigen::VectorXd ma = Eigen::VectorXd::Zero(codes.rows()), mb = ma;
  for (int i : a) ma += codes.col(i).cast<double>();
  for (int i : b) mb += codes.col(i).cast<double>();
  return (ma / double(a.size()) - mb / double(b.size())).cast<float>();
}

void latent_arithmetic_decode(const Network& net, ConstMatRef codes, const Vec& v, float strength, MatRef out,
                              InferenceWorkspace& ws) {
  Mat z = codes;  // (latent, n)
  z.colwise() += strength * v;
  network_decode(net, z, out, ws);
}

FactorRegressor factor_regressor_fit(ConstMatRef x, const float* y, int stride, double ridge) {
  const Eigen::Index n = x.cols();
  // Centre both sides so the bias needs no penalty: w = (Xc Xc^T + ridge I)^-1 Xc yc.
  const Eigen::MatrixXd xd = x.cast<double>();
  const Eigen::VectorXd mean_x = xd.rowwise().mean();
  Eigen::VectorXd yd(n);
  for (Eigen::Index i = 0; i < n; ++i) yd(i) = y[size_t(i) * size_t(stride)];
  const double mean_y = n > 0 ? yd.mean() : 0.0;
  const Eigen::MatrixXd xc = xd.colwise() - mean_x;
  Eigen::MatrixXd gram = xc * xc.transpose();  // (f, f)
  gram.diagonal().array() += ridge;
  FactorRegressor r;
  r.w = gram.ldlt().solve(xc * (yd.array() - mean_y).matrix());
  r.b = mean_y - r.w.dot(mean_x);
  return r;
}

void factor_regressor_predict(const FactorRegressor& r, ConstMatRef x, std::vector<double>* out) {
  out->resize(size_t(x.cols()));
  const Eigen::VectorXd p = x.cast<double>().transpose() * r.w;
  for (Eigen::Index i = 0; i < x.cols(); ++i) (*out)[size_t(i)] = p(i) + r.b;
}
