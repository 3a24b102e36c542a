// Rate-distortion curves: see rate_distortion.h.
#include "measure/rate_distortion.h"

#include <algorithm>

#include "measure/pca.h"
#include "measure/reduction.h"

std::vector<double> pca_psnr_curve(const Dataset& data, int max_k) {
  const Mat train = dataset_train_matrix(data), held = dataset_held_matrix(data);
  const int k = std::min({max_k, static_cast<int>(train.rows()), static_cast<int>(train.cols())});
  if (k < 1 || held.cols() == 0) return {};
  const Pca pca = pca_fit(train, k);
  Mat codes(k, held.cols());
  pca_project(pca, held, codes);
  double energy = 0;  // of the centred held-out samples
  for (Eigen::Index j = 0; j < held.cols(); ++j)
    energy += (held.col(j) - pca.mean).cast<double>().squaredNorm();
  const double count = double(held.cols()) * double(held.rows());
  std::vector<double> out(k);
  double kept = 0;
  for (int i = 0; i < k; ++i) {
    kept += codes.row(i).cast<double>().squaredNorm();
    out[i] = psnr_from_mse(std::max(energy - kept, 0.0) / count);
  }
  return out;
}

double network_held_psnr(const Network& net, const Dataset& data) {
  const Mat held = dataset_held_matrix(data);
  if (held.cols() == 0) return 0;
  Mat codes;
  network_codes(net, held, codes);
  Mat recon(held.rows(), held.cols());
  InferenceWorkspace ws;
  for (Eigen::Index start = 0; start < held.cols(); start += 512) {
    const Eigen::Index take = std::min<Eigen::Index>(512, held.cols() - start);
    network_decode(net, codes.middleCols(start, take), recon.middleCols(start, take), ws);
  }
  return psnr_from_mse(double((recon - held).squaredNorm()) / (double(held.cols()) * held.rows()));
}
