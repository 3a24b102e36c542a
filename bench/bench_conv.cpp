// The convolutions of the default conv architecture at 28x28, batch 64, one thread: im2col + one
// GEMM per chunk of samples (what the models run, nn/conv2d.h) against the direct tap-by-tap loop
// (conv2d_forward_direct), forward; and the full forward + backward of each layer as trained.
//   ./build/bench/bench_conv [batch] [repeats]
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "models/model.h"
#include "nn/layer_pass.h"

namespace {

// This thread's CPU time, not the wall clock: on a machine shared by many, a wall-clock median
// measures the scheduler; CPU time measures the code (caches are still shared).
double thread_cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

template <typename Fn>
double median_ms(int repeats, Fn fn) {
  fn();
  std::vector<double> ms(repeats);
  for (double& m : ms) {
    const double t0 = thread_cpu_ms();
    fn();
    m = thread_cpu_ms() - t0;
  }
  std::sort(ms.begin(), ms.end());
  return ms[repeats / 2];
}

Layer conv(bool transposed, int big_c, int big_hw, int small_c) {
  Layer l;
  l.kind = transposed ? LayerKind::ConvTranspose2d : LayerKind::Conv2d;
  ConvShape& s = l.conv;
  s.big_c = big_c, s.big_h = s.big_w = big_hw, s.small_c = small_c;
  s.small_h = s.small_w = conv_output_size(big_hw, 3, 2, 1);
  s.k = 3, s.stride = 2, s.pad = 1;
  s.weight_offset = 0;
  s.bias_offset = size_t(s.patch()) * small_c;
  l.in = transposed ? s.small_size() : s.big_size();
  l.out = transposed ? s.big_size() : s.small_size();
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  const int B = argc > 1 ? std::atoi(argv[1]) : 64;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 21;
  struct Case {
    const char* name;
    Layer layer;
  } cases[] = {
      {"conv  28x28x1  -> 14x14x32", conv(false, 1, 28, 32)},
      {"conv  14x14x32 -> 7x7x64  ", conv(false, 32, 14, 64)},
      {"convT 7x7x64   -> 14x14x32", conv(true, 32, 14, 64)},
      {"convT 14x14x32 -> 28x28x1 ", conv(true, 1, 28, 32)},
  };
  std::printf("batch %d, one thread, median of %d runs (ms of this thread's CPU time)\n", B, repeats);
  std::printf("%-28s %12s %12s %14s\n", "layer", "fwd im2col", "fwd direct", "fwd+bwd im2col");
  Rng rng(1);
  for (Case& c : cases) {
    const Layer& l = c.layer;
    const std::vector<Layer> list = {l};
    std::vector<float> params(size_t(l.conv.patch()) * l.conv.small_c + std::max(l.conv.big_c, l.conv.small_c));
    for (float& p : params) p = 0.1f * rng.normal();
    std::vector<float> grads(params.size(), 0.0f);
    Mat x(l.in, B), direct(l.out, B), dx(l.in, B);
    for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = rng.uniform();
    LayersWorkspace<float> ws;
    layers_reserve(ws, list, B, true);
    const double fwd = median_ms(repeats, [&] { layers_forward<float>(ws, list, x, params.data(), nullptr); });
    double fwd_direct = 0;
    if (l.kind == LayerKind::Conv2d) {
      fwd_direct = median_ms(repeats, [&] { conv2d_forward_direct<float>(direct, x, params.data(), l.conv); });
      if ((direct - ws.out[0]).cwiseAbs().maxCoeff() > 1e-4f) std::printf("  (direct and im2col disagree!)\n");
    }
    const double both = median_ms(repeats, [&] {
      layers_forward<float>(ws, list, x, params.data(), nullptr);
      ws.dout[0].setConstant(0.01f);
      RefX<float> d = dx;
      layers_backward<float>(&d, grads.data(), ws, list, x, params.data());
    });
    if (l.kind == LayerKind::Conv2d)
      std::printf("%-28s %12.3f %12.3f %14.3f\n", c.name, fwd, fwd_direct, both);
    else
      std::printf("%-28s %12.3f %12s %14.3f\n", c.name, fwd, "-", both);
  }
  return 0;
}
