// gemm_f32 (nn/gemm.h): blocking, packing, the register-blocked kernels and the edge tiles.
//
//   1. the vector type of this build (AVX-512, AVX2+FMA, or scalar) and the block sizes
//   2. packing A and B into the kernel's panel layout
//   3. the micro-kernel: an (MR, nr) tile of C from an MR-row panel of A and an nr-column panel of B
//   4. the driver: loops over blocks of N, K and M (BLIS order), then over the tiles of a block;
//      a product of one or two columns goes down A's columns instead (columns_product)
#include "nn/gemm.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

namespace {

//---- 1. vectors and block sizes -----------------------------------------------------------------
// The tile of C a kernel call keeps in registers is MR rows (MR / W vectors along the column) by
// NR columns: AVX-512 has 32 registers, 24 accumulators + 2 of A + 1 broadcast of B; AVX2 has 16,
// 12 + 2 + 1.
#if defined(__AVX512F__)
struct Simd {
  using V = __m512;
  static constexpr int W = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
};
constexpr int kMR = 32, kNR = 12;
constexpr const char* kKernelName = "avx512 32x12";
#elif defined(__AVX2__) && defined(__FMA__)
struct Simd {
  using V = __m256;
  static constexpr int W = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
};
constexpr int kMR = 16, kNR = 6;
constexpr const char* kKernelName = "avx2 16x6";
#else
struct Simd {  // plain C++: the compiler may vectorize what it can
  using V = float;
  static constexpr int W = 1;
  static V zero() { return 0.0f; }
  static V load(const float* p) { return *p; }
  static void store(float* p, V v) { *p = v; }
  static V set1(float x) { return x; }
  static V fmadd(V a, V b, V c) { return a * b + c; }
  static V add(V a, V b) { return a + b; }
};
constexpr int kMR = 8, kNR = 4;
constexpr const char* kKernelName = "scalar 8x4";
#endif
constexpr int kMV = kMR / Simd::W;  // vectors per tile column

// Block sizes (multiples of MR and NR): a packed panel of B, KC x NR, stays in L1 while the kernel
// runs down a block of A, MC x KC, held in L2 (packed if A is transposed); a block of B, KC x NC, is
// read once per block of A. K and M are split into blocks of equal size (rounded up to MR for M), so that no block is
// a thin remainder.
constexpr long kKC = 384;
constexpr long kMC = 9 * 32;   // 288: a multiple of every MR above
constexpr long kNC = 128 * 12; // 1536: a multiple of every NR above
static_assert(kMC % kMR == 0 && kNC % kNR == 0, "blocks are whole tiles");

// An untransposed A is read in place, not packed: its panel's columns are MR contiguous floats
// already, and the block stays in L2 all the same, so packing would only add a pass over A (README,
// "Benchmarks"). Only its last panel, short of MR rows, is packed (zero rows below).

// Up to this many columns (A not transposed), no kernel at all: see columns_product.
constexpr long kColumnsMaxN = 2;

// The packing buffers: one fixed-size pair per thread, allocated on the thread's first product.
struct PackBuffers {
  struct Free {
    void operator()(float* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  std::unique_ptr<float[], Free> a, b;
  PackBuffers()
      : a(static_cast<float*>(::operator new[](sizeof(float) * kMC * kKC, std::align_val_t(64)))),
        b(static_cast<float*>(::operator new[](sizeof(float) * kKC * kNC, std::align_val_t(64)))) {}
};
PackBuffers& pack_buffers() {
  static thread_local PackBuffers buffers;
  return buffers;
}

long ceil_div(long a, long b) { return (a + b - 1) / b; }

#if defined(__AVX2__)
// dst[q * dst_stride + r] = src[r * src_stride + q] for r, q < 8: an 8 x 8 block transposed in
// registers (the packing of a transposed A or an untransposed B reads across its rows).
inline void transpose8x8(const float* src, long src_stride, float* dst, long dst_stride) {
  __m256 r[8], t[8], u[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * src_stride);
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int h = 0; h < 2; ++h) {  // rows 0-3 (h 0) and 4-7 (h 1)
    const int o = 4 * h;
    u[o + 0] = _mm256_shuffle_ps(t[o + 0], t[o + 2], _MM_SHUFFLE(1, 0, 1, 0));
    u[o + 1] = _mm256_shuffle_ps(t[o + 0], t[o + 2], _MM_SHUFFLE(3, 2, 3, 2));
    u[o + 2] = _mm256_shuffle_ps(t[o + 1], t[o + 3], _MM_SHUFFLE(1, 0, 1, 0));
    u[o + 3] = _mm256_shuffle_ps(t[o + 1], t[o + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int q = 0; q < 4; ++q) {
    _mm256_storeu_ps(dst + q * dst_stride, _mm256_permute2f128_ps(u[q], u[q + 4], 0x20));
    _mm256_storeu_ps(dst + (q + 4) * dst_stride, _mm256_permute2f128_ps(u[q], u[q + 4], 0x31));
  }
}
#endif

// dst[p * dst_stride + r] = src[r * src_stride + p] for r < rows, p < kc: rows of the source that
// run along p, written across. 8 x 8 blocks in registers where the build has AVX2.
void pack_across(const float* src, long src_stride, long rows, long kc, float* dst, long dst_stride) {
  long r = 0;
#if defined(__AVX2__)
  for (; r + 8 <= rows; r += 8) {
    long p = 0;
    for (; p + 8 <= kc; p += 8) transpose8x8(src + r * src_stride + p, src_stride, dst + p * dst_stride + r, dst_stride);
    for (; p < kc; ++p)
      for (long i = r; i < r + 8; ++i) dst[p * dst_stride + i] = src[i * src_stride + p];
  }
#endif
  for (; r < rows; ++r)
    for (long p = 0; p < kc; ++p) dst[p * dst_stride + r] = src[r * src_stride + p];
}

//---- 2. packing ---------------------------------------------------------------------------------
// A block of op(A), rows [i0, i0 + mc), columns [p0, p0 + kc), as panels of MR rows:
// dst[panel * MR kc + p MR + i], rows past mc zero.
void pack_a(float* dst, bool trans, const float* a, long lda, long i0, long p0, long mc, long kc) {
  for (long r = 0; r < mc; r += kMR, dst += kMR * kc) {
    const long mr = std::min<long>(kMR, mc - r);
    if (!trans) {
      const float* src = a + (i0 + r) + p0 * lda;
      for (long p = 0; p < kc; ++p, src += lda) {
        float* d = dst + p * kMR;
        if (mr == kMR) {
          std::memcpy(d, src, sizeof(float) * kMR);
        } else {
          for (long i = 0; i < kMR; ++i) d[i] = i < mr ? src[i] : 0.0f;
        }
      }
    } else {  // row i of op(A) is contiguous along p
      pack_across(a + p0 + (i0 + r) * lda, lda, mr, kc, dst, kMR);
      for (long i = mr; i < kMR; ++i)
        for (long p = 0; p < kc; ++p) dst[p * kMR + i] = 0.0f;
    }
  }
}

// A block of op(B), rows [p0, p0 + kc), columns [j0, j0 + nc), as panels of NR columns:
// dst[panel * NR kc + p NR + j], columns past nc zero.
void pack_b(float* dst, bool trans, const float* b, long ldb, long p0, long j0, long kc, long nc) {
  for (long s = 0; s < nc; s += kNR, dst += kNR * kc) {
    const long nr = std::min<long>(kNR, nc - s);
    if (!trans) {  // column j of op(B) is contiguous along p
      pack_across(b + p0 + (j0 + s) * ldb, ldb, nr, kc, dst, kNR);
      for (long j = nr; j < kNR; ++j)
        for (long p = 0; p < kc; ++p) dst[p * kNR + j] = 0.0f;
    } else {
      const float* src = b + (j0 + s) + p0 * ldb;
      if (nr == kNR) {  // a constant size: the copy is inlined, not a call per row
        for (long p = 0; p < kc; ++p, src += ldb) std::memcpy(dst + p * kNR, src, sizeof(float) * kNR);
      } else {
        for (long p = 0; p < kc; ++p, src += ldb)
          for (long j = 0; j < kNR; ++j) dst[p * kNR + j] = j < nr ? src[j] : 0.0f;
      }
    }
  }
}

//---- 3. the micro-kernel ------------------------------------------------------------------------
// C (MR, NR_) at c, column stride ldc = [C +] [bias +] sum over p of A(:, p) B(p, :), where column p
// of the A panel is at a + p a_stride (a packed panel: a_stride = MR; A in place: lda) and row p of
// the B panel at b + p NR. All MR rows of C are written: the caller gives a full tile.
template <int NR_, int MV_ = kMV>
void kernel(long kc, const float* a, long a_stride, const float* b, float* c, long ldc, bool accumulate,
            const float* bias) {
  using V = Simd::V;
  V acc[NR_][MV_];
  V init[MV_];
  for (int v = 0; v < MV_; ++v) init[v] = bias ? Simd::load(bias + v * Simd::W) : Simd::zero();
#pragma GCC unroll 16
  for (int j = 0; j < NR_; ++j)
#pragma GCC unroll 4
    for (int v = 0; v < MV_; ++v) acc[j][v] = init[v];
  for (long p = 0; p < kc; ++p, a += a_stride, b += kNR) {
    V av[MV_];
#pragma GCC unroll 4
    for (int v = 0; v < MV_; ++v) av[v] = Simd::load(a + v * Simd::W);
#pragma GCC unroll 16
    for (int j = 0; j < NR_; ++j) {
      const V bj = Simd::set1(b[j]);
#pragma GCC unroll 4
      for (int v = 0; v < MV_; ++v) acc[j][v] = Simd::fmadd(av[v], bj, acc[j][v]);
    }
  }
#pragma GCC unroll 16
  for (int j = 0; j < NR_; ++j) {
    float* cj = c + j * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < MV_; ++v) {
      V x = acc[j][v];
      if (accumulate) x = Simd::add(x, Simd::load(cj + v * Simd::W));
      Simd::store(cj + v * Simd::W, x);
    }
  }
}

using Kernel = void (*)(long, const float*, long, const float*, float*, long, bool, const float*);
template <int MV_, size_t... I>
constexpr std::array<Kernel, sizeof...(I)> make_kernels(std::index_sequence<I...>) {
  return {&kernel<int(I) + 1, MV_>...};
}
// kKernels[nr - 1]: a full tile of nr columns; kHalfKernels: the top MR / 2 rows only, for an edge
// panel of A with no more rows than that (m = 20 or 40 would otherwise compute 32 or 64 rows).
constexpr std::array<Kernel, kNR> kKernels = make_kernels<kMV>(std::make_index_sequence<kNR>{});
constexpr int kHalfMV = kMV > 1 ? kMV / 2 : 1;
constexpr std::array<Kernel, kNR> kHalfKernels = make_kernels<kHalfMV>(std::make_index_sequence<kNR>{});

// One tile of C, mr x nr (mr <= MR, nr <= NR): the kernel writes a full tile straight into C; a
// tile with fewer rows goes through a local one, so that nothing past row m is read or written.
void tile(long mr, long nr, long kc, const float* a, long a_stride, const float* b, float* c, long ldc,
          bool accumulate, const float* bias) {
  if (mr == kMR) {
    kKernels[size_t(nr - 1)](kc, a, a_stride, b, c, ldc, accumulate, bias);
    return;
  }
  alignas(64) float t[kMR * kNR];
  (mr <= kHalfMV * Simd::W ? kHalfKernels : kKernels)[size_t(nr - 1)](kc, a, a_stride, b, t, kMR, false, nullptr);
  for (long j = 0; j < nr; ++j)
    for (long i = 0; i < mr; ++i) {
      float x = t[i + j * kMR];
      if (bias) x = bias[i] + x;
      if (accumulate) x += c[i + j * ldc];
      c[i + j * ldc] = x;
    }
}

// C = [C +] [bias +] A op(B) for a handful of columns and A not transposed: each column of C is
// A's columns scaled and added, four at a time, reading A once per column of C in its own order
// (packing A would cost more than this whole product; a probe decode is n = 1).
void columns_product(bool trans_b, long m, long n, long k, const float* __restrict a, long lda, const float* b,
                     long ldb, float* __restrict c, long ldc, bool accumulate, const float* bias) {
  auto bk = [&](long p, long j) { return trans_b ? b[j + p * ldb] : b[p + j * ldb]; };
  for (long j = 0; j < n; ++j) {
    float* __restrict cj = c + j * ldc;
    for (long i = 0; i < m; ++i) cj[i] = (accumulate ? cj[i] : 0.0f) + (bias ? bias[i] : 0.0f);
    long p = 0;
    for (; p + 4 <= k; p += 4) {
      const float* __restrict a0 = a + p * lda;
      const float* __restrict a1 = a0 + lda;
      const float* __restrict a2 = a1 + lda;
      const float* __restrict a3 = a2 + lda;
      const float b0 = bk(p, j), b1 = bk(p + 1, j), b2 = bk(p + 2, j), b3 = bk(p + 3, j);
      for (long i = 0; i < m; ++i) cj[i] += (a0[i] * b0 + a1[i] * b1) + (a2[i] * b2 + a3[i] * b3);
    }
    for (; p < k; ++p) {
      const float* __restrict a0 = a + p * lda;
      const float b0 = bk(p, j);
      for (long i = 0; i < m; ++i) cj[i] += a0[i] * b0;
    }
  }
}

}  // namespace

//---- 4. the driver ------------------------------------------------------------------------------

void gemm_f32(bool trans_a, bool trans_b, long m, long n, long k, const float* a, long lda, const float* b,
              long ldb, float* c, long ldc, bool accumulate, const float* row_bias) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {  // an empty sum: C = [C +] bias
    for (long j = 0; j < n; ++j)
      for (long i = 0; i < m; ++i)
        c[i + j * ldc] = (accumulate ? c[i + j * ldc] : 0.0f) + (row_bias ? row_bias[i] : 0.0f);
    return;
  }
  if (!trans_a && n <= kColumnsMaxN) {
    columns_product(trans_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate, row_bias);
    return;
  }
  PackBuffers& buf = pack_buffers();
  const long kc_step = ceil_div(k, ceil_div(k, kKC));
  const long mc_step = ceil_div(ceil_div(m, ceil_div(m, kMC)), kMR) * kMR;
  const bool direct = !trans_a;
  for (long jc = 0; jc < n; jc += kNC) {
    const long nc = std::min(kNC, n - jc);
    for (long pc = 0; pc < k; pc += kc_step) {
      const long kc = std::min(kc_step, k - pc);
      pack_b(buf.b.get(), trans_b, b, ldb, pc, jc, kc, nc);
      // Later blocks of K add to what the first wrote; the bias goes in once, with the first.
      const bool acc = accumulate || pc > 0;
      const float* bias = pc == 0 ? row_bias : nullptr;
      for (long ic = 0; ic < m; ic += mc_step) {
        const long mc = std::min(mc_step, m - ic);
        const long full = mc / kMR * kMR;  // rows in whole panels
        if (!direct) pack_a(buf.a.get(), trans_a, a, lda, ic, pc, mc, kc);
        else if (full < mc) pack_a(buf.a.get(), false, a, lda, ic + full, pc, mc - full, kc);  // the edge panel
        for (long jr = 0; jr < nc; jr += kNR) {
          const long nr = std::min<long>(kNR, nc - jr);
          const float* bp = buf.b.get() + jr * kc;
          for (long ir = 0; ir < mc; ir += kMR) {
            const long mr = std::min<long>(kMR, mc - ir);
            const float* ap = buf.a.get() + ir * kc;
            long a_stride = kMR;
            if (direct) {
              ap = mr == kMR ? a + (ic + ir) + pc * lda : buf.a.get();
              a_stride = mr == kMR ? lda : kMR;
            }
            tile(mr, nr, kc, ap, a_stride, bp, c + (ic + ir) + (jc + jr) * ldc, ldc, acc,
                 bias ? bias + ic + ir : nullptr);
          }
        }
      }
    }
  }
}

const char* gemm_f32_kernel() { return kKernelName; }
