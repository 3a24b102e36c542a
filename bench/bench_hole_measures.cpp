// Which measure shows the holes: trains the explorer's default twin (a plain AE and a VAE,
// 784-256-2, Adam 3e-3, batch 128) on the built-in digits, lays a 48x48 grid over each model's
// default fitted view (the central 98% of the codes with the explorer's margin; the VAE's view
// also holds the prior's 2-sigma circle) and compares candidate hole measures by how well they
// tell the held-out samples' codes ("on the data") from uniformly random points of that view:
//   pixel      distance of the decoding to the nearest training image (ProjectedDistance, the map's measure before)
//   roundtrip  ||encode(decode(z)) - z||, in units of its median at the held-out codes
//   density    distance from z to its k-th nearest of 2000 training codes (as the app, at most), in units of its median at the
//              held-out codes (core/measure/code_density.h)
// For each: mean at the held-out codes and over the grid, the AUC (chance that a random grid cell
// reads higher than a random held-out code: 0.5 = no separation, 1 = perfect), and the share of the
// view above the held-out codes' 95th percentile ("unlike 95% of the data"). For the VAE also that
// share inside the prior's 2-sigma circle, and for both inside the 2-sigma ellipse of a Gaussian
// fitted to their held-out codes. CPU time per 48x48 grid of each measure (this thread's, so that
// it holds on a shared machine).
//
//   ./build/bench/bench_hole_measures [steps=1000] [k=8]
#include <algorithm>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <Eigen/Dense>

#include "data/dataset.h"
#include "measure/code_density.h"
#include "measure/projected_distance.h"
#include "models/model.h"
#include "nn/rng.h"

namespace {
// CPU time of this thread, so that the figures mean something on a shared machine.
double cpu_ms() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

double percentile(std::vector<float> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * (v.size() - 1))];
}
double mean(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += x;
  return s / v.size();
}
// P(grid > held) + P(equal) / 2, by sorting.
double auc(const std::vector<float>& held, std::vector<float> grid) {
  std::sort(grid.begin(), grid.end());
  double wins = 0;
  for (float h : held) {
    const auto lo = std::lower_bound(grid.begin(), grid.end(), h), hi = std::upper_bound(grid.begin(), grid.end(), h);
    wins += (grid.end() - hi) + 0.5 * (hi - lo);
  }
  return wins / (static_cast<double>(held.size()) * grid.size());
}

struct Row {
  const char* name;
  std::vector<float> held, grid;
  double ms;
};

// Inside the 2-sigma ellipse of a Gaussian fitted to the held-out codes (Mahalanobis distance < 2,
// 86% of a Gaussian's mass): the region each model's codes claim, the same rule for both.
std::vector<bool> ellipse;

