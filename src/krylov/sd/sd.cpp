#include "krylov/sd/sd.h"

#include <petsc/private/kspimpl.h>

static PetscErrorCode KSPSetUp_SD(KSP ksp)
{
  PetscFunctionBegin;
  PetscCheck(ksp->pc_side == PC_LEFT, PetscObjectComm((PetscObject)ksp), PETSC_ERR_SUP,
             "KSP sd supports only left preconditioning");
  PetscCall(KSPSetWorkVecs(ksp, 3));
  PetscFunctionReturn(0);
}

// The norm KSP sd monitors: ||r||, ||z|| or sqrt(r.z), by the KSP's norm type.
static PetscErrorCode SDNorm(KSP ksp, Vec r, Vec z, PetscReal rz, PetscReal *dp)
{
  PetscFunctionBegin;
  switch (ksp->normtype) {
  case KSP_NORM_UNPRECONDITIONED:
    PetscCall(VecNorm(r, NORM_2, dp));
    break;
  case KSP_NORM_PRECONDITIONED:
    PetscCall(VecNorm(z, NORM_2, dp));
    break;
  case KSP_NORM_NATURAL:
    *dp = PetscSqrtReal(PetscMax(rz, 0.0));
    break;
  default:
    *dp = 0.0;
  }
  PetscFunctionReturn(0);
}

// r.z of an SPD M is positive unless r = 0; a negative (or NaN) value means M is not SPD.
static PetscErrorCode SDCheckPreconditioner(KSP ksp, PetscInt it, PetscReal rz)
{
  PCType type;

  PetscFunctionBegin;
  if (rz >= 0) PetscFunctionReturn(0);
  PetscCall(PCGetType(ksp->pc, &type));
  if (PetscIsInfOrNanReal(rz)) {
    ksp->reason = KSP_DIVERGED_NANORINF;
    PetscFunctionReturn(0);
  }
  SETERRQ(PetscObjectComm((PetscObject)ksp), PETSC_ERR_ARG_INCOMP,
          "KSP sd needs a symmetric positive definite preconditioner, but PC %s gives "
          "r.Mr = %.4e < 0 at iteration %" PetscInt_FMT,
          type ? type : "(unset)", (double)rz, it);
}

static PetscErrorCode KSPSolve_SD(KSP ksp)
{
  Vec         x = ksp->vec_sol, b = ksp->vec_rhs, r = ksp->work[0], z = ksp->work[1];
  Vec         w = ksp->work[2];
  Mat         Amat, Pmat;
  PetscScalar rz, zaz;
  PetscReal   dp = 0.0;

  PetscFunctionBegin;
  PetscCall(PCGetOperators(ksp->pc, &Amat, &Pmat));
  ksp->its    = 0;
  ksp->reason = KSP_CONVERGED_ITERATING;
  if (!ksp->guess_zero) {
    PetscCall(KSP_MatMult(ksp, Amat, x, r)); // r = b - A x
    PetscCall(VecAYPX(r, -1.0, b));
  } else {
    PetscCall(VecSet(x, 0.0));
    PetscCall(VecCopy(b, r));
  }
  PetscCall(KSP_PCApply(ksp, r, z)); // z = M r
  PetscCall(VecDot(z, r, &rz));
  PetscCall(SDCheckPreconditioner(ksp, 0, PetscRealPart(rz)));
  if (ksp->reason) PetscFunctionReturn(0);
  PetscCall(SDNorm(ksp, r, z, PetscRealPart(rz), &dp));
  PetscCall(PetscObjectSAWsTakeAccess((PetscObject)ksp));
  ksp->rnorm = dp;
  PetscCall(PetscObjectSAWsGrantAccess((PetscObject)ksp));
  PetscCall(KSPLogResidualHistory(ksp, dp));
  PetscCall(KSPMonitor(ksp, 0, dp));
  PetscCall((*ksp->converged)(ksp, 0, dp, &ksp->reason, ksp->cnvP));
  if (ksp->reason) PetscFunctionReturn(0);

  for (PetscInt i = 0; i < ksp->max_it; i++) {
    if (PetscRealPart(rz) == 0.0) { // r = 0: x is the solution
      ksp->reason = KSP_CONVERGED_ATOL;
      break;
    }
    PetscCall(KSP_MatMult(ksp, Amat, z, w)); // w = A z
    PetscCall(VecDot(w, z, &zaz));
    if (PetscIsInfOrNanScalar(zaz)) {
      ksp->reason = KSP_DIVERGED_NANORINF;
      break;
    }
    PetscCheck(PetscRealPart(zaz) > 0, PetscObjectComm((PetscObject)ksp), PETSC_ERR_ARG_INCOMP,
               "KSP sd needs a symmetric positive definite operator, but z.Az = %.4e <= 0 at "
               "iteration %" PetscInt_FMT,
               (double)PetscRealPart(zaz), i);
    const PetscScalar alpha = rz / zaz;
    PetscCall(VecAXPY(x, alpha, z));  // x += alpha z
    PetscCall(VecAXPY(r, -alpha, w)); // r -= alpha A z
    PetscCall(KSP_PCApply(ksp, r, z));
    PetscCall(VecDot(z, r, &rz));
    PetscCall(SDCheckPreconditioner(ksp, i + 1, PetscRealPart(rz)));
    if (ksp->reason) break;
    PetscCall(SDNorm(ksp, r, z, PetscRealPart(rz), &dp));
    PetscCall(PetscObjectSAWsTakeAccess((PetscObject)ksp));
    ksp->its   = i + 1;
    ksp->rnorm = dp;
    PetscCall(PetscObjectSAWsGrantAccess((PetscObject)ksp));
    PetscCall(KSPLogResidualHistory(ksp, dp));
    PetscCall(KSPMonitor(ksp, i + 1, dp));
    PetscCall((*ksp->converged)(ksp, i + 1, dp, &ksp->reason, ksp->cnvP));
    if (ksp->reason) break;
  }
  if (!ksp->reason) ksp->reason = KSP_DIVERGED_ITS;
  PetscFunctionReturn(0);
}

static PetscErrorCode KSPView_SD(KSP, PetscViewer viewer)
{
  PetscBool iascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (iascii)
    PetscCall(PetscViewerASCIIPrintf(
        viewer, "  steepest descent, exact line search alpha = r.z / z.Az, z = M r\n"));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPCreate_SD(KSP ksp)
{
  PetscFunctionBegin;
  PetscCall(KSPSetSupportedNorm(ksp, KSP_NORM_UNPRECONDITIONED, PC_LEFT, 3));
  PetscCall(KSPSetSupportedNorm(ksp, KSP_NORM_PRECONDITIONED, PC_LEFT, 2));
  PetscCall(KSPSetSupportedNorm(ksp, KSP_NORM_NATURAL, PC_LEFT, 2));
  PetscCall(KSPSetSupportedNorm(ksp, KSP_NORM_NONE, PC_LEFT, 1));
  ksp->data                = NULL;
  ksp->ops->setup          = KSPSetUp_SD;
  ksp->ops->solve          = KSPSolve_SD;
  ksp->ops->destroy        = KSPDestroyDefault;
  ksp->ops->view           = KSPView_SD;
  ksp->ops->setfromoptions = NULL;
  ksp->ops->buildsolution  = KSPBuildSolutionDefault;
  ksp->ops->buildresidual  = KSPBuildResidualDefault;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode KSPRegisterSD(void)
{
  PetscFunctionBegin;
  PetscCall(KSPRegister(KSPSD, KSPCreate_SD)); // a second registration replaces the first
  PetscFunctionReturn(0);
}
