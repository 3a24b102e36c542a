// Activation functions as kernels over whole (features, batch) matrices: the value, the backward
// pass, and the first and second derivatives (the contractive penalty's exact gradient needs the
// second). Every kernel is a template on the scalar, so training (float) and the finite-difference
// gradient checks (double) run the very same code.
#pragma once
#include <Eigen/Core>

#include "models/kinds.h"  // Activation
#include "nn/tensor.h"

constexpr double kLeakyReluSlope = 0.01;  // leaky_relu(a) = a for a > 0, 0.01 a otherwise
constexpr double kEluAlpha = 1.0;         // elu(a) = a for a > 0, alpha (e^a - 1) otherwise

// h = act(pre), elementwise. h may alias pre. Shapes: (n, batch).
template <typename T>
void activation_forward(RefX<T> h, CRefX<T> pre, Activation act) {
  const T slope = T(kLeakyReluSlope), alpha = T(kEluAlpha);
  switch (act) {
    case Activation::Relu: h.array() = pre.array().max(T(0)); break;
    case Activation::LeakyRelu: h.array() = pre.array().max(pre.array() * slope); break;  // slope < 1
    case Activation::Elu:
      h.array() = (pre.array() > T(0)).select(pre.array(), alpha * (pre.array().exp() - T(1)));
      break;
    case Activation::Tanh: h.array() = pre.array().tanh(); break;
    case Activation::Sigmoid: h.array() = T(1) / (T(1) + (-pre.array()).exp()); break;
    case Activation::Identity: h = pre; break;
  }
}

// dpre = dh * act'(pre), elementwise; act' is read from pre or from the forward output h,
// whichever is cheaper. dpre may alias dh. Shapes: (n, batch).
template <typename T>
void activation_backward(RefX<T> dpre, CRefX<T> dh, CRefX<T> pre, CRefX<T> h, Activation act) {
  const T slope = T(kLeakyReluSlope), alpha = T(kEluAlpha);
  switch (act) {
    case Activation::Relu: dpre.array() = (pre.array() > T(0)).select(dh.array(), T(0)); break;
    case Activation::LeakyRelu:
      dpre.array() = (pre.array() > T(0)).select(dh.array(), dh.array() * slope);
      break;
    case Activation::Elu:
      dpre.array() = (pre.array() > T(0)).select(dh.array(), dh.array() * (h.array() + alpha));
      break;
    case Activation::Tanh: dpre.array() = dh.array() * (T(1) - h.array().square()); break;
    case Activation::Sigmoid: dpre.array() = dh.array() * h.array() * (T(1) - h.array()); break;
    case Activation::Identity:
      if (dpre.data() != dh.data()) dpre = dh;
      break;
  }
}

// The activation as a layer of its own: dpre += dh * act'(pre), accumulated like every other
// gradient (the caller zeroes dpre once per step). Forward kept pre (its input) and h (its output).
// Shapes: (n, batch); dpre must not alias dh.
template <typename T>
void activation_backward_add(RefX<T> dpre, CRefX<T> dh, CRefX<T> pre, CRefX<T> h, Activation act) {
  const T slope = T(kLeakyReluSlope), alpha = T(kEluAlpha);
  switch (act) {
    case Activation::Relu: dpre.array() += (pre.array() > T(0)).select(dh.array(), T(0)); break;
    case Activation::LeakyRelu:
      dpre.array() += (pre.array() > T(0)).select(dh.array(), dh.array() * slope);
      break;
    case Activation::Elu:
      dpre.array() += (pre.array() > T(0)).select(dh.array(), dh.array() * (h.array() + alpha));
      break;
    case Activation::Tanh: dpre.array() += dh.array() * (T(1) - h.array().square()); break;
    case Activation::Sigmoid: dpre.array() += dh.array() * h.array() * (T(1) - h.array()); break;
    case Activation::Identity: dpre += dh; break;
  }
}

// d1 = act'(pre), d2 = act''(pre), elementwise, from pre and h = act(pre). Shapes: (n, batch).
// ReLU-family second derivatives are 0 (almost everywhere), so a ReLU encoder's contractive
// gradient flows through the weights only.
template <typename T>
void activation_derivatives(RefX<T> d1, RefX<T> d2, CRefX<T> pre, CRefX<T> h, Activation act) {
  const T slope = T(kLeakyReluSlope), alpha = T(kEluAlpha);
  switch (act) {
    case Activation::Relu:
      d1.array() = (pre.array() > T(0)).template cast<T>();
      d2.setZero();
      break;
    case Activation::LeakyRelu:
      d1.array() = slope + (T(1) - slope) * (pre.array() > T(0)).template cast<T>();
      d2.setZero();
      break;
    case Activation::Elu:  // a <= 0: elu' = elu'' = alpha e^a = h + alpha
      d1.array() = (pre.array() > T(0)).select(T(1), h.array() + alpha);
      d2.array() = (pre.array() > T(0)).select(T(0), h.array() + alpha);
      break;
    case Activation::Tanh:  // tanh' = 1 - h^2, tanh'' = -2 h (1 - h^2)
      d1.array() = T(1) - h.array().square();
      d2.array() = T(-2) * h.array() * d1.array();
      break;
    case Activation::Sigmoid:  // s' = s (1 - s), s'' = s (1 - s)(1 - 2 s)
      d1.array() = h.array() * (T(1) - h.array());
      d2.array() = d1.array() * (T(1) - T(2) * h.array());
      break;
    case Activation::Identity:
      d1.setOnes();
      d2.setZero();
      break;
  }
}
