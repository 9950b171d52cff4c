// Temporary files of the atomic writers ("<path>.tmp.<host>.<pid>", renamed to <path> when
// complete),
// and their cleanup when a run does not complete:
//   - a writer registers its temporary while it exists; on SIGINT, SIGTERM or SIGHUP the
//     registered temporaries are removed before the process dies of the signal;
//   - TempFilesRemoveStale(path) removes "<path>.tmp.<host>.<pid>" of this host left by
//     processes that no longer exist (a SIGKILL, a crash), so litter does not accumulate.
#pragma once
#include <petscsys.h>

// Name of the temporary of `path` for this process: "<path>.tmp.<host>.<pid>".
PetscErrorCode TempFileName(const char *path, char *tmp, size_t len);

// Registers / forgets a temporary (at most 8 at a time per process).
PetscErrorCode TempFileRegister(const char *tmp);
void           TempFileForget(const char *tmp);

// Installs the SIGINT/SIGTERM/SIGHUP handler (idempotent).
PetscErrorCode TempFilesInstallSignalCleanup(void);

// Removes "<path>.tmp.<this host>.<pid>" whose process <pid> is gone. Returns how many.
int TempFilesRemoveStale(const char *path);
