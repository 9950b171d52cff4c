#include "core/temp_files.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#define MAX_TEMPS 8

// Written only outside the handler; the handler reads them (sig_atomic_t flags guard slots).
static char                  temp_paths[MAX_TEMPS][PETSC_MAX_PATH_LEN + 32];
static volatile sig_atomic_t temp_used[MAX_TEMPS];

static void HostName(char *host, size_t len)
{
  if (gethostname(host, len)) strncpy(host, "host", len);
  host[len - 1] = 0;
  for (char *c = host; *c; c++)
    if (*c == '.' || *c == '/') *c = '_'; // the name's fields are separated by '.'
}

PetscErrorCode TempFileName(const char *path, char *tmp, size_t len)
{
  char host[64];

  PetscFunctionBegin;
  HostName(host, sizeof(host));
  PetscCall(PetscSNPrintf(tmp, len, "%s.tmp.%s.%d", path, host, (int)getpid()));
  PetscFunctionReturn(0);
}

PetscErrorCode TempFileRegister(const char *tmp)
{
  PetscFunctionBegin;
  for (int k = 0; k < MAX_TEMPS; k++)
    if (!temp_used[k]) {
      PetscCall(PetscStrncpy(temp_paths[k], tmp, sizeof(temp_paths[k])));
      temp_used[k] = 1;
      PetscFunctionReturn(0);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_PLIB, "more than %d temporary files at once", MAX_TEMPS);
}

void TempFileForget(const char *tmp)
{
  for (int k = 0; k < MAX_TEMPS; k++)
    if (temp_used[k] && !strcmp(temp_paths[k], tmp)) temp_used[k] = 0;
}

// Async-signal-safe: unlink(2), then the default action of the signal.
static void RemoveTempsAndDie(int sig)
{
  for (int k = 0; k < MAX_TEMPS; k++)
    if (temp_used[k]) unlink(temp_paths[k]);
  signal(sig, SIG_DFL);
  raise(sig);
}

PetscErrorCode TempFilesInstallSignalCleanup(void)
{
  static PetscBool done = PETSC_FALSE;

  PetscFunctionBegin;
  if (done) PetscFunctionReturn(0);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = RemoveTempsAndDie;
    sigemptyset(&sa.sa_mask);
    PetscCheck(!sigaction(sig, &sa, NULL), PETSC_COMM_SELF, PETSC_ERR_SYS,
               "cannot install the signal handler");
  }
  done = PETSC_TRUE;
  PetscFunctionReturn(0);
}

int TempFilesRemoveStale(const char *path)
{
  std::string dir(path), base;
  size_t      slash = dir.rfind('/');
  if (slash == std::string::npos) {
    base = dir;
    dir  = ".";
  } else {
    base = dir.substr(slash + 1);
    dir  = slash == 0 ? "/" : dir.substr(0, slash);
  }
  char host[64];
  HostName(host, sizeof(host));
  const std::string prefix  = base + ".tmp." + host + ".";
  int               removed = 0;
  DIR              *d       = opendir(dir.c_str());
  if (!d) return 0;
  for (struct dirent *e = readdir(d); e; e = readdir(d)) {
    if (strncmp(e->d_name, prefix.c_str(), prefix.size())) continue;
    const char *digits = e->d_name + prefix.size();
    char       *end;
    long        pid = strtol(digits, &end, 10);
    if (end == digits || *end || pid <= 0) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; // alive, or not ours to judge
    if (unlink((dir + "/" + e->d_name).c_str()) == 0) removed++;
  }
  closedir(d);
  return removed;
}
