// The tests' own training loop: `epochs` epochs over the training split in the trainer's shuffled
// order (train/epoch_batches.h: one shuffle per epoch from shuffle_seed(seed)), full batches only,
// each handed to `step` (one model's train_step, or several models' on the same batches). The last
// partial batch is dropped: the thresholds of the tests that use it were measured that way.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "data/dataset.h"
#include "nn/rng.h"
#include "train/epoch_batches.h"

inline void train_full_batches(const Dataset& data, int epochs, int batch, uint64_t seed,
                               const std::function<void(const Mat&)>& step) {
  Rng order_rng(shuffle_seed(seed));
  std::vector<int> order;
  Mat x(data.features(), batch);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    epoch_order(order_rng, data.train_count, order);
    for (int first = 0; first + batch <= data.train_count; first += batch) {
      data.gather(order.data() + first, batch, x);
      step(x);
    }
  }
}
