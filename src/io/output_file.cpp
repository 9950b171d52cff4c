#include "io/output_file.h"

#include "core/temp_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

// 0 if `path` may be written, else a message in msg.
static int CheckPath(const char *path, const char *what, char *msg, size_t len)
{
  struct stat st;
  size_t      n = strlen(path);

  if (!n) return snprintf(msg, len, "%s names no file", what), 1;
  if (n > POISSON_MAX_OUTPUT_PATH)
    return snprintf(msg, len, "%s: the path has %zu characters, at most %d are supported", what, n,
                    POISSON_MAX_OUTPUT_PATH),
           1;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return snprintf(msg, len, "%s '%s' exists and is not a regular file (a device, folder or FIFO)",
                    what, path),
           1;
  TempFilesRemoveStale(path); // litter of earlier runs that were killed
  std::string dir(path);
  size_t      slash = dir.rfind('/');
  dir               = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || access(dir.c_str(), W_OK | X_OK))
    return snprintf(msg, len, "cannot write %s '%s': folder '%s' is missing or not writable", what,
                    path, dir.c_str()),
           1;
  return 0;
}

PetscErrorCode OutputPathCheck(MPI_Comm comm, const char *path, const char *what)
{
  PetscMPIInt rank;
  char        msg[PETSC_MAX_PATH_LEN + 256] = "";
  int         bad                           = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) bad = CheckPath(path, what, msg, sizeof(msg));
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, sizeof(msg), MPI_CHAR, 0, comm));
  PetscCheck(!bad, comm, PETSC_ERR_FILE_OPEN, "%s", msg);
  PetscFunctionReturn(0);
}

// Rank 0's part of TextFileWriteAtomic: 0 or a message.
static int WriteAtomic(const char *path, const std::string &text, char *msg, size_t len)
{
  char tmp[PETSC_MAX_PATH_LEN + 128];
  if (TempFileName(path, tmp, sizeof(tmp)) || TempFileRegister(tmp))
    return snprintf(msg, len, "cannot name a temporary for '%s'", path), 1;
  FILE *f = fopen(tmp, "w");
  if (!f) {
    TempFileForget(tmp);
    return snprintf(msg, len, "cannot create '%s': %s", tmp, strerror(errno)), 1;
  }
  bool ok = fwrite(text.data(), 1, text.size(), f) == text.size();
  ok      = fflush(f) == 0 && ok;
  ok      = fsync(fileno(f)) == 0 && ok;
  int err = errno;
  ok      = fclose(f) == 0 && ok;
  if (!ok || rename(tmp, path)) {
    err = err ? err : errno;
    remove(tmp);
    TempFileForget(tmp);
    return snprintf(msg, len, "cannot write '%s': %s", path, strerror(err)), 1;
  }
  TempFileForget(tmp);
  return 0;
}

PetscErrorCode TextFileWriteAtomic(MPI_Comm comm, const char *path, const std::string &text)
{
  PetscMPIInt rank;
  char        msg[PETSC_MAX_PATH_LEN + 256] = "";
  int         bad                           = 0;

  PetscFunctionBegin;
  PetscCall(OutputPathCheck(comm, path, "output"));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) bad = WriteAtomic(path, text, msg, sizeof(msg));
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, sizeof(msg), MPI_CHAR, 0, comm));
  PetscCheck(!bad, comm, PETSC_ERR_FILE_WRITE, "%s", msg);
  PetscFunctionReturn(0);
}
