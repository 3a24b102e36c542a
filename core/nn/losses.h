// Reconstruction losses, computed on the output layer's pre-activation (the logits), each summed
// over features; the caller divides by the batch size. Binary cross-entropy takes logits so that
// it never evaluates log(0): l = max(a, 0) - a x + log(1 + e^-|a|), dl/da = sigmoid(a) - x.
// Templated on the scalar so that training (float) and gradient checks (double) share the code.
#pragma once
#include "nn/activations.h"

// Returns sum over all entries of BCE(sigmoid(logits), target); writes
// dlogits = grad_scale * (sigmoid(logits) - target). Shapes: (features, batch).
template <typename T>
double loss_bce_logits(RefX<T> dlogits, CRefX<T> logits, CRefX<T> target, T grad_scale) {
  // dlogits first holds e = e^-|a| in (0, 1], then the gradient
  dlogits.array() = (-logits.array().abs()).exp();
  const double loss =
      (logits.array().max(T(0)) - logits.array() * target.array() + dlogits.array().log1p()).sum();
  // sigmoid(a) = 1 / (1 + e^-a) for a >= 0, e^a / (1 + e^a) for a < 0: both from e, no overflow
  dlogits.array() = ((logits.array() >= T(0)).select(T(1) / (T(1) + dlogits.array()),
                                                     dlogits.array() / (T(1) + dlogits.array())) -
                     target.array()) *
                    grad_scale;
  return loss;
}

// Returns sum over all entries of (logits - target)^2 (the output layer is linear);
// writes dlogits = grad_scale * 2 (logits - target). Shapes: (features, batch).
template <typename T>
double loss_mse(RefX<T> dlogits, CRefX<T> logits, CRefX<T> target, T grad_scale) {
  dlogits = logits - target;
  const double loss = dlogits.squaredNorm();
  dlogits *= T(2) * grad_scale;
  return loss;
}

template <typename T>
double loss_recon(RefX<T> dlogits, CRefX<T> logits, CRefX<T> target, T grad_scale, OutputLoss kind) {
  return kind == OutputLoss::BCE ? loss_bce_logits<T>(dlogits, logits, target, grad_scale)
                                 : loss_mse<T>(dlogits, logits, target, grad_scale);
}
