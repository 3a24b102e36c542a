// Halving and doubling an image's size without parameters, as the ACAI paper's networks do between
// their scales: a 2x2 average pool (big -> small) and its nearest-neighbour upsampling (small -> big,
// each value copied to a 2x2 block). On channels-last images, one sample per column; the shapes are
// ConvShape's, with big_c == small_c and big = 2 x small.
#pragma once
#include "nn/activations.h"
#include "nn/layer.h"

// Calls f(pixel, top, bottom) for every sample and every pixel of the small image: `pixel` points at
// its small_c values, `top` and `bottom` at the first of the two rows of its 2x2 block in the big
// image (each row two pixels of small_c values). small: (small_size, B), big: (big_size, B).
template <typename Small, typename Big, typename F>
void for_each_block(Small small, Big big, const ConvShape& s, F f) {
  const size_t C = size_t(s.small_c), row = size_t(s.big_w) * C;
  for (Eigen::Index j = 0; j < small.cols(); ++j)
    for (int y = 0; y < s.small_h; ++y)
      for (int x = 0; x < s.small_w; ++x) {
        auto* top = big.col(j).data() + size_t(2 * y) * row + size_t(2 * x) * C;
        f(small.col(j).data() + (size_t(y) * s.small_w + x) * C, top, top + row);
      }
}

// out(y, x, c) = the mean of in's 2x2 block at (2y, 2x). in: (big_size, B), out: (small_size, B).
template <typename T>
void avg_pool2d_forward(RefX<T> out, CRefX<T> in, const ConvShape& s) {
  const int C = s.small_c;
  for_each_block(out, in, s, [C](T* o, const T* a, const T* b) {
    for (int c = 0; c < C; ++c) o[c] = T(0.25) * (a[c] + a[c + C] + b[c] + b[c + C]);
  });
}

// din += each dout value / 4 over its 2x2 block. dout: (small_size, B), din: (big_size, B).
template <typename T>
void avg_pool2d_backward(RefX<T> din, CRefX<T> dout, const ConvShape& s) {
  const int C = s.small_c;
  for_each_block(dout, din, s, [C](const T* g, T* a, T* b) {
    for (int c = 0; c < C; ++c) {
      const T q = T(0.25) * g[c];
      a[c] += q, a[c + C] += q, b[c] += q, b[c + C] += q;
    }
  });
}

// out's 2x2 block at (2y, 2x) = in(y, x). in: (small_size, B), out: (big_size, B).
template <typename T>
void upsample2d_forward(RefX<T> out, CRefX<T> in, const ConvShape& s) {
  const int C = s.small_c;
  for_each_block(in, out, s, [C](const T* v, T* a, T* b) {
    for (int c = 0; c < C; ++c) a[c] = a[c + C] = b[c] = b[c + C] = v[c];
  });
}

// din(y, x) += the sum of dout over its 2x2 block. dout: (big_size, B), din: (small_size, B).
template <typename T>
void upsample2d_backward(RefX<T> din, CRefX<T> dout, const ConvShape& s) {
  const int C = s.small_c;
  for_each_block(din, dout, s, [C](T* g, const T* a, const T* b) {
    for (int c = 0; c < C; ++c) g[c] += a[c] + a[c + C] + b[c] + b[c + C];
  });
}
