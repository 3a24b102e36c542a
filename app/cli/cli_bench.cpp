// `latentlab bench`: the engine's speed and memory figures, measured the way the issue on
// performance states them: training throughput of the 784-400-20 VAE at batch 16/128/256 on
// random inputs (the same workload as ../shared/reference/torch_vae_bench.py), the latency of
// decoding one probe, a 32x32 manifold grid, encoding 10,000 samples, and peak RSS with a
// 60,000-image dataset resident. bench/compare_torch.sh puts these beside PyTorch's, and
// bench/compare_builds.sh beside the previous commit's.
// Every figure stands beside the CPU it was measured on and that core's FMA peak, measured here
// (core/perf/cpu.h); FLOP rates are quoted as a fraction of it. The FLOP count comes from the layer
// shapes and is checked against the matrix products one training step actually calls
// (core/nn/gemm_tally.h).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli.h"
#include "data/dataset.h"
#include "models/model.h"
#include "nn/gemm_tally.h"
#include "perf/cpu.h"
#include "perf/flops.h"
#include "train/trainer.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double peak_rss_mb() {  // VmHWM: the high-water mark of resident memory
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// Median of `repeats` timings of fn(), in milliseconds, after one warm-up call.
template <typename Fn>
double median_ms(int repeats, Fn fn) {
  fn();
  std::vector<double> ms(repeats);
  for (double& m : ms) {
    auto t0 = Clock::now();
    fn();
    m = seconds_since(t0) * 1e3;
  }
  std::sort(ms.begin(), ms.end());
  return ms[repeats / 2];
}

}  // namespace

