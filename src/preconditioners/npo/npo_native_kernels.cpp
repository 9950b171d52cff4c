// Kernels of the native NPO forward pass (npo_native_kernels.h).
#include "preconditioners/npo/npo_native_kernels.h"

#include <cmath>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace {

// max(a, b) on values (std::max takes references, which keeps GCC from vectorising the loops).
inline float Max(float a, float b)
{
  return a > b ? a : b;
}

// e^x for x <= 0 (softmax arguments after the row maximum is subtracted), branch-free so that
// the loop vectorises: x = k ln2 + r with |r| <= ln2/2 (k rounded by adding and subtracting
// 1.5 * 2^23), e^r by its Taylor polynomial of degree 7 (truncation error below 1e-8 there;
// degree 6 left 1.2e-7, which the network amplified at its output), 2^k built from the exponent
// bits. x is clamped at -87 (e^-87 ~ 1.6e-38, nothing against the row maximum's 1).
inline float ExpNonPositive(float x)
{
  const float xc = Max(x, -87.0f);
  const float kf = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r  = (xc - kf * 0.693145751953125f) - kf * 1.428606820309417e-06f;
  const float p =
      1.0f +
      r * (1.0f + r * (0.5f + r * (1.0f / 6 +
                                   r * (1.0f / 24 +
                                        r * (1.0f / 120 + r * (1.0f / 720 + r * (1.0f / 5040)))))));
  const int32_t bits = ((int32_t)kf + 127) * (1 << 23);
  float         scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
}

int isa_limit = 0; // NpoKernelsLimitIsa: 0 the best the CPU has, 1 AVX2 at most

constexpr int kLanes = 8; // independent partial results of a reduction (vectorisable)

// Each of the `rows` rows of s (length n) replaced by its softmax (portable version).
void SoftmaxRowsPortable(float *s, int64_t rows, int64_t n)
{
  const int64_t n8 = n - n % kLanes;
  for (int64_t i = 0; i < rows; i++) {
    float *row = s + i * n;
    float  mx8[kLanes];
    for (int l = 0; l < kLanes; l++) mx8[l] = row[0];
    for (int64_t j = 0; j < n8; j += kLanes)
      for (int l = 0; l < kLanes; l++) mx8[l] = Max(mx8[l], row[j + l]);
    float mx = row[0];
    for (int l = 0; l < kLanes; l++) mx = Max(mx, mx8[l]);
    for (int64_t j = n8; j < n; j++) mx = Max(mx, row[j]);
    for (int64_t j = 0; j < n; j++) row[j] = ExpNonPositive(row[j] - mx);
    // The sum in double: a float running sum over the N = rows cols keys of the restriction
    // loses about log2(N)/2 bits, which the network amplifies (tests/npo: 1e-5 on e_0).
    double sum8[kLanes] = {0};
    for (int64_t j = 0; j < n8; j += kLanes)
      for (int l = 0; l < kLanes; l++) sum8[l] += row[j + l];
    double sum = 0;
    for (int l = 0; l < kLanes; l++) sum += sum8[l];
    for (int64_t j = n8; j < n; j++) sum += row[j];
    const float inv = (float)(1.0 / sum);
    for (int64_t j = 0; j < n; j++) row[j] *= inv;
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
// The same with AVX2 + FMA intrinsics, 8 floats at a time (the softmax was a third of an
// application at n = 32 in the portable version, whose maximum pass GCC leaves scalar).
__attribute__((target("avx2,fma"))) __m256 Exp8NonPositive(__m256 x)
{
  x              = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
  const __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256       r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693145751953125f), x);
  r              = _mm256_fnmadd_ps(k, _mm256_set1_ps(1.428606820309417e-06f), r);
  __m256 p       = _mm256_set1_ps(1.0f / 5040);
  p              = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
  p              = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
  p              = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
  p              = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
  p              = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
  p              = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  p              = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  const __m256i e =
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

__attribute__((target("avx2,fma"))) void SoftmaxRowsAvx2(float *s, int64_t rows, int64_t n)
{
  const int64_t n8 = n - n % 8;
  for (int64_t i = 0; i < rows; i++) {
    float *row = s + i * n;
    __m256 vm  = _mm256_set1_ps(row[0]);
    for (int64_t j = 0; j < n8; j += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(row + j));
    float m8[8];
    _mm256_storeu_ps(m8, vm);
    float mx = row[0];
    for (int l = 0; l < 8; l++) mx = Max(mx, m8[l]);
    for (int64_t j = n8; j < n; j++) mx = Max(mx, row[j]);
    const __m256 vmx = _mm256_set1_ps(mx);
    __m256d      lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    for (int64_t j = 0; j < n8; j += 8) {
      const __m256 e = Exp8NonPositive(_mm256_sub_ps(_mm256_loadu_ps(row + j), vmx));
      _mm256_storeu_ps(row + j, e);
      lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
      hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    double sum4[4];
    _mm256_storeu_pd(sum4, _mm256_add_pd(lo, hi));
    double sum = (sum4[0] + sum4[1]) + (sum4[2] + sum4[3]);
    for (int64_t j = n8; j < n; j++) {
      row[j] = ExpNonPositive(row[j] - mx);
      sum += row[j];
    }
    const __m256 inv = _mm256_set1_ps((float)(1.0 / sum));
    for (int64_t j = 0; j < n8; j += 8)
      _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inv));
    for (int64_t j = n8; j < n; j++) row[j] *= (float)(1.0 / sum);
  }
}

