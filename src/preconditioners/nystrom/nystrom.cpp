// PC type "nystrom": placeholder, being implemented.
#include <petsc/private/pcimpl.h>

#include "preconditioners/nystrom/nystrom.h"

static PetscErrorCode PCSetUp_Nystrom(PC pc)
{
  PetscFunctionBegin;
  SETERRQ(PetscObjectComm((PetscObject)pc), PETSC_ERR_SUP, "PC nystrom is not implemented yet");
}

PETSC_EXTERN PetscErrorCode PCCreate_Nystrom(PC pc)
{
  PetscFunctionBegin;
  pc->ops->setup = PCSetUp_Nystrom;
  PetscFunctionReturn(0);
}
