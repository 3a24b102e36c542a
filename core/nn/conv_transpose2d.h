// The transposed convolution (torch.nn.ConvTranspose2d: square kernel, stride, padding, output
// padding) from a small image to a big one: the adjoint of Conv2d, which is how a decoder upsamples.
// One matrix product per chunk of samples, then col2im scatters the columns onto the big image.
#pragma once
#include "nn/gemm_tally.h"
#include "nn/im2col.h"

// out = col2im(Wt in) + b.  in: (small_size, B), out: (big_size, B), Wt: (patch, small_c), b: (big_c).
// scratch: any contents, at least one sample's columns (patch x small positions).
template <typename T>
void conv_transpose2d_forward(RefX<T> out, VecX<T>& scratch, CRefX<T> in, const T* params, const ConvShape& s) {
  const int B = int(in.cols()), P = s.small_h * s.small_w, chunk = conv_chunk(s, scratch.size(), B);
  Eigen::Map<const MatX<T>> Wt(params + s.weight_offset, s.patch(), s.small_c);
  Eigen::Map<const MatX<T>> X(in.data(), s.small_c, Eigen::Index(P) * B);  // (small_c, P B)
  out.setZero();
  for (int first = 0; first < B; first += chunk) {
    const int n = std::min(chunk, B - first);
    Eigen::Map<MatX<T>> cols(scratch.data(), s.patch(), Eigen::Index(P) * n);  // (patch, P n)
    gemm_tally(Wt.rows(), Eigen::Index(P) * n, Wt.cols());
    cols.noalias() = Wt * X.middleCols(Eigen::Index(P) * first, Eigen::Index(P) * n);
    col2im_add<T>(out.data(), out.outerStride(), scratch.data(), first, n, s);
  }
  add_channel_bias<T>(out, params + s.bias_offset, s.big_c);
}

// dWt += im2col(dout) in^T, db += dout summed over positions and batch, din += Wt^T im2col(dout).
// Forward kept `in`. dout: (big_size, B), in and din: (small_size, B).
template <typename T>
void conv_transpose2d_backward(RefX<T>* din, T* dparams, VecX<T>& scratch, CRefX<T> dout, CRefX<T> in,
                               const T* params, const ConvShape& s) {
  const int B = int(in.cols()), P = s.small_h * s.small_w, chunk = conv_chunk(s, scratch.size(), B);
  Eigen::Map<const MatX<T>> Wt(params + s.weight_offset, s.patch(), s.small_c);
  Eigen::Map<MatX<T>> dWt(dparams + s.weight_offset, s.patch(), s.small_c);
  Eigen::Map<const MatX<T>> X(in.data(), s.small_c, Eigen::Index(P) * B);  // (small_c, P B)
  for (int first = 0; first < B; first += chunk) {
    const int n = std::min(chunk, B - first);
    Eigen::Map<const MatX<T>> dcols(scratch.data(), s.patch(), Eigen::Index(P) * n);  // (patch, P n)
    im2col<T>(scratch.data(), dout.data(), dout.outerStride(), first, n, s);
    gemm_tally(dcols.rows(), X.rows(), dcols.cols());
    dWt.noalias() += dcols * X.middleCols(Eigen::Index(P) * first, Eigen::Index(P) * n).transpose();
    if (din) {
      Eigen::Map<MatX<T>> dX(din->data(), s.small_c, Eigen::Index(P) * B);
      gemm_tally(Wt.cols(), dcols.cols(), Wt.rows());
      dX.middleCols(Eigen::Index(P) * first, Eigen::Index(P) * n).noalias() += Wt.transpose() * dcols;
    }
  }
  add_channel_bias_grad<T>(dparams + s.bias_offset, dout, s.big_c);
}
