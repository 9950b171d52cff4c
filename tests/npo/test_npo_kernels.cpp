// The native NPO pass's kernels (npo_native_kernels.h) against plain double-precision loops,
// on every instruction set this CPU runs (AVX-512 and AVX2, or AVX2 only), with sizes that are
// and are not multiples of the vector widths and of the kernels' 64-key blocks.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "preconditioners/npo/npo_native_kernels.h"

namespace {

std::vector<float> Random(size_t n, std::mt19937_64 &rng, float scale)
{
  std::normal_distribution<float> g(0.0f, scale);
  std::vector<float>              v(n);
  for (float &x : v) x = g(rng);
  return v;
}

// o_p = sum_j softmax_j(q_p . k_j) v_j in double; q (lq x 8), k and v (lk x 8) token-major.
std::vector<double> Attention(int64_t lq, const std::vector<float> &q, int64_t lk,
                              const std::vector<float> &k, const std::vector<float> &v)
{
  std::vector<double> o(lq * 8, 0.0), s(lk);
  for (int64_t p = 0; p < lq; p++) {
    double mx = -1e300, sum = 0;
    for (int64_t j = 0; j < lk; j++) {
      s[j] = 0;
      for (int d = 0; d < 8; d++) s[j] += (double)q[p * 8 + d] * k[j * 8 + d];
      mx = std::max(mx, s[j]);
    }
    for (int64_t j = 0; j < lk; j++) sum += s[j] = std::exp(s[j] - mx);
    for (int64_t j = 0; j < lk; j++)
      for (int d = 0; d < 8; d++) o[p * 8 + d] += s[j] / sum * v[j * 8 + d];
  }
  return o;
}

double RelativeError(const std::vector<double> &ref, const std::vector<float> &got)
{
  double num = 0, den = 0;
  for (size_t i = 0; i < ref.size(); i++) {
    num += (ref[i] - got[i]) * (ref[i] - got[i]);
    den += ref[i] * ref[i];
  }
  return std::sqrt(num / den);
}

// The instruction-set limits to test: the CPU's best, and AVX2 where the best is wider.
std::vector<int> Limits()
{
  return NpoFusedAttentionAvailable() ? std::vector<int>{0, 1} : std::vector<int>{};
}

class IsaLimit {
public:
  explicit IsaLimit(int limit) : previous_(NpoKernelsLimitIsa(limit)) {}
  ~IsaLimit()
  {
    NpoKernelsLimitIsa(previous_);
  }

private:
  int previous_;
};

} // namespace

// Prolongation: many queries (feature-major in and out), few keys.
TEST(NpoKernels, AttendFewKeysMatchesDouble)
{
  if (Limits().empty()) GTEST_SKIP() << "no AVX2 + FMA on this CPU: the kernels are not used";
  std::mt19937_64 rng(7);
  for (int limit : Limits())
    for (int64_t lq : {1, 15, 16, 37, 1024})
      for (int64_t m : {8, 16, 64}) {
        IsaLimit           isa(limit);
        std::vector<float> q = Random(lq * 8, rng, 1.0f), k = Random(m * 8, rng, 1.0f);
        std::vector<float> v = Random(m * 8, rng, 1.0f), qt(8 * lq), ot(8 * lq, -1.0f), o(lq * 8);
        for (int64_t p = 0; p < lq; p++)
          for (int d = 0; d < 8; d++) qt[d * lq + p] = q[p * 8 + d];
        NpoAttendFewKeys8(lq, qt.data(), lq, m, k.data(), v.data(), 8, ot.data(), lq);
        for (int64_t p = 0; p < lq; p++)
          for (int d = 0; d < 8; d++) o[p * 8 + d] = ot[d * lq + p];
        EXPECT_LT(RelativeError(Attention(lq, q, m, k, v), o), 2e-6)
            << "limit " << limit << ", lq " << lq << ", m " << m;
      }
}

// Restriction: few queries (a multiple of 8, of 16 for AVX-512), many keys, two passes.
TEST(NpoKernels, AttendManyKeysMatchesDouble)
{
  if (Limits().empty()) GTEST_SKIP() << "no AVX2 + FMA on this CPU: the kernels are not used";
  std::mt19937_64 rng(11);
  for (int limit : Limits())
    for (int64_t m : {8, 16, 64})
      for (int64_t lk : {1, 63, 64, 65, 1089, 4096}) {
        IsaLimit           isa(limit);
        std::vector<float> q = Random(m * 8, rng, 1.0f), k = Random(lk * 8, rng, 1.0f);
        std::vector<float> v = Random(lk * 8, rng, 1.0f), qt(8 * m), ot(8 * m, -1.0f), o(m * 8);
        for (int64_t i = 0; i < m; i++)
          for (int d = 0; d < 8; d++) qt[d * m + i] = q[i * 8 + d];
        NpoAttendManyKeys8(m, qt.data(), m, lk, k.data(), v.data(), 8, ot.data(), m);
        for (int64_t i = 0; i < m; i++)
          for (int d = 0; d < 8; d++) o[i * 8 + d] = ot[d * m + i];
        EXPECT_LT(RelativeError(Attention(m, q, lk, k, v), o), 2e-6)
            << "limit " << limit << ", m " << m << ", lk " << lk;
      }
}

TEST(NpoKernels, SoftmaxAndLayerNormMatchDouble)
{
  std::mt19937_64 rng(3);
  for (int64_t n : {1, 7, 64, 1089}) {
    std::vector<float>  s = Random(3 * n, rng, 4.0f);
    std::vector<double> ref(3 * n);
    for (int64_t r = 0; r < 3; r++) {
      double mx = -1e300, sum = 0;
      for (int64_t j = 0; j < n; j++) mx = std::max(mx, (double)s[r * n + j]);
      for (int64_t j = 0; j < n; j++) sum += ref[r * n + j] = std::exp(s[r * n + j] - mx);
      for (int64_t j = 0; j < n; j++) ref[r * n + j] /= sum;
    }
    NpoSoftmaxRows(s.data(), 3, n);
    EXPECT_LT(RelativeError(ref, s), 1e-6) << "n " << n;
  }
  for (int64_t C : {8, 12, 32}) {
    const int64_t       L = 33;
    std::vector<float>  x = Random(L * C, rng, 3.0f), g = Random(C, rng, 1.0f);
    std::vector<float>  b = Random(C, rng, 1.0f), y(L * C);
    std::vector<double> ref(L * C);
    for (int64_t p = 0; p < L; p++) {
      double mean = 0, var = 0;
      for (int64_t c = 0; c < C; c++) mean += x[p * C + c] / (double)C;
      for (int64_t c = 0; c < C; c++) var += (x[p * C + c] - mean) * (x[p * C + c] - mean) / C;
      for (int64_t c = 0; c < C; c++)
        ref[p * C + c] = (x[p * C + c] - mean) / std::sqrt(var + 1e-5) * g[c] + b[c];
    }
    NpoLayerNormRows(g.data(), b.data(), L, C, x.data(), y.data());
    EXPECT_LT(RelativeError(ref, y), 1e-6) << "C " << C;
  }
}
