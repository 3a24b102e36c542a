// The divergence guard: what happens when a training step leaves a non-finite loss or weight.
// One guard per model. The trainer (core/train/trainer.cpp) and `latentlab train` (app/cli/cli_train.cpp)
// both call divergence_after_step() after every step, so the policy is written once, here:
//   1. check     the step's loss parts and every weight must be finite (one vectorized pass,
//                ~25 us for the 650k floats of 784-400-20, cheap next to a step);
//   2. roll back on a failed check: the model gets its last known-good copy back (Model::restore:
//                weights, optimizer moments reset) and its learning rate is HALVED;
//   3. checkpoint every policy.checkpoint_every steps, a copy of a network that has just passed
//                the check, so the copy is finite by construction;
//   4. give up   after policy.max_consecutive_rollbacks rollbacks without a clean stretch of
//                checkpoint_every steps in between, halving is not helping (bad data, a hopeless
//                architecture): the next divergence rolls back once more, keeps the learning rate and
//                asks the caller to stop. The trainer pauses; the command line exits with an error.
// The guard never lets a non-finite network stand: after divergence_after_step() the model's
// network is finite, whatever the step did.
//
//   DivergenceGuard guard;
//   divergence_init(guard, model.network(), 0, DivergencePolicy{});
//   for (int64_t step = 1; ...; ++step) {
//     LossParts loss = model.train_step(batch);
//     DivergenceAction a = divergence_after_step(guard, model, loss, step, batch);
//     if (a != DivergenceAction::None) report(divergence_message(guard.last, "vae", "stopped", -1));
//     if (a == DivergenceAction::GaveUp) break;
//   }
#pragma once
#include <cstdint>
#include <string>

#include "models/model.h"

struct DivergencePolicy {
  int checkpoint_every = 50;          // steps between known-good copies; <= 0: only the initial copy
  int max_consecutive_rollbacks = 5;  // halvings in a row; the next divergence gives up
};

enum class DivergenceAction {
  None,        // the step passed the check
  RolledBack,  // restored and the learning rate halved; training goes on
  GaveUp,      // restored (learning rate kept); the caller stops: too many rollbacks in a row
};

// What one rollback did, for the caller's report (see divergence_message).
struct DivergenceEvent {
  int64_t step = 0;           // the step that diverged
  int64_t restored_step = 0;  // the step the restored copy was taken at
  const char* what = "";      // "non-finite loss" or "non-finite weights"
  float learning_rate = 0;    // after the event: halved, or (gave up) the one that failed
  bool gave_up = false;
  int rollbacks_in_a_row = 0;  // including this one
  int bad_column = -1;         // the first batch column holding a NaN or Inf (a data problem); -1: none
};

struct DivergenceGuard {
  DivergencePolicy policy;
  Network good;                     // the last known-good copy (finite by construction)
  int64_t good_step = 0;            // the step `good` was taken at
  int64_t last_rollback_step = -1;
  int rollback_streak = 0;          // rollbacks without a clean checkpoint_every stretch in between
  int64_t rollbacks = 0;            // every rollback since divergence_init
  DivergenceEvent last;             // the latest rollback; valid when after_step did not return None
};

// Takes `net` (finite: a freshly initialised or restored network) as the first known-good copy,
// taken at `step`, and clears the streak and the count.
void divergence_init(DivergenceGuard& g, const Network& net, int64_t step, DivergencePolicy policy);
// True when every loss part is finite.
bool divergence_loss_finite(const LossParts& loss);
// The check, then the rollback or the checkpoint, for step number `step` (1, 2, ...: the caller's
// count of steps taken) whose loss was `loss` on `batch` (input, B). Touches `g` and `model` only,
// and allocates nothing unless it rolls back or checkpoints.
DivergenceAction divergence_after_step(DivergenceGuard& g, Model& model, const LossParts& loss, int64_t step,
                                       ConstMatRef batch);
// The user chose a new learning rate: the next rollbacks count from zero.
void divergence_clear_streak(DivergenceGuard& g);
// One line for the user: "<who>: non-finite loss at step 12; rolled back to step 0, learning rate
// halved to 0.5", or, when the guard gave up, "..., and <give_up_verb> after 5 rollbacks in a row
// (learning rate 0.031)". bad_sample >= 0 adds "(training sample N holds a NaN or Inf)".
std::string divergence_message(const DivergenceEvent& e, const std::string& who, const char* give_up_verb,
                               int bad_sample);
