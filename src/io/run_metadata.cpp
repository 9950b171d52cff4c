#include "io/run_metadata.h"

#include "core/name_list.h"
#include "preconditioners/register.h"

PetscErrorCode ResultsFileWriteRunMetadata(ResultsFile *rf, const char *program,
                                           const std::vector<std::string> &problems,
                                           const std::vector<std::string> &methods)
{
  PetscMPIInt size;
  char        versions[512], *all;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(rf->comm, &size));
  PetscCall(PoissonLibraryVersions(versions, sizeof(versions)));
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(ResultsFileWriteString(rf, "/", "program", program));
  PetscCall(ResultsFileWriteInt(rf, "/", "ranks", size));
  PetscCall(ResultsFileWriteString(rf, "/", "problems", JoinNameList(problems).c_str()));
  PetscCall(ResultsFileWriteString(rf, "/", "methods", JoinNameList(methods).c_str()));
  PetscCall(ResultsFileWriteString(rf, "/", "versions", versions));
  PetscCall(ResultsFileWriteString(rf, "/", "options", all));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}
