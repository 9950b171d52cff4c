// The options that define one problem instance (docs/problems.md).
//
// Grid: n x n interior nodes of the unit square, h = 1/(n+1), homogeneous Dirichlet
// boundary. Ordering: the reference flattens F[i, j] with j fastest. We keep that flat order
// as the DMDA natural order, so
//     DMDA x index = reference j (fast axis),  DMDA y index = reference i (slow axis).
// The reference's "x" coordinate, along which the variable coefficient jumps, is therefore
// the DMDA y direction. Reference vectors load without permutation.
#pragma once
#include <petscsys.h>

#define POISSON_NAME_LEN 64

typedef struct {
  char      problem[POISSON_NAME_LEN]; // a row of the problem table (problem_table.h)
  PetscInt  n;                         // interior nodes per direction
  PetscReal contrast;                  // coefficient ratio of the problems that have one
  char      rhs[POISSON_NAME_LEN];     // grf | file | rod
  char      rhs_file[PETSC_MAX_PATH_LEN];
  char      rhs_dataset[POISSON_NAME_LEN];
  PetscInt  grf_seed;
  PetscReal grf_alpha, grf_tau;
  char      operator_type[POISSON_NAME_LEN]; // aij | stencil
} ProblemOptions;

// Reads -n, -contrast, -rhs, -rhs_file, -rhs_dataset, -grf_seed, -grf_alpha, -grf_tau,
// -operator (and their help text) into opts, with the problem's defaults from its table row;
// the problem name is given separately since a run may hold several problems.
PetscErrorCode ProblemOptionsFromCommandLine(MPI_Comm comm, const char *problem,
                                             ProblemOptions *opts);
