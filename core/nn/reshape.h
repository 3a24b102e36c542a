// Reshape (Flatten, Unflatten): where a list of layers goes from an image to a vector or back. With
// one channels-last sample per column the values do not move, so forward is a copy and backward
// passes the gradient through; the layer is there so that a list says what its shapes are.
#pragma once
#include "nn/activations.h"

// out = in. in, out: (features, B).
template <typename T>
void reshape_forward(RefX<T> out, CRefX<T> in) {
  out = in;
}

// din += dout. dout, din: (features, B).
template <typename T>
void reshape_backward(RefX<T> din, CRefX<T> dout) {
  din += dout;
}
