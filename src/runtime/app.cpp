#include "runtime/app.h"

#include <hdf5.h>
#include <slepcsys.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <new>
#include <stdexcept>

#include "core/program_name.h"
#include "core/temp_files.h"

#include "krylov/sd/sd.h"
#include "preconditioners/registry.h"

PetscBool PoissonIsUserError(PetscErrorCode code)
{
  switch (code) {
  case PETSC_ERR_USER_INPUT:
  case PETSC_ERR_ARG_OUTOFRANGE:
  case PETSC_ERR_ARG_WRONG:
  case PETSC_ERR_ARG_SIZ:
  case PETSC_ERR_ARG_INCOMP:
  case PETSC_ERR_ARG_UNKNOWN_TYPE:
  case PETSC_ERR_ARG_NOTSAMETYPE:
  case PETSC_ERR_FILE_OPEN:
  case PETSC_ERR_FILE_READ:
  case PETSC_ERR_FILE_WRITE:
  case PETSC_ERR_FILE_UNEXPECTED:
  case PETSC_ERR_NOT_CONVERGED:
    return PETSC_TRUE;
  default:
    return PETSC_FALSE;
  }
}

// User-input errors: print "<program>: error: <message>" once, from rank 0 of the
// communicator the error was raised on (collective checks raise it on every rank). An error
// on a smaller communicator (a block-Jacobi or ASM sub-PC) is raised in every block: world
// rank 0 prints it, the others keep it until the exit path knows whether rank 0 failed too
// (ReportFailedRanks).
// Anything else is a bug or a library failure and keeps PETSc's full traceback.
static char      deferred_message[1024];
static PetscBool printed_message = PETSC_FALSE;   // this rank printed an error line
static MPI_Comm  exit_comm       = MPI_COMM_NULL; // a private duplicate of PETSC_COMM_WORLD

static PetscErrorCode PoissonErrorHandler(MPI_Comm comm, int line, const char *fun,
                                          const char *file, PetscErrorCode n, PetscErrorType p,
                                          const char *mess, void *ctx)
{
  if (!PoissonIsUserError(n))
    return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  if (p == PETSC_ERROR_INITIAL) {
    PetscMPIInt rank = 0, size = 1, world_rank = 0, world_size = 1;
    if (comm != MPI_COMM_NULL) {
      MPI_Comm_rank(comm, &rank);
      MPI_Comm_size(comm, &size);
    }
    MPI_Comm_rank(PETSC_COMM_WORLD, &world_rank);
    MPI_Comm_size(PETSC_COMM_WORLD, &world_size);
    if (size < world_size && world_rank > 0) {
      if (!deferred_message[0])
        snprintf(deferred_message, sizeof(deferred_message), "%s", mess ? mess : "(no message)");
    } else if (size < world_size || !rank) {
      fprintf(stderr, "%s: error: %s\n", PoissonProgramName(), mess ? mess : "(no message)");
      fflush(stderr);
      printed_message = PETSC_TRUE;
    }
  }
  return n;
}

// After a failed run at more than one rank: did every rank fail? The failed ranks meet in a
// reduction on a private communicator (so it matches no collective of the program); if the
// others do not join within a grace period they are running on or stuck in a collective
// call, and the caller must abort. Prints a kept sub-communicator message when no rank has
// printed one (the lowest failed rank holding one prints it).
static PetscBool ReportFailedRanks(void)
{
  PetscMPIInt rank = 0, size = 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  if (size == 1 || exit_comm == MPI_COMM_NULL) return PETSC_TRUE;
  // in[0]: 0 if this rank printed; in[1]: this rank if it keeps a message, else size.
  int         in[2] = {printed_message ? 0 : 1, deferred_message[0] ? rank : size}, out[2];
  MPI_Request req;
  int         done = 0;
  MPI_Iallreduce(in, out, 2, MPI_INT, MPI_MIN, exit_comm, &req);
  for (int k = 0; k < 2000 && !done; k++) { // 2000 x 5 ms = 10 s
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (!done) usleep(5000);
  }
  if (!done) {
    if (deferred_message[0])
      fprintf(stderr, "%s: error: %s\n", PoissonProgramName(), deferred_message);
    fflush(stderr);
    return PETSC_FALSE;
  }
  if (out[0] == 1 && out[1] == rank) {
    fprintf(stderr, "%s: error: %s\n", PoissonProgramName(), deferred_message);
    fflush(stderr);
  }
  return PETSC_TRUE;
}

// Rank in MPI_COMM_WORLD before MPI is initialised, from the launcher's environment.
static int LauncherRank(void)
{
  for (const char *v : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    const char *r = getenv(v);
    if (r && r[0]) return atoi(r);
  }
  return 0;
}

