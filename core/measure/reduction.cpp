// Reduction figures: see reduction.h.
#include "measure/reduction.h"

#include <algorithm>
#include <cmath>

#include "measure/knn_accuracy.h"
#include "measure/linear_probe.h"
#include "measure/trustworthiness.h"

namespace {

std::vector<int> split_labels(const Dataset& data, int first, int n) {
  std::vector<int> out(n, -1);
  if (int(data.labels.size()) >= first + n) std::copy_n(data.labels.begin() + first, n, out.begin());
  return out;
}

}  // namespace

double psnr_from_mse(double mse) { return 10.0 * std::log10(1.0 / std::max(mse, 1e-12)); }

Mat dataset_train_matrix(const Dataset& data) {
  Mat x(data.features(), data.train_count);
  if (data.train_count > 0) data.copy_range(0, data.train_count, x);
  return x;
}

Mat dataset_held_matrix(const Dataset& data) {
  Mat x(data.features(), data.test_count());
  if (data.test_count() > 0) data.copy_range(data.train_count, data.test_count(), x);
  return x;
}

void network_codes(const Network& net, ConstMatRef x, Mat& codes) {
  InferenceWorkspace ws;
  codes.resize(net.config.latent, x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += 512) {
    const Eigen::Index take = std::min<Eigen::Index>(512, x.cols() - start);
    network_encode(net, x.middleCols(start, take), codes.middleCols(start, take), ws);
  }
}

ReductionFigures reduction_figures(const Dataset& data, ConstMatRef train_codes, ConstMatRef held_x,
                                   ConstMatRef held_codes, ConstMatRef held_recon) {
  ReductionFigures f;
  const int m = static_cast<int>(held_x.cols());
  f.recon_error = m > 0 ? double((held_recon - held_x).squaredNorm()) / (double(m) * held_x.rows()) : std::nan("");
  f.psnr = psnr_from_mse(f.recon_error);
  const std::vector<int> train_labels = split_labels(data, 0, data.train_count);
  const std::vector<int> held_labels = split_labels(data, data.train_count, m);
  f.knn_accuracy = knn_accuracy(train_codes, train_labels, held_codes, held_labels, kKnnNeighbours);
  const int t = std::min(m, kTrustworthinessSamples);
  f.trustworthiness = trustworthiness(held_x.leftCols(t), held_codes.leftCols(t), kTrustworthinessNeighbours);
  f.linear_probe_accuracy = linear_probe_accuracy(train_codes, train_labels, held_codes, held_labels);
  return f;
}

ReductionFigures reduction_figures_network(const Network& net, const Dataset& data) {
  const Mat train = dataset_train_matrix(data), held = dataset_held_matrix(data);
  Mat train_codes, held_codes;
  network_codes(net, train, train_codes);
  network_codes(net, held, held_codes);
  Mat recon(held.rows(), held.cols());
  InferenceWorkspace ws;
  for (Eigen::Index start = 0; start < held.cols(); start += 512) {
    const Eigen::Index take = std::min<Eigen::Index>(512, held.cols() - start);
    network_decode(net, held_codes.middleCols(start, take), recon.middleCols(start, take), ws);
  }
  ReductionFigures f = reduction_figures(data, train_codes, held, held_codes, recon);
  const Mat w = linear_decoder_weights(net);
  if (w.size() > 0 && w.cols() <= train.rows() && train.cols() > 0)
    f.pca_angle_degrees = largest_principal_angle(w, pca_fit(train, static_cast<int>(w.cols())).components);
  return f;
}

ReductionFigures reduction_figures_pca(const Pca& pca, const Dataset& data) {
  const Mat train = dataset_train_matrix(data), held = dataset_held_matrix(data);
  Mat train_codes(pca.size(), train.cols()), held_codes(pca.size(), held.cols()), recon(held.rows(), held.cols());
  pca_project(pca, train, train_codes);
  pca_project(pca, held, held_codes);
  pca_reconstruct(pca, held_codes, recon);
  return reduction_figures(data, train_codes, held, held_codes, recon);
}

double linear_probe_raw(const Dataset& data) {
  return linear_probe_accuracy(dataset_train_matrix(data), split_labels(data, 0, data.train_count),
                               dataset_held_matrix(data), split_labels(data, data.train_count, data.test_count()));
}
