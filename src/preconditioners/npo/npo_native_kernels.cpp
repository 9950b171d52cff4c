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

// The eight horizontal sums of a[0..8) as one vector: {sum a[0], ..., sum a[7]}.
__attribute__((target("avx2,fma"))) __m256 HorizontalSums8(const __m256 a[8])
{
  const __m256 h01 = _mm256_hadd_ps(a[0], a[1]), h23 = _mm256_hadd_ps(a[2], a[3]);
  const __m256 h45 = _mm256_hadd_ps(a[4], a[5]), h67 = _mm256_hadd_ps(a[6], a[7]);
  const __m256 lo = _mm256_hadd_ps(h01, h23), hi = _mm256_hadd_ps(h45, h67);
  // lo holds the low-half partial sums of a[0..3] in its low lane, the high-half ones in its
  // high lane; likewise hi for a[4..7].
  return _mm256_add_ps(_mm256_permute2f128_ps(lo, hi, 0x20), _mm256_permute2f128_ps(lo, hi, 0x31));
}

__attribute__((target("avx2,fma"))) float HorizontalMax(__m256 v)
{
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m        = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m        = _mm_max_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}

__attribute__((target("avx2,fma"))) float HorizontalSum(__m256 v)
{
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s        = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s        = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) void AttendFewKeysAvx2(int64_t lq, const float *q, int64_t ldq,
                                                           int64_t m, const float *kt,
                                                           const float *vt, float *o, int64_t ldo)
{
  alignas(32) float e[256];
  const int64_t     nb = m / 8;
  for (int64_t p = 0; p < lq; p++) {
    const float *qp = q + p * ldq;
    __m256       qd[8];
    for (int d = 0; d < 8; d++) qd[d] = _mm256_broadcast_ss(qp + d);
    // Scores of the m keys, eight at a time, and their maximum.
    __m256 vmax = _mm256_set1_ps(-3.0e38f);
    for (int64_t b = 0; b < nb; b++) {
      __m256 s = _mm256_mul_ps(qd[0], _mm256_loadu_ps(kt + 8 * b));
      for (int d = 1; d < 8; d++)
        s = _mm256_fmadd_ps(qd[d], _mm256_loadu_ps(kt + d * m + 8 * b), s);
      _mm256_store_ps(e + 8 * b, s);
      vmax = _mm256_max_ps(vmax, s);
    }
    const __m256 mx   = _mm256_set1_ps(HorizontalMax(vmax));
    __m256       vsum = _mm256_setzero_ps(), acc[8];
    for (int d = 0; d < 8; d++) acc[d] = _mm256_setzero_ps();
    // Exponentials, their sum and the eight dot products with the value rows in one pass.
    for (int64_t b = 0; b < nb; b++) {
      const __m256 x = Exp8NonPositive(_mm256_sub_ps(_mm256_load_ps(e + 8 * b), mx));
      vsum           = _mm256_add_ps(vsum, x);
      for (int d = 0; d < 8; d++)
        acc[d] = _mm256_fmadd_ps(x, _mm256_loadu_ps(vt + d * m + 8 * b), acc[d]);
    }
    const __m256 inv = _mm256_set1_ps(1.0f / HorizontalSum(vsum));
    _mm256_storeu_ps(o + p * ldo, _mm256_mul_ps(HorizontalSums8(acc), inv));
  }
}

__attribute__((target("avx2,fma"))) void AttendManyKeysAvx2(int64_t m, const float *q, int64_t ldq,
                                                            int64_t lk, const float *kt,
                                                            const float *vt, int64_t ldt, float *s,
                                                            float *o, int64_t ldo)
{
  const int64_t l8 = lk - lk % 8;
  for (int64_t i = 0; i < m; i++) {
    const float *qi = q + i * ldq;
    __m256       qd[8];
    for (int d = 0; d < 8; d++) qd[d] = _mm256_broadcast_ss(qi + d);
    __m256 vmax = _mm256_set1_ps(-3.0e38f);
    for (int64_t t = 0; t < l8; t += 8) {
      __m256 x = _mm256_mul_ps(qd[0], _mm256_loadu_ps(kt + t));
      for (int d = 1; d < 8; d++) x = _mm256_fmadd_ps(qd[d], _mm256_loadu_ps(kt + d * ldt + t), x);
      _mm256_storeu_ps(s + t, x);
      vmax = _mm256_max_ps(vmax, x);
    }
    float mx = HorizontalMax(vmax);
    for (int64_t t = l8; t < lk; t++) {
      float x = 0;
      for (int d = 0; d < 8; d++) x += qi[d] * kt[d * ldt + t];
      s[t] = x;
      mx   = Max(mx, x);
    }
    const __m256 vmx = _mm256_set1_ps(mx);
    __m256d      lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    __m256       acc[8];
    for (int d = 0; d < 8; d++) acc[d] = _mm256_setzero_ps();
    for (int64_t t = 0; t < l8; t += 8) {
      const __m256 x = Exp8NonPositive(_mm256_sub_ps(_mm256_loadu_ps(s + t), vmx));
      lo             = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(x)));
      hi             = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)));
      for (int d = 0; d < 8; d++)
        acc[d] = _mm256_fmadd_ps(x, _mm256_loadu_ps(vt + d * ldt + t), acc[d]);
    }
    double sum4[4];
    _mm256_storeu_pd(sum4, _mm256_add_pd(lo, hi));
    double            sum = (sum4[0] + sum4[1]) + (sum4[2] + sum4[3]);
    alignas(32) float out[8];
    _mm256_store_ps(out, HorizontalSums8(acc));
    for (int64_t t = l8; t < lk; t++) {
      const float x = ExpNonPositive(s[t] - mx);
      sum += x;
      for (int d = 0; d < 8; d++) out[d] += x * vt[d * ldt + t];
    }
    const float inv = (float)(1.0 / sum);
    for (int d = 0; d < 8; d++) o[i * ldo + d] = out[d] * inv;
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
#endif

} // namespace

void NpoSoftmaxRows(float *s, int64_t rows, int64_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
  if (HaveAvx2()) return SoftmaxRowsAvx2(s, rows, n);
#endif
  SoftmaxRowsPortable(s, rows, n);
}

bool NpoFusedAttentionAvailable(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  return HaveAvx2();
#else
  return false;
#endif
}

void NpoAttendFewKeys8(int64_t lq, const float *q, int64_t ldq, int64_t m, const float *kt,
                       const float *vt, float *o, int64_t ldo)
{
#if defined(__x86_64__) && defined(__GNUC__)
  AttendFewKeysAvx2(lq, q, ldq, m, kt, vt, o, ldo);
#else
  (void)lq, (void)q, (void)ldq, (void)m, (void)kt, (void)vt, (void)o, (void)ldo;
#endif
}

void NpoAttendManyKeys8(int64_t m, const float *q, int64_t ldq, int64_t lk, const float *kt,
                        const float *vt, int64_t ldt, float *s, float *o, int64_t ldo)
{
#if defined(__x86_64__) && defined(__GNUC__)
  AttendManyKeysAvx2(m, q, ldq, lk, kt, vt, ldt, s, o, ldo);
#else
  (void)m, (void)q, (void)ldq, (void)lk, (void)kt, (void)vt, (void)ldt, (void)s, (void)o, (void)ldo;
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
