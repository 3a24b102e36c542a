// The hole map's measure, timed and checked against the exact one: trains a plain AE (784-256-2,
// the explorer's default) on the built-in digits, decodes a 48x48 grid over its codes' extent and
// the held-out images, and compares core/measure/projected_distance.h's approximate distance to the data
// with core/measure/interpolate.h's exact DataDistance (5000 training images, all 784 pixels), for several
// numbers of principal components. Prints the time per grid for each part (decode, approximate
// distance, exact distance) and the approximation's error: relative error percentiles, and how
// often a pair of cells is ordered differently.
//
//   ./build/bench/bench_hole_map [steps=3000]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "measure/interpolate.h"
#include "models/model.h"
#include "measure/projected_distance.h"
#include "nn/rng.h"

namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * (v.size() - 1))];
}

// Share of random pairs (i, j) whose order by `approx` differs from their order by `exact`.
double discordant_pairs(const std::vector<double>& exact, const std::vector<double>& approx, Rng& rng) {
  const int n = static_cast<int>(exact.size()), trials = 200000;
  int wrong = 0, counted = 0;
  for (int t = 0; t < trials; ++t) {
    const int i = rng.below(n), j = rng.below(n);
    if (exact[i] == exact[j]) continue;
    ++counted;
    wrong += (exact[i] < exact[j]) != (approx[i] < approx[j]);
  }
  return counted ? static_cast<double>(wrong) / counted : 0.0;
}
}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 3000;
  struct Config { int components, references, candidates; };
  const Config configs[] = {{32, 5000, 1}, {16, 5000, 8}, {32, 5000, 8}, {32, 2000, 8}, {64, 2000, 8}, {32, 5000, 16}};
  DataSpec spec;  // the explorer's default data
  const Dataset data = load_dataset(spec);
  std::printf("data: %s, %d samples (%d training, %d held out)\n", data.name.c_str(), data.count, data.train_count,
              data.test_count());

  ModelConfig cfg;
  cfg.kind = ModelKind::Plain;
  cfg.hidden = {256};
  cfg.latent = 2;
  cfg.input_size = data.features();
  Model model(cfg, OptimizerConfig{});
  Rng rng(1);
  const int batch = 128;
  Mat x(data.features(), batch);
  std::vector<int> idx(batch);
  auto t0 = Clock::now();
  for (int s = 0; s < steps; ++s) {
    for (int& i : idx) i = rng.below(data.train_count);
    data.gather(idx.data(), batch, x);
    model.train_step(x);
  }
  std::printf("trained a plain AE 784-256-2 for %d steps of %d in %.1f s\n", steps, batch, ms_since(t0) / 1e3);
  const Network& net = model.network();

  // The grid: 48x48 over the central 98% of the held-out codes, with the explorer's margin.
  const int held = data.test_count();
  Mat held_x(data.features(), held), held_code(2, held);
  std::vector<int> held_idx(held);
  for (int i = 0; i < held; ++i) held_idx[i] = data.train_count + i;
  data.gather(held_idx.data(), held, held_x);
  InferenceWorkspace ws;
  network_encode(net, held_x, held_code, ws);
  float lo[2], hi[2];
  for (int a = 0; a < 2; ++a) {
    std::vector<double> v(held);
    for (int i = 0; i < held; ++i) v[i] = held_code(a, i);
    lo[a] = static_cast<float>(percentile(v, 0.01));
    hi[a] = static_cast<float>(percentile(v, 0.99));
  }
  const float half = 0.58f * std::max(hi[0] - lo[0], hi[1] - lo[1]);
  const float cu = 0.5f * (lo[0] + hi[0]), cv = 0.5f * (lo[1] + hi[1]);
  const int side = 48, cells = side * side;
  Mat z(2, cells), decoded(data.features(), cells);
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) {
      z(0, r * side + c) = cu - half + 2 * half * (c + 0.5f) / side;
      z(1, r * side + c) = cv + half - 2 * half * (r + 0.5f) / side;
    }
  network_decode(net, z, decoded, ws);
  double decode_ms = 1e30;
  for (int rep = 0; rep < 3; ++rep) {
    t0 = Clock::now();
    network_decode(net, z, decoded, ws);
    decode_ms = std::min(decode_ms, ms_since(t0));
  }

  t0 = Clock::now();
  DataDistance exact = DataDistance::build(data, 5000, 500);
  const double exact_build_ms = ms_since(t0);
  std::vector<double> exact_grid, exact_held;
  double exact_ms = 1e30;
  for (int rep = 0; rep < 3; ++rep) {
    t0 = Clock::now();
    exact.normalized_distance(decoded, exact_grid);
    exact_ms = std::min(exact_ms, ms_since(t0));
  }
  exact.normalized_distance(held_x.leftCols(std::min(held, 1000)), exact_held);
  std::printf("48x48 grid: decode %.1f ms; exact distance (5000 references x 784 pixels) %.1f ms, built in %.0f ms\n",
              decode_ms, exact_ms, exact_build_ms);
  std::printf("exact grid distances: median %.2f, 90th percentile %.2f, max %.2f (1.0 = a real held-out image)\n",
              percentile(exact_grid, 0.5), percentile(exact_grid, 0.9), percentile(exact_grid, 1.0));

  std::printf("\n%5s %6s %6s %9s %9s %12s %12s %12s %11s %13s\n", "comps", "refs", "cands", "build ms", "grid ms",
              "rel.err p50", "rel.err p90", "rel.err max", "discordant", "held-out p50");
  for (const Config& config : configs) {
    t0 = Clock::now();
    ProjectedDistance approx =
        ProjectedDistance::build(data, config.components, config.references, config.candidates, 500, 12);
    const double build_ms = ms_since(t0);
    std::vector<float> out(cells), out_held(exact_held.size());
    approx.normalized_distance(decoded, out.data());
    double approx_ms = 1e30;
    for (int rep = 0; rep < 3; ++rep) {
      t0 = Clock::now();
      approx.normalized_distance(decoded, out.data());
      approx_ms = std::min(approx_ms, ms_since(t0));
    }
    approx.normalized_distance(held_x.leftCols(static_cast<Eigen::Index>(out_held.size())), out_held.data());
    std::vector<double> rel(cells), approx_grid(out.begin(), out.end()), held_ratio(out_held.size());
    for (int i = 0; i < cells; ++i) rel[i] = std::fabs(out[i] - exact_grid[i]) / exact_grid[i];
    for (size_t i = 0; i < out_held.size(); ++i) held_ratio[i] = out_held[i];
    Rng pair_rng(3);
    std::printf("%5d %6d %6d %9.0f %9.1f %11.1f%% %11.1f%% %11.1f%% %10.2f%% %13.2f\n", config.components,
                config.references, config.candidates, build_ms, approx_ms,
                100 * percentile(rel, 0.5), 100 * percentile(rel, 0.9), 100 * percentile(rel, 1.0),
                100 * discordant_pairs(exact_grid, approx_grid, pair_rng), percentile(held_ratio, 0.5));
  }
  return 0;
}
