// epoch_batches.h: the batch order and the epoch's cut into steps.
#include "train/epoch_batches.h"

#include <algorithm>
#include <numeric>
#include <utility>

uint64_t shuffle_seed(uint64_t model_seed) {
  return model_seed ^ 0xD1B54A32D192ED03ull;  // a stream apart from the one that initialised the weights
}

void epoch_order(Rng& rng, int n, std::vector<int>& order) {
  order.resize(static_cast<size_t>(std::max(n, 0)));
  std::iota(order.begin(), order.end(), 0);
  for (int i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
}

int epoch_batch(int cursor, int batch, int n) { return std::max(0, std::min(std::max(1, batch), n - cursor)); }

bool epoch_ended(int cursor, int n) { return cursor >= n; }

int64_t epoch_steps(int n, int batch) {
  const int64_t b = std::max(1, batch);
  return n <= 0 ? 0 : (int64_t(n) + b - 1) / b;
}
