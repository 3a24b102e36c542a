// `latentlab bench`: the engine's speed and memory figures, measured the way the issue on
// performance states them: training throughput of the 784-400-20 VAE at batch 16/128/256 on
// random inputs (the same workload as ../shared/reference/torch_vae_bench.py), the latency of
// decoding one probe, a 32x32 manifold grid, encoding 10,000 samples, and peak RSS with a
// 60,000-image dataset resident. bench/compare_torch.sh puts these beside PyTorch's.
#include <algorithm>
#include <chrono>
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

double cpu_ghz() {  // the nominal clock from /proc/cpuinfo; 0 if unknown
  std::ifstream info("/proc/cpuinfo");
  std::string line;
  while (std::getline(info, line))
    if (line.rfind("cpu MHz", 0) == 0) return std::stod(line.substr(line.find(':') + 1)) / 1000.0;
  return 0;
}

// Multiply-adds of one training sample (forward + backward) of the network's dense and convolution
// layers, for the FLOP rate: forward for every layer; backward the weight gradient for every layer
// and the input gradient for all but the first.
double train_flops_per_sample(const Network& net) {
  double macs = 0, first_layer = -1;
  for (const std::vector<Layer>* list : {&net.encoder, &net.decoder})
    for (const Layer& l : *list) {
      double m = 0;
      if (l.kind == LayerKind::Dense) m = 1.0 * l.in * l.out;
      if (l.kind == LayerKind::Conv2d || l.kind == LayerKind::ConvTranspose2d)
        m = 1.0 * l.conv.patch() * l.conv.small_c * l.conv.small_h * l.conv.small_w;
      macs += 3.0 * m;
      if (first_layer < 0 && m > 0) first_layer = m;
    }
  return 2.0 * (macs - first_layer);
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
  cfg.arch = args.choice_of<Architecture>("arch");
  if (cfg.arch == Architecture::Conv) {
    cfg.channels = 1;
    cfg.height = cfg.width = 28;
    if (!args.given("hidden")) cfg.hidden = {16};
  }
  Rng rng(1);

  // ---- training throughput, random inputs in [0,1] like the PyTorch script ----
  std::vector<double> samples_per_sec;
  const double flops = train_flops_per_sample(Network::create(cfg));
  for (int batch : batches) {
    Model model(cfg, OptimizerConfig{});
    const int slots = 64;  // cycle over a few distinct batches, as the reference does
    Mat inputs(784, static_cast<Eigen::Index>(batch) * slots);
    for (Eigen::Index i = 0; i < inputs.size(); ++i) inputs.data()[i] = rng.uniform();
    for (int i = 0; i < 5; ++i) model.train_step(inputs.middleCols(static_cast<Eigen::Index>(i % slots) * batch, batch));
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
  const double ghz = cpu_ghz();
  std::string widths, shape;  // "400,200" and "400-200"
  for (int h : cfg.hidden) {
    widths += (widths.empty() ? "" : ",") + std::to_string(h);
    shape += (shape.empty() ? "" : "-") + std::to_string(h);
  }

  if (json) {
    std::printf("{\"arch\":\"%s\",\"hidden\":[%s],\"latent\":%d,\"train_samples_per_sec\":{", choice_name(cfg.arch),
                widths.c_str(), cfg.latent);
    for (size_t i = 0; i < batches.size(); ++i)
      std::printf("%s\"%d\":%.0f", i ? "," : "", batches[i], samples_per_sec[i]);
    std::printf("},\"train_gflops\":{");
    for (size_t i = 0; i < batches.size(); ++i)
      std::printf("%s\"%d\":%.1f", i ? "," : "", batches[i], samples_per_sec[i] * flops / 1e9);
    std::printf("},\"probe_decode_ms\":%.4f,\"grid32_decode_ms\":%.3f,\"encode10k_ms\":%.2f,\"peak_rss_mb\":%.1f,"
                "\"resident_samples\":%d,\"cpu_ghz\":%.3f,\"flops_per_sample\":%.0f,\"snapshot_median_us\":%.3f,"
                "\"snapshot_p999_us\":%.1f}\n",
                probe_ms, grid_ms, encode_ms, rss, data.count, ghz, flops, snapshot_median_us, snapshot_p999_us);
    return 0;
  }
  if (cfg.arch == Architecture::Conv)
    std::printf("conv VAE 28x28x1 (conv 32, conv 64, dense %s, latent %d), one thread, %.1f MFLOP per training sample\n",
                shape.c_str(), cfg.latent, flops / 1e6);
  else
    std::printf("784-%s-%d VAE, one thread, %.1f MFLOP per training sample\n", shape.c_str(), cfg.latent, flops / 1e6);
  for (size_t i = 0; i < batches.size(); ++i)
    std::printf("  train batch %-4d %10.0f samples/s  %6.1f GFLOP/s\n", batches[i], samples_per_sec[i],
                samples_per_sec[i] * flops / 1e9);
  if (ghz > 0)
    std::printf("  (peak at %.2f GHz: %.0f GFLOP/s with AVX2+FMA, 32 FLOP/cycle)\n", ghz, ghz * 32);
  std::printf("  decode one probe   %10.4f ms\n", probe_ms);
  std::printf("  decode 32x32 grid  %10.3f ms\n", grid_ms);
  std::printf("  encode 10k samples %10.2f ms\n", encode_ms);
  std::printf("  take a snapshot    %10.3f us median, %.1f us at the 99.9th percentile (twins training)\n",
              snapshot_median_us, snapshot_p999_us);
  std::printf("  peak RSS           %10.1f MB (with %d 28x28 samples resident)\n", rss, data.count);
  return 0;
}
