// PC type "nystrom" (see nystrom.cpp for the method and its options).
#pragma once
#include <petscpc.h>

PETSC_EXTERN PetscErrorCode PCCreate_Nystrom(PC pc);
