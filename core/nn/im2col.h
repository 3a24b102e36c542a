// im2col and its adjoint col2im: how a convolution becomes one matrix product. Every position of
// the small image gets one column holding the k x k x big_c window of the big image it sees
// (zeros where the window hangs over the padding), so Conv2d is W (small_c, patch) times these
// columns and ConvTranspose2d, its adjoint, is col2im of Wt (patch, small_c) times the input.
// Channels-last images (y, x, c): one window row of k taps is k runs of big_c contiguous values.
#pragma once
#include <algorithm>

#include "nn/activations.h"
#include "nn/layer.h"

// How many samples one pass through a scratch of `scratch_size` values holds (at least 1; the
// workspace guarantees room for one sample).
inline int conv_chunk(const ConvShape& s, Eigen::Index scratch_size, int batch) {
  const Eigen::Index per_sample = Eigen::Index(s.patch()) * s.small_h * s.small_w;
  return int(std::max<Eigen::Index>(1, std::min<Eigen::Index>(batch, scratch_size / per_sample)));
}

// cols (patch, small_h * small_w * n) = the windows of big (big_size, n), samples [first, first + n).
// Column p + P j is sample first + j at small position p = y * small_w + x.
template <typename T>
void im2col(T* cols, const T* big, Eigen::Index big_stride, int first, int n, const ConvShape& s) {
  const int C = s.big_c, K = s.k;
  T* col = cols;
  for (int j = 0; j < n; ++j) {
    const T* image = big + (first + j) * big_stride;  // (big_h, big_w, C)
    for (int oy = 0; oy < s.small_h; ++oy)
      for (int ox = 0; ox < s.small_w; ++ox, col += s.patch()) {
        T* dst = col;
        for (int ky = 0; ky < K; ++ky) {
          const int iy = oy * s.stride - s.pad + ky;
          for (int kx = 0; kx < K; ++kx, dst += C) {
            const int ix = ox * s.stride - s.pad + kx;
            if (iy < 0 || iy >= s.big_h || ix < 0 || ix >= s.big_w)
              std::fill(dst, dst + C, T(0));
            else
              std::copy(image + (iy * s.big_w + ix) * C, image + (iy * s.big_w + ix + 1) * C, dst);
          }
        }
      }
  }
}

// The adjoint of im2col: big (big_size, n) += every window of cols put back where it came from
// (overlapping windows add up; what fell on the padding is dropped).
template <typename T>
void col2im_add(T* big, Eigen::Index big_stride, const T* cols, int first, int n, const ConvShape& s) {
  const int C = s.big_c, K = s.k;
  const T* col = cols;
  for (int j = 0; j < n; ++j) {
    T* image = big + (first + j) * big_stride;
    for (int oy = 0; oy < s.small_h; ++oy)
      for (int ox = 0; ox < s.small_w; ++ox, col += s.patch()) {
        const T* src = col;
        for (int ky = 0; ky < K; ++ky) {
          const int iy = oy * s.stride - s.pad + ky;
          for (int kx = 0; kx < K; ++kx, src += C) {
            const int ix = ox * s.stride - s.pad + kx;
            if (iy < 0 || iy >= s.big_h || ix < 0 || ix >= s.big_w) continue;
            T* dst = image + (iy * s.big_w + ix) * C;
            for (int c = 0; c < C; ++c) dst[c] += src[c];
          }
        }
      }
  }
}

// Adds b (channels) to every position of images (channels * positions, batch): per column, so that
// the rounding does not depend on the batch's alignment.
template <typename T>
void add_channel_bias(RefX<T> images, const T* b, int channels) {
  Eigen::Map<const VecX<T>> bias(b, channels);
  const Eigen::Index positions = images.rows() / channels;
  for (Eigen::Index j = 0; j < images.cols(); ++j) {
    Eigen::Map<MatX<T>> image(images.col(j).data(), channels, positions);
    image.colwise() += bias;
  }
}

// db (channels) += the sum of dimages over positions and the batch, in a fixed order.
template <typename T>
void add_channel_bias_grad(T* db, CRefX<T> dimages, int channels) {
  Eigen::Map<VecX<T>> g(db, channels);
  const Eigen::Index positions = dimages.rows() / channels;
  for (Eigen::Index j = 0; j < dimages.cols(); ++j) {
    Eigen::Map<const MatX<T>> image(dimages.col(j).data(), channels, positions);
    for (Eigen::Index p = 0; p < positions; ++p) g += image.col(p);
  }
}
