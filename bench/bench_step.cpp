// The 784-400-20 VAE training step (forward, backward, Adam) timed by the thread's CPU time rather
// than the wall clock, so that on a shared, loaded machine the time this thread was not running is
// not counted (cache sharing still is): samples per CPU-second and GFLOP/s as a fraction of a peak.
// The peak is given (a quiet machine's `latentlab bench` figure) or measured here, also in CPU time.
// ./build/bench/bench_step [batch] [steps] [peak GFLOP/s]
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "models/model.h"
#include "nn/gemm.h"
#include "perf/cpu.h"
#include "perf/flops.h"

namespace {

double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  const int batch = argc > 1 ? std::atoi(argv[1]) : 256;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 200;
  const double peak = argc > 3 ? std::atof(argv[3]) : measure_fma_peak().of_build();
  ModelConfig cfg;  // the VAE of ../shared/reference/torch_vae_bench.py
  cfg.kind = ModelKind::VAE;
  cfg.input_size = 784;
  cfg.hidden = {400};
  cfg.latent = 20;
  Model model(cfg, OptimizerConfig{});
  Rng rng(1);
  const int slots = 16;
  Mat inputs(784, Eigen::Index(batch) * slots);  // (784, batch * slots) in [0, 1]
  for (Eigen::Index i = 0; i < inputs.size(); ++i) inputs.data()[i] = rng.uniform();
  for (int i = 0; i < 5; ++i) model.train_step(inputs.middleCols(Eigen::Index(i % slots) * batch, batch));
  // Best of 5 runs of steps / 5 steps each: the least disturbed stretch.
  double best = 1e30;
  for (int r = 0; r < 5; ++r) {
    const double t0 = thread_seconds();
    for (int s = 0; s < steps / 5; ++s) model.train_step(inputs.middleCols(Eigen::Index(s % slots) * batch, batch));
    best = std::min(best, (thread_seconds() - t0) / (steps / 5));
  }
  const double flops = train_flops_per_sample(Network::create(cfg)) * batch;
  std::printf("cpu: %s  gemm kernel: %s  batch %d\n", cpu_identity().summary().c_str(), gemm_f32_kernel(), batch);
  std::printf("step %.3f ms CPU time, %.0f samples per CPU-second, %.1f GFLOP/s, %.1f%% of %.1f GFLOP/s\n",
              best * 1e3, batch / best, flops / best * 1e-9, 100 * flops / best * 1e-9 / peak, peak);
  return 0;
}
