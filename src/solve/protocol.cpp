#include "solve/protocol.h"

PetscErrorCode KSPSetSolveProtocol(KSP ksp)
{
  PetscFunctionBeginUser;
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(
      KSPSetTolerances(ksp, POISSON_PROTOCOL_RTOL, 0.0, PETSC_DEFAULT, POISSON_PROTOCOL_MAX_IT));
  PetscCall(KSPSetInitialGuessNonzero(ksp, PETSC_FALSE));
  PetscFunctionReturn(0);
}
