// The NPO forward pass on BLAS sgemm and plain loops (npo_native.h). Same mathematics as the
// libtorch module in npo_net.cpp (torch's MultiheadAttention, LayerNorm eps 1e-5, zero-padded
// 3x3 convolutions); float32 throughout, so the two agree to rounding (tests/npo).
#include "preconditioners/npo/npo_native.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

extern "C" void sgemm_(const char *transa, const char *transb, const int *m, const int *n,
                       const int *k, const float *alpha, const float *a, const int *lda,
                       const float *b, const int *ldb, const float *beta, float *c, const int *ldc);

namespace {

// Row-major C (M x N) = op(A) op(B) + beta C with op(A) M x K and op(B) K x N; lda, ldb, ldc
// are row strides. BLAS is column-major, so this is C^T = op(B)^T op(A)^T there.
void Gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
          const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
  const char  opa = ta ? 'T' : 'N', opb = tb ? 'T' : 'N';
  const int   m = (int)N, n = (int)M, k = (int)K, la = (int)ldb, lb = (int)lda, lc = (int)ldc;
  const float one = 1.0f;
  sgemm_(&opb, &opa, &m, &n, &k, &one, B, &la, A, &lb, &beta, C, &lc);
}

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
#endif

void SoftmaxRows(float *s, int64_t rows, int64_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
  if (HaveAvx2()) return SoftmaxRowsAvx2(s, rows, n);
#endif
  SoftmaxRowsPortable(s, rows, n);
}

// y = LayerNorm(x) over the C features of each of L tokens (biased variance, eps 1e-5).
void LayerNorm(const NpoNativeLayerNorm &ln, int64_t L, int64_t C, const float *x, float *y)
{
  const float *g = ln.gamma.data(), *b = ln.beta.data();
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

// Rows of y (L x n, row stride ldy): y = b (set) or y += b.
void AddBias(float *y, int64_t L, int64_t n, int64_t ldy, const float *b, bool set)
{
  for (int64_t p = 0; p < L; p++) {
    float *yp = y + p * ldy;
    if (set)
      for (int64_t c = 0; c < n; c++) yp[c] = b[c];
    else
      for (int64_t c = 0; c < n; c++) yp[c] += b[c];
  }
}

void Relu(float *y, int64_t size)
{
  for (int64_t i = 0; i < size; i++) y[i] = y[i] > 0 ? y[i] : 0.0f;
}

constexpr int64_t kTokenBlock = 1024; // tokens per block of the token-wise stages

} // namespace

