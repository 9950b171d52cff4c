// PC type "adi": the Peaceman-Rachford ADI preconditioner (REPORTS.md §13.3,
// docs/decoupling.md). With A = H + V, H = cx Dxx (couples along grid rows), V = cy Dyy + c0 I
// (along grid columns),
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
// A coefficient that depends on the grid row only (the variable problem: H = diag(c) (x) Dxx,
// V = T (x) I) is split the same way with shifts weighted by D = diag(c) (x) I, so that
// D^{-1}H and D^{-1}V commute and M stays SPD (adi.cpp). Any other operator gets the ADI of
// c L_h, c the midrange coefficient of its diagonal (as PC dst's default scale).
//
// Options:
//   -pc_adi_shift <sigma>   the single shift (> 0; default sqrt(lambda_1 lambda_n))
//   -pc_adi_shifts <k>      length of the shift cycle (default 1; k > 1: Wachspress shifts)
//   -pc_adi_grid_width <w>  grid width (fast index) when the operator has no DMDA
//
// Sample runs:
//   poisson_solve -problem rod -methods adi_cg
//   poisson_solve -n 512 -ksp_type cg -pc_type adi -pc_adi_shifts 6 -ksp_view
#pragma once
#include <petscpc.h>

#define PC_ADI_MAX_SHIFTS 64

typedef struct {
  PetscInt  rows, cols;
  PetscBool exact;              // A = H + V exactly (constant or row-dependent coefficient)
  PetscReal defect;             // relative defect of that split on a probe
  PetscReal cx, cy, c0;         // constant operator: H = cx Dxx, V = cy Dyy + c0 I; else 0
  PetscReal lambda_1, lambda_n; // spectral interval [a, b] of H and V (of D^{-1}H, D^{-1}V
                                // for a row-dependent coefficient), in the units of the shifts
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
