// The 2-D Poisson problems of the study (SPEC.md: Problems) on a PETSc DMDA.
//
// Grid: n x n interior nodes of the unit square, h = 1/(n+1), homogeneous Dirichlet
// boundary. Ordering convention (fixtures/README.md): the reference flattens F[i, j] with
// j fastest. We keep that flat order as the DMDA natural order, so
//     DMDA x index = reference j (fast axis),  DMDA y index = reference i (slow axis).
// The reference's "x" coordinate, along which the variable coefficient jumps, is therefore
// the DMDA y direction. Fixture vectors load without permutation.
#pragma once
#include <petscdmda.h>
#include <petscmat.h>

#define POISSON_NAME_LEN 64

typedef struct {
  char      problem[POISSON_NAME_LEN]; // constant | variable | rod
  PetscInt  n;                         // interior nodes per direction
  PetscReal contrast;                  // coefficient for x >= 0.5 (variable problem)
  char      rhs[POISSON_NAME_LEN];     // grf | file | rod
  char      rhs_file[PETSC_MAX_PATH_LEN];
  char      rhs_dataset[POISSON_NAME_LEN];
  PetscInt  grf_seed;
  PetscReal grf_alpha, grf_tau;
  char      operator_type[POISSON_NAME_LEN]; // aij | stencil
} ProblemOptions;

typedef struct {
  ProblemOptions opts;
  PetscReal      h;
  DM             da;  // n x n, star stencil of width 1
  Mat            A;   // assembled 5-point operator (MATAIJ), symmetric positive definite
  Mat            Aop; // the operator CG multiplies with: A itself (-operator aij) or the
                      // matrix-free stencil MATSHELL (-operator stencil); A stays the
                      // preconditioning matrix, assembled once
  Vec b;              // right-hand side (global DMDA vector)
} Problem;

// Reads -n, -contrast, -rhs, -rhs_file, -rhs_dataset, -grf_seed, -grf_alpha, -grf_tau
// (and their help text) into opts; problem name given separately since a run may hold
// several problems.
PetscErrorCode ProblemOptionsFromCommandLine(MPI_Comm comm, const char *problem,
                                             ProblemOptions *opts);
PetscErrorCode ProblemCreate(MPI_Comm comm, const ProblemOptions *opts, Problem *p);
PetscErrorCode ProblemDestroy(Problem *p);
// Prints "\nproblem <name>: n = .. (N = ..)[, contrast ..][, rhs ..], P rank(s)\n" on comm,
// the line above each results table (with_rhs: also the right-hand side).
PetscErrorCode ProblemPrintSummary(MPI_Comm comm, const Problem *p, PetscBool with_rhs);

// The table of problems, for -help and name validation.
PetscErrorCode ProblemCheckName(MPI_Comm comm, const char *name);
const char    *ProblemListNames(void);

// Nodal coefficient a(i) of the problem for reference slow index i (DMDA y index).
PetscReal ProblemCoefficient(const ProblemOptions *opts, PetscInt i);
