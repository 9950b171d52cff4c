#include "preconditioners/hodlr/hodlr_spectrum.h"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>
#include <vector>

// Eigenvalues (ascending) of the symmetric N x N matrix a (destroyed), LAPACK syev.
static PetscErrorCode SymmetricEigenvalues(PetscInt N, PetscScalar *a, PetscReal *w)
{
  PetscBLASInt             bN, lwork = -1, info;
  PetscScalar              wq;
  std::vector<PetscScalar> work;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(N, &bN));
  LAPACKsyev_("N", "L", &bN, a, &bN, w, &wq, &lwork, &info);
  lwork = (PetscBLASInt)wq;
  work.resize(std::max<PetscBLASInt>(lwork, 1));
  LAPACKsyev_("N", "L", &bN, a, &bN, w, work.data(), &lwork, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK syev failed, info %d", (int)info);
  PetscFunctionReturn(0);
}

PetscErrorCode HodlrComputeDenseSpectrum(PC pc, Mat A, HodlrDenseSpectrum *spec)
{
  PetscInt           N;
  Vec                x, y;
  Mat                Ad;
  const PetscScalar *a;
  PetscInt           lda;
  PetscBLASInt       bN, info;
  const PetscScalar  one = 1.0, zero = 0.0;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &N, NULL));
  std::vector<PetscScalar> M((size_t)N * N), L((size_t)N * N), T((size_t)N * N);
  std::vector<PetscReal>   w(N);
  // Columns M e_j.
  PetscCall(MatCreateVecs(A, &x, &y));
  for (PetscInt j = 0; j < N; j++) {
    const PetscScalar *ya;
    PetscCall(VecZeroEntries(x));
    PetscCall(VecSetValue(x, j, 1.0, INSERT_VALUES));
    PetscCall(VecAssemblyBegin(x));
    PetscCall(VecAssemblyEnd(x));
    PetscCall(PCApply(pc, x, y));
    PetscCall(VecGetArrayRead(y, &ya));
    std::copy(ya, ya + N, M.begin() + (size_t)j * N);
    PetscCall(VecRestoreArrayRead(y, &ya));
  }
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscReal mmax = 0, dmax = 0;
  for (PetscInt j = 0; j < N; j++)
    for (PetscInt i = 0; i < N; i++) {
      mmax = std::max(mmax, std::fabs(M[i + (size_t)j * N]));
      dmax = std::max(dmax, std::fabs(M[i + (size_t)j * N] - M[j + (size_t)i * N]));
    }
  spec->asymmetry = mmax > 0 ? dmax / mmax : 0;
  for (PetscInt j = 0; j < N; j++)
    for (PetscInt i = j + 1; i < N; i++) {
      const PetscScalar v  = 0.5 * (M[i + (size_t)j * N] + M[j + (size_t)i * N]);
      M[i + (size_t)j * N] = M[j + (size_t)i * N] = v;
    }
  T = M;
  PetscCall(SymmetricEigenvalues(N, T.data(), w.data()));
  spec->lmin_M = w[0];
  spec->lmax_M = w[N - 1];
  // A = L L^T; eig(MA) = eig(L^T M L).
  PetscCall(MatConvert(A, MATSEQDENSE, MAT_INITIAL_MATRIX, &Ad));
  PetscCall(MatDenseGetLDA(Ad, &lda));
  PetscCall(MatDenseGetArrayRead(Ad, &a));
  for (PetscInt j = 0; j < N; j++)
    for (PetscInt i = 0; i < N; i++) L[i + (size_t)j * N] = i >= j ? a[i + (size_t)j * lda] : 0.0;
  PetscCall(MatDenseRestoreArrayRead(Ad, &a));
  PetscCall(MatDestroy(&Ad));
  PetscCall(PetscBLASIntCast(N, &bN));
  LAPACKpotrf_("L", &bN, L.data(), &bN, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "A is not SPD (potrf info %d)",
             (int)info);
  for (PetscInt j = 0; j < N; j++)
    for (PetscInt i = 0; i < j; i++) L[i + (size_t)j * N] = 0.0;
  BLASgemm_("N", "N", &bN, &bN, &bN, &one, M.data(), &bN, L.data(), &bN, &zero, T.data(), &bN);
  BLASgemm_("T", "N", &bN, &bN, &bN, &one, L.data(), &bN, T.data(), &bN, &zero, M.data(), &bN);
  PetscCall(SymmetricEigenvalues(N, M.data(), w.data()));
  spec->lmin_MA = w[0];
  spec->lmax_MA = w[N - 1];
  spec->kappa   = w[N - 1] / w[0];
  PetscFunctionReturn(0);
}
