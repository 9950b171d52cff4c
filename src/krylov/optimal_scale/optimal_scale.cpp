#include "krylov/optimal_scale/optimal_scale.h"

#include <slepceps.h>

#include <string>

typedef struct {
  Mat A;
  PC  pc;
  Vec t;
} CAOperator;

// y = C A x
static PetscErrorCode MatMult_CA(Mat S, Vec x, Vec y)
{
  CAOperator *op;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(S, &op));
  PetscCall(MatMult(op->A, x, op->t));
  PetscCall(PCApply(op->pc, op->t, y));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPRichardsonOptimalScaleFromOptions(KSP ksp, PetscBool *enabled)
{
  const char *prefix;

  PetscFunctionBegin;
  *enabled = PETSC_FALSE;
  PetscCall(KSPGetOptionsPrefix(ksp, &prefix));
  // Its own section title: -help prints a (prefix, title) section once, and KSP's was printed
  // by KSPSetFromOptions already.
  PetscOptionsBegin(PetscObjectComm((PetscObject)ksp), prefix, "Richardson optimal scale", "KSP");
  PetscCall(PetscOptionsBool("-ksp_richardson_optimal_scale",
                             "Richardson scale 2/(lambda_min + lambda_max) of C A (SLEPc)",
                             "KSPRichardsonSetOptimalScale", *enabled, enabled, NULL));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

// One end of the spectrum of C A: the eigenvalue with the largest (sign > 0) or smallest real
// part.
static PetscErrorCode CAEigenvalue(MPI_Comm comm, Mat S, const char *prefix, int sign,
                                   PetscReal *re, PetscReal *im, PetscInt *its)
{
  EPS         eps;
  PetscInt    N, nconv;
  PetscScalar kr, ki;
  PetscReal   tol;

  PetscFunctionBegin;
  PetscCall(MatGetSize(S, &N, NULL));
  PetscCall(EPSCreate(comm, &eps));
  PetscCall(EPSSetOperators(eps, S, NULL));
  PetscCall(EPSSetProblemType(eps, EPS_NHEP));
  PetscCall(EPSSetType(eps, EPSKRYLOVSCHUR));
  PetscCall(EPSSetWhichEigenpairs(eps, sign > 0 ? EPS_LARGEST_REAL : EPS_SMALLEST_REAL));
  PetscCall(EPSSetDimensions(eps, 1, PetscMin(N, 48), PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(eps, 1e-10, 20000));
  PetscCall(EPSSetOptionsPrefix(eps, prefix));
  PetscCall(EPSSetFromOptions(eps));
  PetscCall(EPSSolve(eps));
  PetscCall(EPSGetConverged(eps, &nconv));
  PetscCall(EPSGetIterationNumber(eps, its));
  PetscCall(EPSGetTolerances(eps, &tol, NULL));
  PetscCheck(nconv > 0, comm, PETSC_ERR_NOT_CONVERGED,
             "optimal Richardson scale: the %s eigenvalue of C A did not converge in %" PetscInt_FMT
             " iterations (tolerance %g); raise -%seps_max_it or -%seps_ncv",
             sign > 0 ? "largest" : "smallest", *its, (double)tol, prefix, prefix);
  PetscCall(EPSGetEigenvalue(eps, 0, &kr, &ki));
  *re = PetscRealPart(kr);
  *im = PetscRealPart(ki);
  PetscCall(EPSDestroy(&eps));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPComputeOptimalScale(KSP ksp, KSPOptimalScale *info)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)ksp);
  CAOperator  op;
  Mat         Amat, S;
  PetscInt    m, N, its_hi = 0, its_lo = 0;
  PetscReal   hi, hi_im, lo, lo_im;
  const char *kprefix;

  PetscFunctionBegin;
  PetscCall(KSPSetUp(ksp));
  PetscCall(KSPGetOperators(ksp, &Amat, NULL));
  PetscCall(KSPGetPC(ksp, &op.pc));
  op.A = Amat;
  PetscCall(MatCreateVecs(Amat, &op.t, NULL));
  PetscCall(MatGetLocalSize(Amat, &m, NULL));
  PetscCall(MatGetSize(Amat, &N, NULL));
  PetscCall(MatCreateShell(comm, m, m, N, N, &op, &S));
  PetscCall(MatShellSetOperation(S, MATOP_MULT, (void (*)(void))MatMult_CA));
  PetscCall(KSPGetOptionsPrefix(ksp, &kprefix));
  const std::string prefix = std::string(kprefix ? kprefix : "") + "optimal_scale_";
  PetscCall(CAEigenvalue(comm, S, prefix.c_str(), +1, &hi, &hi_im, &its_hi));
  PetscCall(CAEigenvalue(comm, S, prefix.c_str(), -1, &lo, &lo_im, &its_lo));
  PetscCall(MatDestroy(&S));
  PetscCall(VecDestroy(&op.t));
  PetscCheck(PetscAbsReal(hi_im) <= 1e-8 * PetscAbsReal(hi) &&
                 PetscAbsReal(lo_im) <= 1e-8 * PetscAbsReal(lo),
             comm, PETSC_ERR_ARG_INCOMP,
             "optimal Richardson scale: the extreme eigenvalues of C A are not real (%g%+gi and "
             "%g%+gi), so 2/(lambda_min + lambda_max) is not the optimal damping; set "
             "-%sksp_richardson_scale instead",
             (double)lo, (double)lo_im, (double)hi, (double)hi_im, kprefix ? kprefix : "");
  PetscCheck(lo > 0, comm, PETSC_ERR_ARG_INCOMP,
             "optimal Richardson scale: C A has the eigenvalue %g <= 0, so no scale makes "
             "x <- x + alpha C (b - A x) converge",
             (double)lo);
  info->lambda_min     = lo;
  info->lambda_max     = hi;
  info->scale          = 2.0 / (lo + hi);
  info->rho            = (hi - lo) / (hi + lo);
  info->eps_iterations = its_hi + its_lo;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPRichardsonSetOptimalScale(KSP ksp, KSPOptimalScale *info)
{
  KSPOptimalScale s;
  PetscBool       rich;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)ksp, KSPRICHARDSON, &rich));
  PetscCheck(rich, PetscObjectComm((PetscObject)ksp), PETSC_ERR_ARG_WRONG,
             "-ksp_richardson_optimal_scale needs -ksp_type richardson");
  PetscCall(KSPComputeOptimalScale(ksp, &s));
  PetscCall(KSPRichardsonSetScale(ksp, s.scale));
  PetscCall(PetscInfo(ksp, "optimal Richardson scale %.10g from lambda(CA) in [%.10g, %.10g]\n",
                      (double)s.scale, (double)s.lambda_min, (double)s.lambda_max));
  if (info) *info = s;
  PetscFunctionReturn(0);
}
