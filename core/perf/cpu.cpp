// CPUID and the FMA loops. The loops are compiled for their instruction set with a target
// attribute (not the build's flags), so a portable build can still measure the peak, and each
// runs only after the CPU said it has the instructions.
#include "perf/cpu.h"

#include <cpuid.h>
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstring>

std::string CpuIdentity::summary() const {
  std::string s = vendor + " family " + std::to_string(family) + " model " + std::to_string(model);
  if (!name.empty()) s += " (" + name + ")";
  return s;
}

CpuIdentity cpu_identity() {
  CpuIdentity c;
  unsigned a = 0, b = 0, cx = 0, d = 0;
  if (!__get_cpuid(0, &a, &b, &cx, &d)) return c;
  char vendor[13] = {};
  std::memcpy(vendor, &b, 4);
  std::memcpy(vendor + 4, &d, 4);
  std::memcpy(vendor + 8, &cx, 4);
  c.vendor = vendor;
  if (__get_cpuid(1, &a, &b, &cx, &d)) {
    const int base_family = (a >> 8) & 0xf, base_model = (a >> 4) & 0xf;
    c.family = base_family == 0xf ? base_family + int((a >> 20) & 0xff) : base_family;
    c.model = (base_family == 0x6 || base_family == 0xf) ? (int((a >> 16) & 0xf) << 4) + base_model : base_model;
  }
  unsigned max_ext = __get_cpuid_max(0x80000000u, nullptr);
  if (max_ext >= 0x80000004u) {
    char brand[49] = {};
    for (unsigned i = 0; i < 3; ++i) {
      unsigned r[4];
      __get_cpuid(0x80000002u + i, &r[0], &r[1], &r[2], &r[3]);
      std::memcpy(brand + 16 * i, r, 16);
    }
    c.name = brand;
    c.name.erase(0, c.name.find_first_not_of(' '));
    c.name.erase(c.name.find_last_not_of(' ') + 1);
  }
  __builtin_cpu_init();
  c.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  c.avx512f = __builtin_cpu_supports("avx512f");
  return c;
}

std::string build_simd_flags() {
  std::string s;
#ifdef __AVX512F__
  s += "avx512f ";
#endif
#ifdef __AVX2__
  s += "avx2 ";
#endif
#ifdef __FMA__
  s += "fma ";
#endif
  if (s.empty()) s = "sse2 ";
  s.pop_back();
  return s;
}

bool build_uses_avx512() {
#ifdef __AVX512F__
  return true;
#else
  return false;
#endif
}