bool HaveAvx2()
{
  static const bool have =
      (__builtin_cpu_init(), __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
  return have;
}

__attribute__((target("avx2,fma"))) float HorizontalSum(__m256 v)
{
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s        = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s        = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Few keys, vectorised over eight queries (tokens): each lane is one token, so the softmax over
// the m keys is elementwise across the m score vectors and nothing is summed horizontally.
__attribute__((target("avx2,fma"))) void AttendFewKeysAvx2(int64_t lq, const float *qt, int64_t ldq,
                                                           int64_t m, const float *k,
                                                           const float *v, int64_t ldkv, float *ot,
                                                           int64_t ldo)
{
  alignas(32) float s[256 * 8];
  for (int64_t t = 0; t < lq; t += 8) {
    const int64_t       rest = lq - t < 8 ? lq - t : 8;
    alignas(32) int32_t lanes[8];
    for (int l = 0; l < 8; l++) lanes[l] = l < rest ? -1 : 0;
    const __m256i mask = _mm256_load_si256((const __m256i *)lanes);
    __m256        qd[8];
    for (int d = 0; d < 8; d++) qd[d] = _mm256_maskload_ps(qt + d * ldq + t, mask);
    __m256 mx = _mm256_set1_ps(-3.0e38f);
    for (int64_t j = 0; j < m; j++) {
      const float *kj = k + j * ldkv;
      __m256       x  = _mm256_mul_ps(qd[0], _mm256_broadcast_ss(kj));
      for (int d = 1; d < 8; d++) x = _mm256_fmadd_ps(qd[d], _mm256_broadcast_ss(kj + d), x);
      _mm256_store_ps(s + 8 * j, x);
      mx = _mm256_max_ps(mx, x);
    }
    __m256 sum = _mm256_setzero_ps(), acc[8];
    for (int d = 0; d < 8; d++) acc[d] = _mm256_setzero_ps();
    for (int64_t j = 0; j < m; j++) {
      const __m256 e  = Exp8NonPositive(_mm256_sub_ps(_mm256_load_ps(s + 8 * j), mx));
      const float *vj = v + j * ldkv;
      sum             = _mm256_add_ps(sum, e);
      for (int d = 0; d < 8; d++) acc[d] = _mm256_fmadd_ps(e, _mm256_broadcast_ss(vj + d), acc[d]);
    }
    const __m256 inv = _mm256_div_ps(_mm256_set1_ps(1.0f), sum);
    for (int d = 0; d < 8; d++)
      _mm256_maskstore_ps(ot + d * ldo + t, mask, _mm256_mul_ps(acc[d], inv));
  }
}

// Many keys, vectorised over eight of the few queries: two passes over the keys (the first
// finds each query's largest score, the second recomputes the scores and accumulates the
// exponentials and the weighted values), so no m x lk matrix is stored and the keys and values
// are read in their token-major layout. Sums run in float over blocks of kBlock keys and are
// added up in double (sum of the exponentials) and float (weighted values) between blocks.
constexpr int64_t kBlock = 64;

// The scores of the eight queries of qd (feature-major) against the key kt (8 floats).
__attribute__((target("avx2,fma"))) inline __m256 Score(const __m256 qd[8], const float *kt)
{
  __m256 x = _mm256_mul_ps(qd[0], _mm256_broadcast_ss(kt));
  for (int d = 1; d < 8; d++) x = _mm256_fmadd_ps(qd[d], _mm256_broadcast_ss(kt + d), x);
  return x;
}

__attribute__((target("avx2,fma"))) void AttendManyKeysAvx2(int64_t m, const float *qt, int64_t ldq,
                                                            int64_t lk, const float *k,
                                                            const float *v, int64_t ldkv, float *ot,
                                                            int64_t ldo)
{
  for (int64_t i = 0; i < m; i += 8) {
    __m256 qd[8];
    for (int d = 0; d < 8; d++) qd[d] = _mm256_loadu_ps(qt + d * ldq + i);
    __m256 mx = _mm256_set1_ps(-3.0e38f);
    for (int64_t t = 0; t < lk; t++) mx = _mm256_max_ps(mx, Score(qd, k + t * ldkv));
    __m256d sum_lo = _mm256_setzero_pd(), sum_hi = _mm256_setzero_pd();
    __m256  out[8];
    for (int d = 0; d < 8; d++) out[d] = _mm256_setzero_ps();
    for (int64_t t0 = 0; t0 < lk; t0 += kBlock) {
      const int64_t t1  = t0 + kBlock < lk ? t0 + kBlock : lk;
      __m256        sum = _mm256_setzero_ps(), acc[8];
      for (int d = 0; d < 8; d++) acc[d] = _mm256_setzero_ps();
      for (int64_t t = t0; t < t1; t++) {
        const __m256 e  = Exp8NonPositive(_mm256_sub_ps(Score(qd, k + t * ldkv), mx));
        const float *vt = v + t * ldkv;
        sum             = _mm256_add_ps(sum, e);
        for (int d = 0; d < 8; d++)
          acc[d] = _mm256_fmadd_ps(e, _mm256_broadcast_ss(vt + d), acc[d]);
      }
      sum_lo = _mm256_add_pd(sum_lo, _mm256_cvtps_pd(_mm256_castps256_ps128(sum)));
      sum_hi = _mm256_add_pd(sum_hi, _mm256_cvtps_pd(_mm256_extractf128_ps(sum, 1)));
      for (int d = 0; d < 8; d++) out[d] = _mm256_add_ps(out[d], acc[d]);
    }
    const __m128 inv_lo = _mm256_cvtpd_ps(_mm256_div_pd(_mm256_set1_pd(1.0), sum_lo));
    const __m128 inv_hi = _mm256_cvtpd_ps(_mm256_div_pd(_mm256_set1_pd(1.0), sum_hi));
    const __m256 inv    = _mm256_insertf128_ps(_mm256_castps128_ps256(inv_lo), inv_hi, 1);
    for (int d = 0; d < 8; d++) _mm256_storeu_ps(ot + d * ldo + i, _mm256_mul_ps(out[d], inv));
  }
}

// LayerNorm of L tokens of C features (C a multiple of 8), eight features at a time; mean and
// centred variance in two passes over the token's features, in float as torch computes them.
__attribute__((target("avx2,fma"))) void LayerNormAvx2(const float *g, const float *b, int64_t L,
                                                       int64_t C, const float *x, float *y)
{
  const float inv_c = 1.0f / (float)C;
  for (int64_t p = 0; p < L; p++) {
    const float *xp = x + p * C;
    float       *yp = y + p * C;
    __m256       s  = _mm256_setzero_ps();
    for (int64_t c = 0; c < C; c += 8) s = _mm256_add_ps(s, _mm256_loadu_ps(xp + c));
    const __m256 mean = _mm256_set1_ps(HorizontalSum(s) * inv_c);
    __m256       v    = _mm256_setzero_ps();
    for (int64_t c = 0; c < C; c += 8) {
      const __m256 dx = _mm256_sub_ps(_mm256_loadu_ps(xp + c), mean);
      v               = _mm256_fmadd_ps(dx, dx, v);
    }
    const __m256 inv = _mm256_set1_ps(1.0f / std::sqrt(HorizontalSum(v) * inv_c + 1e-5f));
    for (int64_t c = 0; c < C; c += 8) {
      const __m256 dx = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(xp + c), mean), inv);
      _mm256_storeu_ps(yp + c, _mm256_fmadd_ps(dx, _mm256_loadu_ps(g + c), _mm256_loadu_ps(b + c)));
    }
  }
}

