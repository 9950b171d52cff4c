// KSP type "sd": steepest descent with exact line search, preconditioned
// (docs/decoupling-ladder.md).
//
//   r_0 = b - A x_0;  each step: z = M r, alpha = (r.z) / (z.A z), x += alpha z, r -= alpha A z.
//
// M is the KSP's (left) preconditioner, which must be symmetric positive definite: a step
// with r.z < 0 (or z.Az <= 0) stops the solve with an error (PETSC_ERR_ARG_INCOMP) naming the
// iteration. Norms: unpreconditioned ||r|| (the project's protocol), preconditioned ||z||,
// natural sqrt(r.z), or none. The residual is the recursively updated one, as in CG.
#pragma once
#include <petscksp.h>

#define KSPSD "sd"

PETSC_EXTERN PetscErrorCode KSPCreate_SD(KSP ksp);
// KSPRegister(KSPSD, KSPCreate_SD); idempotent.
PETSC_EXTERN PetscErrorCode KSPRegisterSD(void);
