#include "runtime/run_metadata.h"

#include <slepcsys.h>

#include <dlfcn.h>
#include <unistd.h>

#include <fstream>

#include "core/name_list.h"
#include "preconditioners/registry.h"

// "OpenBLAS 0.3.21, Haswell kernels" when the BLAS in the process is OpenBLAS (looked up by
// name: PETSc links the generic libblas, which Debian's alternatives may point at OpenBLAS),
// else "". OpenBLAS picks its kernels from the CPU at load time (OPENBLAS_CORETYPE overrides);
// they round differently, which moves iteration counts of ill-conditioned solves (docs/build.md).
std::string BlasDescription(void)
{
  typedef char *(*StringFunction)(void);
  StringFunction config = (StringFunction)dlsym(RTLD_DEFAULT, "openblas_get_config");
  StringFunction core   = (StringFunction)dlsym(RTLD_DEFAULT, "openblas_get_corename");
  if (!config || !core) return "";
  std::string version = config();
  version             = version.substr(0, version.find(' ', sizeof("OpenBLAS")));
  return version + ", " + core() + " kernels";
}

PetscErrorCode PoissonLibraryVersions(char *buf, size_t len)
{
  char                   petsc[256], slepc[256];
  std::string            all;
  size_t                 nrows;
  const PCRegistryEntry *rows = PCRegistryRows(&nrows);

  PetscFunctionBeginUser;
  PetscCall(PetscGetVersion(petsc, sizeof(petsc)));
  PetscCall(SlepcGetVersion(slepc, sizeof(slepc)));
  all = std::string(petsc) + "; " + slepc;
  if (!BlasDescription().empty()) all += "; " + BlasDescription();
  for (size_t k = 0; k < nrows; k++)
    if (rows[k].library && all.find(rows[k].library) == std::string::npos)
      all += std::string("; ") + rows[k].library;
  PetscCall(PetscStrncpy(buf, all.c_str(), len));
  PetscFunctionReturn(0);
}

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

std::string CpuModelName(void)
{
  std::ifstream cpu("/proc/cpuinfo");
  std::string   line;
  while (std::getline(cpu, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string MachineDescription(void)
{
  std::ifstream     mem("/proc/meminfo");
  std::string       line, memory = "unknown";
  const std::string model = CpuModelName();
  while (std::getline(mem, line))
    if (line.rfind("MemTotal", 0) == 0) {
      memory = line.substr(line.find(':') + 1);
      memory = memory.substr(memory.find_first_not_of(' '));
      break;
    }
  const std::string blas = BlasDescription();
  return model + ", " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores, " + memory +
         (blas.empty() ? "" : ", " + blas);
}
