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

// True when the fused attention kernels below can run on this CPU (AVX2 and FMA).
bool NpoFusedAttentionAvailable(void);

// Attention of many queries to few keys (the prolongation: every fine token attends to the
// m coarse tokens), head dimension 8, one head:
//   o[p][0..8) = sum_j softmax_j(q_p . k_j) v_j   for p < lq,
// q (already scaled) rows of stride ldq, o rows of stride ldo; the keys and values transposed,
// kt and vt (8 x m, row-major), m a multiple of 8 and at most 256. The scores stay in
// registers and L1: nothing of size lq x m is written.
void NpoAttendFewKeys8(int64_t lq, const float *q, int64_t ldq, int64_t m, const float *kt,
                       const float *vt, float *o, int64_t ldo);

// Attention of few queries to many keys (the restriction: the m learned queries attend to the
// N fine tokens), head dimension 8, one head: for each query i the scores q_i . k_t go to the
// row s (lk floats, the caller's workspace), then one pass takes their exponentials, the sum
// (in double, as NpoSoftmaxRows) and sum_t e_t v_t together:
//   o[i][0..8) = sum_t e_t v_t / sum_t e_t,
// with q (m x 8, stride ldq, scaled), kt and vt the keys and values transposed (8 x lk, row
// stride ldt >= lk).
void NpoAttendManyKeys8(int64_t m, const float *q, int64_t ldq, int64_t lk, const float *kt,
                        const float *vt, int64_t ldt, float *s, float *o, int64_t ldo);
