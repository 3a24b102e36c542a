// Feature extraction measured by what a linear classifier can read off the codes: a softmax
// (multinomial logistic) regression trained on frozen training codes, scored on held-out codes.
// The same probe on raw pixels, PCA and each model's codes compares them at one dimension.
//
//   LinearProbeOptions o;                                   // fixed recipe, fixed seed
//   double acc = linear_probe_accuracy(train_codes, train_labels, held_codes, held_labels, o);
#pragma once
#include <cstdint>
#include <vector>

#include "nn/tensor.h"

// The recipe, fixed so that probes of different codes are comparable: features standardised with
// the training codes' mean and standard deviation (a constant feature is left centred), then
// minibatch Adam on the mean cross-entropy plus an L2 penalty on the weights.
struct LinearProbeOptions {
  int epochs = 20;
  int batch = 128;
  float lr = 0.01f;
  float weight_decay = 1e-4f;  // L2 on the weights (not the biases)
  uint64_t seed = 1;           // the minibatch order
};

// train_codes (d, n) with train_labels (n), held_codes (d, m) with held_labels (m); a label < 0 is
// unlabelled and left out of both training and scoring; the classes are 0 .. max label. Returns the
// held-out accuracy, or NaN when there is nothing to train on or to score.
double linear_probe_accuracy(ConstMatRef train_codes, const std::vector<int>& train_labels, ConstMatRef held_codes,
                             const std::vector<int>& held_labels, const LinearProbeOptions& options = {});
