// PC type "npo": placeholder, being implemented.
#include <petsc/private/pcimpl.h>

#include "preconditioners/npo/npo.h"

static PetscErrorCode PCSetUp_Npo(PC pc)
{
  PetscFunctionBegin;
  SETERRQ(PetscObjectComm((PetscObject)pc), PETSC_ERR_SUP, "PC npo is not implemented yet");
}

PETSC_EXTERN PetscErrorCode PCCreate_Npo(PC pc)
{
  PetscFunctionBegin;
  pc->ops->setup = PCSetUp_Npo;
  PetscFunctionReturn(0);
}
