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

// Grid sizes: n >= 2, N = n*n must fit in PetscInt (this PETSc's index width: with 32-bit
// indices n <= 46340), and the run must not obviously exceed the memory of the machine:
// POISSON_MIN_BYTES_PER_UNKNOWN bytes per unknown (a lower bound: the assembled 5-point
// operator and the solver's vectors), divided among the ranks, against the physical memory of
// each node for the ranks placed on it. `option` names the option in the error ("-n",
// "-kappa_sweep"). Collective on comm; a violation is a user error on every rank.
#define POISSON_MIN_BYTES_PER_UNKNOWN 100
PetscErrorCode ProblemCheckSize(MPI_Comm comm, PetscInt64 n, const char *option);

// Comma-separated decimal integers (e.g. the text of -kappa_sweep "8,16,32"): at most max of
// them into values, their number into *count. Anything else (letters, empty entries, a value
// beyond 64 bits, more than max entries) is a user error on comm naming `option`.
PetscErrorCode ParseIntegerList(MPI_Comm comm, const char *option, const char *text,
                                PetscInt64 values[], PetscInt max, PetscInt *count);
