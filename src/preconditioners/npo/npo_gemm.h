// The matrix product of the native NPO forward pass: oneDNN's sgemm where the project was built
// with it (libdnnl-dev; its just-in-time kernels use the widest vector unit of the CPU), else
// the BLAS sgemm.
#pragma once
#include <cstdint>
#include <string>

// Row-major C (M x N) = alpha op(A) op(B) + beta C with op(A) M x K and op(B) K x N; lda, ldb and
// ldc are row strides; one thread (OpenMP's: -pc_npo_threads, through torch::set_num_threads).
void NpoGemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
             int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc);

// "oneDNN 2.6.3 sgemm, AVX-512 kernels" or "BLAS sgemm".
std::string NpoGemmDescription(void);
