// Our own single-thread matrix product for float, used by the dense layers' forward and backward
// passes: C = op(A) op(B) [+ C] [+ bias per row], column-major, with BLIS-style blocking (packed
// panels of A sized for L2, of B for L1) around a register-blocked FMA kernel: AVX-512 or AVX2+FMA
// when the build targets them, plain C++ otherwise. Double keeps Eigen's product (gradient checks).
#pragma once

// op(A) is (m, k): A itself (trans_a false, element (i, p) at a[i + p lda]) or its transpose
// (a[p + i lda]). op(B) is (k, n) likewise. C is (m, n), element (i, j) at c[i + j ldc].
// accumulate: C += op(A) op(B) (beta 1); otherwise C = op(A) op(B) (beta 0, C is only written).
// row_bias, if given: bias[i] is added to every element of row i (the dense layer's y = W x + b).
// No heap allocation once a thread has called it (its packing buffers are per thread, of fixed size).
void gemm_f32(bool trans_a, bool trans_b, long m, long n, long k, const float* a, long lda, const float* b,
              long ldb, float* c, long ldc, bool accumulate, const float* row_bias = nullptr);

// The kernel this build uses, e.g. "avx512 32x12", for the bench's and tests' output.
const char* gemm_f32_kernel();
