// Optimal damping of a stationary iteration (docs/ladder.md): KSPRICHARDSON's scale set to
//
//   alpha* = 2 / (lambda_min + lambda_max),   lambda the extreme eigenvalues of C A,
//
// C the KSP's preconditioner, A its operator. When C is symmetric positive definite, C A has
// real positive eigenvalues and alpha* minimises rho(I - alpha C A) over alpha, with the
// optimum (lambda_max - lambda_min) / (lambda_max + lambda_min) = (kappa - 1) / (kappa + 1).
// For a nonsymmetric C the formula is used when the extreme eigenvalues (largest and
// smallest real part) are real; otherwise it is an error (no scalar optimum of this form).
//
// Any method asks for it with -ksp_richardson_optimal_scale (under its options prefix, e.g.
// -rich_opt_ksp_richardson_optimal_scale): the solve layer computes alpha* after KSPSetUp
// (counted as set-up time) and before the solve. The eigenvalues come from SLEPc's
// Krylov-Schur on the operator C A as a nonsymmetric problem (a MATSHELL: one product with A
// and one PCApply per step), both ends, relative residual 1e-10 by default; the EPS reads
// options under "<ksp prefix>optimal_scale_" (e.g. -rich_opt_optimal_scale_eps_monitor).
// The PC must be linear (a nonlinear PC has no spectrum); the caller checks that.
#pragma once
#include <petscksp.h>

typedef struct {
  PetscReal lambda_min, lambda_max; // extreme real eigenvalues of C A
  PetscReal scale;                  // 2 / (lambda_min + lambda_max)
  PetscReal rho;                    // (lambda_max - lambda_min) / (lambda_max + lambda_min)
  PetscInt  eps_iterations;         // Krylov-Schur restarts, both ends
} KSPOptimalScale;

// Reads -ksp_richardson_optimal_scale (bool) under ksp's prefix (listed by -help).
PETSC_EXTERN PetscErrorCode KSPRichardsonOptimalScaleFromOptions(KSP ksp, PetscBool *enabled);

// Computes alpha* for the KSP's (set-up) PC and operator and, if ksp is KSPRICHARDSON,
// sets it as its scale (KSPRichardsonSetScale). info may be NULL.
PETSC_EXTERN PetscErrorCode KSPRichardsonSetOptimalScale(KSP ksp, KSPOptimalScale *info);

// The extreme eigenvalues of C A alone (same method), without touching the KSP's scale.
PETSC_EXTERN PetscErrorCode KSPComputeOptimalScale(KSP ksp, KSPOptimalScale *info);
