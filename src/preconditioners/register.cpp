#include "preconditioners/register.h"

#include <slepcsys.h>

#include "preconditioners/hodlr/hodlr.h"
#include "preconditioners/npo/npo.h"
#include "preconditioners/nystrom/nystrom.h"

// One row per project PC type. Each PC lives in its own directory under preconditioners/.
typedef struct {
  const char *name;
  PetscErrorCode (*create)(PC);
} PCTypeEntry;

static const PCTypeEntry pc_types[] = {
    {"nystrom", PCCreate_Nystrom}, // randomized Nystrom (Frangella, Tropp & Udell)
    {"hodlr", PCCreate_Hodlr},     // hierarchical off-diagonal low-rank approximate inverse
    {"npo", PCCreate_Npo},         // neural preconditioning operator (libtorch)
};

PetscErrorCode PoissonRegisterPreconditioners(void)
{
  static PetscBool done = PETSC_FALSE;

  PetscFunctionBeginUser;
  if (done) PetscFunctionReturn(0);
  for (const PCTypeEntry &e : pc_types)
    if (e.name) PetscCall(PCRegister(e.name, e.create));
  done = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonLibraryVersions(char *buf, size_t len)
{
  char petsc[256], slepc[256];

  PetscFunctionBeginUser;
  PetscCall(PetscGetVersion(petsc, sizeof(petsc)));
  PetscCall(SlepcGetVersion(slepc, sizeof(slepc)));
  PetscCall(PetscSNPrintf(buf, len, "%s; %s; libtorch %s", petsc, slepc, NpoLibtorchVersion()));
  PetscFunctionReturn(0);
}
