// The favourable case of the Nystrom preconditioner: a kernel ridge regression
// system (K + mu I) x = b, K a kernel matrix on scattered points of the unit square.
//
// K_ij = k(|p_i - p_j| / lengthscale) with k one of the kernels of KernelListNames() (RBF
// exp(-r^2/2), Matern 3/2, Matern 5/2). Its spectrum decays fast, so the effective dimension
// d_eff(mu) = tr(K (K + mu I)^{-1}) = sum_i lambda_i / (lambda_i + mu) is small and a Nystrom
// sketch of size l = 2 ceil(1.5 d_eff) + 1 gives E kappa(P^{-1/2}(K + mu I)P^{-1/2}) < 28
// (Frangella, Tropp & Udell, arXiv:2110.02820, Theorem 5.1).
//
// The points, the right-hand side and hence the system depend only on (N, seed), never on the
// number of ranks: every rank draws all points from the same PETSc RANDER48 stream.
#pragma once
#include <petscpc.h>

typedef struct {
  char      kernel[32];  // rbf | matern32 | matern52
  PetscInt  n_points;    // N
  PetscReal lengthscale; // of the kernel
  PetscReal mu;          // ridge regularization
  PetscInt  seed;        // points and noise of the right-hand side
} KernelOptions;

typedef struct {
  KernelOptions opts;
  PetscReal    *points; // N x 2, replicated on every rank
  Mat           A;      // K + mu I, MATDENSE distributed by rows
  Mat           K;      // K = A - mu I as a MATSHELL around A (the matrix the PC sketches)
  Vec           b;      // noisy samples of a smooth function at the points
} KernelProblem;

// Defaults: RBF, N = 2000, lengthscale 0.2, mu = 1e-2, seed 1. Reads -kernel_type, -n_points,
// -kernel_lengthscale, -kernel_mu, -kernel_seed.
PetscErrorCode KernelOptionsFromCommandLine(MPI_Comm comm, KernelOptions *opts);
// Refuses (PETSC_ERR_ARG_OUTOFRANGE, with the estimate) before anything is allocated a size
// whose dense matrices do not fit in the memory available (KernelProblemCheckMemory, which
// KernelProblemCreate calls first).
PetscErrorCode KernelProblemCheckMemory(MPI_Comm comm, PetscInt n_points);
PetscErrorCode KernelProblemCreate(MPI_Comm comm, const KernelOptions *opts, KernelProblem *kp);
PetscErrorCode KernelProblemDestroy(KernelProblem *kp);
const char    *KernelListNames(void);

typedef struct {
  PetscReal lambda_max, lambda_min; // of K
  PetscReal d_eff;                  // tr(K (K + mu I)^{-1})
  PetscInt  rank_theory;            // 2 ceil(1.5 d_eff) + 1 (Theorem 5.1), capped at N
  PetscReal kappa;                  // kappa(K + mu I)
} KernelSpectrum;

// All eigenvalues of K by LAPACK syev on rank 0 (the points are replicated, so rank 0 forms K
// itself); the results are broadcast.
PetscErrorCode KernelSpectrumCompute(const KernelProblem *kp, KernelSpectrum *s);

// Extreme eigenvalues of the symmetric form P^{-1/2} A P^{-1/2} of a preconditioned operator,
// P^{-1/2} applied by PCApplySymmetricLeft/Right (PC nystrom provides them), by SLEPc
// Krylov-Schur on a MATSHELL.
PetscErrorCode SymmetricPreconditionedExtremes(PC pc, Mat A, PetscReal *lambda_min,
                                               PetscReal *lambda_max);
