// The NPO forward pass on BLAS sgemm and plain loops (npo_native.h). Same mathematics as the
// libtorch module in npo_net.cpp (torch's MultiheadAttention, LayerNorm eps 1e-5, zero-padded
// 3x3 convolutions); float32 throughout, so the two agree to rounding (tests/npo).
#include "preconditioners/npo/npo_native.h"
#include "preconditioners/npo/npo_conv3x3.h"
#include "preconditioners/npo/npo_gemm.h"
#include "preconditioners/npo/npo_native_kernels.h"

#include <petsclog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace {

// The matrix product (npo_gemm.h): row-major, row strides lda, ldb, ldc.
inline void Gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                 const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
  NpoGemm(ta, tb, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
}

// y = LayerNorm(x) over the C features of each of L tokens (npo_native_kernels.h).
void LayerNorm(const NpoNativeLayerNorm &ln, int64_t L, int64_t C, const float *x, float *y)
{
  NpoLayerNormRows(ln.gamma.data(), ln.beta.data(), L, C, x, y);
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

// PETSc log events of the stages of one forward pass (-log_view, npo_tool -timing), with the
// flops of NpoForwardFlops split among them.
struct StageEvents {
  PetscLogEvent lift, conv, restrict_, coarse, prolong, ffn;
};

const StageEvents &Events()
{
  static StageEvents ev = [] {
    StageEvents  e{};
    PetscClassId id;
    PetscCallAbort(PETSC_COMM_SELF, PetscClassIdRegister("NPO network", &id));
    PetscCallAbort(PETSC_COMM_SELF, PetscLogEventRegister("NpoLiftProj", id, &e.lift));
    PetscCallAbort(PETSC_COMM_SELF, PetscLogEventRegister("NpoConv3x3", id, &e.conv));
    PetscCallAbort(PETSC_COMM_SELF, PetscLogEventRegister("NpoRestrict", id, &e.restrict_));
    PetscCallAbort(PETSC_COMM_SELF, PetscLogEventRegister("NpoCoarse", id, &e.coarse));
    PetscCallAbort(PETSC_COMM_SELF, PetscLogEventRegister("NpoProlong", id, &e.prolong));
    PetscCallAbort(PETSC_COMM_SELF, PetscLogEventRegister("NpoFineFFN", id, &e.ffn));
    return e;
  }();
  return ev;
}

// Brackets one stage: PetscLogEventBegin/End and its flops (no error is possible there once
// the events exist; a failure aborts).
class StageLog {
public:
  StageLog(PetscLogEvent e, double flops) : e_(e)
  {
    PetscCallAbort(PETSC_COMM_SELF, PetscLogEventBegin(e_, 0, 0, 0, 0));
    PetscCallAbort(PETSC_COMM_SELF, PetscLogFlops(flops));
  }
  ~StageLog()
  {
    PetscCallAbort(PETSC_COMM_SELF, PetscLogEventEnd(e_, 0, 0, 0, 0));
  }

private:
  PetscLogEvent e_;
};

} // namespace

NpoNativeNet::NpoNativeNet(const NpoNativeWeights &w)
    : C_(w.C), m_(w.m), heads_(w.heads), f_(w.f), w_(w)
{
  const int64_t C = C_;
  // Head dimension 8 with AVX2 + FMA: the fused attention kernels (npo_native_kernels.h);
  // otherwise per-head sgemm products and a row softmax (Attend).
  fused_ = NpoFusedAttentionAvailable() && C / heads_ == 8 && m_ % 8 == 0 && m_ <= 256;
  conv_pre_.reset(new NpoConv3x3(C, w_.pre_w, w_.pre_b));
  conv_post_.reset(new NpoConv3x3(C, w_.post_w, w_.post_b));
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
    // k and v with each head's key and value next to each other, [k_0 v_0 k_1 v_1 ...] (d
    // floats each): the attention kernels then read one 64-byte line per token and head.
    const int64_t d = C / heads_;
    at.kv_heads     = at.kv;
    for (int64_t h = 0; h < heads_; h++)
      for (int64_t p = 0; p < 2; p++)
        for (int64_t j = 0; j < d; j++) {
          const int64_t to = h * 2 * d + p * d + j, from = p * C + h * d + j;
          at.kv_heads.b[to] = at.kv.b[from];
          for (int64_t i = 0; i < C; i++)
            at.kv_heads.wt[i * 2 * C + to] = at.kv.wt[i * 2 * C + from];
        }
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
  restrict_qt_.resize(m_ * C); // and feature-major (C x m) for the fused kernel
  for (int64_t i = 0; i < m_; i++)
    for (int64_t k = 0; k < C; k++) restrict_qt_[k * m_ + i] = restrict_q_[i * C + k];
  c_.resize(m_ * C);
  cn_.resize(m_ * C);
  cqkv_.resize(m_ * 3 * C);
  co_.resize(m_ * C);
  ckv_.resize(m_ * 2 * C);
}

