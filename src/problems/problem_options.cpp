#include "problems/problem_options.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "problems/problem_table.h"
#include "problems/rhs.h"

// One decimal integer (optional sign, digits, nothing else); false if text is not one or it
// does not fit in 64 bits.
static bool ParseInteger(const char *text, PetscInt64 *value)
{
  char *end;
  errno          = 0;
  long long v    = strtoll(text, &end, 10);
  bool      good = end != text && !*end && errno == 0;
  for (const char *c = text; good && *c; c++)
    good = (*c >= '0' && *c <= '9') || ((*c == '-' || *c == '+') && c == text);
  if (good) *value = (PetscInt64)v;
  return good;
}

PetscErrorCode ParseIntegerList(MPI_Comm comm, const char *option, const char *text,
                                PetscInt64 values[], PetscInt max, PetscInt *count)
{
  std::string s(text), item;
  size_t      at = 0;

  PetscFunctionBeginUser;
  *count = 0;
  PetscCheck(!s.empty(), comm, PETSC_ERR_USER_INPUT, "%s lists no value", option);
  while (at <= s.size()) {
    size_t comma = s.find(',', at);
    if (comma == std::string::npos) comma = s.size();
    item         = s.substr(at, comma - at);
    PetscInt64 v = 0;
    PetscCheck(ParseInteger(item.c_str(), &v), comm, PETSC_ERR_ARG_WRONG,
               "%s expects comma-separated integers, got '%s' in '%s'", option, item.c_str(), text);
    PetscCheck(*count < max, comm, PETSC_ERR_ARG_SIZ, "%s lists more than %" PetscInt_FMT " values",
               option, max);
    values[(*count)++] = v;
    at                 = comma + 1;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode ProblemCheckSize(MPI_Comm comm, PetscInt64 n, const char *option)
{
  const PetscInt64 nmax = (PetscInt64)std::floor(std::sqrt((double)PETSC_MAX_INT));
  MPI_Comm         node;
  PetscMPIInt      size, node_size;

  PetscFunctionBeginUser;
  PetscCheck(n >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s must be at least 2, got %" PetscInt64_FMT,
             option, n);
  PetscCheck(n <= nmax, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "%s %" PetscInt64_FMT " gives N = n*n = %.4g unknowns, more than this PETSc's %d-bit "
             "indices can number (N <= %" PetscInt64_FMT ", so n <= %" PetscInt64_FMT
             "); larger grids need a PETSc configured --with-64-bit-indices",
             option, n, (double)n * (double)n, (int)(8 * sizeof(PetscInt)),
             (PetscInt64)PETSC_MAX_INT, nmax);
  // Memory: the ranks sharing this node need their share of the lower bound; the node with the
  // least room decides.
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_size(node, &node_size));
  PetscCallMPI(MPI_Comm_free(&node));
  const double pages = (double)sysconf(_SC_PHYS_PAGES), page = (double)sysconf(_SC_PAGESIZE);
  const double have = pages > 0 && page > 0 ? pages * page : 0.0; // 0: unknown, no check
  const double need =
      (double)POISSON_MIN_BYTES_PER_UNKNOWN * (double)n * (double)n * node_size / size;
  struct {
    double ratio;
    int    rank;
  } mine               = {have > 0 ? need / have : 0.0, 0}, worst;
  double      sizes[2] = {need, have};
  PetscMPIInt rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  mine.rank = rank;
  PetscCallMPI(MPI_Allreduce(&mine, &worst, 1, MPI_DOUBLE_INT, MPI_MAXLOC, comm));
  PetscCallMPI(MPI_Bcast(sizes, 2, MPI_DOUBLE, worst.rank, comm));
  PetscCheck(worst.ratio <= 1.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "%s %" PetscInt64_FMT " (N = %.4g unknowns) needs at least %.1f GiB on one node "
             "(%d bytes per unknown for the operator and the solver's vectors, shared by the "
             "ranks), but that node has %.1f GiB of memory: use more nodes or a smaller n",
             option, n, (double)n * (double)n, sizes[0] / 1073741824.0,
             POISSON_MIN_BYTES_PER_UNKNOWN, sizes[1] / 1073741824.0);
  PetscFunctionReturn(0);
}

PetscErrorCode ProblemOptionsFromCommandLine(MPI_Comm comm, const char *problem,
                                             ProblemOptions *opts)
{
  const ProblemEntry *entry;
  PetscBool           rhs_set;
  char                contrast_help[128], rhs_help[128];

  PetscFunctionBeginUser;
  PetscCall(ProblemCheckName(comm, problem));
  entry = ProblemFind(problem);
  PetscCall(PetscMemzero(opts, sizeof(*opts)));
  PetscCall(PetscStrncpy(opts->problem, problem, sizeof(opts->problem)));
  opts->n         = 32;
  opts->contrast  = 100.0;
  opts->grf_seed  = 42;
  opts->grf_alpha = 2.0;
  opts->grf_tau   = 3.0;
  PetscCall(PetscStrncpy(opts->rhs, entry->default_rhs, sizeof(opts->rhs)));
  PetscCall(PetscStrncpy(opts->rhs_dataset, "b", sizeof(opts->rhs_dataset)));
  PetscCall(PetscStrncpy(opts->operator_type, "aij", sizeof(opts->operator_type)));
  {
    // -n is checked as text first: PETSc's own parser raises a malformed value on each process
    // alone (one error line per rank) and truncates values beyond 32 bits silently.
    char       text[64];
    PetscBool  set;
    PetscInt64 n = 0;
    PetscCall(PetscOptionsGetString(NULL, NULL, "-n", text, sizeof(text), &set));
    if (set) {
      PetscCheck(ParseInteger(text, &n), comm, PETSC_ERR_ARG_WRONG,
                 "-n expects an integer (interior grid nodes per direction), got '%s'", text);
      PetscCall(ProblemCheckSize(comm, n, "-n"));
    }
  }
  PetscOptionsBegin(comm, NULL, "Problem options", NULL);
  PetscCall(
      PetscOptionsInt("-n", "Interior grid nodes per direction", NULL, opts->n, &opts->n, NULL));
  if (entry->has_contrast) {
    PetscCall(PetscSNPrintf(contrast_help, sizeof(contrast_help), "Coefficient contrast (%s: %s)",
                            entry->name, entry->description));
    PetscCall(
        PetscOptionsReal("-contrast", contrast_help, NULL, opts->contrast, &opts->contrast, NULL));
  }
  PetscCall(PetscSNPrintf(rhs_help, sizeof(rhs_help), "Right-hand side (%s)", RhsListNames()));
  PetscCall(PetscOptionsString("-rhs", rhs_help, NULL, opts->rhs, opts->rhs, sizeof(opts->rhs),
                               &rhs_set));
  PetscCall(PetscOptionsString("-rhs_file", "HDF5 file holding the right-hand side", NULL,
                               opts->rhs_file, opts->rhs_file, sizeof(opts->rhs_file), NULL));
  PetscCall(PetscOptionsString("-rhs_dataset", "Dataset of -rhs_file", NULL, opts->rhs_dataset,
                               opts->rhs_dataset, sizeof(opts->rhs_dataset), NULL));
  PetscCall(PetscOptionsInt("-grf_seed", "Seed of the GRF white noise", NULL, opts->grf_seed,
                            &opts->grf_seed, NULL));
  PetscCall(PetscOptionsReal("-grf_alpha", "GRF spectral decay alpha", NULL, opts->grf_alpha,
                             &opts->grf_alpha, NULL));
  PetscCall(PetscOptionsReal("-grf_tau", "GRF spectral shift tau", NULL, opts->grf_tau,
                             &opts->grf_tau, NULL));
  PetscCall(PetscOptionsString("-operator",
                               "Operator form for the Krylov products: aij (assembled) or "
                               "stencil (matrix-free)",
                               NULL, opts->operator_type, opts->operator_type,
                               sizeof(opts->operator_type), NULL));
  PetscOptionsEnd();
  // A file given without -rhs means "take b from that file".
  if (!rhs_set && opts->rhs_file[0]) PetscCall(PetscStrncpy(opts->rhs, "file", sizeof(opts->rhs)));

  PetscCheck(opts->contrast > 0.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-contrast must be positive (the operator must be SPD), got %g",
             (double)opts->contrast);
  PetscCheck(!strcmp(opts->operator_type, "aij") || !strcmp(opts->operator_type, "stencil"), comm,
             PETSC_ERR_ARG_UNKNOWN_TYPE, "unknown -operator '%s' (known: aij, stencil)",
             opts->operator_type);
  PetscCheck(RhsFind(opts->rhs), comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown right-hand side '%s' (known: %s)", opts->rhs, RhsListNames());
  PetscCheck(entry->dim == 2 || (strcmp(opts->rhs, "grf") && strcmp(opts->rhs, "rod")), comm,
             PETSC_ERR_ARG_INCOMP,
             "problem %s is 1-D: the right-hand side '%s' is a 2-D field (use random or file)",
             problem, opts->rhs);
  if (!strcmp(opts->rhs, "grf")) {
    PetscCheck(opts->n % 2 == 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "the GRF right-hand side needs an even n, got n = %" PetscInt_FMT, opts->n);
    PetscCheck(opts->grf_tau > 0.0 || opts->grf_alpha <= 0.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-grf_tau must be positive");
  }
  PetscFunctionReturn(0);
}