void report(const Row& r, const Mat& z, bool vae) {
  const double p95 = percentile(r.held, 0.95), p50 = percentile(r.held, 0.5);
  int above = 0, prior = 0, prior_above = 0, in_ellipse = 0, ellipse_above = 0;
  for (size_t i = 0; i < r.grid.size(); ++i) {
    above += r.grid[i] > p95;
    if (ellipse[i]) {
      ++in_ellipse;
      ellipse_above += r.grid[i] > p95;
    }
    if (z(0, i) * z(0, i) + z(1, i) * z(1, i) < 4) {
      ++prior;
      prior_above += r.grid[i] > p95;
    }
  }
  std::printf("  %-10s held mean %6.3f (p50 %6.3f, p95 %6.3f)  grid mean %6.3f  ratio %5.2f  AUC %.3f  view above p95 %4.1f%%",
              r.name, mean(r.held), p50, p95, mean(r.grid), mean(r.grid) / mean(r.held), auc(r.held, r.grid),
              100.0 * above / r.grid.size());
  std::printf("  codes' 2-sigma ellipse above p95 %4.1f%% (%d cells)", in_ellipse ? 100.0 * ellipse_above / in_ellipse : 0.0, in_ellipse);
  if (vae) std::printf("  prior disk above p95 %4.1f%% (%d cells)", prior ? 100.0 * prior_above / prior : 0.0, prior);
  std::printf("  %.1f CPU ms/grid\n", r.ms);
}
}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int k = argc > 2 ? std::atoi(argv[2]) : 8;
  DataSpec spec;
  const Dataset data = load_dataset(spec);
  std::printf("data: %s, %d training, %d held out; %d steps of 128; density k = %d\n", data.name.c_str(),
              data.train_count, data.test_count(), steps, k);
  ProjectedDistance pixel = ProjectedDistance::build(data, 32, 5000, 8, 500, 12);

  for (ModelKind kind : {ModelKind::Plain, ModelKind::VAE}) {
    const bool vae = kind == ModelKind::VAE;
    ModelConfig cfg;
    cfg.kind = kind;
    cfg.hidden = {256};
    cfg.latent = 2;
    cfg.input_size = data.features();
    OptimizerConfig opt;
    opt.lr = 3e-3f;
    Model model(cfg, opt);
    Rng rng(1);
    const int batch = 128;
    Mat x(data.features(), batch);
    std::vector<int> idx(batch);
    for (int s = 0; s < steps; ++s) {
      for (int& i : idx) i = rng.below(data.train_count);
      data.gather(idx.data(), batch, x);
      model.train_step(x);
    }
    const Network& net = model.network();
    InferenceWorkspace ws;

    // Codes: up to 5000 training samples (the density's reference) and 2000 held-out ones.
    const int n_train = std::min(2000, data.train_count), n_held = std::min(2000, data.test_count());
    std::vector<int> ti(n_train), hi(n_held);
    for (int i = 0; i < n_train; ++i) ti[i] = static_cast<int>(static_cast<long long>(i) * data.train_count / n_train);
    for (int i = 0; i < n_held; ++i) hi[i] = data.train_count + i;
    Mat train_x(data.features(), n_train), held_x(data.features(), n_held);
    data.gather(ti.data(), n_train, train_x);
    data.gather(hi.data(), n_held, held_x);
    Mat train_code(2, n_train), held_code(2, n_held);
    network_encode(net, train_x, train_code, ws);
    network_encode(net, held_x, held_code, ws);

    // The default fitted view (gui_compute.cpp view_set_target) over all these codes.
    float lo[2], hi2[2];
    for (int a = 0; a < 2; ++a) {
      std::vector<float> v;
      for (int i = 0; i < n_train; ++i) v.push_back(train_code(a, i));
      for (int i = 0; i < n_held; ++i) v.push_back(held_code(a, i));
      lo[a] = static_cast<float>(percentile(v, 0.005));
      hi2[a] = static_cast<float>(percentile(v, 0.995));
      if (vae) lo[a] = std::min(lo[a], -2.1f), hi2[a] = std::max(hi2[a], 2.1f);
    }
    const float half = 1.04f * 0.58f * std::max(hi2[0] - lo[0], hi2[1] - lo[1]);
    const float cu = 0.5f * (lo[0] + hi2[0]), cv = 0.5f * (lo[1] + hi2[1]);
    const int side = 48, cells = side * side;
    Mat z(2, cells), dec(data.features(), cells), back(2, cells);
    for (int r = 0; r < side; ++r)
      for (int c = 0; c < side; ++c) {
        z(0, r * side + c) = cu - half + 2 * half * (c + 0.5f) / side;
        z(1, r * side + c) = cv + half - 2 * half * (r + 0.5f) / side;
      }
    {
      const Eigen::Vector2f m = held_code.rowwise().mean();
      const Mat c = held_code.colwise() - Vec(m);
      const Eigen::Matrix2f cov = c * c.transpose() / static_cast<float>(n_held);
      const Eigen::Matrix2f inv = cov.inverse();
      ellipse.assign(cells, false);
      for (int i = 0; i < cells; ++i) {
        const Eigen::Vector2f d = z.col(i) - m;
        ellipse[i] = d.dot(inv * d) < 4;
      }
    }
    std::printf("\n%s: view centre (%.2f, %.2f), half extent %.2f\n", vae ? "VAE" : "AE", cu, cv, half);

    // The held-out codes' own decodings (what the map reads on the data).
    Mat held_dec(data.features(), n_held), held_back(2, n_held);
    network_decode(net, held_code, held_dec, ws);

    Row px{"pixel", std::vector<float>(n_held), std::vector<float>(cells), 0};
    pixel.normalized_distance(held_dec, px.held.data());
    double t0 = cpu_ms();
    network_decode(net, z, dec, ws);
    pixel.normalized_distance(dec, px.grid.data());
    px.ms = (cpu_ms() - t0);

    Row rt{"roundtrip", std::vector<float>(n_held), std::vector<float>(cells), 0};
    network_encode(net, held_dec, held_back, ws);
    for (int i = 0; i < n_held; ++i) rt.held[i] = (held_back.col(i) - held_code.col(i)).norm();
    t0 = cpu_ms();
    network_decode(net, z, dec, ws);
    network_encode(net, dec, back, ws);
    for (int i = 0; i < cells; ++i) rt.grid[i] = (back.col(i) - z.col(i)).norm();
    rt.ms = (cpu_ms() - t0);
    const double rt_unit = percentile(rt.held, 0.5);
    for (float& v : rt.held) v /= rt_unit;
    for (float& v : rt.grid) v /= rt_unit;

    Row dn{"density", std::vector<float>(n_held), std::vector<float>(cells), 0};
    t0 = cpu_ms();
    CodeDensity density;
    density.set_codes(train_code, k);
    density.calibrate(held_code);
    for (int first = 0; first < cells; first += 32)  // 32 cells at a time, as the app measures them
      density.normalized_distance(z.middleCols(first, std::min(32, cells - first)), dn.grid.data() + first);
    dn.ms = (cpu_ms() - t0);
    density.normalized_distance(held_code, dn.held.data());

    report(px, z, vae);
    report(rt, z, vae);
    report(dn, z, vae);
    // Combinations: the larger of density and pixel, and their geometric mean (each in its own unit).
    Row mx{"max(d,px)", dn.held, dn.grid, dn.ms + px.ms}, gm{"gm(d,px)", dn.held, dn.grid, dn.ms + px.ms};
    const double px_unit = percentile(px.held, 0.5);
    for (int i = 0; i < n_held; ++i) {
      mx.held[i] = std::max<float>(dn.held[i], px.held[i] / px_unit);
      gm.held[i] = std::sqrt(dn.held[i] * px.held[i] / px_unit);
    }
    for (int i = 0; i < cells; ++i) {
      mx.grid[i] = std::max<float>(dn.grid[i], px.grid[i] / px_unit);
      gm.grid[i] = std::sqrt(dn.grid[i] * px.grid[i] / px_unit);
    }
    report(mx, z, vae);
    report(gm, z, vae);
  }
  return 0;
}
