// A KSP convergence test on the error against a known solution x* (docs/decoupling-ladder.md):
//
//   stop when ||x_k - x*|| / ||x*|| <= rtol   (or ||x_k - x*|| <= atol),
//
// in the 2-norm or the A-norm ||e||_A = sqrt(e.Ae) (one extra product with A per iteration).
// It works with any KSP that can build its current iterate: x_k is taken from
// KSPBuildSolution, which for a left-preconditioned KSP (cg, fcg, sd, richardson, ...) is the
// KSP's solution vector itself, formed every iteration (no copy, no extra work); a
// right-preconditioned or GMRES-like KSP builds it into a work vector. The error of every
// tested iterate is recorded (error_history[k] for iteration k), so the iteration count the
// KSP reports is the error-criterion count. Divergence: relative error above dtol or NaN.
#pragma once
#include <petscksp.h>

typedef enum { KSP_ERROR_NORM_2, KSP_ERROR_NORM_A } KSPErrorNorm;
PETSC_EXTERN const char *const KSPErrorNorms[]; // "2", "A"

// Installs the test on ksp (KSPSetConvergenceTest; the context is freed with the KSP or the
// next test). x* is referenced, not copied; A (the operator) is needed for KSP_ERROR_NORM_A.
PETSC_EXTERN PetscErrorCode KSPSetConvergenceTestError(KSP ksp, Vec xstar, Mat A,
                                                       KSPErrorNorm norm);
// Whether ksp's current convergence test is this one.
PETSC_EXTERN PetscErrorCode KSPIsConvergenceTestError(KSP ksp, PetscBool *is);
// Relative errors of the iterates the last solve tested (borrowed; valid until the next solve
// or the KSP's destruction). Errors if the test is not installed.
PETSC_EXTERN PetscErrorCode KSPGetErrorHistory(KSP ksp, const PetscReal **history, PetscInt *n);

// The relative error ||x - x*|| / ||x*|| of any vector x in the installed test's norm: for a
// KSP that never calls a convergence test (KSPPREONLY), the error of its result.
PETSC_EXTERN PetscErrorCode KSPErrorTestEvaluate(KSP ksp, Vec x, PetscReal *relerror);

// Reads -ksp_converged_error (bool) and -ksp_converged_error_norm 2|A under ksp's options
// prefix (listed by -help). Does not install the test: the caller owns x*.
PETSC_EXTERN PetscErrorCode KSPErrorTestFromOptions(KSP ksp, PetscBool *enabled,
                                                    KSPErrorNorm *norm);
