#include "io/results_file.h"

#include <unistd.h>

#include <cstdio>

PetscErrorCode ResultsFileOpen(MPI_Comm comm, const char *path, ResultsFile *rf)
{
  PetscMPIInt rank;
  int         pid = (int)getpid();
  char        dir[PETSC_MAX_PATH_LEN];
  PetscBool   writable;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(rf, sizeof(*rf)));
  rf->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Bcast(&pid, 1, MPI_INT, 0, comm));
  PetscCall(PetscStrncpy(rf->path, path, sizeof(rf->path)));
  PetscCall(PetscSNPrintf(rf->tmp_path, sizeof(rf->tmp_path), "%s.tmp.%d", path, pid));
  // Check the folder first: HDF5's own failure to create the file is less clear.
  PetscCall(PetscStrncpy(dir, path, sizeof(dir)));
  char *slash = strrchr(dir, '/');
  if (slash == dir)
    dir[1] = 0;
  else if (slash)
    *slash = 0;
  else
    PetscCall(PetscStrncpy(dir, ".", sizeof(dir)));
  PetscCall(PetscTestDirectory(dir, 'w', &writable));
  PetscCheck(writable, comm, PETSC_ERR_FILE_OPEN,
             "cannot write results file '%s': folder '%s' is missing or not writable", path, dir);
  PetscCall(PetscViewerHDF5Open(comm, rf->tmp_path, FILE_MODE_WRITE, &rf->viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileCommit(ResultsFile *rf)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerDestroy(&rf->viewer));
  PetscCallMPI(MPI_Comm_rank(rf->comm, &rank));
  if (!rank) {
    PetscCheck(!rename(rf->tmp_path, rf->path), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
               "cannot rename '%s' to '%s'", rf->tmp_path, rf->path);
  }
  PetscCallMPI(MPI_Barrier(rf->comm));
  rf->tmp_path[0] = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileAbort(ResultsFile *rf)
{
  PetscMPIInt rank = 0;

  PetscFunctionBeginUser;
  if (rf->viewer) PetscCall(PetscViewerDestroy(&rf->viewer));
  if (rf->comm != MPI_COMM_NULL && rf->comm) PetscCallMPI(MPI_Comm_rank(rf->comm, &rank));
  if (!rank && rf->tmp_path[0]) (void)remove(rf->tmp_path);
  rf->tmp_path[0] = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileWriteInt(ResultsFile *rf, const char *group, const char *name,
                                   PetscInt value)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerHDF5WriteAttribute(rf->viewer, group, name, PETSC_INT, &value));
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileWriteReal(ResultsFile *rf, const char *group, const char *name,
                                    PetscReal value)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerHDF5WriteAttribute(rf->viewer, group, name, PETSC_REAL, &value));
  PetscFunctionReturn(0);
}

// HDF5 attributes are written collectively and must be identical on every rank (a string of
// another length on one rank leaves the ranks in different collective calls: a hang), so the
// value written is rank 0's.
PetscErrorCode ResultsFileWriteString(ResultsFile *rf, const char *group, const char *name,
                                      const char *value)
{
  PetscMPIInt rank;
  int         len;
  char       *same;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(rf->comm, &rank));
  len = rank ? 0 : (int)strlen(value);
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, rf->comm));
  PetscCall(PetscMalloc1(len + 1, &same));
  if (!rank) PetscCall(PetscMemcpy(same, value, len));
  same[len] = 0;
  PetscCallMPI(MPI_Bcast(same, len, MPI_CHAR, 0, rf->comm));
  PetscCall(PetscViewerHDF5WriteAttribute(rf->viewer, group, name, PETSC_STRING, same));
  PetscCall(PetscFree(same));
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileWriteArray(ResultsFile *rf, const char *group, const char *name,
                                     PetscInt len, const PetscReal *values)
{
  Vec          v;
  PetscScalar *a;

  PetscFunctionBeginUser;
  PetscCall(VecCreateMPI(rf->comm, len, PETSC_DETERMINE, &v));
  PetscCall(VecGetArray(v, &a));
  for (PetscInt k = 0; k < len; k++) a[k] = values[k];
  PetscCall(VecRestoreArray(v, &a));
  PetscCall(ResultsFileWriteVec(rf, group, name, v));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileWriteVec(ResultsFile *rf, const char *group, const char *name, Vec v)
{
  const char *old;
  char       *saved = NULL;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetName((PetscObject)v, &old));
  PetscCall(PetscStrallocpy(old, &saved));
  PetscCall(PetscObjectSetName((PetscObject)v, name));
  PetscCall(PetscViewerHDF5PushGroup(rf->viewer, group));
  PetscCall(VecView(v, rf->viewer));
  PetscCall(PetscViewerHDF5PopGroup(rf->viewer));
  PetscCall(PetscObjectSetName((PetscObject)v, saved));
  PetscCall(PetscFree(saved));
  PetscFunctionReturn(0);
}
