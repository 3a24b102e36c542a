// The fully connected layer y = W x + b over a batch, and its backward pass. Parameters are read
// from (and gradients accumulated into) one flat array at the offsets in a DenseShape, so the same
// kernels serve float training and the double-precision gradient checks.
#pragma once
#include <type_traits>

#include "nn/activations.h"
#include "nn/gemm.h"
#include "nn/gemm_tally.h"
#include "nn/layer.h"

// Float products go to our own GEMM (nn/gemm.h); double ones (the gradient checks) to Eigen's.
template <typename T>
constexpr bool kDenseOwnGemm = std::is_same_v<T, float>;

// out = W in + b.  in: (shape.in, batch), out: (shape.out, batch), W: (out, in), b: (out).
template <typename T>
void dense_forward(RefX<T> out, CRefX<T> in, const T* params, const DenseShape& shape) {
  Eigen::Map<const MatX<T>> W(params + shape.weight_offset, shape.out, shape.in);
  Eigen::Map<const VecX<T>> b(params + shape.bias_offset, shape.out);
  gemm_tally(W, in);
  if constexpr (kDenseOwnGemm<T>) {  // the bias starts the product's sums: no second pass over out
    gemm_f32(false, false, out.rows(), out.cols(), in.rows(), W.data(), W.outerStride(), in.data(),
             in.outerStride(), out.data(), out.outerStride(), false, b.data());
  } else {
    out.noalias() = W * in;
    out.colwise() += b;
  }
}

// dW += dout in^T, db += sum over the batch of dout, and (if din is given) din += W^T dout.
// Forward kept `in` for this. dout: (out, batch), in: (in, batch), din: (in, batch).
template <typename T>
void dense_backward(RefX<T>* din, T* dparams, CRefX<T> dout, CRefX<T> in, const T* params,
                    const DenseShape& shape) {
  Eigen::Map<MatX<T>> dW(dparams + shape.weight_offset, shape.out, shape.in);
  Eigen::Map<VecX<T>> db(dparams + shape.bias_offset, shape.out);
  gemm_tally(dout, in.transpose());
  if constexpr (kDenseOwnGemm<T>)
    gemm_f32(false, true, dW.rows(), dW.cols(), dout.cols(), dout.data(), dout.outerStride(), in.data(),
             in.outerStride(), dW.data(), dW.outerStride(), true);
  else
    dW.noalias() += dout * in.transpose();
  // Column by column rather than dout.rowwise().sum(): Eigen would split that reduction between
  // its scalar and SIMD paths by db's address, so two models with the same seed would round
  // differently and a run would not be reproducible bit for bit.
  for (Eigen::Index j = 0; j < dout.cols(); ++j) db += dout.col(j);
  if (din) {
    Eigen::Map<const MatX<T>> W(params + shape.weight_offset, shape.out, shape.in);
    gemm_tally(W.transpose(), dout);
    if constexpr (kDenseOwnGemm<T>)
      gemm_f32(true, false, din->rows(), din->cols(), W.rows(), W.data(), W.outerStride(), dout.data(),
               dout.outerStride(), din->data(), din->outerStride(), true);
    else
      din->noalias() += W.transpose() * dout;
  }
}
