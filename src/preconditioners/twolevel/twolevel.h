// PC type "twolevel": a fine preconditioner F (any PETSc PC, options prefix twolevel_fine_)
// combined with an exact Galerkin coarse correction Q = Z A_c^{-1} Z^T, A_c = Z^T A Z, the
// two-level methods of reports 11 and 12 of the reference study (docs/twolevel.md).
//
//   additive        C = theta (omega F + Q)                     report 11 (omega = theta = 1),
//                                                               report 12 item 8 (omega 0.8)
//   multiplicative  e = omega F r; e += Q (r - A e); e += omega F (r - A e)
//                   I - CA = S (I - QA) S, S = I - omega F A    report 12 item 7 (two-grid)
//   coarse_only     C = Q (theta Q with theta != 1)             report 12 item 6 (singular:
//                                                               a projector, for Richardson)
//
// Coarse spaces (Z is an N x N_c parallel AIJ matrix over the operator's row layout):
//   blocks    Z_blk: b x b block averages, column (bi, bj) holds 1/b^2 on the fine nodes
//             (bi b + di, bj b + dj); b = -pc_twolevel_block_size must divide both grid sides.
//             b = 0 is one block, the whole grid: z_1, the global mean (report 11's
//             "coarse-only" preconditioner is additive with b = 0 and F = Jacobi).
//   bilinear  Z_bil = kron(P1, P1), P1 (n x n/2): coarse node c on fine node 2c + 1 with
//             weight 1, fine nodes 2c and 2c + 2 (if < n) with weight 1/2 (report 12 item 6;
//             not PETSc's DMDA interpolation). Needs even grid sides.
// The grid comes from the DMDA of the operator (core/grid_shape.h), else from
// -pc_twolevel_grid_width or the matrix bandwidth (natural ordering).
//
// Options (prefix as for any PC, e.g. -twolevel_icc_blocks_pc_twolevel_type):
//   -pc_twolevel_type <additive>      additive, multiplicative, coarse_only
//   -pc_twolevel_coarse <blocks>      blocks, bilinear
//   -pc_twolevel_block_size <4>       b of the block coarse space (0: one block)
//   -pc_twolevel_omega <1>            damping of the fine part (0.8 for the two-grid)
//   -pc_twolevel_theta <1>            overall damping of C
//   -pc_twolevel_grid_width <0>       grid width when the matrix has no DMDA (0: infer)
//   -twolevel_fine_pc_type <jacobi>   the fine PC F and its options (twolevel_fine_*)
//   -twolevel_coarse_ksp_type, -twolevel_coarse_pc_type ...   the coarse solve (default:
//                                     preonly + redundant sparse Cholesky of A_c)
//
// Sample runs:
//   poisson_solve -problem rod -methods twolevel_icc_blocks,twolevel_coarse_blocks
//   mpirun -n 4 poisson_solve -ksp_type cg -pc_type twolevel -pc_twolevel_coarse bilinear
//       -pc_twolevel_type multiplicative -pc_twolevel_omega 0.8 -ksp_view
#pragma once
#include <petscksp.h>

typedef enum {
  PC_TWOLEVEL_ADDITIVE,
  PC_TWOLEVEL_MULTIPLICATIVE,
  PC_TWOLEVEL_COARSE_ONLY
} PCTwolevelType;
typedef enum { PC_TWOLEVEL_BLOCKS, PC_TWOLEVEL_BILINEAR } PCTwolevelCoarseSpace;

PETSC_EXTERN const char *const PCTwolevelTypes[];
PETSC_EXTERN const char *const PCTwolevelCoarseSpaces[];

PETSC_EXTERN PetscErrorCode PCCreate_Twolevel(PC pc);

// Setters and getters are composed functions: on a PC of another type the setters do nothing.
PETSC_EXTERN PetscErrorCode PCTwolevelSetType(PC pc, PCTwolevelType type);
PETSC_EXTERN PetscErrorCode PCTwolevelGetType(PC pc, PCTwolevelType *type);
PETSC_EXTERN PetscErrorCode PCTwolevelSetCoarseSpace(PC pc, PCTwolevelCoarseSpace coarse);
PETSC_EXTERN PetscErrorCode PCTwolevelSetBlockSize(PC pc, PetscInt block_size);
PETSC_EXTERN PetscErrorCode PCTwolevelSetOmega(PC pc, PetscReal omega);
PETSC_EXTERN PetscErrorCode PCTwolevelSetTheta(PC pc, PetscReal theta);
// omega and theta (either may be NULL).
PETSC_EXTERN PetscErrorCode PCTwolevelGetDamping(PC pc, PetscReal *omega, PetscReal *theta);

// The fine PC F (created on first request; its type defaults to jacobi at setup).
PETSC_EXTERN PetscErrorCode PCTwolevelGetFinePC(PC pc, PC *fine);
// After PCSetUp: the coarse space Z (N x N_c), the Galerkin operator A_c = Z^T A Z and the
// coarse solver (all owned by the PC). Any output may be NULL.
PETSC_EXTERN PetscErrorCode PCTwolevelGetCoarse(PC pc, Mat *Z, Mat *Ac, KSP *coarse);
