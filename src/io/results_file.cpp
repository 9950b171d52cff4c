#include "io/results_file.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/program_name.h"
#include "core/temp_files.h"
#include "io/output_file.h"

// Writes to the file run with PETSc's error printing off (WriteBegin); WriteEnd turns a failed
// write (a full disk, a quota, an I/O error) into one error line after removing the
// temporary. HDF5 does not fail collectively: the other ranks may be waiting inside the same
// HDF5 call, so on several ranks the failing rank reports and aborts the job. Datasets are
// preceded by a collective free-space check (SpaceCheck), which catches a full disk cleanly.
static void WriteBegin(void)
{
  (void)PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  errno = 0;
}

static PetscErrorCode WriteEnd(ResultsFile *rf, PetscErrorCode ierr)
{
  int         err = errno;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCall(PetscPopErrorHandler());
  if (!ierr) PetscFunctionReturn(0);
  const char *tmp = rf->tmp_path;
  if (tmp[0]) {
    (void)remove(tmp);
    TempFileForget(tmp);
  }
  PetscCallMPI(MPI_Comm_size(rf->comm, &size));
  if (size > 1) {
    fprintf(stderr, "%s: error: cannot write results file '%s': %s\n", PoissonProgramName(),
            rf->path, err ? strerror(err) : "the HDF5 library failed to write (is the disk full?)");
    fflush(stderr);
    MPI_Abort(rf->comm, 1);
  }
  (void)ResultsFileAbort(rf);
  SETERRQ(rf->comm, PETSC_ERR_FILE_WRITE, "cannot write results file '%s': %s", rf->path,
          err ? strerror(err) : "the HDF5 library failed to write (is the disk full?)");
}

// Room for `bytes` more in the file's folder (checked on rank 0, verdict on every rank).
static PetscErrorCode SpaceCheck(ResultsFile *rf, double bytes)
{
  PetscMPIInt rank;
  double      avail = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(rf->comm, &rank));
  if (!rank) {
    struct statvfs st;
    avail = statvfs(rf->tmp_path, &st) ? -1.0 : (double)st.f_bavail * (double)st.f_frsize;
  }
  PetscCallMPI(MPI_Bcast(&avail, 1, MPI_DOUBLE, 0, rf->comm));
  const double need = bytes + (1 << 18); // the data, plus HDF5's metadata and a margin
  if (avail >= 0 && avail < need) PetscCall(ResultsFileAbort(rf));
  PetscCheck(avail < 0 || avail >= need, rf->comm, PETSC_ERR_FILE_WRITE,
             "cannot write results file '%s': no space left on the device (%.1f MB free, %.1f MB "
             "needed for the next dataset)",
             rf->path, avail / 1e6, need / 1e6);
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileOpen(MPI_Comm comm, const char *path, ResultsFile *rf)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(rf, sizeof(*rf)));
  rf->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  // Before any work: HDF5's own failure to create the file is less clear.
  PetscCall(OutputPathCheck(comm, path, "results file"));
  PetscCall(PetscStrncpy(rf->path, path, sizeof(rf->path)));
  if (!rank) PetscCall(TempFileName(path, rf->tmp_path, sizeof(rf->tmp_path)));
  PetscCallMPI(MPI_Bcast(rf->tmp_path, sizeof(rf->tmp_path), MPI_CHAR, 0, comm));
  if (!rank) PetscCall(TempFileRegister(rf->tmp_path));
  WriteBegin();
  PetscCall(WriteEnd(rf, PetscViewerHDF5Open(comm, rf->tmp_path, FILE_MODE_WRITE, &rf->viewer)));
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileCommit(ResultsFile *rf)
{
  PetscMPIInt rank;
  int         failed = 0, err = 0;

  PetscFunctionBeginUser;
  WriteBegin();
  PetscCall(WriteEnd(rf, PetscViewerDestroy(&rf->viewer)));
  PetscCallMPI(MPI_Comm_rank(rf->comm, &rank));
  if (!rank && rename(rf->tmp_path, rf->path)) {
    failed = 1;
    err    = errno;
  }
  PetscCallMPI(MPI_Bcast(&failed, 1, MPI_INT, 0, rf->comm));
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, rf->comm));
  if (failed) PetscCall(ResultsFileAbort(rf));
  PetscCheck(!failed, rf->comm, PETSC_ERR_FILE_WRITE, "cannot write results file '%s': %s",
             rf->path, strerror(err));
  if (!rank) TempFileForget(rf->tmp_path);
  rf->tmp_path[0] = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileAbort(ResultsFile *rf)
{
  PetscMPIInt rank = 0;

  PetscFunctionBeginUser;
  // The temporary goes first (unlinking an open file is fine), so a failing close cannot
  // leave it behind.
  if (rf->comm != MPI_COMM_NULL && rf->comm) PetscCallMPI(MPI_Comm_rank(rf->comm, &rank));
  if (!rank && rf->tmp_path[0]) {
    (void)remove(rf->tmp_path);
    TempFileForget(rf->tmp_path);
  }
  rf->tmp_path[0] = 0;
  if (rf->viewer) { // closing a file that failed to write fails again: quietly
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    (void)PetscViewerDestroy(&rf->viewer);
    PetscCall(PetscPopErrorHandler());
    rf->viewer = NULL;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileWriteInt(ResultsFile *rf, const char *group, const char *name,
                                   PetscInt value)
{
  PetscFunctionBeginUser;
  WriteBegin();
  PetscCall(
      WriteEnd(rf, PetscViewerHDF5WriteAttribute(rf->viewer, group, name, PETSC_INT, &value)));
  PetscFunctionReturn(0);
}

PetscErrorCode ResultsFileWriteReal(ResultsFile *rf, const char *group, const char *name,
                                    PetscReal value)
{
  PetscFunctionBeginUser;
  WriteBegin();
  PetscCall(
      WriteEnd(rf, PetscViewerHDF5WriteAttribute(rf->viewer, group, name, PETSC_REAL, &value)));
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
  WriteBegin();
  PetscErrorCode ierr = PetscViewerHDF5WriteAttribute(rf->viewer, group, name, PETSC_STRING, same);
  PetscCall(PetscFree(same));
  PetscCall(WriteEnd(rf, ierr));
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
  PetscInt N;
  PetscCall(VecGetSize(v, &N));
  PetscCall(SpaceCheck(rf, 8.0 * N));
  PetscCall(PetscViewerHDF5PushGroup(rf->viewer, group));
  WriteBegin();
  PetscCall(WriteEnd(rf, VecView(v, rf->viewer)));
  PetscCall(PetscViewerHDF5PopGroup(rf->viewer));
  PetscCall(PetscObjectSetName((PetscObject)v, saved));
  PetscCall(PetscFree(saved));
  PetscFunctionReturn(0);
}
