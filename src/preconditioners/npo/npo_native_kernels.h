// The inner kernels of the native NPO forward pass (npo_native.cpp) that BLAS does not cover
// well: the softmax and the attention core with head dimension 8, whose products have an inner
// or outer dimension of 8 and run at a fraction of sgemm's rate through BLAS. The softmax has
// an AVX2 + FMA and a portable version (chosen at run time); the fused attention kernels exist
// for AVX2 + FMA only, and npo_native.cpp falls back to sgemm + NpoSoftmaxRows without them.
#pragma once
#include <cstdint>

// Each of the `rows` rows of s (length n) replaced by its softmax; the sums in double.
void NpoSoftmaxRows(float *s, int64_t rows, int64_t n);

// y = LayerNorm(x) over the C features of each of L tokens (biased variance, eps 1e-5, as
// torch), with weight g and bias b.
void NpoLayerNormRows(const float *g, const float *b, int64_t L, int64_t C, const float *x,
                      float *y);

// The instruction set the kernels may use: 0 (default) the best this CPU has, 1 AVX2 at most,
// so that the tests exercise the AVX2 versions on an AVX-512 machine. Returns the previous
// limit; not thread-safe (set it before any forward pass runs).
int NpoKernelsLimitIsa(int limit);

// True when the fused attention kernels below can run on this CPU (AVX2 and FMA).
bool NpoFusedAttentionAvailable(void);

// Attention of many queries to few keys (the prolongation: every fine token attends to the
// m coarse tokens), head dimension 8, one head:
//   o_p = sum_j softmax_j(q_p . k_j) v_j   for p < lq,
// vectorised over the queries: q and o feature-major (qt, ot: 8 rows of lq tokens, row strides
// ldq and ldo; q already scaled), the keys and values token-major (k_j = k + j ldkv, v_j
// likewise, 8 floats each); m at most 256. Each vector lane is one query, so the softmax over
// the keys is elementwise: no horizontal sums and no lq x m matrix in memory.
void NpoAttendFewKeys8(int64_t lq, const float *qt, int64_t ldq, int64_t m, const float *k,
                       const float *v, int64_t ldkv, float *ot, int64_t ldo);

// Attention of few queries to many keys (the restriction: the m learned queries attend to the
// N fine tokens), head dimension 8, one head, the same formula as above, vectorised over the
// queries (m a multiple of 8): q and o feature-major (8 rows of m), keys and values
// token-major. Two passes over the keys (each query's largest score, then the exponentials
// and the weighted values) recompute the scores rather than storing an m x lk matrix; the
// sums of the exponentials are accumulated in double between blocks of 64 keys.
void NpoAttendManyKeys8(int64_t m, const float *qt, int64_t ldq, int64_t lk, const float *k,
                        const float *v, int64_t ldkv, float *ot, int64_t ldo);
