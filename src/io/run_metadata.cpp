#include "io/run_metadata.h"

#include <unistd.h>

#include <fstream>

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

std::string MachineDescription(void)
{
  std::ifstream cpu("/proc/cpuinfo"), mem("/proc/meminfo");
  std::string   line, model = "unknown", memory = "unknown";
  while (std::getline(cpu, line))
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  while (std::getline(mem, line))
    if (line.rfind("MemTotal", 0) == 0) {
      memory = line.substr(line.find(':') + 1);
      memory = memory.substr(memory.find_first_not_of(' '));
      break;
    }
  return model + ", " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores, " + memory;
}
