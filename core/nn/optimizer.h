// The optimizers: Adam and SGD with momentum, each one flat loop over the single parameter
// array (see Network::params), plus clipping of the global gradient norm. Same conventions as
// torch.optim, so that learning rates and figures carry over.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

// If the global norm ||g||_2 exceeds max_norm (> 0), scales g by max_norm / ||g||.
// Returns the norm before clipping.
inline double grad_clip_norm(float* g, size_t n, float max_norm) {
  double sq = 0;
  for (size_t i = 0; i < n; ++i) sq += double(g[i]) * g[i];
  const double norm = std::sqrt(sq);
  if (max_norm > 0 && norm > max_norm) {
    const float s = float(max_norm / norm);
    for (size_t i = 0; i < n; ++i) g[i] *= s;
  }
  return norm;
}

// Adam (Kingma & Ba 2015, as torch.optim.Adam), step t = 1, 2, ...:
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// core/ builds with -fno-math-errno so that this loop vectorizes; sqrt and division are IEEE-exact
// in SIMD and scalar code alike, so the result does not depend on how the loop is split.
inline void adam_update(float* p, const float* g, float* m, float* v, size_t n, float lr, float b1,
                        float b2, float eps, int64_t t) {
  const float step = lr / float(1.0 - std::pow(double(b1), double(t)));
  const float inv_sqrt_bc2 = float(1.0 / std::sqrt(1.0 - std::pow(double(b2), double(t))));
  for (size_t i = 0; i < n; ++i) {
    m[i] = b1 * m[i] + (1.0f - b1) * g[i];
    v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
    p[i] -= step * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + eps);
  }
}

// SGD with momentum (as torch.optim.SGD, dampening 0): vel = momentum vel + g;  p -= lr vel.
inline void sgd_update(float* p, const float* g, float* vel, size_t n, float lr, float momentum) {
  for (size_t i = 0; i < n; ++i) {
    vel[i] = momentum * vel[i] + g[i];
    p[i] -= lr * vel[i];
  }
}
