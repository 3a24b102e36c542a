// Halving and doubling an image's size without parameters, as the ACAI paper's networks do between
// their scales: a 2x2 average pool (big -> small) and its nearest-neighbour upsampling (small -> big,
// each value copied to a 2x2 block). On channels-last images, one sample per column; the shapes are
// ConvShape's, with big_c == small_c and big = 2 x small.
#pragma once
#include "nn/activations.h"
#include "nn/layer.h"

// out(y, x, c) = the mean of in's 2x2 block at (2y, 2x). in: (big_size, B), out: (small_size, B).
template <typename T>
void avg_pool2d_forward(RefX<T> out, CRefX<T> in, const ConvShape& s) {
  const int C = s.small_c, W = s.small_w, BW = s.big_w;
  for (Eigen::Index j = 0; j < in.cols(); ++j) {
    const T* src = in.col(j).data();
    T* dst = out.col(j).data();
    for (int y = 0; y < s.small_h; ++y)
      for (int x = 0; x < W; ++x) {
        const T* a = src + (size_t(2 * y) * BW + 2 * x) * C;  // the block's top left, then top right
        const T* b = a + size_t(BW) * C;                      // its bottom row
        T* o = dst + (size_t(y) * W + x) * C;
        for (int c = 0; c < C; ++c) o[c] = T(0.25) * (a[c] + a[c + C] + b[c] + b[c + C]);
      }
  }
}

// din += each dout value / 4 over its 2x2 block. dout: (small_size, B), din: (big_size, B).
template <typename T>
void avg_pool2d_backward(RefX<T> din, CRefX<T> dout, const ConvShape& s) {
  const int C = s.small_c, W = s.small_w, BW = s.big_w;
  for (Eigen::Index j = 0; j < dout.cols(); ++j) {
    const T* src = dout.col(j).data();
    T* dst = din.col(j).data();
    for (int y = 0; y < s.small_h; ++y)
      for (int x = 0; x < W; ++x) {
        const T* g = src + (size_t(y) * W + x) * C;
        T* a = dst + (size_t(2 * y) * BW + 2 * x) * C;
        T* b = a + size_t(BW) * C;
        for (int c = 0; c < C; ++c) {
          const T q = T(0.25) * g[c];
          a[c] += q, a[c + C] += q, b[c] += q, b[c + C] += q;
        }
      }
  }
}

// out's 2x2 block at (2y, 2x) = in(y, x). in: (small_size, B), out: (big_size, B).
template <typename T>
void upsample2d_forward(RefX<T> out, CRefX<T> in, const ConvShape& s) {
  const int C = s.small_c, W = s.small_w, BW = s.big_w;
  for (Eigen::Index j = 0; j < in.cols(); ++j) {
    const T* src = in.col(j).data();
    T* dst = out.col(j).data();
    for (int y = 0; y < s.small_h; ++y)
      for (int x = 0; x < W; ++x) {
        const T* v = src + (size_t(y) * W + x) * C;
        T* a = dst + (size_t(2 * y) * BW + 2 * x) * C;
        T* b = a + size_t(BW) * C;
        for (int c = 0; c < C; ++c) a[c] = a[c + C] = b[c] = b[c + C] = v[c];
      }
  }
}

// din(y, x) += the sum of dout over its 2x2 block. dout: (big_size, B), din: (small_size, B).
template <typename T>
void upsample2d_backward(RefX<T> din, CRefX<T> dout, const ConvShape& s) {
  const int C = s.small_c, W = s.small_w, BW = s.big_w;
  for (Eigen::Index j = 0; j < dout.cols(); ++j) {
    const T* src = dout.col(j).data();
    T* dst = din.col(j).data();
    for (int y = 0; y < s.small_h; ++y)
      for (int x = 0; x < W; ++x) {
        const T* a = src + (size_t(2 * y) * BW + 2 * x) * C;
        const T* b = a + size_t(BW) * C;
        T* g = dst + (size_t(y) * W + x) * C;
        for (int c = 0; c < C; ++c) g[c] += a[c] + a[c + C] + b[c] + b[c + C];
      }
  }
}
