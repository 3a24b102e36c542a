// Counting the matrix products the layers call, so the bench can check the FLOP count it derives
// from the layer shapes against the products that actually ran in one step. Off unless a tally is
// installed on the calling thread: one pointer test per product, nothing else.
//
//   GemmTally tally;  GemmTallyScope on(tally);  model.train_step(x);  // tally.macs, tally.shapes
#pragma once
#include <array>
#include <vector>

#include <Eigen/Core>

struct GemmTally {
  double macs = 0;                          // multiply-adds: m * n * k summed over the products
  std::vector<std::array<long, 3>> shapes;  // (m, n, k) of each product, in call order
};

inline thread_local GemmTally* t_gemm_tally = nullptr;

// The product a (m, k) * b (k, n), about to run.
inline void gemm_tally(Eigen::Index m, Eigen::Index n, Eigen::Index k) {
  if (!t_gemm_tally) return;
  t_gemm_tally->macs += double(m) * double(n) * double(k);
  t_gemm_tally->shapes.push_back({long(m), long(n), long(k)});
}
template <typename A, typename B>
void gemm_tally(const A& a, const B& b) { gemm_tally(a.rows(), b.cols(), a.cols()); }

// Installs `tally` on this thread for the scope's life.
struct GemmTallyScope {
  explicit GemmTallyScope(GemmTally& tally) : previous(t_gemm_tally) { t_gemm_tally = &tally; }
  ~GemmTallyScope() { t_gemm_tally = previous; }
  GemmTallyScope(const GemmTallyScope&) = delete;
  GemmTallyScope& operator=(const GemmTallyScope&) = delete;
  GemmTally* previous;
};
