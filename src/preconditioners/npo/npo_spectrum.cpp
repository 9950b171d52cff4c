// Linearised spectrum of M A for the NPO (see npo_spectrum.h).
#include "preconditioners/npo/npo_spectrum.h"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>
#include <vector>

static PetscErrorCode NpoLinearizedSpectrumImpl(NpoNet net, Mat A, PetscInt rows, PetscInt cols,
                                                const PetscReal *b, NpoSpectrum *s,
                                                PetscReal *wr_out, PetscReal *wi_out)
{
  const PetscInt N     = rows * cols;
  const PetscInt batch = 32;
  PetscInt       m, n;
  PetscLogDouble t0, t1, t2;
  PetscBLASInt   bn, info, lwork = -1, one = 1;
  Mat            Ad;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &m, &n));
  PetscCheck(m == N && n == N, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "operator is %" PetscInt_FMT " x %" PetscInt_FMT ", the grid has %" PetscInt_FMT
             " unknowns",
             m, n, N);
  PetscCall(PetscBLASIntCast(N, &bn));
  PetscCall(PetscTime(&t0));

  // Columns M(e_j) = net(s e_j)/s, column-major (LAPACK order), a batch of unit vectors at a
  // time (s: the input scale of NpoNetApply, 1 for the reference's unit-norm input).
  const PetscReal        scale = NpoNetInputScale(net, rows, cols);
  std::vector<PetscReal> Mlin((size_t)N * N), E((size_t)batch * N);
  for (PetscInt j0 = 0; j0 < N; j0 += batch) {
    PetscInt nb = PetscMin(batch, N - j0);
    std::fill(E.begin(), E.end(), 0.0);
    for (PetscInt k = 0; k < nb; k++) E[(size_t)k * N + j0 + k] = scale;
    PetscCall(NpoNetForward(net, nb, rows, cols, E.data(), Mlin.data() + (size_t)j0 * N));
  }
  if (scale != 1)
    for (PetscReal &v : Mlin) v /= scale;
  PetscCall(PetscTime(&t1));

  // Nonsymmetry of the linearisation.
  PetscReal diff = 0, norm = 0;
  for (PetscInt i = 0; i < N; i++)
    for (PetscInt j = 0; j < N; j++) {
      PetscReal a = Mlin[(size_t)j * N + i], at = Mlin[(size_t)i * N + j];
      diff += (a - at) * (a - at);
      norm += a * a;
    }
  s->nonsymmetry = std::sqrt(diff / norm);

  // Nonlinearity: does M_lin b reproduce M(b)?
  s->nonlinearity = -1;
  if (b) {
    std::vector<PetscReal> zl(N), zn(N);
    PetscReal              alpha = 1, beta = 0, d = 0, z = 0;
    BLASgemv_("N", &bn, &bn, &alpha, Mlin.data(), &bn, b, &one, &beta, zl.data(), &one);
    PetscCall(NpoNetApply(net, rows, cols, b, zn.data()));
    for (PetscInt i = 0; i < N; i++) {
      d += (zl[i] - zn[i]) * (zl[i] - zn[i]);
      z += zn[i] * zn[i];
    }
    s->nonlinearity = std::sqrt(d / z);
  }

  // K = M_lin A, then its eigenvalues (geev, no eigenvectors).
  const PetscScalar     *ad;
  std::vector<PetscReal> K((size_t)N * N), wr(N), wi(N);
  PetscReal              alpha = 1, beta = 0, wq;
  PetscCall(MatConvert(A, MATSEQDENSE, MAT_INITIAL_MATRIX, &Ad));
  PetscCall(MatDenseGetArrayRead(Ad, &ad));
  BLASgemm_("N", "N", &bn, &bn, &bn, &alpha, Mlin.data(), &bn, ad, &bn, &beta, K.data(), &bn);
  PetscCall(MatDenseRestoreArrayRead(Ad, &ad));
  PetscCall(MatDestroy(&Ad));
  LAPACKgeev_("N", "N", &bn, K.data(), &bn, wr.data(), wi.data(), NULL, &one, NULL, &one, &wq,
              &lwork, &info);
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  std::vector<PetscReal> work(lwork);
  LAPACKgeev_("N", "N", &bn, K.data(), &bn, wr.data(), wi.data(), NULL, &one, NULL, &one,
              work.data(), &lwork, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK geev failed: info %d", (int)info);
  PetscCall(PetscTime(&t2));

  std::vector<PetscReal> absl(N);
  s->N                    = N;
  s->re_min               = *std::min_element(wr.begin(), wr.end());
  s->re_max               = *std::max_element(wr.begin(), wr.end());
  s->abs_im_max           = 0;
  s->num_nonpositive_real = 0;
  for (PetscInt i = 0; i < N; i++) {
    absl[i]       = std::hypot(wr[i], wi[i]);
    s->abs_im_max = PetscMax(s->abs_im_max, PetscAbsReal(wi[i]));
    if (wr[i] <= 0) s->num_nonpositive_real++;
  }
  std::vector<PetscReal> sorted(absl);
  std::sort(sorted.begin(), sorted.end());
  s->abs_min      = sorted.front();
  s->abs_max      = sorted.back();
  s->abs_median   = N % 2 ? sorted[N / 2] : 0.5 * (sorted[N / 2 - 1] + sorted[N / 2]);
  s->spread       = s->abs_max / s->abs_min;
  PetscInt inband = 0;
  for (PetscReal a : absl)
    if (a > 0.5 * s->abs_median && a < 2.0 * s->abs_median) inband++;
  s->frac_in_band    = (PetscReal)inband / N;
  s->seconds_columns = t1 - t0;
  s->seconds_eig     = t2 - t1;
  if (wr_out) std::copy(wr.begin(), wr.end(), wr_out);
  if (wi_out) std::copy(wi.begin(), wi.end(), wi_out);
  PetscFunctionReturn(0);
}

PetscErrorCode NpoLinearizedSpectrum(NpoNet net, Mat A, PetscInt rows, PetscInt cols,
                                     const PetscReal *b, NpoSpectrum *s, PetscReal *wr,
                                     PetscReal *wi)
{
  PetscFunctionBegin;
  PetscCheck(rows > 0 && cols > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "linearised spectrum: empty grid %" PetscInt_FMT " x %" PetscInt_FMT, rows, cols);
  // Dense N x N: M_lin, K = M_lin A and the dense copy of A (geev works in place on K).
  const double N     = (double)rows * (double)cols;
  const double dense = N * N * sizeof(PetscReal);
  char         what[256];
  snprintf(what, sizeof(what),
           "the linearised spectrum on the %" PetscInt_FMT " x %" PetscInt_FMT
           " grid: three dense N x N matrices (N = %.0f, %s each)",
           rows, cols, N, NpoBytesText(dense).c_str());
  PetscCall(NpoCheckMemory(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, 3.0 * dense, what));
  NpoCallCXX(PETSC_COMM_SELF,
             PetscCall(NpoLinearizedSpectrumImpl(net, A, rows, cols, b, s, wr, wi)));
  PetscFunctionReturn(0);
}