NpoNativeNet::NpoNativeNet(const NpoNativeWeights &w)
    : C_(w.C), m_(w.m), heads_(w.heads), f_(w.f), w_(w)
{
  const int64_t C = C_;
  // 3x3 convolution weights (C_out, C_in, 3, 3) as the (9C x C) matrix of the im2col product.
  auto conv = [&](const std::vector<float> &src, std::vector<float> &dst) {
    dst.assign(9 * C * C, 0.0f);
    for (int64_t co = 0; co < C; co++)
      for (int64_t ci = 0; ci < C; ci++)
        for (int64_t k = 0; k < 9; k++) dst[(k * C + ci) * C + co] = src[(co * C + ci) * 9 + k];
  };
  conv(w_.pre_w, conv_pre_);
  conv(w_.post_w, conv_post_);
  auto linear = [](const std::vector<float> &wt, const std::vector<float> &b, int64_t in,
                   int64_t out, int64_t row0) {
    Linear l;
    l.in  = in;
    l.out = out;
    l.wt.assign(in * out, 0.0f); // transpose of rows row0 .. row0 + out of torch's (rows x in)
    l.b.assign(b.begin() + row0, b.begin() + row0 + out);
    for (int64_t o = 0; o < out; o++)
      for (int64_t i = 0; i < in; i++) l.wt[i * out + o] = wt[(row0 + o) * in + i];
    return l;
  };
  auto attention = [&](const NpoNativeAttention &a) {
    Attention at;
    at.q   = linear(a.w_in, a.b_in, C, C, 0);
    at.kv  = linear(a.w_in, a.b_in, C, 2 * C, C);
    at.qkv = linear(a.w_in, a.b_in, C, 3 * C, 0);
    at.o   = linear(a.w_out, a.b_out, C, C, 0);
    return at;
  };
  restrict_ = attention(w_.restrict_);
  self_     = attention(w_.coarse_self);
  prolong_  = attention(w_.prolong);
  cffn1_    = linear(w_.coarse_ffn.w1, w_.coarse_ffn.b1, C, f_ * C, 0);
  cffn2_    = linear(w_.coarse_ffn.w2, w_.coarse_ffn.b2, f_ * C, C, 0);
  ffn1_     = linear(w_.ffn.w1, w_.ffn.b1, C, f_ * C, 0);
  ffn2_     = linear(w_.ffn.w2, w_.ffn.b2, f_ * C, C, 0);

  // The restriction's queries are parameters: their projection (scaled as torch scales q by
  // 1/sqrt(head dimension)) is computed once.
  const float scale = 1.0f / std::sqrt((float)(C / heads_));
  restrict_q_.resize(m_ * C);
  AddBias(restrict_q_.data(), m_, C, C, restrict_.q.b.data(), true);
  Gemm(false, false, m_, C, C, w_.queries.data(), C, restrict_.q.wt.data(), C, 1.0f,
       restrict_q_.data(), C);
  for (float &v : restrict_q_) v *= scale;
  c_.resize(m_ * C);
  cn_.resize(m_ * C);
  cqkv_.resize(m_ * 3 * C);
  co_.resize(m_ * C);
  ckv_.resize(m_ * 2 * C);
}

void NpoNativeNet::EnsureGrid(int64_t rows, int64_t cols)
{
  if (rows == rows_ && cols == cols_) return;
  const int64_t C = C_, N = rows * cols, B = std::min(N, kTokenBlock);
  // The lift of the coordinate channels x = linspace(0, 1, rows) (slow axis) and
  // y = linspace(0, 1, cols) (fast axis), plus the lift's bias: the same for every field.
  // The coordinates as torch::linspace computes them in float (from the start below the
  // middle, from the end above it), bit for bit: the network amplifies a one-ulp difference of
  // its inputs to about 1e-6 at its output.
  auto linspace = [](int64_t n, int64_t i) {
    if (n <= 1) return 0.0f;
    const float step = 1.0f / (float)(n - 1);
    return i < n / 2 ? step * (float)i : 1.0f - step * (float)(n - 1 - i);
  };
  lift_base_.resize(N * C);
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) {
      const float x = linspace(rows, i), y = linspace(cols, j);
      float      *p = lift_base_.data() + (i * cols + j) * C;
      for (int64_t c = 0; c < C; c++)
        p[c] = w_.lift_w[c * 3 + 1] * x + w_.lift_w[c * 3 + 2] * y + w_.lift_b[c];
    }
  t_.resize(N * C);
  u_.resize(N * C);
  ln_.resize(N * C);
  kv_.resize(N * 2 * C);
  s_.resize(std::max(m_ * N, B * m_));
  o_.resize(std::max(m_, B) * C);
  tq_.resize(B * C);
  hid_.resize(std::max(m_, B) * f_ * C);
  const int64_t block_rows = std::max<int64_t>(1, kTokenBlock / cols);
  col_.resize(std::min(rows, block_rows) * cols * 9 * C);
  rows_ = rows;
  cols_ = cols;
}

