// Pca: see pca.h.
#include "measure/pca.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <string>

#include "io/errors.h"

Pca pca_fit(ConstMatRef x, int k) {
  const Eigen::Index d = x.rows(), n = x.cols();
  if (n < 1 || d < 1) throw InputError("pca: no samples to fit");
  if (k < 1 || k > d)
    throw InputError("pca: " + std::to_string(k) + " components asked of " + std::to_string(d) + " features");
  Pca p;
  const Eigen::VectorXd mean = x.cast<double>().rowwise().mean();
  // Accumulated in chunks so that a large training set never needs a double copy of itself.
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);  // (features, features)
  Eigen::MatrixXd centred;                            // (features, chunk)
  for (Eigen::Index start = 0; start < n; start += 1024) {
    const Eigen::Index take = std::min<Eigen::Index>(1024, n - start);
    centred = x.middleCols(start, take).cast<double>().colwise() - mean;
    cov.selfadjointView<Eigen::Lower>().rankUpdate(centred);
  }
  cov = cov.selfadjointView<Eigen::Lower>();
  cov /= double(n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
  if (eig.info() != Eigen::Success) throw InputError("pca: the eigen-decomposition did not converge");
  // Eigen returns ascending eigenvalues: the leading components are the last columns.
  p.mean = mean.cast<float>();
  p.components.resize(d, k);
  p.variances.resize(k);
  for (int j = 0; j < k; ++j) {
    Eigen::VectorXd v = eig.eigenvectors().col(d - 1 - j);
    Eigen::Index at = 0;
    v.cwiseAbs().maxCoeff(&at);
    if (v[at] < 0) v = -v;
    p.components.col(j) = v.cast<float>();
    p.variances[j] = static_cast<float>(std::max(0.0, eig.eigenvalues()[d - 1 - j]));
  }
  p.total_variance = cov.trace();
  return p;
}

void pca_project(const Pca& p, ConstMatRef x, MatRef codes) {
  codes.noalias() = p.components.transpose() * (x.colwise() - p.mean);
}

void pca_reconstruct(const Pca& p, ConstMatRef codes, MatRef out) {
  out.noalias() = p.components * codes;
  out.colwise() += p.mean;
}

Network pca_network(const Pca& p) {
  ModelConfig c;
  c.kind = ModelKind::Plain;
  c.input_size = static_cast<int>(p.mean.size());
  c.hidden = {};
  c.latent = p.size();
  c.activation = Activation::Identity;
  c.loss = OutputLoss::MSE;
  Network net = Network::create(c);
  // No hidden layer: the encoder and the decoder are one dense layer each, and with MSE the output
  // is linear, so the network is exactly the projection and the linear reconstruction.
  const DenseShape& enc = net.encoder.front().dense;
  const DenseShape& dec = net.decoder.front().dense;
  Eigen::Map<Mat>(net.params.data() + enc.weight_offset, enc.out, enc.in) = p.components.transpose();
  Eigen::Map<Vec>(net.params.data() + enc.bias_offset, enc.out) = -(p.components.transpose() * p.mean);
  Eigen::Map<Mat>(net.params.data() + dec.weight_offset, dec.out, dec.in) = p.components;
  Eigen::Map<Vec>(net.params.data() + dec.bias_offset, dec.out) = p.mean;
  return net;
}

Mat linear_decoder_weights(const Network& net) {
  const ModelConfig& c = net.config;
  const bool linear = c.arch == Architecture::Mlp && c.hidden.empty() && c.loss == OutputLoss::MSE &&
                      !model_kind_info(c.kind).variational && net.encoder.size() == 1 && net.decoder.size() == 1 &&
                      net.encoder[0].kind == LayerKind::Dense && net.decoder[0].kind == LayerKind::Dense;
  if (!linear) return Mat();
  const DenseShape& dec = net.decoder[0].dense;
  return Eigen::Map<const Mat>(net.params.data() + dec.weight_offset, dec.out, dec.in);
}

double largest_principal_angle(ConstMatRef a, ConstMatRef b) {
  if (a.rows() != b.rows() || a.cols() < 1 || b.cols() < 1) return std::nan("");
  // Orthonormal bases of both column spaces; the singular values of Qa^T Qb are the cosines of the
  // principal angles, the smallest one the cosine of the largest angle.
  const Eigen::MatrixXd qa = Eigen::HouseholderQR<Eigen::MatrixXd>(a.cast<double>()).householderQ() *
                             Eigen::MatrixXd::Identity(a.rows(), a.cols());
  const Eigen::MatrixXd qb = Eigen::HouseholderQR<Eigen::MatrixXd>(b.cast<double>()).householderQ() *
                             Eigen::MatrixXd::Identity(b.rows(), b.cols());
  const Eigen::VectorXd s = Eigen::JacobiSVD<Eigen::MatrixXd>(qa.transpose() * qb).singularValues();
  const double smallest = std::clamp(s.minCoeff(), 0.0, 1.0);
  return std::acos(smallest) * 180.0 / M_PI;
}
