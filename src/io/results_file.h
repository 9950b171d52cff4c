// One HDF5 results file per run, written through PetscViewerHDF5 (docs/results-file.md).
//
// The file is written as "<path>.tmp.<host>.<pid>" (core/temp_files.h: removed on SIGINT /
// SIGTERM, and by a later run if the process died) and renamed to <path> only by
// ResultsFileCommit(); ResultsFileAbort() (or an error path) removes the temporary, so a
// failed run never leaves a half-written result. The output path is checked and opened at
// once (io/output_file.h), so an unwritable path is reported before any work is done.
#pragma once
#include <petscvec.h>
#include <petscviewerhdf5.h>

typedef struct {
  MPI_Comm    comm;
  PetscViewer viewer;
  char        path[PETSC_MAX_PATH_LEN];
  char        tmp_path[PETSC_MAX_PATH_LEN + 128];
} ResultsFile;

PetscErrorCode ResultsFileOpen(MPI_Comm comm, const char *path, ResultsFile *rf);
PetscErrorCode ResultsFileCommit(ResultsFile *rf);
// Safe to call on an unopened (zeroed) or already committed file.
PetscErrorCode ResultsFileAbort(ResultsFile *rf);
// Attributes of the group `group` (created if absent).
PetscErrorCode ResultsFileWriteInt(ResultsFile *rf, const char *group, const char *name,
                                   PetscInt value);
PetscErrorCode ResultsFileWriteReal(ResultsFile *rf, const char *group, const char *name,
                                    PetscReal value);
PetscErrorCode ResultsFileWriteString(ResultsFile *rf, const char *group, const char *name,
                                      const char *value);

// Dataset `name` in `group` from an array held on rank 0 (other ranks pass len = 0).
PetscErrorCode ResultsFileWriteArray(ResultsFile *rf, const char *group, const char *name,
                                     PetscInt len, const PetscReal *values);
// Dataset `name` in `group` from a distributed vector (a DMDA vector is stored as an
// (n, n) array in natural order, i.e. the fixtures' F[i, j]).
PetscErrorCode ResultsFileWriteVec(ResultsFile *rf, const char *group, const char *name, Vec v);
