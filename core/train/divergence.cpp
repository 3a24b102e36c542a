// The divergence guard's bookkeeping; the policy is stated in divergence.h.
#include "train/divergence.h"

#include <cmath>
#include <cstdio>

namespace {
std::string format_lr(float lr) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(lr));
  return buf;
}

int first_nonfinite_column(ConstMatRef batch) {
  for (Eigen::Index c = 0; c < batch.cols(); ++c)
    if (!batch.col(c).allFinite()) return static_cast<int>(c);
  return -1;
}
}  // namespace

void divergence_init(DivergenceGuard& g, const Network& net, int64_t step, DivergencePolicy policy) {
  g.policy = policy;
  g.good = net;
  g.good_step = step;
  g.last_rollback_step = -1;
  g.rollback_streak = 0;
  g.rollbacks = 0;
  g.last = DivergenceEvent{};
}

bool divergence_loss_finite(const LossParts& loss) {
  return std::isfinite(loss.total) && std::isfinite(loss.recon) && std::isfinite(loss.penalty) &&
         std::isfinite(loss.critic);
}

DivergenceAction divergence_after_step(DivergenceGuard& g, Model& model, const LossParts& loss, int64_t step,
                                       ConstMatRef batch) {
  const bool loss_ok = divergence_loss_finite(loss);
  DivergenceAction action = DivergenceAction::None;
  if (!loss_ok || !model.network().all_finite()) {
    model.restore(g.good);
    g.last_rollback_step = step;
    ++g.rollback_streak;
    ++g.rollbacks;
    DivergenceEvent& e = g.last;
    e.step = step;
    e.restored_step = g.good_step;
    e.what = loss_ok ? "non-finite weights" : "non-finite loss";
    e.rollbacks_in_a_row = g.rollback_streak;
    e.bad_column = first_nonfinite_column(batch);
    e.gave_up = g.rollback_streak > g.policy.max_consecutive_rollbacks;
    if (e.gave_up) {
      g.rollback_streak = 0;  // a caller that resumes gets a fresh streak
      action = DivergenceAction::GaveUp;
    } else {
      model.optimizer().lr *= 0.5f;
      action = DivergenceAction::RolledBack;
    }
    e.learning_rate = model.optimizer().lr;
  }
  // The network is finite now: it passed the check, or it was just restored from a finite copy.
  if (g.policy.checkpoint_every > 0 && step % g.policy.checkpoint_every == 0) {
    g.good = model.network();
    g.good_step = step;
    if (step - g.last_rollback_step >= g.policy.checkpoint_every) g.rollback_streak = 0;
  }
  return action;
}

void divergence_clear_streak(DivergenceGuard& g) { g.rollback_streak = 0; }

std::string divergence_message(const DivergenceEvent& e, const std::string& who, const char* give_up_verb,
                               int bad_sample) {
  std::string msg = who + ": " + e.what + " at step " + std::to_string(e.step) + "; rolled back to step " +
                    std::to_string(e.restored_step);
  if (e.gave_up) {
    msg += ", and " + std::string(give_up_verb) + " after " + std::to_string(e.rollbacks_in_a_row - 1) +
           " rollbacks in a row (learning rate " + format_lr(e.learning_rate) + ")";
  } else {
    msg += ", learning rate halved to " + format_lr(e.learning_rate);
  }
  // A NaN or Inf in the batch is a data problem; name the sample so the user can find it.
  if (bad_sample >= 0) msg += " (training sample " + std::to_string(bad_sample) + " holds a NaN or Inf)";
  return msg;
}
