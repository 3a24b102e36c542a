// Early stopping, the course's remedy for overfitting beside dropout: after every epoch the held-out
// loss is compared with the best so far; the best epoch's weights are kept, and training stops when
// `patience` epochs in a row have not improved on it. The CLI's train loop uses it; the record of the
// best epoch (and so the turn of the held-out curve) is kept whether or not stopping is on.
//
//   EarlyStopping es;  es.patience = 5;              // 0: never stop, only record the best
//   for (int epoch = 1; ...; ++epoch) {  ...train...
//     if (early_stopping_after_epoch(es, model.network(), held_out.total, epoch)) break;  }
//   if (es.patience > 0) model.restore(es.best);      // the best held-out weights
#pragma once
#include <cstdint>
#include <limits>

#include "models/model.h"

struct EarlyStopping {
  int patience = 0;       // epochs without improvement before stopping; 0 = never stop
  int best_epoch = 0;     // 0 until an epoch has been recorded
  int64_t best_step = 0;  // the optimizer step at the end of best_epoch (0 = none yet)
  double best_loss = std::numeric_limits<double>::infinity();
  double last_loss = std::numeric_limits<double>::quiet_NaN();  // the most recent epoch's held-out loss
  int last_epoch = 0;
  int patience_from = 0;  // patience counts from the later of best_epoch and this (a resumed run's epoch)
  Network best;           // the weights of best_epoch
};

// Records the held-out loss of `epoch`, which ended at optimizer step `step` (a loss that is not
// finite never counts as best). Returns true when training should stop: patience > 0 and
// `patience` epochs have passed since the best. The whole record is saved in a session
// (train/session.h), so a resumed run stops where the uninterrupted one does.
bool early_stopping_after_epoch(EarlyStopping& es, const Network& net, double held_out_loss, int epoch,
                                int64_t step = 0);
// Training goes on after a stop (the user pressed Train again, on the restored best weights): the
// best is kept, and patience counts afresh from `epoch`, so the run is not stopped again at once.
void early_stopping_resume(EarlyStopping& es, int epoch);
