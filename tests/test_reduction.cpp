// Dimensionality reduction against PCA (core/measure/): PCA checked against a hand-worked 2x2 case,
// a power iteration and its own algebra (orthonormal components, descending variances, exact
// reconstruction with every component); trustworthiness at its two ends (an isometry, a shuffle);
// the k-NN accuracy and the linear probe on separable and on shuffled labels; and the claim the
// course makes: on the built-in digits an AE's 2-D codes beat PCA's 2-D projection on
// reconstruction error and on 5-NN accuracy (fixed seed, short training).
#include <doctest/doctest.h>
#include "test_quick.h"

#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "test_files.h"
#include "test_training.h"

#include <sys/wait.h>

#include "data/dataset.h"
#include "measure/knn_accuracy.h"
#include "measure/linear_probe.h"
#include "measure/pca.h"
#include "measure/rate_distortion.h"
#include "measure/reduction.h"
#include "measure/trustworthiness.h"
#include "models/model.h"
#include "nn/rng.h"
#include "train/trainer.h"

namespace {

// The number after "key": in a one-line JSON object; NaN if absent or null.
double json_value(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos || json.compare(at + key.size() + 3, 4, "null") == 0) return std::nan("");
  return std::stod(json.substr(at + key.size() + 3));
}

// n samples in `dims` features with a decaying spread per feature, rotated by a random orthogonal
// matrix so that no component lies on an axis.
Mat correlated_data(int dims, int n, uint64_t seed) {
  Rng rng(seed);
  Mat x(dims, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < dims; ++i) x(i, j) = rng.normal() * float(dims - i) + 0.5f * i;
  Mat r(dims, dims);
  for (int i = 0; i < dims * dims; ++i) r.data()[i] = rng.normal();
  const Eigen::HouseholderQR<Mat> qr(r);
  const Mat q = qr.householderQ();
  return q * x;
}

// A labelled set of `classes` Gaussian blobs in `dims` dimensions, centres `spread` apart.
void blobs(int classes, int per_class, int dims, float spread, uint64_t seed, Mat& x, std::vector<int>& labels) {
  Rng rng(seed);
  x.resize(dims, classes * per_class);
  labels.resize(classes * per_class);
  Mat centres(dims, classes);
  for (int i = 0; i < dims * classes; ++i) centres.data()[i] = rng.normal() * spread;
  for (int j = 0; j < classes * per_class; ++j) {
    labels[j] = j % classes;
    for (int i = 0; i < dims; ++i) x(i, j) = centres(i, labels[j]) + rng.normal();
  }
}

}  // namespace

TEST_CASE("pca: a 2x2 case by hand") {
  // Four points: +-2 u and +-1 v with u = (1, 1)/sqrt2, v = (1, -1)/sqrt2. Mean 0; the covariance
  // (1/4)(8 u u' + 2 v v') has eigenvalues 2 (along u) and 0.5 (along v).
  const float s = std::sqrt(0.5f);
  Mat x(2, 4);
  x << 2 * s, -2 * s, s, -s,
       2 * s, -2 * s, -s, s;
  const Pca p = pca_fit(x, 2);
  CHECK(p.mean.norm() < 1e-6f);
  CHECK(p.variances[0] == doctest::Approx(2.0));
  CHECK(p.variances[1] == doctest::Approx(0.5));
  CHECK(p.total_variance == doctest::Approx(2.5));
  CHECK(p.components(0, 0) == doctest::Approx(s));  // +u: the largest entry is made positive
  CHECK(p.components(1, 0) == doctest::Approx(s));
  CHECK(std::abs(p.components(0, 1)) == doctest::Approx(s));
  CHECK(p.components(0, 1) * p.components(1, 1) < 0);
  Mat codes(1, 4);
  const Pca one = pca_fit(x, 1);
  pca_project(one, x, codes);
  CHECK(codes(0, 0) == doctest::Approx(2.0));
  CHECK(codes(0, 2) == doctest::Approx(0.0).epsilon(1e-6));
}

