// PC type "dst": the exact inverse of the constant-coefficient 5-point Dirichlet operator by
// the 2-D discrete sine transform (DST-I, FFTW RODFT00 along each grid axis), REPORTS.md
// §13.2 and docs/decoupling.md. O(N log N) per application, parallel on whole grid lines
// (two VecScatter transposes per application, never a gather).
//
// Options (prefix as for any PC, e.g. -dst_cg_pc_dst_scale):
//   -pc_dst_scale midrange|mean|harmonic|<s>  operators the transform does not diagonalise
//                    (variable coefficient): precondition with c L_h, L_h the unit 5-point
//                    Laplacian on the grid (h = 1/(n+1) per axis), c from the local coefficients
//                    a_k = A_kk / (L_h)_kk: (min + max)/2 (midrange, default: the optimal damping
//                    of the stationary iteration; CG's iterates do not depend on c), their mean or
//                    harmonic mean, or c = s. On an operator it diagonalises, every choice but
//                    <s> gives its exact inverse.
//   -pc_dst_separable   operators whose coefficient depends on the grid row only (the variable
//                    problem), A = diag(c) (x) Dxx + T (x) I: their exact inverse, by sine
//                    transforms along the rows and one tridiagonal solve per mode along the
//                    columns (default false: such operators are preconditioned as above)
//   -pc_dst_fftw_planner estimate|measure|patient  FFTW planner effort (default estimate)
//   -pc_dst_grid_width <w>  grid width (fast index) when the operator has no DMDA
//
// Sample runs:
//   poisson_solve -problem rod -methods dst,dst_cg
//   mpirun -n 4 poisson_solve -problem variable -n 1024 -ksp_type cg -pc_type dst -ksp_view
#pragma once
#include <petscpc.h>

typedef enum {
  PC_DST_SCALE_MIDRANGE,
  PC_DST_SCALE_MEAN,
  PC_DST_SCALE_HARMONIC,
  PC_DST_SCALE_VALUE
} PCDstScaleType;

// What the last setup found (for tests and reports).
typedef struct {
  PetscInt  rows, cols; // grid
  PetscBool exact;      // the operator is cx Dxx + cy Dyy + c0 I: M = A^{-1}
  PetscReal defect;     // ||A x - S x|| / ||A x|| of the fitted stencil S on a probe
  PetscReal cx, cy, c0; // the operator M^{-1} inverts
  PetscBool separable;  // exact inverse of a row-dependent coefficient (-pc_dst_separable)
  PetscReal scale;      // the coefficient c of c * L_h (not exact), else 0
  PetscReal setup_seconds;
} PCDstInfo;

PETSC_EXTERN PetscErrorCode PCCreate_Dst(PC pc);
// type VALUE takes value > 0; the other types ignore value.
PETSC_EXTERN PetscErrorCode PCDstSetScale(PC pc, PCDstScaleType type, PetscReal value);
PETSC_EXTERN PetscErrorCode PCDstGetInfo(PC pc, PCDstInfo *info);