// y = conv3x3(x) + b with zero padding, on the token layout (rows*cols x C): im2col of a block
// of grid rows, then one sgemm with the (9C x C) weight matrix.
void NpoNativeNet::Conv3x3(const float *x, int64_t rows, int64_t cols, const std::vector<float> &w,
                           const std::vector<float> &b, float *y)
{
  const int64_t C = C_, block_rows = std::max<int64_t>(1, kTokenBlock / cols);
  for (int64_t i0 = 0; i0 < rows; i0 += block_rows) {
    const int64_t i1 = std::min(rows, i0 + block_rows), L = (i1 - i0) * cols;
    float        *col = col_.data();
    for (int64_t i = i0; i < i1; i++)
      for (int64_t j = 0; j < cols; j++)
        for (int64_t ky = 0; ky < 3; ky++)
          for (int64_t kx = 0; kx < 3; kx++, col += C) {
            const int64_t ii = i + ky - 1, jj = j + kx - 1;
            if (ii < 0 || ii >= rows || jj < 0 || jj >= cols)
              std::memset(col, 0, sizeof(float) * C);
            else
              std::memcpy(col, x + (ii * cols + jj) * C, sizeof(float) * C);
          }
    float *yb = y + i0 * cols * C;
    AddBias(yb, L, C, C, b.data(), true);
    Gemm(false, false, L, C, 9 * C, col_.data(), 9 * C, w.data(), C, 1.0f, yb, C);
  }
}

// Multi-head attention core: o (lq x C) = concat over heads h of softmax(q_h k_h^T) v_h, with
// q already projected and scaled (row stride ldq), k and v projected (row stride ldkv).
void NpoNativeNet::Attend(int64_t lq, const float *q, int64_t ldq, int64_t lk, const float *k,
                          const float *v, int64_t ldkv, float *o)
{
  const int64_t d = C_ / heads_;
  float        *s = s_.data();
  for (int64_t h = 0; h < heads_; h++) {
    Gemm(false, true, lq, lk, d, q + h * d, ldq, k + h * d, ldkv, 0.0f, s, lk);
    SoftmaxRows(s, lq, lk);
    Gemm(false, false, lq, d, lk, s, lk, v + h * d, ldkv, 0.0f, o + h * d, C_);
  }
}

