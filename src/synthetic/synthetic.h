// Synthetic coupled SPD problems of report 13 (REPORTS.md §13.7; docs/decoupling-ladder.md):
// steepest descent against CG where the spectrum is known exactly.
//
//   rank-1     A = I + rho v v^T (MATSHELL: y = x + rho (v.x) v), v a random unit vector.
//              Eigenvalues 1 (N - 1 times) and 1 + rho: kappa = 1 + rho, CG exact in 2 steps.
//              x* = b - rho (v.b)/(1 + rho) v (Sherman-Morrison). The worst right-hand side for
//              GD is b = v + w, w the random b with its v-component removed, normalised: its
//              residual has equal components on the two eigenvectors, so every GD step
//              contracts the error by exactly (kappa - 1)/(kappa + 1):
//              ceil(ln(1/eps) / ln((kappa + 1)/(kappa - 1))) steps (1163, 115141, 11512937 at
//              rho = 1e2, 1e4, 1e6, eps = 1e-10).
//   clusters   A = Q diag(lambda) Q^T (MATDENSE), Q from the QR of a random normal matrix,
//              lambda = c (1 + w u), c in {1, 1e3, 1e6} repeated {300, 80, 20} times (N = 400),
//              u ~ U(-1/2, 1/2); b random; x* = Q ((Q^T b) / lambda).
//
// Random numbers: std::mt19937_64 with the reference's seeds (v: seed_v, Q: 8, u: 9, b: 10),
// drawn on rank 0 and scattered, so a problem is the same at every rank count. They are not
// numpy's streams: counts that depend on the draw are statistically equivalent to the
// reference's, not equal; the closed forms do not depend on it.
#pragma once
#include <petscksp.h>

#include <vector>

typedef struct {
  Mat                    A;           // the operator
  Vec                    b, xstar;    // right-hand side and exact solution
  Vec                    v;           // rank-1: the unit vector (NULL for clusters)
  PetscReal              rho;         // rank-1: the weight
  PetscReal              kappa;       // exact condition number
  std::vector<PetscReal> eigenvalues; // clusters: lambda, ascending (every rank)
} SyntheticProblem;

typedef enum { SYNTHETIC_RHS_RANDOM, SYNTHETIC_RHS_WORST } SyntheticRhs;

PetscErrorCode SyntheticRank1Create(MPI_Comm comm, PetscInt N, PetscReal rho, SyntheticRhs rhs,
                                    unsigned seed_v, unsigned seed_b, SyntheticProblem *p);
PetscErrorCode SyntheticClustersCreate(MPI_Comm comm, PetscReal width, SyntheticProblem *p);
PetscErrorCode SyntheticDestroy(SyntheticProblem *p);

// The GD step count of the worst case: ceil(ln(1/eps) / ln((kappa + 1)/(kappa - 1))).
PetscInt SyntheticGDWorstCaseSteps(PetscReal kappa, PetscReal eps);

typedef struct {
  PetscInt               iterations; // KSP iterations (the cap when not converged)
  PetscBool              converged;
  std::vector<PetscReal> error; // ||x_k - x*||_2 / ||x*||_2, k = 0 .. iterations
  // A capped run (not converged at max_it): the per-step contraction over the last
  // w = max(3, min(100, its/2)) steps and the count extrapolated from it,
  // its + ceil(ln(error_its / eps) / ln(1/rate)); for a converged run rate is measured the same
  // way and predicted = iterations.
  PetscReal rate;
  PetscInt  predicted;
} SyntheticRun;

// Solves A x = b with KSP type `ksp_type` (cg or sd), no preconditioner, x0 = 0, stopping on the
// relative 2-norm error eps against x* (the error convergence test), at most max_it steps.
PetscErrorCode SyntheticSolve(const SyntheticProblem *p, const char *ksp_type, PetscReal eps,
                              PetscInt max_it, SyntheticRun *run);
