// ProjectedDistance: see projected_distance.h.
#include "measure/projected_distance.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include "io/errors.h"
#include "nn/rng.h"

namespace {
constexpr int kOversample = 8;       // extra directions carried through the subspace iteration
constexpr int kSubspaceRounds = 4;   // each round multiplies by X Xᵀ: the top directions separate fast
constexpr int kMaxCandidates = 64;   // stage 1 keeps its candidates on the stack
}  // namespace

ProjectedDistance ProjectedDistance::build(const Dataset& data, int components, int max_reference, int candidates,
                                           int calibration, uint64_t seed) {
  if (data.test_count() < 1)
    throw InputError(data.name + ": the distance to the data needs held-out samples to fix its unit");
  if (data.train_count < 2) throw InputError(data.name + ": the distance to the data needs at least 2 training samples");
  const int features = data.features();
  const int n = std::min(max_reference, data.train_count);
  std::vector<int> idx(n);
  for (int i = 0; i < n; ++i) idx[i] = static_cast<int>(static_cast<long long>(i) * data.train_count / n);
  Mat x(features, n);  // (features, n) the reference images, centred below
  data.gather(idx.data(), n, x);

  ProjectedDistance pd;
  pd.images = x;
  pd.images_sq_norms = x.colwise().squaredNorm().transpose();
  pd.candidates = std::max(1, std::min({candidates, n, kMaxCandidates}));
  pd.best.assign(pd.candidates, 0);
  pd.mean = x.rowwise().mean();
  x.colwise() -= pd.mean;

  // Top principal directions of the centred references by subspace iteration: Q <- orth(X Xᵀ Q).
  const int k = std::max(1, std::min({components, features, n}));
  const int width = std::min(features, k + kOversample);
  Rng rng(seed);
  Mat q(features, width), xtq(n, width);
  for (Eigen::Index i = 0; i < q.size(); ++i) q.data()[i] = rng.normal();
  for (int round = 0; round < kSubspaceRounds; ++round) {
    xtq.noalias() = x.transpose() * q;
    q.noalias() = x * xtq;
    Eigen::HouseholderQR<Mat> qr(q);
    q = qr.householderQ() * Mat::Identity(features, width);
  }
  // Rayleigh-Ritz: the eigenvectors of Qᵀ X Xᵀ Q order the directions by variance.
  xtq.noalias() = x.transpose() * q;
  Mat small = xtq.transpose() * xtq;  // (width, width)
  Eigen::SelfAdjointEigenSolver<Mat> eig(small);
  Mat rotate = eig.eigenvectors().rowwise().reverse().leftCols(k);  // largest eigenvalues first
  pd.basis.noalias() = q * rotate;

  pd.reference.resize(k + 1, n);
  pd.reference.topRows(k).noalias() = pd.basis.transpose() * x;
  for (int j = 0; j < n; ++j)
    pd.reference(k, j) = std::sqrt(std::max(0.0f, x.col(j).squaredNorm() - pd.reference.col(j).head(k).squaredNorm()));
  pd.reference_sq_norms = pd.reference.colwise().squaredNorm().transpose();

  // The unit: held-out images' median NN distance, by this same measure.
  const int n_cal = std::min(calibration, data.test_count());
  std::vector<int> cal(n_cal);
  for (int i = 0; i < n_cal; ++i)
    cal[i] = data.train_count + static_cast<int>(static_cast<long long>(i) * data.test_count() / n_cal);
  Mat held_out(features, n_cal);
  data.gather(cal.data(), n_cal, held_out);
  std::vector<float> nn(n_cal);
  pd.typical_nn_distance = 1.0;
  pd.normalized_distance(held_out, nn.data());  // raw distances, since the unit is still 1
  std::nth_element(nn.begin(), nn.begin() + n_cal / 2, nn.end());
  const double median = nn[n_cal / 2];
  pd.typical_nn_distance = median > 1e-12 ? median : 1.0;
  return pd;
}

void ProjectedDistance::normalized_distance(ConstMatRef input, float* out) {
  const int k = static_cast<int>(input.cols()), comps = static_cast<int>(basis.cols());
  const Eigen::Index n = reference.cols();
  if (centred.rows() != input.rows() || centred.cols() < k) centred.resize(input.rows(), k);
  if (projected.rows() != comps + 1 || projected.cols() < k) projected.resize(comps + 1, k);
  if (dots.rows() != n || dots.cols() < k) dots.resize(n, k);
  centred.leftCols(k) = input.colwise() - mean;
  projected.topRows(comps).leftCols(k).noalias() = basis.transpose() * centred.leftCols(k);
  for (int j = 0; j < k; ++j)
    projected(comps, j) =
        std::sqrt(std::max(0.0f, centred.col(j).squaredNorm() - projected.col(j).head(comps).squaredNorm()));
  // Stage 1: ||a - b||² - ||a||² = ||b||² - 2 a·b for every reference at once, as one product.
  dots.leftCols(k).noalias() = reference.transpose() * projected.leftCols(k);
  const int m = candidates;
  const float inv_unit = static_cast<float>(1.0 / typical_nn_distance);
  for (int j = 0; j < k; ++j) {
    // The m smallest scores, kept sorted by insertion (most references fail the first comparison).
    float best_score[kMaxCandidates];
    const int kept = m;
    int filled = 0;
    for (Eigen::Index r = 0; r < n; ++r) {
      const float score = reference_sq_norms[r] - 2.0f * dots(r, j);
      if (filled == kept && score >= best_score[kept - 1]) continue;
      int at = filled < kept ? filled++ : kept - 1;
      while (at > 0 && best_score[at - 1] > score) {
        best_score[at] = best_score[at - 1];
        best[at] = best[at - 1];
        --at;
      }
      best_score[at] = score;
      best[at] = static_cast<int>(r);
    }
    // Stage 2: exact pixel distances to the candidates.
    const float x_sq = input.col(j).squaredNorm();
    float nearest = INFINITY;
    for (int c = 0; c < filled; ++c)
      nearest = std::min(nearest, images_sq_norms[best[c]] - 2.0f * images.col(best[c]).dot(input.col(j)));
    out[j] = std::sqrt(std::max(0.0f, nearest + x_sq)) * inv_unit;
  }
}
