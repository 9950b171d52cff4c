// The root attributes every results file carries (docs/results-file.md).
#pragma once
#include <string>
#include <vector>

#include "io/results_file.h"

// The CPU model ("model name" of /proc/cpuinfo), "unknown" when there is none.
std::string CpuModelName(void);

// "CPU model, cores, memory[, BLAS]" of this machine (from /proc), for benchmark records.
std::string MachineDescription(void);
// The BLAS in use if it says ("OpenBLAS 0.3.21, Haswell kernels"), else "".
std::string BlasDescription(void);

// "PETSc ...; SLEPc ...; libtorch ..." : PETSc, SLEPc and the external libraries of the PC
// registry's rows.
PetscErrorCode PoissonLibraryVersions(char *buf, size_t len);

// program, ranks, problems, methods (run order), versions (PoissonLibraryVersions) and
// options (the whole options database).
PetscErrorCode ResultsFileWriteRunMetadata(ResultsFile *rf, const char *program,
                                           const std::vector<std::string> &problems,
                                           const std::vector<std::string> &methods);
