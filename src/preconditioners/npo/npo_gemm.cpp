// The native forward pass's matrix product (npo_gemm.h).
#include "preconditioners/npo/npo_gemm.h"

#include <cstdio>

#ifdef NPO_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#endif

extern "C" void sgemm_(const char *transa, const char *transb, const int *m, const int *n,
                       const int *k, const float *alpha, const float *a, const int *lda,
                       const float *b, const int *ldb, const float *beta, float *c, const int *ldc);

namespace {

// The BLAS is column-major: the row-major product is C^T = op(B)^T op(A)^T there.
void BlasGemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
              int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
  const char opa = ta ? 'T' : 'N', opb = tb ? 'T' : 'N';
  const int  m = (int)N, n = (int)M, k = (int)K, la = (int)ldb, lb = (int)lda, lc = (int)ldc;
  sgemm_(&opb, &opa, &m, &n, &k, &alpha, B, &la, A, &lb, &beta, C, &lc);
}

} // namespace

void NpoGemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
             int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
#ifdef NPO_HAVE_DNNL
  // oneDNN's sgemm is row-major; on this project's shapes its AVX-512 kernels run at 2-2.5x
  // OpenBLAS's Haswell ones (docs/npo.md#speed). It fails only on invalid arguments.
  if (dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) ==
      dnnl_success)
    return;
#endif
  BlasGemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

std::string NpoGemmDescription(void)
{
#ifdef NPO_HAVE_DNNL
  const dnnl_version_t *v    = dnnl_version();
  const dnnl_cpu_isa_t  isa  = dnnl_get_effective_cpu_isa();
  const char           *name = isa >= dnnl_cpu_isa_avx512_core ? "AVX-512"
                               : isa >= dnnl_cpu_isa_avx2      ? "AVX2"
                                                               : "SSE4.1 or older";
  char                  buf[128];
  snprintf(buf, sizeof(buf), "oneDNN %d.%d.%d sgemm, %s kernels", v->major, v->minor, v->patch,
           name);
  return buf;
#else
  return "BLAS sgemm";
#endif
}