namespace {

using Clock = std::chrono::steady_clock;

// acc = acc * a + b keeps every value finite (it converges to b / (1 - a)); the chains are
// independent, so the core can keep all its FMA pipes busy. 12 accumulators cover the latency
// (4 or 5 cycles) times the pipes (2) of current cores with registers to spare.
__attribute__((target("avx2,fma"))) float fma_loop_avx2(long iterations) {
  const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(1e-3f);
  // Distinct starting values, and every chain through the barrier below: chains that start equal
  // compute equal values, and the compiler would merge them into one (it did: 7 FMAs ran of 12 counted).
  __m256 r0 = _mm256_set1_ps(0.0f), r1 = _mm256_set1_ps(0.01f), r2 = _mm256_set1_ps(0.02f), r3 = _mm256_set1_ps(0.03f),
         r4 = _mm256_set1_ps(0.04f), r5 = _mm256_set1_ps(0.05f), r6 = _mm256_set1_ps(0.06f), r7 = _mm256_set1_ps(0.07f),
         r8 = _mm256_set1_ps(0.08f), r9 = _mm256_set1_ps(0.09f), r10 = _mm256_set1_ps(0.10f), r11 = _mm256_set1_ps(0.11f);
  for (long i = 0; i < iterations; ++i) {
    r0 = _mm256_fmadd_ps(r0, a, b); r1 = _mm256_fmadd_ps(r1, a, b); r2 = _mm256_fmadd_ps(r2, a, b);
    r3 = _mm256_fmadd_ps(r3, a, b); r4 = _mm256_fmadd_ps(r4, a, b); r5 = _mm256_fmadd_ps(r5, a, b);
    r6 = _mm256_fmadd_ps(r6, a, b); r7 = _mm256_fmadd_ps(r7, a, b); r8 = _mm256_fmadd_ps(r8, a, b);
    r9 = _mm256_fmadd_ps(r9, a, b); r10 = _mm256_fmadd_ps(r10, a, b); r11 = _mm256_fmadd_ps(r11, a, b);
    __asm__ volatile("" : "+x"(r0), "+x"(r1), "+x"(r2), "+x"(r3), "+x"(r4), "+x"(r5), "+x"(r6), "+x"(r7), "+x"(r8),
                     "+x"(r9), "+x"(r10), "+x"(r11));  // keep every chain
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(r0, r1), _mm256_add_ps(r2, r3)),
                           _mm256_add_ps(_mm256_add_ps(r4, r5), _mm256_add_ps(r6, r7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(r8, r9), _mm256_add_ps(r10, r11)));
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}
constexpr double kAvx2FlopsPerIteration = 12 * 8 * 2;

// Twice the accumulators: 512-bit registers are 32, and a core that splits a 512-bit FMA into
// two halves or runs four pipes still has enough independent work. Named variables, not an
// array: the compiler keeps an array in memory and the loop would measure loads and stores.
__attribute__((target("avx512f"))) float fma_loop_avx512(long iterations) {
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-3f);
  __m512 r0 = _mm512_set1_ps(0.0f), r1 = _mm512_set1_ps(0.01f), r2 = _mm512_set1_ps(0.02f), r3 = _mm512_set1_ps(0.03f),
         r4 = _mm512_set1_ps(0.04f), r5 = _mm512_set1_ps(0.05f), r6 = _mm512_set1_ps(0.06f), r7 = _mm512_set1_ps(0.07f),
         r8 = _mm512_set1_ps(0.08f), r9 = _mm512_set1_ps(0.09f), r10 = _mm512_set1_ps(0.10f), r11 = _mm512_set1_ps(0.11f),
         r12 = _mm512_set1_ps(0.12f), r13 = _mm512_set1_ps(0.13f), r14 = _mm512_set1_ps(0.14f), r15 = _mm512_set1_ps(0.15f);
  for (long i = 0; i < iterations; ++i) {
    r0 = _mm512_fmadd_ps(r0, a, b); r1 = _mm512_fmadd_ps(r1, a, b); r2 = _mm512_fmadd_ps(r2, a, b);
    r3 = _mm512_fmadd_ps(r3, a, b); r4 = _mm512_fmadd_ps(r4, a, b); r5 = _mm512_fmadd_ps(r5, a, b);
    r6 = _mm512_fmadd_ps(r6, a, b); r7 = _mm512_fmadd_ps(r7, a, b); r8 = _mm512_fmadd_ps(r8, a, b);
    r9 = _mm512_fmadd_ps(r9, a, b); r10 = _mm512_fmadd_ps(r10, a, b); r11 = _mm512_fmadd_ps(r11, a, b);
    r12 = _mm512_fmadd_ps(r12, a, b); r13 = _mm512_fmadd_ps(r13, a, b); r14 = _mm512_fmadd_ps(r14, a, b);
    r15 = _mm512_fmadd_ps(r15, a, b);
    __asm__ volatile("" : "+v"(r0), "+v"(r1), "+v"(r2), "+v"(r3), "+v"(r4), "+v"(r5), "+v"(r6), "+v"(r7));
    __asm__ volatile("" : "+v"(r8), "+v"(r9), "+v"(r10), "+v"(r11), "+v"(r12), "+v"(r13), "+v"(r14), "+v"(r15));
  }
  const __m512 s = _mm512_add_ps(
      _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(r0, r1), _mm512_add_ps(r2, r3)),
                    _mm512_add_ps(_mm512_add_ps(r4, r5), _mm512_add_ps(r6, r7))),
      _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(r8, r9), _mm512_add_ps(r10, r11)),
                    _mm512_add_ps(_mm512_add_ps(r12, r13), _mm512_add_ps(r14, r15))));
  alignas(64) float out[16];
  _mm512_store_ps(out, s);
  return out[0];
}
constexpr double kAvx512FlopsPerIteration = 16 * 16 * 2;

volatile float g_sink;  // the loops' results go here so the compiler cannot drop them

// Best GFLOP/s over `runs` runs of about 40 ms each.
template <typename Loop>
double best_gflops(Loop loop, double flops_per_iteration, int runs) {
  long iterations = 1 << 16;
  for (;;) {  // size a run to at least 40 ms on this core
    const auto t0 = Clock::now();
    g_sink = loop(iterations);
    if (std::chrono::duration<double>(Clock::now() - t0).count() > 0.04 || iterations > (1L << 34)) break;
    iterations *= 2;
  }
  double best = 0;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = Clock::now();
    g_sink = loop(iterations);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    best = std::max(best, iterations * flops_per_iteration / s / 1e9);
  }
  return best;
}

}  // namespace

FmaPeak measure_fma_peak(int runs) {
  const CpuIdentity cpu = cpu_identity();
  FmaPeak p;
  p.build_avx512 = build_uses_avx512();
  if (cpu.avx2_fma) p.avx2 = best_gflops(fma_loop_avx2, kAvx2FlopsPerIteration, runs);
  if (cpu.avx512f) p.avx512 = best_gflops(fma_loop_avx512, kAvx512FlopsPerIteration, runs);
  return p;
}
