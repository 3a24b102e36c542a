// Feature extraction measured plainly: how often the labels of a sample's nearest training codes
// name its own label. The k-NN accuracy of held-out codes against the training codes (k = 5 in
// `latentlab train --json` and `reduce`), in any number of dimensions. label_separation.h is the
// 2-D, leave-one-out cousin the GUI's map uses.
#pragma once
#include <vector>

#include "nn/tensor.h"

// train_codes (d, n) with train_labels (n); held_codes (d, m) with held_labels (m). A label < 0 is
// unlabelled: such a training sample never votes and such a held-out sample is not scored. Each
// held-out sample takes the majority label of its k nearest labelled training codes (Euclidean;
// a tie goes to the tied label met first, nearest first). Returns the fraction right, or NaN when
// nothing can be scored. O(m n d) in one matrix product per chunk of queries.
double knn_accuracy(ConstMatRef train_codes, const std::vector<int>& train_labels, ConstMatRef held_codes,
                    const std::vector<int>& held_labels, int k);