TEST_CASE("pca: orthonormal, descending, exact with every component, the leading one a power iteration's") {
  const int dims = 12, n = 400;
  const Mat x = correlated_data(dims, n, 7);
  const Pca p = pca_fit(x, dims);
  const Mat gram = p.components.transpose() * p.components;
  CHECK((gram - Mat::Identity(dims, dims)).cwiseAbs().maxCoeff() < 1e-5f);
  for (int j = 1; j < dims; ++j) CHECK(p.variances[j] <= p.variances[j - 1]);
  CHECK(p.variances.cast<double>().sum() == doctest::Approx(p.total_variance).epsilon(1e-5));
  Mat codes(dims, n), back(dims, n);
  pca_project(p, x, codes);
  pca_reconstruct(p, codes, back);
  const float scale = x.cwiseAbs().maxCoeff();
  CHECK((back - x).cwiseAbs().maxCoeff() < 1e-4f * scale);
  // The codes' variance along each component is that component's eigenvalue.
  for (int j = 0; j < dims; ++j)
    CHECK(codes.row(j).squaredNorm() / n == doctest::Approx(p.variances[j]).epsilon(1e-3));

  // Power iteration on the covariance, in double, independently of Eigen's solver.
  const Eigen::MatrixXd xc = x.cast<double>().colwise() - x.cast<double>().rowwise().mean();
  const Eigen::MatrixXd cov = xc * xc.transpose() / n;
  Eigen::VectorXd v = Eigen::VectorXd::Ones(dims);
  for (int it = 0; it < 2000; ++it) v = (cov * v).normalized();
  CHECK(v.dot(cov * v) == doctest::Approx(p.variances[0]).epsilon(1e-4));
  CHECK(std::abs(v.dot(p.components.col(0).cast<double>())) > 0.9999);

  // Fewer components: the same leading ones, and the error left is the variance dropped.
  const Pca three = pca_fit(x, 3);
  CHECK((three.components - p.components.leftCols(3)).cwiseAbs().maxCoeff() < 1e-4f);
  Mat c3(3, n), b3(dims, n);
  pca_project(three, x, c3);
  pca_reconstruct(three, c3, b3);
  const double dropped = p.variances.tail(dims - 3).cast<double>().sum();
  CHECK((b3 - x).cast<double>().squaredNorm() / n == doctest::Approx(dropped).epsilon(1e-3));
}

TEST_CASE("trustworthiness: 1 for an isometric map, far lower for a shuffled one") {
  // 300 points on a 2-D plane inside 6-D: their 2-D plane coordinates are an isometric map.
  Rng rng(3);
  const int n = 300;
  Mat plane(2, n);
  for (int i = 0; i < 2 * n; ++i) plane.data()[i] = rng.normal();
  Mat basis(6, 2);
  for (int i = 0; i < 12; ++i) basis.data()[i] = rng.normal();
  const Eigen::HouseholderQR<Mat> qr(basis);
  const Mat q = Mat(qr.householderQ()).leftCols(2);
  const Mat x = (q * plane).colwise() + Vec::Constant(6, 3.0f);
  CHECK(trustworthiness(x, plane, 10) == doctest::Approx(1.0));
  std::vector<int> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  for (int i = n; i > 1; --i) std::swap(perm[i - 1], perm[rng.below(i)]);
  Mat shuffled(2, n);
  for (int i = 0; i < n; ++i) shuffled.col(i) = plane.col(perm[i]);
  const double t = trustworthiness(x, shuffled, 10);
  MESSAGE("shuffled map: trustworthiness " << t);
  CHECK(t < 0.7);
  // A squashed map (one axis dropped) lies in between.
  Mat squashed = plane;
  squashed.row(1).setZero();
  const double s = trustworthiness(x, squashed, 10);
  CHECK(s < 0.999);
  CHECK(s > t);
  CHECK(std::isnan(trustworthiness(x.leftCols(20), plane.leftCols(20), 10)));  // n < 2k + 2
}