// AVX-512 versions of the two attention kernels: sixteen keys (or tokens) per vector, half the
// instructions of the AVX2 ones; same polynomial exponential.
#define NPO_AVX512 __attribute__((target("avx512f,avx512dq,avx2,fma")))
// GCC 12's avx512fintrin.h initialises its casts and reductions from _mm512_undefined_*, which
// -Wmaybe-uninitialized (and, at the sanitizer build's optimisation, -Wuninitialized) reports
// inside the header: a false positive of that header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

NPO_AVX512 __m512 Exp16NonPositive(__m512 x)
{
  x              = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
  const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512       r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693145751953125f), x);
  r              = _mm512_fnmadd_ps(k, _mm512_set1_ps(1.428606820309417e-06f), r);
  __m512 p       = _mm512_set1_ps(1.0f / 5040);
  p              = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
  p              = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p              = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p              = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p              = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p              = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p              = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, k); // p 2^k
}

NPO_AVX512 void AttendFewKeysAvx512(int64_t lq, const float *qt, int64_t ldq, int64_t m,
                                    const float *k, const float *v, int64_t ldkv, float *ot,
                                    int64_t ldo)
{
  alignas(64) float s[256 * 16];
  for (int64_t t = 0; t < lq; t += 16) {
    const __mmask16 mask = lq - t >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (lq - t)) - 1);
    __m512          qd[8];
    for (int d = 0; d < 8; d++) qd[d] = _mm512_maskz_loadu_ps(mask, qt + d * ldq + t);
    __m512 mx = _mm512_set1_ps(-3.0e38f);
    for (int64_t j = 0; j < m; j++) {
      const float *kj = k + j * ldkv;
      __m512       x  = _mm512_mul_ps(qd[0], _mm512_set1_ps(kj[0]));
      for (int d = 1; d < 8; d++) x = _mm512_fmadd_ps(qd[d], _mm512_set1_ps(kj[d]), x);
      _mm512_store_ps(s + 16 * j, x);
      mx = _mm512_max_ps(mx, x);
    }
    __m512 sum = _mm512_setzero_ps(), acc[8];
    for (int d = 0; d < 8; d++) acc[d] = _mm512_setzero_ps();
    for (int64_t j = 0; j < m; j++) {
      const __m512 e  = Exp16NonPositive(_mm512_sub_ps(_mm512_load_ps(s + 16 * j), mx));
      const float *vj = v + j * ldkv;
      sum             = _mm512_add_ps(sum, e);
      for (int d = 0; d < 8; d++) acc[d] = _mm512_fmadd_ps(e, _mm512_set1_ps(vj[d]), acc[d]);
    }
    const __m512 inv = _mm512_div_ps(_mm512_set1_ps(1.0f), sum);
    for (int d = 0; d < 8; d++)
      _mm512_mask_storeu_ps(ot + d * ldo + t, mask, _mm512_mul_ps(acc[d], inv));
  }
}

