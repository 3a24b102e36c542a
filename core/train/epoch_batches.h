// The epoch's batches: how the training samples are shuffled and cut into steps, written once for
// the app's trainer (core/train/trainer.cpp) and `latentlab train` (app/cli/cli_train.cpp), so that
// an epoch is the same number of steps on the same samples in both.
// The policy is PyTorch's DataLoader's default (drop_last=False): every training sample is used once
// per epoch, and the last step takes what is left, possibly fewer than `batch`.
//
//   Rng rng(shuffle_seed(config.seed));  std::vector<int> order;  int cursor = 0;
//   epoch_order(rng, n, order);
//   while (!epoch_ended(cursor, n)) { int b = epoch_batch(cursor, batch, n); ...order[cursor, cursor + b)...; cursor += b; }
// A session (train/session.h) stores the shuffler's state, `order` and `cursor`, so a run resumes
// mid-epoch on the same batches.
#pragma once
#include <cstdint>
#include <vector>

#include "nn/rng.h"

// The shuffler's seed for a model seed: a stream apart from the one that initialised the weights.
uint64_t shuffle_seed(uint64_t model_seed);
// order = a Fisher-Yates shuffle of [0, n), drawn at the start of every epoch.
void epoch_order(Rng& rng, int n, std::vector<int>& order);
// The size of the step that starts at position `cursor` of an epoch of n samples: `batch` (at least
// 1), or what is left when fewer remain; 0 once the epoch has ended.
int epoch_batch(int cursor, int batch, int n);
// True when every sample of the epoch has been used (cursor >= n).
bool epoch_ended(int cursor, int n);
// Steps in one epoch: n / batch rounded up.
int64_t epoch_steps(int n, int batch);
