// What this CPU is and what one of its cores can do, measured rather than looked up: every speed
// figure the bench prints stands beside the CPU it came from and the core's measured FMA peak, so
// a figure from another machine (or above the peak, which is a bug) is seen for what it is.
//
//   CpuIdentity cpu = cpu_identity();       // "AuthenticAMD family 26 model 2", "AMD EPYC ..."
//   FmaPeak peak = measure_fma_peak();       // GFLOP/s of one core, AVX2+FMA and AVX-512
//   peak.of_build()                          // the peak of the widest vectors this build's products use
#pragma once
#include <string>

struct CpuIdentity {
  std::string vendor;  // CPUID's vendor string: "AuthenticAMD", "GenuineIntel"
  int family = 0, model = 0;  // display family and model, as /proc/cpuinfo shows them
  std::string name;    // the brand string: "AMD EPYC 9R45 ..."; empty if the CPU has none
  bool avx2_fma = false, avx512f = false;  // what the CPU (and the OS) can run
  std::string summary() const;  // "AuthenticAMD family 26 model 2 (AMD EPYC ...)"
};
CpuIdentity cpu_identity();

// The vector instructions this build was compiled to use (the compiler's target macros, which is
// also what Eigen's products use): "avx512f avx2 fma", "avx2 fma", "sse2".
std::string build_simd_flags();
bool build_uses_avx512();

// One core's multiply-add throughput in GFLOP/s (a fused multiply-add counts 2 FLOPs), best of
// several runs of a loop of independent FMA chains with enough accumulators to hide the latency.
// 0 for an instruction set the CPU lacks.
struct FmaPeak {
  double avx2 = 0;    // 256-bit FMA
  double avx512 = 0;  // 512-bit FMA
  bool build_avx512 = false;
  double of_build() const { return build_avx512 && avx512 > 0 ? avx512 : avx2; }
};
FmaPeak measure_fma_peak(int runs = 7);
