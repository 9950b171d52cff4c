#include "problems/problem.h"

#include "problems/operator.h"
#include "problems/rhs.h"
#include "problems/stencil_operator.h"

// One row per problem (SPEC.md: Problems). Adding a problem is adding a row.
typedef struct {
  const char *name;
  const char *description;
  const char *default_rhs;
  PetscBool   has_jump; // coefficient 1 | contrast across x = 0.5
} ProblemEntry;

static const ProblemEntry problem_table[] = {
    {"constant", "5-point Dirichlet Laplacian, coefficient 1", "grf", PETSC_FALSE},
    {"variable", "coefficient 1 for x < 0.5, -contrast for x >= 0.5, harmonic-mean faces", "grf",
     PETSC_TRUE},
    {"rod", "constant operator, +1/-1 hot and cold rods as right-hand side", "rod", PETSC_FALSE},
};

// One row per right-hand side.
typedef struct {
  const char *name;
  PetscErrorCode (*fill)(const ProblemOptions *, DM, Vec);
} RhsEntry;

static const RhsEntry rhs_table[] = {
    {"grf", RhsGRF},
    {"file", RhsFromFile},
    {"rod", RhsRods},
};

static const ProblemEntry *FindProblem(const char *name)
{
  for (const ProblemEntry &e : problem_table)
    if (!strcmp(e.name, name)) return &e;
  return NULL;
}

static const RhsEntry *FindRhs(const char *name)
{
  for (const RhsEntry &e : rhs_table)
    if (!strcmp(e.name, name)) return &e;
  return NULL;
}

const char *ProblemListNames(void)
{
  return "constant, variable, rod";
}

PetscErrorCode ProblemCheckName(MPI_Comm comm, const char *name)
{
  PetscFunctionBeginUser;
  PetscCheck(FindProblem(name), comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown problem '%s' (known: %s)", name, ProblemListNames());
  PetscFunctionReturn(0);
}

PetscReal ProblemCoefficient(const ProblemOptions *opts, PetscInt i)
{
  const ProblemEntry *e = FindProblem(opts->problem);
  if (!e || !e->has_jump) return 1.0;
  const PetscReal h = 1.0 / (opts->n + 1);
  const PetscReal x = (i + 1) * h; // reference slow axis (DMDA y)
  return x < 0.5 ? 1.0 : opts->contrast;
}

PetscErrorCode ProblemOptionsFromCommandLine(MPI_Comm comm, const char *problem,
                                             ProblemOptions *opts)
{
  const ProblemEntry *entry;
  PetscBool           rhs_set;

  PetscFunctionBeginUser;
  PetscCall(ProblemCheckName(comm, problem));
  entry = FindProblem(problem);
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
  PetscCall(PetscOptionsReal("-contrast", "Coefficient for x >= 0.5 (variable problem)", NULL,
                             opts->contrast, &opts->contrast, NULL));
  PetscCall(PetscOptionsString("-rhs", "Right-hand side: grf, file, rod", NULL, opts->rhs,
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
  PetscCheck(FindRhs(opts->rhs), comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown right-hand side '%s' (known: grf, file, rod)", opts->rhs);
  if (!strcmp(opts->rhs, "grf")) {
    PetscCheck(opts->n % 2 == 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "the GRF right-hand side needs an even n, got n = %" PetscInt_FMT, opts->n);
    PetscCheck(opts->grf_tau > 0.0 || opts->grf_alpha <= 0.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-grf_tau must be positive");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode ProblemCreate(MPI_Comm comm, const ProblemOptions *opts, Problem *p)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  p->opts = *opts;
  p->h    = 1.0 / (opts->n + 1);
  // Strips by default (1 x P processes, each a band of consecutive reference i): PETSc's
  // global ordering then equals the natural ordering at every rank count, so sequential
  // methods (IC(0), ILU, dense sketches) see the same matrix whatever the number of ranks.
  // -da_processors_x/-da_processors_y choose another layout.
  PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, opts->n,
                         opts->n, 1, PETSC_DECIDE, 1, 1, NULL, NULL, &p->da));
  PetscCall(DMSetFromOptions(p->da));
  PetscCall(DMSetUp(p->da));
  PetscCall(DMDASetUniformCoordinates(p->da, p->h, 1.0 - p->h, p->h, 1.0 - p->h, 0.0, 0.0));
  PetscCall(OperatorAssemble(opts, p->da, &p->A));
  PetscCall(PetscObjectSetName((PetscObject)p->A, "A"));
  if (!strcmp(opts->operator_type, "stencil")) {
    PetscCall(OperatorCreateStencil(opts, p->da, &p->Aop));
  } else {
    PetscCall(PetscObjectReference((PetscObject)p->A));
    p->Aop = p->A;
  }
  PetscCall(DMCreateGlobalVector(p->da, &p->b));
  PetscCall(PetscObjectSetName((PetscObject)p->b, "b"));
  PetscCall(FindRhs(opts->rhs)->fill(opts, p->da, p->b));
  PetscFunctionReturn(0);
}

PetscErrorCode ProblemPrintSummary(MPI_Comm comm, const Problem *p, PetscBool with_rhs)
{
  const ProblemOptions *o = &p->opts;
  PetscMPIInt           size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscPrintf(comm, "\nproblem %s: n = %" PetscInt_FMT " (N = %" PetscInt_FMT ")",
                        o->problem, o->n, o->n * o->n));
  if (!strcmp(o->problem, "variable"))
    PetscCall(PetscPrintf(comm, ", contrast %g", (double)o->contrast));
  if (with_rhs && !strcmp(o->rhs, "grf"))
    PetscCall(PetscPrintf(comm, ", rhs GRF seed %" PetscInt_FMT " (alpha %g, tau %g)", o->grf_seed,
                          (double)o->grf_alpha, (double)o->grf_tau));
  else if (with_rhs && !strcmp(o->rhs, "file"))
    PetscCall(PetscPrintf(comm, ", rhs %s:%s", o->rhs_file, o->rhs_dataset));
  else if (with_rhs)
    PetscCall(PetscPrintf(comm, ", rhs %s", o->rhs));
  PetscCall(PetscPrintf(comm, ", %d rank%s\n", size, size > 1 ? "s" : ""));
  PetscFunctionReturn(0);
}

PetscErrorCode ProblemDestroy(Problem *p)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&p->b));
  PetscCall(MatDestroy(&p->Aop));
  PetscCall(MatDestroy(&p->A));
  PetscCall(DMDestroy(&p->da));
  PetscFunctionReturn(0);
}
