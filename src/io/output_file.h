// Output files written safely: a path is checked before any work (its folder exists and is
// writable, the target is absent or a regular file -- never a device, a folder or a FIFO --
// and the name fits MPI-IO's limits), and a file appears under its final name only when it
// was written completely: "<path>.tmp.<pid>", every write and the close checked, then
// rename(2). A full disk or any failed write is an error and removes the temporary.
#pragma once
#include <petscsys.h>

#include <string>

// Longest output path accepted (MPI-IO implementations keep file names in fixed buffers).
#define POISSON_MAX_OUTPUT_PATH 240

// Collective on comm (the check runs on rank 0, its verdict is everyone's). `what` names the
// option in the error, e.g. "-o".
PetscErrorCode OutputPathCheck(MPI_Comm comm, const char *path, const char *what);

// Writes `text` to `path` atomically from rank 0 of comm (collective).
PetscErrorCode TextFileWriteAtomic(MPI_Comm comm, const char *path, const std::string &text);
