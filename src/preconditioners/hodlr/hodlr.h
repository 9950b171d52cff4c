// PC type "hodlr" (see hodlr.cpp for the method and its options).
#pragma once
#include <petscpc.h>

PETSC_EXTERN PetscErrorCode PCCreate_Hodlr(PC pc);
