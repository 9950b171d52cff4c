// Start-up and shut-down shared by every executable of the project.
//
// PoissonInitialize() initializes SLEPc (and so PETSc), registers the project's PC
// types (nystrom, hodlr, npo) so that -pc_type / -sub_pc_type find them, silences the
// HDF5 library's own error stack printing (our checks report file problems), and
// installs an error handler that reports bad user input as one line on stderr.
#pragma once
#include <petscsys.h>

PetscErrorCode PoissonInitialize(int *argc, char ***argv, const char *help);
PetscErrorCode PoissonFinalize(void);

// True for the error codes that mean "the user asked for something invalid": those are
// reported as a single "error: ..." line instead of PETSc's traceback.
PetscBool PoissonIsUserError(PetscErrorCode code);

// Exit code for main() after a failed run: finalizes PETSc and returns 1.
int PoissonExitOnError(PetscErrorCode code);