NpoNativeNet::~NpoNativeNet() = default;

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
  // Scores of the sgemm attention path: the coarse self-attention's always, the restriction's
  // and the prolongation's only without the fused kernels.
  s_.resize(fused_ ? m_ * m_ : std::max(m_ * N, B * m_));
  o_.resize(std::max(m_, B) * C);
  tq_.resize(B * C);
  hid_.resize(std::max(m_, B) * f_ * C);
  rows_ = rows;
  cols_ = cols;
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
    NpoSoftmaxRows(s, lq, lk);
    Gemm(false, false, lq, d, lk, s, lk, v + h * d, ldkv, 0.0f, o + h * d, C_);
  }
}

// Rows of y (rows x n, row-major) = W x^T + b: the product of a Linear's torch weight W
// (rows x C, row-major, rows starting at row0 of the full weight) with the L tokens of x
// (L x C), i.e. the projection computed directly in the transposed (feature-major) layout
// that the fused attention kernels read.
void NpoNativeNet::ProjectTransposed(const std::vector<float> &w, const std::vector<float> &b,
                                     int64_t row0, int64_t rows, int64_t L, const float *x,
                                     float *y)
{
  const int64_t C = C_;
  for (int64_t r = 0; r < rows; r++) std::fill(y + r * L, y + (r + 1) * L, b[row0 + r]);
  Gemm(false, true, rows, L, C, w.data() + row0 * C, C, x, C, 1.0f, y, L);
}

// x += FFN(LN(x)) on L tokens, FFN = Linear f2 (ReLU (Linear f1)): a pre-norm residual block;
// ln and hid_ are workspaces.
void NpoNativeNet::FeedForward(const NpoNativeLayerNorm &norm, const Linear &f1, const Linear &f2,
                               int64_t L, float *x, float *ln)
{
  const int64_t C = C_, F = f1.out;
  float        *hid = hid_.data();
  LayerNorm(norm, L, C, x, ln);
  AddBias(hid, L, F, F, f1.b.data(), true);
  Gemm(false, false, L, F, C, ln, C, f1.wt.data(), F, 1.0f, hid, F);
  Relu(hid, L * F);
  AddBias(x, L, C, C, f2.b.data(), false);
  Gemm(false, false, L, C, F, hid, F, f2.wt.data(), C, 1.0f, x, C);
}

