// The 2-D convolution (torch.nn.Conv2d: square kernel, stride, zero padding) from a big image to a
// small one, on channels-last images, through im2col and one matrix product per chunk of samples.
// conv2d_forward_direct computes the same without the im2col buffer; bench/bench_conv.cpp measures
// which is faster at the shapes the models use.
#pragma once
#include "nn/gemm_tally.h"
#include "nn/im2col.h"

// out = conv(in) + b.  in: (big_size, B), out: (small_size, B), W: (small_c, patch), b: (small_c).
// scratch: any contents, at least one sample's im2col columns (patch x small positions).
template <typename T>
void conv2d_forward(RefX<T> out, VecX<T>& scratch, CRefX<T> in, const T* params, const ConvShape& s) {
  const int B = int(in.cols()), P = s.small_h * s.small_w, chunk = conv_chunk(s, scratch.size(), B);
  Eigen::Map<const MatX<T>> W(params + s.weight_offset, s.small_c, s.patch());
  Eigen::Map<MatX<T>> O(out.data(), s.small_c, Eigen::Index(P) * B);  // (small_c, P B): the same memory
  for (int first = 0; first < B; first += chunk) {
    const int n = std::min(chunk, B - first);
    im2col<T>(scratch.data(), in.data(), in.outerStride(), first, n, s);
    Eigen::Map<const MatX<T>> cols(scratch.data(), s.patch(), Eigen::Index(P) * n);  // (patch, P n)
    gemm_tally(W, cols);
    O.middleCols(Eigen::Index(P) * first, Eigen::Index(P) * n).noalias() = W * cols;
  }
  add_channel_bias<T>(out, params + s.bias_offset, s.small_c);
}

// dW += dout cols^T, db += dout summed over positions and batch, din += col2im(W^T dout).
// Forward kept nothing: the columns are rebuilt from `in` here, which costs a copy and saves
// one (patch, P B) buffer per layer. dout: (small_size, B), in and din: (big_size, B).
template <typename T>
void conv2d_backward(RefX<T>* din, T* dparams, VecX<T>& scratch, CRefX<T> dout, CRefX<T> in, const T* params,
                     const ConvShape& s) {
  const int B = int(in.cols()), P = s.small_h * s.small_w, chunk = conv_chunk(s, scratch.size(), B);
  Eigen::Map<const MatX<T>> W(params + s.weight_offset, s.small_c, s.patch());
  Eigen::Map<MatX<T>> dW(dparams + s.weight_offset, s.small_c, s.patch());
  Eigen::Map<const MatX<T>> D(dout.data(), s.small_c, Eigen::Index(P) * B);  // (small_c, P B)
  for (int first = 0; first < B; first += chunk) {
    const int n = std::min(chunk, B - first);
    const auto Dn = D.middleCols(Eigen::Index(P) * first, Eigen::Index(P) * n);  // a block, not an expression
    Eigen::Map<MatX<T>> cols(scratch.data(), s.patch(), Eigen::Index(P) * n);   // (patch, P n)
    im2col<T>(scratch.data(), in.data(), in.outerStride(), first, n, s);
    gemm_tally(Dn, cols.transpose());
    dW.noalias() += Dn * cols.transpose();
    if (din) {
      gemm_tally(W.transpose(), Dn);
      cols.noalias() = W.transpose() * Dn;
      col2im_add<T>(din->data(), din->outerStride(), scratch.data(), first, n, s);
    }
  }
  add_channel_bias_grad<T>(dparams + s.bias_offset, dout, s.small_c);
}

// The same forward pass as conv2d_forward, tap by tap: for every output position, the sum over the
// k x k taps of W_tap (small_c, big_c) times the input pixel (big_c). No scratch.
template <typename T>
void conv2d_forward_direct(RefX<T> out, CRefX<T> in, const T* params, const ConvShape& s) {
  const int C = s.big_c, OC = s.small_c;
  Eigen::Map<const MatX<T>> W(params + s.weight_offset, OC, s.patch());
  Eigen::Map<const VecX<T>> b(params + s.bias_offset, OC);
  for (Eigen::Index j = 0; j < in.cols(); ++j) {
    const T* image = in.col(j).data();
    for (int oy = 0; oy < s.small_h; ++oy)
      for (int ox = 0; ox < s.small_w; ++ox) {
        Eigen::Map<VecX<T>> o(out.col(j).data() + (oy * s.small_w + ox) * OC, OC);
        o = b;
        for (int ky = 0; ky < s.k; ++ky) {
          const int iy = oy * s.stride - s.pad + ky;
          if (iy < 0 || iy >= s.big_h) continue;
          for (int kx = 0; kx < s.k; ++kx) {
            const int ix = ox * s.stride - s.pad + kx;
            if (ix < 0 || ix >= s.big_w) continue;
            Eigen::Map<const VecX<T>> pixel(image + (iy * s.big_w + ix) * C, C);
            o.noalias() += W.middleCols((ky * s.k + kx) * C, C) * pixel;
          }
        }
      }
  }
}