void NpoNativeNet::Forward(int64_t rows, int64_t cols, const float *in, float *out)
{
  EnsureGrid(rows, cols);
  const int64_t C = C_, N = rows * cols, m = m_, fC = f_ * C_;
  const float   scale = 1.0f / std::sqrt((float)(C / heads_));
  float        *t = t_.data(), *u = u_.data(), *ln = ln_.data(), *o = o_.data();
  float        *c = c_.data(), *cn = cn_.data(), *hid = hid_.data();

  // Lift: the r channel times its weights plus the cached coordinate part.
  for (int64_t p = 0; p < N; p++) {
    const float *base = lift_base_.data() + p * C;
    float       *tp   = t + p * C;
    for (int64_t k = 0; k < C; k++) tp[k] = base[k] + w_.lift_w[k * 3] * in[p];
  }
  // Pre-relaxation: t += ReLU(conv3x3(t)).
  Conv3x3(t, rows, cols, conv_pre_, w_.pre_b, u);
  for (int64_t i = 0; i < N * C; i++) t[i] += u[i] > 0 ? u[i] : 0.0f;

  // Restriction: the m learned queries attend to LN(t); k and v in one sgemm (N x 2C).
  LayerNorm(w_.fine_r, N, C, t, ln);
  float *kv = kv_.data();
  AddBias(kv, N, 2 * C, 2 * C, restrict_.kv.b.data(), true);
  Gemm(false, false, N, 2 * C, C, ln, C, restrict_.kv.wt.data(), 2 * C, 1.0f, kv, 2 * C);
  Attend(m, restrict_q_.data(), C, N, kv, kv + C, 2 * C, o);
  AddBias(c, m, C, C, restrict_.o.b.data(), true);
  Gemm(false, false, m, C, C, o, C, restrict_.o.wt.data(), C, 1.0f, c, C);

  // Coarse self-attention (q, k, v in one sgemm) and feed-forward, pre-norm residual blocks.
  LayerNorm(w_.coarse_a, m, C, c, cn);
  float *qkv = cqkv_.data();
  AddBias(qkv, m, 3 * C, 3 * C, self_.qkv.b.data(), true);
  Gemm(false, false, m, 3 * C, C, cn, C, self_.qkv.wt.data(), 3 * C, 1.0f, qkv, 3 * C);
  for (int64_t p = 0; p < m; p++)
    for (int64_t k = 0; k < C; k++) qkv[p * 3 * C + k] *= scale;
  Attend(m, qkv, 3 * C, m, qkv + C, qkv + 2 * C, 3 * C, co_.data());
  AddBias(c, m, C, C, self_.o.b.data(), false);
  Gemm(false, false, m, C, C, co_.data(), C, self_.o.wt.data(), C, 1.0f, c, C);
  LayerNorm(w_.coarse_f, m, C, c, cn);
  AddBias(hid, m, fC, fC, cffn1_.b.data(), true);
  Gemm(false, false, m, fC, C, cn, C, cffn1_.wt.data(), fC, 1.0f, hid, fC);
  Relu(hid, m * fC);
  AddBias(c, m, C, C, cffn2_.b.data(), false);
  Gemm(false, false, m, C, fC, hid, fC, cffn2_.wt.data(), C, 1.0f, c, C);

  // Prolongation keys and values from LN(c), once.
  LayerNorm(w_.coarse_p, m, C, c, cn);
  float *ckv = ckv_.data();
  AddBias(ckv, m, 2 * C, 2 * C, prolong_.kv.b.data(), true);
  Gemm(false, false, m, 2 * C, C, cn, C, prolong_.kv.wt.data(), 2 * C, 1.0f, ckv, 2 * C);

  // Token-wise from here: prolongation and fine feed-forward on blocks of tokens.
  for (int64_t p0 = 0; p0 < N; p0 += kTokenBlock) {
    const int64_t L  = std::min(kTokenBlock, N - p0);
    float        *tb = t + p0 * C, *q = tq_.data();
    LayerNorm(w_.fine_p, L, C, tb, ln);
    AddBias(q, L, C, C, prolong_.q.b.data(), true);
    Gemm(false, false, L, C, C, ln, C, prolong_.q.wt.data(), C, 1.0f, q, C);
    for (int64_t i = 0; i < L * C; i++) q[i] *= scale;
    Attend(L, q, C, m, ckv, ckv + C, 2 * C, o);
    AddBias(tb, L, C, C, prolong_.o.b.data(), false);
    Gemm(false, false, L, C, C, o, C, prolong_.o.wt.data(), C, 1.0f, tb, C);
    LayerNorm(w_.fine_f, L, C, tb, ln);
    AddBias(hid, L, fC, fC, ffn1_.b.data(), true);
    Gemm(false, false, L, fC, C, ln, C, ffn1_.wt.data(), fC, 1.0f, hid, fC);
    Relu(hid, L * fC);
    AddBias(tb, L, C, C, ffn2_.b.data(), false);
    Gemm(false, false, L, C, fC, hid, fC, ffn2_.wt.data(), C, 1.0f, tb, C);
  }

  // Post-relaxation and the 1x1 projection, fused: z = b + sum_c (t + ReLU(conv(t)))_c w_c.
  Conv3x3(t, rows, cols, conv_post_, w_.post_b, u);
  const float *pw = w_.proj_w.data();
  for (int64_t p = 0; p < N; p++) {
    const float *tp = t + p * C, *up = u + p * C;
    double       z = w_.proj_b[0];
    for (int64_t k = 0; k < C; k++) z += (double)(tp[k] + (up[k] > 0 ? up[k] : 0.0f)) * pw[k];
    out[p] = (float)z;
  }
}

double NpoNativeNet::SgemmRate(int64_t n, int reps)
{
  std::vector<float> a(n * n), b(n * n), c(n * n, 0.0f);
  for (int64_t i = 0; i < n * n; i++) {
    a[i] = (float)((i * 7919) % 1000) * 1e-3f - 0.5f;
    b[i] = (float)((i * 104729) % 1000) * 1e-3f - 0.5f;
  }
  double best = 0;
  for (int r = 0; r < reps; r++) {
    timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    Gemm(false, false, n, n, n, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    const double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (s > 0) best = std::max(best, 2.0 * (double)n * (double)n * (double)n / s);
  }
  return best;
}
