// PC type "nystrom": the randomized Nystrom preconditioner of Frangella, Tropp & Udell,
// "Randomized Nystrom preconditioning", arXiv:2110.02820 (Algorithm 2.1 and Eq. 5.3).
//
// Options (prefix as for any PC, e.g. -nystrom64_pc_nystrom_rank):
//   -pc_nystrom_rank <l>   sketch size l, 1 <= l <= N (default 64)
//   -pc_nystrom_mu <mu>    regularization mu >= 0 of the target system A + mu I (default 0)
//   -pc_nystrom_seed <s>   seed of the Gaussian test matrix (default 0)
//
// Sample runs:
//   poisson_solve -methods nystrom64
//   mpirun -n 4 poisson_solve -ksp_type cg -pc_type nystrom -pc_nystrom_rank 128 -ksp_view
//
// The setters below are composed functions: on a PC of another type they do nothing.
#pragma once
#include <petscpc.h>

PETSC_EXTERN PetscErrorCode PCCreate_Nystrom(PC pc);

PETSC_EXTERN PetscErrorCode PCNystromSetRank(PC pc, PetscInt rank);
PETSC_EXTERN PetscErrorCode PCNystromGetRank(PC pc, PetscInt *rank);
PETSC_EXTERN PetscErrorCode PCNystromSetMu(PC pc, PetscReal mu);
PETSC_EXTERN PetscErrorCode PCNystromGetMu(PC pc, PetscReal *mu);
PETSC_EXTERN PetscErrorCode PCNystromSetSeed(PC pc, PetscInt seed);
PETSC_EXTERN PetscErrorCode PCNystromGetSeed(PC pc, PetscInt *seed);

// After PCSetUp: the Nystrom eigenvalue estimates lambda_hat[0..rank-1] (descending; owned by
// the PC), the number retained in the preconditioner (nonpositive ones are dropped when
// mu = 0), the stabilizing shift nu that was finally used and the setup time in seconds.
// Any output may be NULL.
PETSC_EXTERN PetscErrorCode PCNystromGetEigenvalues(PC pc, PetscInt *rank, PetscInt *retained,
                                                    const PetscReal **lambda_hat);
PETSC_EXTERN PetscErrorCode PCNystromGetSetupInfo(PC pc, PetscReal *nu, PetscInt *retries,
                                                  PetscReal *seconds);
