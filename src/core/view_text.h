// The text a PETSc object prints with -<object>_view (KSPView, PCView, ...), captured in
// memory: an ASCII viewer on the object's communicator writing into a memory stream. PETSc
// prints ASCII views from rank 0, so rank 0's text is broadcast and every rank gets the same.
#pragma once
#include <petscsys.h>

// *text is allocated with PetscMalloc; free it with PetscFree. Collective.
PetscErrorCode PetscObjectViewText(PetscObject obj, char **text);
