// A 2-D Poisson problem instance on a PETSc DMDA (docs/problems.md): its grid, operator and
// right-hand side, built from ProblemOptions and the problem's table row.
#pragma once
#include <petscdmda.h>
#include <petscmat.h>

#include "io/results_file.h"
#include "problems/problem_options.h"

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

PetscErrorCode ProblemCreate(MPI_Comm comm, const ProblemOptions *opts, Problem *p);
PetscErrorCode ProblemDestroy(Problem *p);
// Prints "\nproblem <name>: n = .. (N = ..)[, contrast ..][, rhs ..], P rank(s)\n" on comm,
// the line above each results table (with_rhs: also the right-hand side).
PetscErrorCode ProblemPrintSummary(MPI_Comm comm, const Problem *p, PetscBool with_rhs);
// The group /<problem> of a results file: attributes problem, n, N, h, contrast and, with_rhs,
// rhs, rhs_file, seed, grf_alpha, grf_tau and the dataset b (docs/results-file.md).
PetscErrorCode ProblemWrite(ResultsFile *rf, const Problem *p, PetscBool with_rhs);
