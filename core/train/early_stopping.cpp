// early_stopping.h: the best held-out epoch, its weights, and when to stop.
#include "train/early_stopping.h"

#include <algorithm>
#include <cmath>

bool early_stopping_after_epoch(EarlyStopping& es, const Network& net, double held_out_loss, int epoch,
                                int64_t step) {
  es.last_loss = held_out_loss;
  es.last_epoch = epoch;
  if (std::isfinite(held_out_loss) && (es.best_epoch == 0 || held_out_loss < es.best_loss)) {
    es.best_loss = held_out_loss;
    es.best_epoch = epoch;
    es.best_step = step;
    es.best = net;  // one copy of the parameters, only when the loss improves
  }
  return es.patience > 0 && es.best_epoch > 0 && epoch - std::max(es.best_epoch, es.patience_from) >= es.patience;
}

void early_stopping_resume(EarlyStopping& es, int epoch) { es.patience_from = epoch; }