int cli_bench(int argc, char** argv) {
  CliArgs args("latentlab bench",
               "Speed and memory of the engine on one thread: VAE training throughput at several batch sizes,\n"
               "probe decode latency, 32x32 manifold grid, encoding 10k samples, peak RSS.");
  ModelFlagSpec spec;  // the VAE of the PyTorch reference; batch sizes are a list of their own below
  spec.pick_kind = false;
  spec.kinds = {ModelKind::VAE};
  spec.max_latent = 64;
  spec.output = false;
  spec.training = false;
  add_model_flags(args, spec);
  args.add("batch", "LIST", "16,128,256", "batch sizes for the training throughput");
  args.add("seconds", "S", "3", "seconds of training per batch size");
  args.add("threads", "N", "1", "compute threads (the engine runs single-threaded; only 1 is accepted)");
  args.add("resident", "N", "60000", "built-in digits kept in memory during the run (0 = none)");
  args.add_switch("json", "print one JSON line");
  if (!args.parse(argc, argv)) return 0;
  const std::vector<int> batches = args.int_list("batch", 1, 4096);
  const double seconds = args.real("seconds", 0.05, 3600);
  args.integer("threads", 1, 1);
  const int resident = args.integer("resident", 0, 1000000);
  const bool json = args.flag("json");

  // A dataset as big as full MNIST stays resident, so peak RSS is what the app would need.
  Dataset data;
  if (resident > 0) {
    DataSpec spec;
    spec.source = "digits";
    spec.count = resident;
    spec.train_count = resident;
    data = load_dataset(spec);
  }

  ModelConfig cfg = model_config_from_flags(args, spec);
  cfg.input_size = 784;
  {  // the image geometry for --arch conv, as every command takes it: from a 28x28 data set
    DataSpec shapes;
    shapes.source = "digits";
    shapes.count = shapes.train_count = 16;
    arch_from_flags(args, resident > 0 ? data : load_dataset(shapes), cfg);
  }
  Rng rng(1);
  const CpuIdentity cpu = cpu_identity();
  const FmaPeak peak = measure_fma_peak();

  // ---- training throughput, random inputs in [0,1] like the PyTorch script ----
  std::vector<double> samples_per_sec;
  const double flops = train_flops_per_sample(Network::create(cfg));
  double counted_flops = 0;  // per sample, from the products of one step at the first batch size
  size_t counted_products = 0;
  for (int batch : batches) {
    Model model(cfg, OptimizerConfig{});
    const int slots = 64;  // cycle over a few distinct batches, as the reference does
    Mat inputs(784, static_cast<Eigen::Index>(batch) * slots);
    for (Eigen::Index i = 0; i < inputs.size(); ++i) inputs.data()[i] = rng.uniform();
    for (int i = 0; i < 5; ++i) model.train_step(inputs.middleCols(static_cast<Eigen::Index>(i % slots) * batch, batch));
    if (batch == batches.front()) {  // the products one step calls, counted, against the shapes' count
      GemmTally tally;
      GemmTallyScope on(tally);
      model.train_step(inputs.middleCols(0, batch));
      counted_flops = 2.0 * tally.macs / batch;
      counted_products = tally.shapes.size();
    }
    long steps = 0;
    auto t0 = Clock::now();
    while (seconds_since(t0) < seconds) {
      model.train_step(inputs.middleCols(static_cast<Eigen::Index>(steps % slots) * batch, batch));
      ++steps;
    }
    samples_per_sec.push_back(steps * static_cast<double>(batch) / seconds_since(t0));
  }

  // ---- inference latencies on a trained-shape network (weights' values don't change speed) ----
  Network net = Network::create(cfg);
  InferenceWorkspace ws;
  Mat probe_z = Mat::Zero(cfg.latent, 1), probe_out(784, 1);
  const double probe_ms = median_ms(201, [&] { network_decode(net, probe_z, probe_out, ws); });
  Mat grid_z(cfg.latent, 1024), grid_out(784, 1024);
  for (Eigen::Index i = 0; i < grid_z.size(); ++i) grid_z.data()[i] = rng.normal();
  const double grid_ms = median_ms(21, [&] { network_decode(net, grid_z, grid_out, ws); });
  Mat samples(784, 10000), codes(cfg.latent, 10000);
  if (data.count >= 10000) {
    data.copy_range(0, 10000, samples);
  } else {
    for (Eigen::Index i = 0; i < samples.size(); ++i) samples.data()[i] = rng.uniform();
  }
  const double encode_ms = median_ms(11, [&] { network_encode(net, samples, codes, ws); });
  const double rss = peak_rss_mb();  // before the trainer below adds its own dataset

  // ---- what the UI pays for a snapshot while the twins train on another thread ----
  double snapshot_median_us = 0, snapshot_p999_us = 0;
  {
    DataSpec spec;
    spec.source = "digits";
    spec.count = 3000;
    auto twins_data = std::make_shared<const Dataset>(load_dataset(spec));
    ModelConfig twin = cfg;
    twin.hidden = {256};
    twin.latent = 2;
    Trainer trainer(twins_data, twin_configs(twin), OptimizerConfig{}, TrainerOptions{});
    trainer.start();
    // Read the way a UI does, often but not in a tight loop: 4000 reads 250 us apart (1 s).
    std::vector<double> us(4000);
    for (double& u : us) {
      std::this_thread::sleep_for(std::chrono::microseconds(250));
      auto t0 = Clock::now();
      std::shared_ptr<const Snapshot> s = trainer.snapshot();
      u = seconds_since(t0) * 1e6;
    }
    trainer.stop();
    std::sort(us.begin(), us.end());
    snapshot_median_us = us[us.size() / 2];
    snapshot_p999_us = us[us.size() * 999 / 1000];
  }
  const double peak_gflops = peak.of_build();
  const double decode_flops = forward_flops_per_sample(net.decoder), encode_flops = forward_flops_per_sample(net.encoder);
  const double grid_gflops = 1024 * decode_flops / (grid_ms * 1e6), encode_gflops = 10000 * encode_flops / (encode_ms * 1e6);
  const double flop_check = counted_flops / flops - 1;  // 0 when the shapes' count is what ran
  std::string shape;  // "400-200"
  for (int h : cfg.hidden) shape += (shape.empty() ? "" : "-") + std::to_string(h);

  if (json) {
    JsonObject per_batch, gflops, fraction;
    for (size_t i = 0; i < batches.size(); ++i) {
      const std::string b = std::to_string(batches[i]);
      const double g = samples_per_sec[i] * flops / 1e9;
      per_batch.add(b, std::round(samples_per_sec[i]));
      gflops.add(b, g);
      fraction.add(b, g / peak_gflops);
    }
    std::vector<double> hidden(cfg.hidden.begin(), cfg.hidden.end());
    JsonObject out;
    out.add_string("cpu", cpu.summary())
        .add_string("cpu_vendor", cpu.vendor)
        .add("cpu_family", cpu.family)
        .add("cpu_model", cpu.model)
        .add_string("build_simd", build_simd_flags())
        .add("peak_gflops_avx2", peak.avx2)
        .add("peak_gflops_avx512", peak.avx512)
        .add("peak_gflops", peak_gflops)
        .add_string("arch", choice_name(cfg.arch))
        .add("hidden", json_number_list(hidden))
        .add("latent", cfg.latent)
        .add("train_samples_per_sec", per_batch.text())
        .add("train_gflops", gflops.text())
        .add("train_fraction_of_peak", fraction.text())
        .add("flops_per_sample", flops)
        .add("gemm_flops_per_sample", counted_flops)
        .add("gemm_products_per_step", static_cast<long long>(counted_products))
        .add("probe_decode_ms", probe_ms)
        .add("grid32_decode_ms", grid_ms)
        .add("grid32_fraction_of_peak", grid_gflops / peak_gflops)
        .add("encode10k_ms", encode_ms)
        .add("encode10k_fraction_of_peak", encode_gflops / peak_gflops)
        .add("peak_rss_mb", rss)
        .add("resident_samples", data.count)
        .add("snapshot_median_us", snapshot_median_us)
        .add("snapshot_p999_us", snapshot_p999_us);
    std::printf("%s\n", out.text().c_str());
    return 0;
  }
  std::printf("cpu: %s; this build uses %s\n", cpu.summary().c_str(), build_simd_flags().c_str());
  std::printf("one core's FMA peak, measured: AVX2 %.1f GFLOP/s, AVX-512 %.1f GFLOP/s; this build's products: %.1f\n",
              peak.avx2, peak.avx512, peak_gflops);
  if (architecture_takes_images(cfg.arch))
    std::printf("%s VAE %dx%dx%d (dense %s, latent %d), one thread, %.2f MFLOP per training sample\n",
                choice_of(cfg.arch).title, cfg.height, cfg.width, cfg.channels, shape.empty() ? "none" : shape.c_str(),
                cfg.latent, flops / 1e6);
  else
    std::printf("784-%s-%d VAE, one thread, %.2f MFLOP per training sample\n", shape.c_str(), cfg.latent, flops / 1e6);
  std::printf("  (the %zu matrix products of one step at batch %d: %.2f MFLOP per sample, %+.2f%% from the shapes' count)\n",
              counted_products, batches.front(), counted_flops / 1e6, 100 * flop_check);
  for (size_t i = 0; i < batches.size(); ++i) {
    const double g = samples_per_sec[i] * flops / 1e9;
    std::printf("  train batch %-4d %10.0f samples/s  %6.1f GFLOP/s  %5.1f%% of peak\n", batches[i], samples_per_sec[i],
                g, 100 * g / peak_gflops);
  }
  std::printf("  decode one probe   %10.4f ms\n", probe_ms);
  std::printf("  decode 32x32 grid  %10.3f ms  %6.1f GFLOP/s  %5.1f%% of peak\n", grid_ms, grid_gflops,
              100 * grid_gflops / peak_gflops);
  std::printf("  encode 10k samples %10.2f ms  %6.1f GFLOP/s  %5.1f%% of peak\n", encode_ms, encode_gflops,
              100 * encode_gflops / peak_gflops);
  std::printf("  take a snapshot    %10.3f us median, %.1f us at the 99.9th percentile (twins training)\n",
              snapshot_median_us, snapshot_p999_us);
  std::printf("  peak RSS           %10.1f MB (with %d 28x28 samples resident)\n", rss, data.count);
  return 0;
}
