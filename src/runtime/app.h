// Start-up, shut-down and the main() of every program of the project (the runtime layer:
// it sits on top of every library, so nothing below it initialises anything).
//
// PoissonInitialize() initializes SLEPc (and so PETSc), registers the project's PC types from
// the PC registry so that -pc_type / -sub_pc_type find them, silences the HDF5 library's own
// error stack printing (our checks report file problems), and installs an error handler that
// reports bad user input as one line on stderr.
#pragma once
#include <petscsys.h>

#include "io/results_file.h"

PetscErrorCode PoissonInitialize(int *argc, char ***argv, const char *help);
PetscErrorCode PoissonFinalize(void);

// True for the error codes that mean "the user asked for something invalid": those are
// reported as a single "error: ..." line instead of PETSc's traceback.
PetscBool PoissonIsUserError(PetscErrorCode code);

// The body of a program. `out` is the program's results file, zeroed: a program that writes
// one opens it with ResultsFileOpen(); others ignore it.
typedef PetscErrorCode (*PoissonRunFunction)(MPI_Comm comm, ResultsFile *out);

// main() of every program: PoissonInitialize, run(PETSC_COMM_WORLD, out), PoissonFinalize.
// On an error the results file's temporary is discarded and the exit status is 1.
int PoissonMain(int argc, char **argv, const char *help, PoissonRunFunction run);
