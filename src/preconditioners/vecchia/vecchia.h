// PC type "vecchia": the IC(0)-pattern Vecchia preconditioner of the reference's report 10
// (REPORTS.md §10.3; docs/vecchia.md). The operator is read as the precision matrix of a
// Gaussian field u ~ N(0, Sigma), Sigma = A^{-1}; every node k (natural order k = i*cols + j)
// is regressed on its parents P(k) = {W = k-1 if j > 0, then S = k-cols if i > 0}:
//   c_k = Sigma[P,P]^{-1} Sigma[P,k],   d2_k = Sigma_kk - Sigma[P,k] . c_k,
// G is unit lower triangular with G[k,P] = -c_k, and
//   M = G^T diag(1/d2) G,   M^{-1} r = G^{-1} diag(d2) G^{-T} r   (two triangular sweeps).
//
// Options (prefix as for any PC, e.g. -vecchia_exact_pc_vecchia_source):
//   -pc_vecchia_source exact|snapshots   where Sigma comes from (default exact; a snapshot
//                                        file alone selects snapshots)
//   -pc_vecchia_snapshots F.h5           dataset "snapshots" (count x N doubles, natural order),
//                                        or "covariance" (N x N, attribute count)
//   -pc_vecchia_count N                  use the first N snapshots (default: all)
//   -pc_vecchia_exact_solver mumps|petsc exact Sigma entries: MUMPS selected inversion (default
//                                        when available) or one PETSc Cholesky solve per column
//   -pc_vecchia_grid_width w             grid width when the operator has no DMDA
//
// Sample runs:
//   poisson_solve -methods none,icc,vecchia_exact
//   gmrf_sample -sampler exact -snapshots 50000 -seed 6 -o snap.h5
//   poisson_solve -methods vecchia_snapshots -vecchia_snapshots_pc_vecchia_snapshots snap.h5
//   mpirun -n 4 poisson_solve -ksp_type cg -pc_type bjacobi -sub_pc_type vecchia
//
// The setters below are composed functions: on a PC of another type they do nothing.
#pragma once
#include <petscpc.h>

typedef enum { PC_VECCHIA_EXACT, PC_VECCHIA_SNAPSHOTS } PCVecchiaSource;
PETSC_EXTERN const char *const PCVecchiaSources[];

PETSC_EXTERN PetscErrorCode PCCreate_Vecchia(PC pc);

PETSC_EXTERN PetscErrorCode PCVecchiaSetSource(PC pc, PCVecchiaSource source);
// file may be NULL to keep the current one; count 0 = every snapshot in the file.
PETSC_EXTERN PetscErrorCode PCVecchiaSetSnapshots(PC pc, const char *file, PetscInt count);

// After PCSetUp: the grid (rows x cols, natural order), and per node k the coefficients c_W[k]
// (0 without a W parent), c_S[k] (0 without an S parent) and d2[k] (owned by the PC; every
// rank holds all N when the operator is gathered). Any output may be NULL.
PETSC_EXTERN PetscErrorCode PCVecchiaGetFactor(PC pc, PetscInt *rows, PetscInt *cols,
                                               const PetscReal **c_w, const PetscReal **c_s,
                                               const PetscReal **d2);
// After PCSetUp: the snapshots used (0 for the exact source) and the setup time in seconds.
PETSC_EXTERN PetscErrorCode PCVecchiaGetSetupInfo(PC pc, PetscInt *snapshots, PetscReal *seconds);
