// The collapse watch's bookkeeping; the policy is stated in collapse.h.
#include "train/collapse.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

void collapse_start(CollapseWatch& w, double initial_spread, double average_loss) {
  const CollapsePolicy policy = w.policy;
  w = CollapseWatch{};
  w.policy = policy;
  w.peak_spread = std::isfinite(initial_spread) ? initial_spread : 0;
  w.average_loss = average_loss;
}

CollapseSignal collapse_check(CollapseWatch& w, double loss, double spread, long long steps) {
  if (!std::isfinite(loss) || !std::isfinite(spread)) return CollapseSignal::None;
  if (w.checks == 0) w.best_loss = loss;
  ++w.checks;
  w.peak_spread = std::max(w.peak_spread, spread);
  w.best_loss = std::min(w.best_loss, loss);
  // A loss can be negative (MSE is not, but a future loss might); "far above" then means by the
  // same margin in absolute terms.
  const double stall_line = w.best_loss + (w.policy.loss_ratio - 1) * std::fabs(w.best_loss);
  w.stalled_checks = loss > stall_line ? w.stalled_checks + 1 : 0;
  const bool spread_fell = w.peak_spread > 0 && spread < w.peak_spread / w.policy.spread_drop;
  const bool loss_stalled = w.stalled_checks >= w.policy.plateau_checks;
  // NaN compares false: no baseline, no rule 3.
  const bool not_learning = steps >= w.policy.learn_steps && loss >= w.average_loss;
  if (!spread_fell && !loss_stalled && !not_learning) {
    w.warned = false;  // healthy again: a later collapse warns again
    return CollapseSignal::None;
  }
  if (w.warned) return CollapseSignal::None;
  w.warned = true;
  w.last = CollapseEvent{spread_fell, loss_stalled, not_learning, spread, w.peak_spread,
                         loss,        w.best_loss,  w.average_loss, steps};
  return CollapseSignal::Collapsed;
}

double average_image_loss(OutputLoss loss, ConstMatRef x) {
  const Eigen::Index n = x.cols();
  if (n < 1) return NAN;
  const Eigen::VectorXd mean = x.cast<double>().rowwise().mean();
  double sum = 0;
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index f = 0; f < x.rows(); ++f) {
      const double t = x(f, j), m = mean[f];
      if (loss == OutputLoss::MSE) {
        sum += (t - m) * (t - m);
        continue;
      }
      // m is above 0 wherever some t is, and below 1 wherever some t is: no log(0) with a weight.
      if (t > 0) sum -= t * std::log(m);
      if (t < 1) sum -= (1 - t) * std::log1p(-m);
    }
  return sum / static_cast<double>(n);
}

double code_spread(const Network& net, ConstMatRef x, InferenceWorkspace& ws, Mat& codes) {
  const Eigen::Index n = x.cols();
  if (n < 2) return 0;
  if (codes.rows() != net.config.latent || codes.cols() != n) codes.resize(net.config.latent, n);
  network_encode(net, x, codes, ws);
  // In double: codes can be large, and the variance is a difference of nearly equal sums.
  const Eigen::VectorXd mean = codes.cast<double>().rowwise().mean();
  const double sum_sq = (codes.cast<double>().colwise() - mean).squaredNorm();
  return std::sqrt(sum_sq / static_cast<double>(n));
}

std::string collapse_message(const CollapseEvent& e, const std::string& who, float learning_rate) {
  char buf[320];
  std::string msg = who + ": training has collapsed: ";
  if (e.spread_fell) {
    std::snprintf(buf, sizeof buf, "the codes' spread fell from %.3g to %.3g (the map's points have fused)",
                  e.peak_spread, e.spread);
    msg += buf;
  }
  if (e.loss_stalled) {
    std::snprintf(buf, sizeof buf, "%sthe loss is stuck at %.4g, far above its best %.4g", e.spread_fell ? "; " : "",
                  e.loss, e.best_loss);
    msg += buf;
  }
  if (e.not_learning) {
    std::snprintf(buf, sizeof buf,
                  "%safter %lld steps the loss %.4g is no better than the %.4g of decoding every input to the "
                  "average image (it has learnt nothing about its inputs)",
                  e.spread_fell || e.loss_stalled ? "; " : "", e.steps, e.loss, e.average_loss);
    msg += buf;
  }
  std::snprintf(buf, sizeof buf, " at learning rate %.3g; try a lower one",
                static_cast<double>(learning_rate));
  return msg + buf;
}
