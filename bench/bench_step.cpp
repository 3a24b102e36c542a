// The 784-400-20 VAE training step (forward, backward, Adam), and the GUI's inference (encoding
// 10,000 samples, decoding a 32x32 grid and one probe), timed by the thread's CPU time rather
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

// Best thread CPU seconds of one call of f, over `runs` calls.
template <typename F>
double best_call(int runs, F&& f) {
  double best = 1e30;
  for (int r = 0; r < runs; ++r) {
    const double t0 = thread_seconds();
    f();
    best = std::min(best, thread_seconds() - t0);
  }
  return best;
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

  // Inference, as `latentlab bench` measures it: forward FLOPs only.
  const Network& net = model.network();
  InferenceWorkspace ws;
  Mat samples(784, 10000), codes(cfg.latent, 10000);  // (784, 10000), (latent, 10000)
  for (Eigen::Index i = 0; i < samples.size(); ++i) samples.data()[i] = rng.uniform();
  Mat grid_z(cfg.latent, 1024), grid_out(784, 1024), probe_z = Mat::Zero(cfg.latent, 1), probe_out(784, 1);
  for (Eigen::Index i = 0; i < grid_z.size(); ++i) grid_z.data()[i] = rng.normal();
  const double encode = best_call(7, [&] { network_encode(net, samples, codes, ws); });
  const double grid = best_call(11, [&] { network_decode(net, grid_z, grid_out, ws); });
  const double probe = best_call(201, [&] { network_decode(net, probe_z, probe_out, ws); });
  const double enc_flops = forward_flops_per_sample(net.encoder) * 10000;
  const double dec_flops = forward_flops_per_sample(net.decoder) * 1024;
  std::printf("encode 10k %.2f ms, %.1f%% of the peak; 32x32 grid %.3f ms, %.1f%%; probe decode %.1f us\n",
              encode * 1e3, 100 * enc_flops / encode * 1e-9 / peak, grid * 1e3, 100 * dec_flops / grid * 1e-9 / peak,
              probe * 1e6);
  return 0;
}