void NpoNativeNet::Forward(int64_t rows, int64_t cols, const float *in, float *out)
{
  EnsureGrid(rows, cols);
  const StageEvents &ev = Events();
  const int64_t      C = C_, N = rows * cols, m = m_, fC = f_ * C_, d = C_ / heads_;
  const double       Nd = (double)N, Cd = (double)C, md = (double)m, Fd = (double)fC;
  const float        scale = 1.0f / std::sqrt((float)d);
  float             *t = t_.data(), *u = u_.data(), *ln = ln_.data(), *o = o_.data();
  float             *c = c_.data(), *cn = cn_.data();

  {
    // Lift: the r channel times its weights plus the cached coordinate part.
    StageLog log(ev.lift, 6 * Cd * Nd);
    for (int64_t p = 0; p < N; p++) {
      const float *base = lift_base_.data() + p * C;
      float       *tp   = t + p * C;
      for (int64_t k = 0; k < C; k++) tp[k] = base[k] + w_.lift_w[k * 3] * in[p];
    }
  }
  {
    // Pre-relaxation: t += ReLU(conv3x3(t)).
    StageLog log(ev.conv, 18 * Cd * Cd * Nd);
    conv_pre_->Apply(rows, cols, t, u);
    for (int64_t i = 0; i < N * C; i++) t[i] += u[i] > 0 ? u[i] : 0.0f;
  }
  {
    // Restriction: the m learned queries attend to LN(t).
    StageLog log(ev.restrict_, 4 * Cd * Cd * Nd + 4 * md * Nd * Cd + 4 * md * Cd * Cd);
    LayerNorm(w_.fine_r, N, C, t, ln);
    // k and v in one sgemm (N x 2C).
    float        *kv  = kv_.data();
    const Linear &pkv = fused_ ? restrict_.kv_heads : restrict_.kv;
    AddBias(kv, N, 2 * C, 2 * C, pkv.b.data(), true);
    Gemm(false, false, N, 2 * C, C, ln, C, pkv.wt.data(), 2 * C, 1.0f, kv, 2 * C);
    AddBias(c, m, C, C, restrict_.o.b.data(), true);
    if (fused_) {
      // Each head's attention with the queries feature-major; the output too (C x m).
      for (int64_t h = 0; h < heads_; h++)
        NpoAttendManyKeys8(m, restrict_qt_.data() + h * d * m, m, N, kv + 2 * h * d,
                           kv + 2 * h * d + d, 2 * C, o + h * d * m, m);
      Gemm(true, false, m, C, C, o, m, restrict_.o.wt.data(), C, 1.0f, c, C);
    } else {
      Attend(m, restrict_q_.data(), C, N, kv, kv + C, 2 * C, o);
      Gemm(false, false, m, C, C, o, C, restrict_.o.wt.data(), C, 1.0f, c, C);
    }
  }
  float *ckv = ckv_.data();
  {
    // Coarse self-attention (q, k, v in one sgemm) and feed-forward, pre-norm residual blocks.
    StageLog log(ev.coarse, 12 * md * Cd * Cd + 4 * md * md * Cd + 4 * md * Cd * Fd);
    LayerNorm(w_.coarse_a, m, C, c, cn);
    float *qkv = cqkv_.data();
    AddBias(qkv, m, 3 * C, 3 * C, self_.qkv.b.data(), true);
    Gemm(false, false, m, 3 * C, C, cn, C, self_.qkv.wt.data(), 3 * C, 1.0f, qkv, 3 * C);
    for (int64_t p = 0; p < m; p++)
      for (int64_t k = 0; k < C; k++) qkv[p * 3 * C + k] *= scale;
    Attend(m, qkv, 3 * C, m, qkv + C, qkv + 2 * C, 3 * C, co_.data());
    AddBias(c, m, C, C, self_.o.b.data(), false);
    Gemm(false, false, m, C, C, co_.data(), C, self_.o.wt.data(), C, 1.0f, c, C);
    FeedForward(w_.coarse_f, cffn1_, cffn2_, m, c, cn);

    // Prolongation keys and values from LN(c), once (m x 2C).
    LayerNorm(w_.coarse_p, m, C, c, cn);
    AddBias(ckv, m, 2 * C, 2 * C, prolong_.kv.b.data(), true);
    Gemm(false, false, m, 2 * C, C, cn, C, prolong_.kv.wt.data(), 2 * C, 1.0f, ckv, 2 * C);
  }

  // Token-wise from here: prolongation and fine feed-forward on blocks of tokens.
  for (int64_t p0 = 0; p0 < N; p0 += kTokenBlock) {
    const int64_t L  = std::min(kTokenBlock, N - p0);
    float        *tb = t + p0 * C, *q = tq_.data();
    {
      StageLog log(ev.prolong, 4 * Cd * Cd * (double)L + 4 * (double)L * md * Cd);
      LayerNorm(w_.fine_p, L, C, tb, ln);
      AddBias(tb, L, C, C, prolong_.o.b.data(), false);
      if (fused_) {
        // q and the attention output feature-major (C x L): each kernel lane is one token.
        ProjectTransposed(w_.prolong.w_in, w_.prolong.b_in, 0, C, L, ln, q);
        for (int64_t i = 0; i < L * C; i++) q[i] *= scale;
        for (int64_t h = 0; h < heads_; h++)
          NpoAttendFewKeys8(L, q + h * d * L, L, m, ckv + h * d, ckv + C + h * d, 2 * C,
                            o + h * d * L, L);
        Gemm(true, false, L, C, C, o, L, prolong_.o.wt.data(), C, 1.0f, tb, C);
      } else {
        AddBias(q, L, C, C, prolong_.q.b.data(), true);
        Gemm(false, false, L, C, C, ln, C, prolong_.q.wt.data(), C, 1.0f, q, C);
        for (int64_t i = 0; i < L * C; i++) q[i] *= scale;
        Attend(L, q, C, m, ckv, ckv + C, 2 * C, o);
        Gemm(false, false, L, C, C, o, C, prolong_.o.wt.data(), C, 1.0f, tb, C);
      }
    }
    StageLog log(ev.ffn, 4 * (double)L * Cd * Fd);
    FeedForward(w_.fine_f, ffn1_, ffn2_, L, tb, ln);
  }

  {
    StageLog log(ev.conv, 18 * Cd * Cd * Nd);
    conv_post_->Apply(rows, cols, t, u);
  }
  // Post-relaxation and the 1x1 projection, fused: z = b + sum_c (t + ReLU(conv(t)))_c w_c.
  StageLog     log(ev.lift, 2 * Cd * Nd);
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
