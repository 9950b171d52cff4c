// The solve protocol of the study (docs/protocol.md), in one place: CG from a zero initial
// guess, stopping when the unpreconditioned relative residual ||r_k||/||b|| <= 1e-10 (atol 0),
// at most 2000 iterations. Method files (petsc_options/) hold only what differs from it.
#pragma once
#include <petscksp.h>

#define POISSON_PROTOCOL_RTOL 1e-10
#define POISSON_PROTOCOL_MAX_IT 2000

// Sets the protocol on ksp as defaults: call before KSPSetFromOptions, so that the method
// file and the command line override any part of it.
PetscErrorCode KSPSetSolveProtocol(KSP ksp);
