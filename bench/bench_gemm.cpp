// Our float GEMM (core/nn/gemm.h) against Eigen's product, at the shapes of one 784-400-20 VAE
// training step at batch B (every product the dense layers call: forward, weight gradient, input
// gradient), as GFLOP/s and as a fraction of one core's measured FMA peak. Interleaved ours, Eigen,
// ours, Eigen..., best of `repeats`, so that a loaded machine hurts both alike.
// ./build/bench/bench_gemm [batch] [repeats] [peak GFLOP/s (default: measured)]
#include <Eigen/Core>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nn/gemm.h"
#include "perf/cpu.h"

namespace {

struct Shape {
  const char* what;
  bool ta, tb;
  long m, n, k;
  bool accumulate;
};

// The thread's CPU time, not the wall clock: on a shared machine the time this thread waited for a
// core is not counted (see bench_step.cpp).
double seconds_now() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Best time of `repeats` runs of f, each run repeated until it lasts 20 ms.
template <typename F>
double best_time(F&& f, int repeats) {  // thread CPU seconds per call
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    int reps = 0;
    const double t0 = seconds_now();
    double t = t0;
    do {
      f();
      ++reps;
      t = seconds_now();
    } while (t - t0 < 0.02);
    best = std::min(best, (t - t0) / reps);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const long B = argc > 1 ? std::atol(argv[1]) : 256;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  const double peak = argc > 3 ? std::atof(argv[3]) : measure_fma_peak().of_build();
  std::printf("cpu: %s  kernel: %s  peak %.1f GFLOP/s  batch %ld\n", cpu_identity().summary().c_str(),
              gemm_f32_kernel(), peak, B);
  // y = W x: (out, B) = (out, in) (in, B); dW += dy x^T: (out, in) += (out, B) (B, in);
  // dx += W^T dy: (in, B) += (in, out) (out, B).
  const std::vector<Shape> shapes = {
      {"enc1 fwd  400x784 * 784xB", false, false, 400, B, 784, false},
      {"enc2 fwd  40x400 * 400xB", false, false, 40, B, 400, false},
      {"dec1 fwd  400x20 * 20xB", false, false, 400, B, 20, false},
      {"dec2 fwd  784x400 * 400xB", false, false, 784, B, 400, false},
      {"dec2 dW   784xB * Bx400", false, true, 784, 400, B, true},
      {"dec2 dx   400x784 * 784xB", true, false, 400, B, 784, true},
      {"dec1 dW   400xB * Bx20", false, true, 400, 20, B, true},
      {"dec1 dx   20x400 * 400xB", true, false, 20, B, 400, true},
      {"enc2 dW   40xB * Bx400", false, true, 40, 400, B, true},
      {"enc2 dx   400x40 * 40xB", true, false, 400, B, 40, true},
      {"enc1 dW   400xB * Bx784", false, true, 400, 784, B, true},
  };
  double ours_total = 0, eigen_total = 0, flops_total = 0;
  std::printf("%-28s %10s %10s %8s %8s %10s\n", "product", "ours GF/s", "Eigen GF/s", "ours %", "Eigen %", "max |diff|");
  for (const Shape& s : shapes) {
    const Eigen::MatrixXf A = Eigen::MatrixXf::Random(s.ta ? s.k : s.m, s.ta ? s.m : s.k);
    const Eigen::MatrixXf Bm = Eigen::MatrixXf::Random(s.tb ? s.n : s.k, s.tb ? s.k : s.n);
    Eigen::MatrixXf C1 = Eigen::MatrixXf::Zero(s.m, s.n), C2 = C1;
    auto ours = [&] {
      gemm_f32(s.ta, s.tb, s.m, s.n, s.k, A.data(), A.rows(), Bm.data(), Bm.rows(), C1.data(), s.m, s.accumulate);
    };
    auto eigen = [&] {
      if (!s.ta && !s.tb) C2.noalias() = A * Bm;
      if (!s.ta && s.tb) C2.noalias() += A * Bm.transpose();
      if (s.ta && !s.tb) C2.noalias() += A.transpose() * Bm;
    };
    double t_ours = 1e30, t_eigen = 1e30;
    for (int r = 0; r < repeats; ++r) {  // interleaved
      t_ours = std::min(t_ours, best_time(ours, 1));
      t_eigen = std::min(t_eigen, best_time(eigen, 1));
    }
    // one fresh product each for the check
    C1.setZero();
    C2.setZero();
    ours();
    eigen();
    const double flops = 2.0 * double(s.m) * double(s.n) * double(s.k);
    ours_total += t_ours;
    eigen_total += t_eigen;
    flops_total += flops;
    std::printf("%-28s %10.1f %10.1f %7.1f%% %7.1f%% %10.2g\n", s.what, flops / t_ours * 1e-9, flops / t_eigen * 1e-9,
                100 * flops / t_ours * 1e-9 / peak, 100 * flops / t_eigen * 1e-9 / peak, (C1 - C2).cwiseAbs().maxCoeff());
  }
  std::printf("%-28s %10.1f %10.1f %7.1f%% %7.1f%%\n", "all products of a step", flops_total / ours_total * 1e-9,
              flops_total / eigen_total * 1e-9, 100 * flops_total / ours_total * 1e-9 / peak,
              100 * flops_total / eigen_total * 1e-9 / peak);
  return 0;
}
