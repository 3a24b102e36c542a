// Dropout (inverted, as torch.nn.Dropout): while training, each value is zeroed with probability p
// and the survivors are scaled by 1 / (1 - p), so that nothing changes at inference, where the
// layer passes its input through. The course names it as the remedy for overfitting.
#pragma once
#include "nn/activations.h"
#include "nn/rng.h"

// Draws mask (n, B): 1 / (1 - p) with probability 1 - p, else 0. Column by column, so that a
// seeded stream gives the same mask whatever the buffer's alignment.
template <typename T>
void dropout_mask(RefX<T> mask, float p, Rng& rng) {
  const T keep = p < 1 ? T(1) / T(1 - p) : T(0);
  for (Eigen::Index j = 0; j < mask.cols(); ++j)
    for (Eigen::Index i = 0; i < mask.rows(); ++i) mask(i, j) = rng.uniform() < p ? T(0) : keep;
}

// out = in * mask (training) or out = in (mask == nullptr: inference). Forward keeps the mask for
// backward. in, out, mask: (n, B).
template <typename T>
void dropout_forward(RefX<T> out, CRefX<T> in, const RefX<T>* mask) {
  if (mask)
    out.array() = in.array() * mask->array();
  else
    out = in;
}

// din += dout * mask. dout, din, mask: (n, B).
template <typename T>
void dropout_backward(RefX<T> din, CRefX<T> dout, CRefX<T> mask) {
  din.array() += dout.array() * mask.array();
}
