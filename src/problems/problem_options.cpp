#include "problems/problem_options.h"

#include "problems/problem_table.h"
#include "problems/rhs.h"

PetscErrorCode ProblemOptionsFromCommandLine(MPI_Comm comm, const char *problem,
                                             ProblemOptions *opts)
{
  const ProblemEntry *entry;
  PetscBool           rhs_set;
  char                contrast_help[128];

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
  PetscOptionsBegin(comm, NULL, "Problem options", NULL);
  PetscCall(
      PetscOptionsInt("-n", "Interior grid nodes per direction", NULL, opts->n, &opts->n, NULL));
  if (entry->has_contrast) {
    PetscCall(PetscSNPrintf(contrast_help, sizeof(contrast_help), "Coefficient contrast (%s: %s)",
                            entry->name, entry->description));
    PetscCall(
        PetscOptionsReal("-contrast", contrast_help, NULL, opts->contrast, &opts->contrast, NULL));
  }
  PetscCall(PetscOptionsString("-rhs", "Right-hand side (grf, file, rod)", NULL, opts->rhs,
                               opts->rhs, sizeof(opts->rhs), &rhs_set));
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

  PetscCheck(opts->n >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-n must be at least 2, got %" PetscInt_FMT, opts->n);
  PetscCheck(opts->contrast > 0.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-contrast must be positive (the operator must be SPD), got %g",
             (double)opts->contrast);
  PetscCheck(!strcmp(opts->operator_type, "aij") || !strcmp(opts->operator_type, "stencil"), comm,
             PETSC_ERR_ARG_UNKNOWN_TYPE, "unknown -operator '%s' (known: aij, stencil)",
             opts->operator_type);
  PetscCheck(RhsFind(opts->rhs), comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown right-hand side '%s' (known: %s)", opts->rhs, RhsListNames());
  if (!strcmp(opts->rhs, "grf")) {
    PetscCheck(opts->n % 2 == 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "the GRF right-hand side needs an even n, got n = %" PetscInt_FMT, opts->n);
    PetscCheck(opts->grf_tau > 0.0 || opts->grf_alpha <= 0.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-grf_tau must be positive");
  }
  PetscFunctionReturn(0);
}