NPO_AVX512 inline __m512 Score(const __m512 qd[8], const float *kt)
{
  __m512 x = _mm512_mul_ps(qd[0], _mm512_set1_ps(kt[0]));
  for (int d = 1; d < 8; d++) x = _mm512_fmadd_ps(qd[d], _mm512_set1_ps(kt[d]), x);
  return x;
}

NPO_AVX512 void AttendManyKeysAvx512(int64_t m, const float *qt, int64_t ldq, int64_t lk,
                                     const float *k, const float *v, int64_t ldkv, float *ot,
                                     int64_t ldo)
{
  for (int64_t i = 0; i < m; i += 16) {
    __m512 qd[8];
    for (int d = 0; d < 8; d++) qd[d] = _mm512_loadu_ps(qt + d * ldq + i);
    __m512 mx = _mm512_set1_ps(-3.0e38f);
    for (int64_t t = 0; t < lk; t++) mx = _mm512_max_ps(mx, Score(qd, k + t * ldkv));
    __m512d sum_lo = _mm512_setzero_pd(), sum_hi = _mm512_setzero_pd();
    __m512  out[8];
    for (int d = 0; d < 8; d++) out[d] = _mm512_setzero_ps();
    for (int64_t t0 = 0; t0 < lk; t0 += kBlock) {
      const int64_t t1  = t0 + kBlock < lk ? t0 + kBlock : lk;
      __m512        sum = _mm512_setzero_ps(), acc[8];
      for (int d = 0; d < 8; d++) acc[d] = _mm512_setzero_ps();
      for (int64_t t = t0; t < t1; t++) {
        const __m512 e  = Exp16NonPositive(_mm512_sub_ps(Score(qd, k + t * ldkv), mx));
        const float *vt = v + t * ldkv;
        sum             = _mm512_add_ps(sum, e);
        for (int d = 0; d < 8; d++) acc[d] = _mm512_fmadd_ps(e, _mm512_set1_ps(vt[d]), acc[d]);
      }
      sum_lo = _mm512_add_pd(sum_lo, _mm512_cvtps_pd(_mm512_castps512_ps256(sum)));
      sum_hi = _mm512_add_pd(sum_hi, _mm512_cvtps_pd(_mm256_castpd_ps(
                                         _mm512_extractf64x4_pd(_mm512_castps_pd(sum), 1))));
      for (int d = 0; d < 8; d++) out[d] = _mm512_add_ps(out[d], acc[d]);
    }
    const __m256 inv_lo = _mm512_cvtpd_ps(_mm512_div_pd(_mm512_set1_pd(1.0), sum_lo));
    const __m256 inv_hi = _mm512_cvtpd_ps(_mm512_div_pd(_mm512_set1_pd(1.0), sum_hi));
    const __m512 inv    = _mm512_castpd_ps(_mm512_insertf64x4(
           _mm512_castpd256_pd512(_mm256_castps_pd(inv_lo)), _mm256_castps_pd(inv_hi), 1));
    for (int d = 0; d < 8; d++) _mm512_storeu_ps(ot + d * ldo + i, _mm512_mul_ps(out[d], inv));
  }
}