TEST_CASE("knn accuracy and linear probe: separable blobs read right, shuffled labels at chance") {
  Mat train, held;
  std::vector<int> train_labels, held_labels;
  blobs(4, 200, 5, 8.0f, 11, train, train_labels);
  blobs(4, 50, 5, 8.0f, 11, held, held_labels);  // the same centres (same seed), fresh noise below
  Rng rng(12);
  for (int i = 0; i < held.size(); ++i) held.data()[i] += 0.3f * rng.normal();
  CHECK(knn_accuracy(train, train_labels, held, held_labels, 5) > 0.97);
  CHECK(linear_probe_accuracy(train, train_labels, held, held_labels) > 0.97);
  std::vector<int> shuffled = train_labels;
  for (int i = int(shuffled.size()); i > 1; --i) std::swap(shuffled[i - 1], shuffled[rng.below(i)]);
  const double knn_random = knn_accuracy(train, shuffled, held, held_labels, 5);
  const double probe_random = linear_probe_accuracy(train, shuffled, held, held_labels);
  MESSAGE("shuffled labels: knn " << knn_random << ", probe " << probe_random);
  CHECK(knn_random < 0.5);
  CHECK(probe_random < 0.5);
  // Unlabelled samples neither vote nor count.
  std::vector<int> none(held_labels.size(), -1);
  CHECK(std::isnan(knn_accuracy(train, train_labels, held, none, 5)));
  CHECK(std::isnan(linear_probe_accuracy(train, train_labels, held, none)));
}

TEST_CASE("digits: an AE's 2-D codes beat PCA's 2-D projection on reconstruction and 5-NN accuracy") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 6000;
  const Dataset data = load_dataset(spec);
  ModelConfig c;
  c.kind = ModelKind::Plain;
  c.hidden = {256};
  c.latent = 2;
  c.seed = 1;
  c.input_size = data.features();
  Model model(c, OptimizerConfig{});
  train_full_batches(data, budget(8, 1), 64, c.seed, [&](const Mat& x) { model.train_step(x); });  // test_quick.h
  const ReductionFigures ae = reduction_figures_network(model.network(), data);
  const ReductionFigures pca = reduction_figures_pca(pca_fit(dataset_train_matrix(data), 2), data);
  MESSAGE("AE  2-D: recon " << ae.recon_error << " knn " << ae.knn_accuracy << " trust " << ae.trustworthiness
                            << " probe " << ae.linear_probe_accuracy);
  MESSAGE("PCA 2-D: recon " << pca.recon_error << " knn " << pca.knn_accuracy << " trust " << pca.trustworthiness
                            << " probe " << pca.linear_probe_accuracy);
  CLAIM(ae.recon_error < 0.95 * pca.recon_error);
  CLAIM(ae.knn_accuracy > pca.knn_accuracy + 0.05);
  CLAIM(ae.trustworthiness > 0.5);
  CHECK(pca.trustworthiness > 0.5);
}

TEST_CASE("rate-distortion: PCA's curve from one fit is each size's direct reconstruction; a model's PSNR is reduction's") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 2000;
  const Dataset data = load_dataset(spec);
  const std::vector<double> curve = pca_psnr_curve(data, 64);
  REQUIRE(curve.size() == size_t(std::min(64, data.features())));
  for (size_t k = 1; k < curve.size(); ++k) CHECK(curve[k] >= curve[k - 1] - 1e-9);
  CHECK(curve.back() > curve.front() + 3);  // many components rebuild far better than one
  const Mat train = dataset_train_matrix(data);
  for (int k : {1, 2, 5, 16}) {
    const ReductionFigures direct = reduction_figures_pca(pca_fit(train, k), data);
    CHECK(std::abs(curve[k - 1] - direct.psnr) < 0.01);
  }
  ModelConfig c;
  c.kind = ModelKind::Plain;
  c.hidden = {32};
  c.latent = 3;
  c.seed = 2;
  c.input_size = data.features();
  const Network net = Network::create(c);
  CHECK(std::abs(network_held_psnr(net, data) - reduction_figures_network(net, data).psnr) < 1e-6);
  CHECK(pca_psnr_curve(data, 0).empty());
}

TEST_CASE("cli: reduce --json gives PCA the figures train --json gives a model; bad input is status 2") {
  const Run pca = run_latentlab("reduce --data digits --count 3000 --latent 3 --json", "test_reduction.stderr");
  REQUIRE(pca.status == 0);
  const Run model = run_latentlab("train --data digits --count 3000 --model ae --hidden 32 --latent 3 --epochs 1 --json",
                                  "test_reduction.stderr");
  REQUIRE(model.status == 0);
  for (const char* key : {"recon_error", "knn_accuracy", "trustworthiness", "linear_probe_accuracy"}) {
    CHECK(json_value(pca.out, key) > 0);
    CHECK(json_value(model.out, key) > 0);
  }
  CHECK(json_value(pca.out, "knn_accuracy") <= 1.0);
  CHECK(json_value(pca.out, "variance_kept") < 1.0);
  // The raw pixels' probe reads the digits far better than three principal components do.
  CHECK(json_value(pca.out, "raw_linear_probe_accuracy") > json_value(pca.out, "linear_probe_accuracy"));
  const Run bad = run_latentlab("reduce --data digits --latent 785", "test_reduction.stderr");
  CHECK(bad.status == 2);
  CHECK(bad.err.find("--latent") != std::string::npos);
  std::remove("test_reduction.stderr");
}

