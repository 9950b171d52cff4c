// The root attributes every results file carries (README: Results file).
#pragma once
#include <string>
#include <vector>

#include "io/results_file.h"

// "CPU model, cores, memory" of this machine (from /proc), for benchmark records.
std::string MachineDescription(void);

// program, ranks, problems, methods (run order), versions (PETSc, SLEPc, libtorch) and
// options (the whole options database).
PetscErrorCode ResultsFileWriteRunMetadata(ResultsFile *rf, const char *program,
                                           const std::vector<std::string> &problems,
                                           const std::vector<std::string> &methods);