// -options_file F must name a readable text file. PETSc reads it inside its initialisation,
// before our error handler exists, and reports a missing or binary file with a traceback;
// every rank checks the same file here and rank 0 says why in one line.
static int CheckOptionsFiles(int argc, char **argv)
{
  for (int k = 1; k + 1 < argc; k++) {
    if (strcmp(argv[k], "-options_file")) continue;
    const char *file = argv[k + 1];
    const char *why  = NULL;
    struct stat st;
    FILE       *f = NULL;
    if (stat(file, &st) || !S_ISREG(st.st_mode) || !(f = fopen(file, "r")))
      why = "is missing or not a readable file";
    else {
      char   buf[4096];
      size_t n = fread(buf, 1, sizeof(buf), f);
      if (memchr(buf, 0, n)) why = "is not a text file of options";
    }
    if (f) fclose(f);
    if (why) {
      if (!LauncherRank())
        fprintf(stderr, "%s: error: -options_file '%s' %s\n", PoissonProgramName(), file, why);
      return 1;
    }
  }
  return 0;
}

PetscErrorCode PoissonInitialize(int *argc, char ***argv, const char *help)
{
  if (argc && *argc > 0 && argv && *argv) PoissonSetProgramName((*argv)[0]);
  if (CheckOptionsFiles(*argc, *argv)) return PETSC_ERR_FILE_OPEN;
  PetscCall(SlepcInitialize(argc, argv, NULL, help));
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  PetscCall(PetscPushErrorHandler(PoissonErrorHandler, NULL));
  PetscCallMPI(MPI_Comm_dup(PETSC_COMM_WORLD, &exit_comm));
  PetscCall(PCRegistryRegisterAll());
  PetscCall(KSPRegisterSD());
  return 0;
}

PetscErrorCode PoissonFinalize(void)
{
  PetscCall(PetscPopErrorHandler());
  if (exit_comm != MPI_COMM_NULL) PetscCallMPI(MPI_Comm_free(&exit_comm));
  PetscCall(SlepcFinalize());
  return 0;
}

// Exit code of a failed run: finalizes PETSc and returns 1. `all_failed`: every rank reached
// this point with an error (see ReportFailedRanks).
static int PoissonExitOnError(PetscErrorCode code, PetscBool all_failed)
{
  PetscMPIInt size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  // A library failure on several ranks may have left the others inside a collective call
  // (PETSc's traceback handler aborts the non-zero ranks), so a clean shut-down could hang;
  // so could a user error that not every rank raised.
  if (size > 1 && (!PoissonIsUserError(code) || !all_failed)) MPI_Abort(PETSC_COMM_WORLD, 1);
  PetscPopErrorHandler();
  if (exit_comm != MPI_COMM_NULL) MPI_Comm_free(&exit_comm);
  SlepcFinalize();
  return 1;
}

// After a user-input error raised on every rank the temporary is closed and removed
// collectively; after any other error it is only removed, since the other ranks may be gone
// or stuck in a collective call.
static void DiscardResultsFile(ResultsFile *rf, PetscErrorCode error, PetscBool all_failed)
{
  PetscMPIInt rank = 0, size = 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  if (size == 1 || (PoissonIsUserError(error) && all_failed)) {
    (void)ResultsFileAbort(rf);
    return;
  }
  if (rf->tmp_path[0]) (void)remove(rf->tmp_path);
}

// A C++ exception that escaped a program (a library threw where no PetscCallCXX caught it):
// one line from the rank that caught it; other ranks may be elsewhere, so it is not a
// collective user error (the exit path aborts the other ranks).
static PetscErrorCode ReportException(const char *what)
{
  fprintf(stderr, "%s: error: %s\n", PoissonProgramName(), what);
  fflush(stderr);
  printed_message = PETSC_TRUE;
  return PETSC_ERR_LIB;
}

int PoissonMain(int argc, char **argv, const char *help, PoissonRunFunction run)
{
  ResultsFile    rf;
  PetscErrorCode ierr;

  if (PoissonInitialize(&argc, &argv, help)) return 1;
  if (TempFilesInstallSignalCleanup()) return PoissonExitOnError(PETSC_ERR_SYS, PETSC_FALSE);
  if (PetscMemzero(&rf, sizeof(rf))) return 1;
  try {
    ierr = run(PETSC_COMM_WORLD, &rf);
  } catch (const std::bad_alloc &) {
    ierr = ReportException("out of memory (a C++ allocation failed)");
  } catch (const std::exception &e) {
    ierr = ReportException(e.what());
  }
  if (ierr) {
    const PetscBool all_failed = ReportFailedRanks();
    DiscardResultsFile(&rf, ierr, all_failed);
    return PoissonExitOnError(ierr, all_failed);
  }
  return PoissonFinalize() ? 1 : 0;
}
