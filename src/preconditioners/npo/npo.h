// PC type "npo" (see npo.cpp for the method and its options).
#pragma once
#include <petscpc.h>

PETSC_EXTERN PetscErrorCode PCCreate_Npo(PC pc);
