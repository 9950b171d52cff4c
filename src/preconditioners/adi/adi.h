// PC type "adi": the Peaceman-Rachford ADI preconditioner (REPORTS.md §13.3,
// docs/decoupling.md). With A = H + V, H = cx Dxx (couples along grid rows), V = cy Dyy
// (along grid columns), each carrying half of a constant shift c0,
//
//   one shift (default):  M^{-1} = 2 sigma (V + sigma I)^{-1} (H + sigma I)^{-1},
//                         sigma = sqrt(lambda_1 lambda_n) of the 1-D spectra,
//   k shifts:             M^{-1} r = the k double sweeps of the ADI iteration from x = 0
//                         with Wachspress's optimal shifts sigma_1..sigma_k,
//
// tridiagonal solves (LAPACK pttrf/pttrs) along grid rows, a transpose (VecScatter), along
// grid columns. M^{-1} is SPD (H and V commute) with eigenvalues 1 - g(lx) g(ly),
// g(l) = prod_m (sigma_m - l)/(sigma_m + l).
//
// Options:
//   -pc_adi_shift <sigma>   the single shift (> 0; default sqrt(lambda_1 lambda_n))
//   -pc_adi_shifts <k>      length of the shift cycle (default 1; k > 1: Wachspress shifts)
//   -pc_adi_grid_width <w>  grid width (fast index) when the operator has no DMDA
//
// On an operator that is not constant-coefficient (the variable problem), H and V are those of
// c L_h, c the midrange coefficient of the operator's diagonal (as PC dst's default scale):
// CG's iterates do not depend on c, but ADI of the Laplacian is a poor preconditioner there.
//
// Sample runs:
//   poisson_solve -problem rod -methods adi_cg
//   poisson_solve -n 512 -ksp_type cg -pc_type adi -pc_adi_shifts 6 -ksp_view
#pragma once
#include <petscpc.h>

#define PC_ADI_MAX_SHIFTS 64

typedef struct {
  PetscInt  rows, cols;
  PetscBool exact;              // the operator is constant-coefficient: H + V = A
  PetscReal defect;             // the stencil fit's relative defect
  PetscReal cx, cy, c0;         // H = cx Dxx + c0/2 I, V = cy Dyy + c0/2 I
  PetscReal lambda_1, lambda_n; // spectral interval [a, b] of H and V
  PetscInt  nshifts;
  PetscReal shifts[PC_ADI_MAX_SHIFTS];
  PetscReal setup_seconds;
} PCAdiInfo;

PETSC_EXTERN PetscErrorCode PCCreate_Adi(PC pc);
// sigma > 0; 0 restores the default sqrt(lambda_1 lambda_n).
PETSC_EXTERN PetscErrorCode PCAdiSetShift(PC pc, PetscReal sigma);
PETSC_EXTERN PetscErrorCode PCAdiSetShifts(PC pc, PetscInt k);
PETSC_EXTERN PetscErrorCode PCAdiGetInfo(PC pc, PCAdiInfo *info);

// Wachspress's optimal k shifts for spectra in [a, b], 0 < a < b (descending):
// sigma_m = b dn((2m - 1) K / (2k), kappa), kappa = sqrt(1 - (a/b)^2), m = 1..k, which minimise
// max_{l in [a, b]} prod_m |(sigma_m - l)/(sigma_m + l)|. *delta gets that maximum (NULL: skip).
PETSC_EXTERN PetscErrorCode PCAdiWachspressShifts(PetscReal a, PetscReal b, PetscInt k,
                                                  PetscReal shifts[], PetscReal *delta);
