// Dense spectral check of a preconditioner at small N (validation of PC hodlr): the
// eigenvalues of MA through the symmetric form L^T M L, A = L L^T (LAPACK potrf + syev).
#pragma once
#include <petscpc.h>

typedef struct {
  PetscReal lmin_MA, lmax_MA; // extreme eigenvalues of M A
  PetscReal kappa;            // lmax_MA / lmin_MA
  PetscReal lmin_M, lmax_M;   // extreme eigenvalues of (M + M^T)/2
  PetscReal asymmetry;        // max |M - M^T| / max |M|
} HodlrDenseSpectrum;

// pc must be set up on the sequential matrix A (N x N, PETSC_COMM_SELF); forms M by N
// applications of pc. O(N^3): for N of a few thousand at most.
PetscErrorCode HodlrComputeDenseSpectrum(PC pc, Mat A, HodlrDenseSpectrum *spec);
