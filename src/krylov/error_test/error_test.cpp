#include "krylov/error_test/error_test.h"

#include <petsc/private/kspimpl.h>

#include <vector>

const char *const KSPErrorNorms[] = {"2", "A", "KSPErrorNorm", "KSP_ERROR_NORM_", NULL};

typedef struct {
  Vec                    xstar, e, Ae, work; // x*, e = x* - x_k, A e, a built iterate
  Mat                    A;
  KSPErrorNorm           norm;
  PetscReal              xnorm; // ||x*|| in the chosen norm
  std::vector<PetscReal> history;
} ErrorTest;

static PetscErrorCode ErrorTestDestroy(void *ctx)
{
  ErrorTest *t = (ErrorTest *)ctx;

  PetscFunctionBegin;
  PetscCall(VecDestroy(&t->xstar));
  PetscCall(VecDestroy(&t->e));
  PetscCall(VecDestroy(&t->Ae));
  PetscCall(VecDestroy(&t->work));
  PetscCall(MatDestroy(&t->A));
  delete t;
  PetscFunctionReturn(0);
}

// ||v|| in the test's norm (Ae holds A v afterwards for the A-norm).
static PetscErrorCode ErrorTestNorm(ErrorTest *t, Vec v, PetscReal *norm)
{
  PetscScalar vav;

  PetscFunctionBegin;
  if (t->norm == KSP_ERROR_NORM_2) {
    PetscCall(VecNorm(v, NORM_2, norm));
    PetscFunctionReturn(0);
  }
  PetscCall(MatMult(t->A, v, t->Ae));
  PetscCall(VecDot(t->Ae, v, &vav));
  *norm = PetscSqrtReal(PetscAbsReal(PetscRealPart(vav)));
  PetscFunctionReturn(0);
}

static PetscErrorCode KSPConvergedError(KSP ksp, PetscInt it, PetscReal rnorm,
                                        KSPConvergedReason *reason, void *ctx)
{
  ErrorTest *t = (ErrorTest *)ctx;
  Vec        x;
  PetscReal  enorm;

  PetscFunctionBegin;
  *reason = KSP_CONVERGED_ITERATING;
  if (it == 0) t->history.clear();
  // Left preconditioning: KSPBuildSolution hands back the KSP's own x_k (formed every
  // iteration by cg, fcg, sd, richardson), no copy. Otherwise it builds x_k into t->work.
  if (ksp->pc_side == PC_LEFT)
    PetscCall(KSPBuildSolution(ksp, NULL, &x));
  else {
    if (!t->work) PetscCall(VecDuplicate(t->xstar, &t->work));
    PetscCall(KSPBuildSolution(ksp, t->work, &x));
  }
  PetscCall(VecWAXPY(t->e, -1.0, x, t->xstar)); // e = x* - x_k
  PetscCall(ErrorTestNorm(t, t->e, &enorm));
  const PetscReal rel = enorm / t->xnorm;
  PetscCallCXX(t->history.push_back(rel));
  if (PetscIsInfOrNanReal(rel) || PetscIsInfOrNanReal(rnorm)) {
    *reason = KSP_DIVERGED_NANORINF;
    PetscCall(PetscInfo(ksp, "error test: NaN or Inf at iteration %" PetscInt_FMT "\n", it));
  } else if (rel <= ksp->rtol) {
    *reason = KSP_CONVERGED_RTOL;
    PetscCall(PetscInfo(ksp,
                        "error test: relative error %g <= rtol %g at iteration %" PetscInt_FMT "\n",
                        (double)rel, (double)ksp->rtol, it));
  } else if (enorm <= ksp->abstol) {
    *reason = KSP_CONVERGED_ATOL;
  } else if (ksp->divtol > 0 && rel >= ksp->divtol) {
    *reason = KSP_DIVERGED_DTOL;
  }
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPSetConvergenceTestError(KSP ksp, Vec xstar, Mat A, KSPErrorNorm norm)
{
  ErrorTest *t;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ksp, KSP_CLASSID, 1);
  PetscValidHeaderSpecific(xstar, VEC_CLASSID, 2);
  PetscCheck(norm == KSP_ERROR_NORM_2 || A, PetscObjectComm((PetscObject)ksp), PETSC_ERR_ARG_NULL,
             "the A-norm error test needs the operator A");
  PetscCallCXX(t = new ErrorTest());
  t->norm = norm;
  PetscCall(PetscObjectReference((PetscObject)xstar));
  t->xstar = xstar;
  if (A) {
    PetscCall(PetscObjectReference((PetscObject)A));
    t->A = A;
  }
  PetscCall(VecDuplicate(xstar, &t->e));
  if (norm == KSP_ERROR_NORM_A) PetscCall(VecDuplicate(xstar, &t->Ae));
  PetscCall(ErrorTestNorm(t, xstar, &t->xnorm));
  PetscCheck(t->xnorm > 0, PetscObjectComm((PetscObject)ksp), PETSC_ERR_ARG_WRONG,
             "the error test needs x* != 0: the relative error ||x_k - x*|| / ||x*|| is undefined "
             "for x* = 0 (b = 0?)");
  PetscCall(KSPSetConvergenceTest(ksp, KSPConvergedError, t, ErrorTestDestroy));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPIsConvergenceTestError(KSP ksp, PetscBool *is)
{
  PetscFunctionBegin;
  *is = ksp->converged == KSPConvergedError ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPGetErrorHistory(KSP ksp, const PetscReal **history, PetscInt *n)
{
  PetscFunctionBegin;
  PetscCheck(ksp->converged == KSPConvergedError, PetscObjectComm((PetscObject)ksp),
             PETSC_ERR_ARG_WRONGSTATE, "the KSP does not use the error convergence test");
  ErrorTest *t = (ErrorTest *)ksp->cnvP;
  if (history) *history = t->history.data();
  if (n) *n = (PetscInt)t->history.size();
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPErrorTestEvaluate(KSP ksp, Vec x, PetscReal *relerror)
{
  PetscReal enorm;

  PetscFunctionBegin;
  PetscCheck(ksp->converged == KSPConvergedError, PetscObjectComm((PetscObject)ksp),
             PETSC_ERR_ARG_WRONGSTATE, "the KSP does not use the error convergence test");
  ErrorTest *t = (ErrorTest *)ksp->cnvP;
  PetscCall(VecWAXPY(t->e, -1.0, x, t->xstar));
  PetscCall(ErrorTestNorm(t, t->e, &enorm));
  *relerror = enorm / t->xnorm;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPErrorTestFromOptions(KSP ksp, PetscBool *enabled, KSPErrorNorm *norm)
{
  PetscInt which = KSP_ERROR_NORM_2;

  PetscFunctionBegin;
  *enabled = PETSC_FALSE;
  PetscObjectOptionsBegin((PetscObject)ksp);
  PetscCall(PetscOptionsBool("-ksp_converged_error",
                             "Stop on the relative error ||x_k - x*|| / ||x*|| <= rtol against a "
                             "direct solve",
                             "KSPSetConvergenceTestError", *enabled, enabled, NULL));
  PetscCall(PetscOptionsEList("-ksp_converged_error_norm", "Norm of the error test",
                              "KSPSetConvergenceTestError", KSPErrorNorms, 2, KSPErrorNorms[which],
                              &which, NULL));
  PetscOptionsEnd();
  *norm = (KSPErrorNorm)which;
  PetscFunctionReturn(0);
}