#pragma GCC diagnostic pop

bool HaveAvx512()
{
  if (isa_limit == 1) return false;
  static const bool have = (__builtin_cpu_init(), __builtin_cpu_supports("avx512f") &&
                                                      __builtin_cpu_supports("avx512dq"));
  return have;
}
#endif

} // namespace

void NpoSoftmaxRows(float *s, int64_t rows, int64_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
  if (HaveAvx2()) return SoftmaxRowsAvx2(s, rows, n);
#endif
  SoftmaxRowsPortable(s, rows, n);
}

int NpoKernelsLimitIsa(int limit)
{
  const int previous = isa_limit;
  isa_limit          = limit;
  return previous;
}

bool NpoFusedAttentionAvailable(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  return HaveAvx2();
#else
  return false;
#endif
}

void NpoAttendFewKeys8(int64_t lq, const float *qt, int64_t ldq, int64_t m, const float *k,
                       const float *v, int64_t ldkv, float *ot, int64_t ldo)
{
#if defined(__x86_64__) && defined(__GNUC__)
  if (HaveAvx512()) return AttendFewKeysAvx512(lq, qt, ldq, m, k, v, ldkv, ot, ldo);
  AttendFewKeysAvx2(lq, qt, ldq, m, k, v, ldkv, ot, ldo);
#else
  (void)lq, (void)qt, (void)ldq, (void)m, (void)k, (void)v, (void)ldkv, (void)ot, (void)ldo;
#endif
}

void NpoAttendManyKeys8(int64_t m, const float *qt, int64_t ldq, int64_t lk, const float *k,
                        const float *v, int64_t ldkv, float *ot, int64_t ldo)
{
#if defined(__x86_64__) && defined(__GNUC__)
  if (m % 16 == 0 && HaveAvx512()) return AttendManyKeysAvx512(m, qt, ldq, lk, k, v, ldkv, ot, ldo);
  AttendManyKeysAvx2(m, qt, ldq, lk, k, v, ldkv, ot, ldo);
#else
  (void)m, (void)qt, (void)ldq, (void)lk, (void)k, (void)v, (void)ldkv, (void)ot, (void)ldo;
#endif
}

void NpoLayerNormRows(const float *g, const float *b, int64_t L, int64_t C, const float *x,
                      float *y)
{
#if defined(__x86_64__) && defined(__GNUC__)
  if (C % 8 == 0 && HaveAvx2()) return LayerNormAvx2(g, b, L, C, x, y);
#endif
  for (int64_t p = 0; p < L; p++) {
    const float *xp   = x + p * C;
    float       *yp   = y + p * C;
    double       mean = 0, var = 0;
    for (int64_t c = 0; c < C; c++) mean += xp[c];
    mean /= (double)C;
    for (int64_t c = 0; c < C; c++) var += (xp[c] - mean) * (xp[c] - mean);
    const double inv = 1.0 / std::sqrt(var / (double)C + 1e-5);
    for (int64_t c = 0; c < C; c++) yp[c] = (float)((xp[c] - mean) * inv) * g[c] + b[c];
  }
}
