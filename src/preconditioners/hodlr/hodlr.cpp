// PC type "hodlr": placeholder, being implemented.
#include <petsc/private/pcimpl.h>

#include "preconditioners/hodlr/hodlr.h"

static PetscErrorCode PCSetUp_Hodlr(PC pc)
{
  PetscFunctionBegin;
  SETERRQ(PetscObjectComm((PetscObject)pc), PETSC_ERR_SUP, "PC hodlr is not implemented yet");
}

PETSC_EXTERN PetscErrorCode PCCreate_Hodlr(PC pc)
{
  PetscFunctionBegin;
  pc->ops->setup = PCSetUp_Hodlr;
  PetscFunctionReturn(0);
}