TEST_CASE("a linear autoencoder is PCA: pca_network is the projection, a trained linear AE finds PCA's plane") {
  DataSpec spec;
  spec.source = "digits";
  spec.count = 3000;
  const Dataset data = load_dataset(spec);
  const Mat train = dataset_train_matrix(data), held = dataset_held_matrix(data);
  const Pca pca = pca_fit(train, 2);

  // The network form of PCA encodes and decodes exactly as pca_project and pca_reconstruct.
  const Network pnet = pca_network(pca);
  Mat codes(2, held.cols()), codes_net(2, held.cols()), back(held.rows(), held.cols()), back_net(held.rows(), held.cols());
  pca_project(pca, held, codes);
  pca_reconstruct(pca, codes, back);
  InferenceWorkspace ws;
  network_encode(pnet, held, codes_net, ws);
  network_decode(pnet, codes, back_net, ws);
  CHECK((codes_net - codes).cwiseAbs().maxCoeff() < 1e-3f * (1 + codes.cwiseAbs().maxCoeff()));
  CHECK((back_net - back).cwiseAbs().maxCoeff() < 1e-4f);
  CHECK(largest_principal_angle(linear_decoder_weights(pnet), pca.components) < 0.01);

  // Principal angles: a basis mixed by an invertible map spans the same plane; an orthogonal one is 90 degrees away.
  Mat mix(2, 2);
  mix << 2, -1, 0.5f, 3;
  CHECK(largest_principal_angle(pca.components * mix, pca.components) < 0.01);
  const Pca four = pca_fit(train, 4);
  CHECK(largest_principal_angle(four.components.rightCols(2), pca.components) == doctest::Approx(90.0).epsilon(1e-3));

  // A linear AE (no hidden layer, MSE) trained by Adam: its decoder's plane starts far from PCA's and
  // ends close to it, as Baldi & Hornik's theorem says its optimum is. An AE with a hidden layer is
  // not a linear AE: linear_decoder_weights refuses it.
  ModelConfig c;
  c.kind = ModelKind::Plain;
  c.hidden = {};
  c.latent = 2;
  c.activation = Activation::Identity;
  c.loss = OutputLoss::MSE;
  c.init = InitKind::Xavier;
  c.seed = 1;
  c.input_size = data.features();
  OptimizerConfig opt;
  opt.lr = 3e-3f;
  Model model(c, opt);
  const double start = largest_principal_angle(linear_decoder_weights(model.network()), pca.components);
  // Slow: the digits' 2nd and 3rd principal variances are within a few percent
  // of each other, and the plane's second direction settles at the rate of that gap (many small steps:
  // 60 epochs of batch 16).
  train_full_batches(data, budget(60, 1), 16, c.seed, [&](const Mat& x) { model.train_step(x); });  // test_quick.h
  const ReductionFigures f = reduction_figures_network(model.network(), data);
  const double end = largest_principal_angle(linear_decoder_weights(model.network()), pca.components);
  MESSAGE("linear AE vs PCA: largest principal angle " << start << " deg at init, " << end << " deg trained ("
                                                        << f.pca_angle_degrees << " against the whole training split)");
  CHECK(start > 45);
  CLAIM(end < 20);
  CLAIM(f.pca_angle_degrees < 20);
  // And it reconstructs about as well as PCA (it cannot do better: PCA is the optimum).
  const ReductionFigures p = reduction_figures_pca(pca, data);
  CHECK(f.recon_error > 0.98 * p.recon_error);  // PCA is the optimum, at any length
  CLAIM(f.recon_error < 1.2 * p.recon_error);
  c.hidden = {16};
  CHECK(linear_decoder_weights(Network::create(c)).size() == 0);
}
