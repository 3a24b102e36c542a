// Pca: see pca.h.
#include "measure/pca.h"

#include <Eigen/Eigenvalues>
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
