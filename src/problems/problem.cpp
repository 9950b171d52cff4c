#include "problems/problem.h"

#include "problems/operator.h"
#include "problems/problem_table.h"
#include "problems/rhs.h"
#include "problems/stencil_operator.h"

PetscErrorCode ProblemCreate(MPI_Comm comm, const ProblemOptions *opts, Problem *p)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  // Programs may set opts->n themselves (benches, sweeps): the same limits as for -n.
  PetscCall(ProblemCheckSize(comm, opts->n, "n"));
  p->opts = *opts;
  p->h    = 1.0 / (opts->n + 1);
  // Strips by default (1 x P processes, each a band of consecutive reference i): PETSc's
  // global ordering then equals the natural ordering at every rank count, so sequential
  // methods (IC(0), ILU, dense sketches) see the same matrix whatever the number of ranks.
  // -da_processors_x/-da_processors_y choose another layout.
  if (ProblemDimension(opts) == 1) { // the chain: a 1-D DMDA, contiguous blocks of nodes
    PetscCheck(!strcmp(opts->operator_type, "aij"), comm, PETSC_ERR_ARG_INCOMP,
               "problem %s is 1-D: -operator stencil is the 2-D 5-point stencil, use -operator aij",
               opts->problem);
    PetscCall(DMDACreate1d(comm, DM_BOUNDARY_NONE, opts->n, 1, 1, NULL, &p->da));
    PetscCall(DMSetFromOptions(p->da));
    PetscCall(DMSetUp(p->da));
    PetscCall(DMDASetUniformCoordinates(p->da, p->h, 1.0 - p->h, 0.0, 0.0, 0.0, 0.0));
    PetscCall(OperatorAssembleChain(opts, p->da, &p->A));
  } else {
    PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, opts->n,
                           opts->n, 1, PETSC_DECIDE, 1, 1, NULL, NULL, &p->da));
    PetscCall(DMSetFromOptions(p->da));
    PetscCall(DMSetUp(p->da));
    PetscCall(DMDASetUniformCoordinates(p->da, p->h, 1.0 - p->h, p->h, 1.0 - p->h, 0.0, 0.0));
    PetscCall(OperatorAssemble(opts, p->da, &p->A));
  }
  PetscCall(PetscObjectSetName((PetscObject)p->A, "A"));
  if (!strcmp(opts->operator_type, "stencil")) {
    PetscCall(OperatorCreateStencil(opts, p->da, &p->Aop));
  } else {
    PetscCall(PetscObjectReference((PetscObject)p->A));
    p->Aop = p->A;
  }
  PetscCall(DMCreateGlobalVector(p->da, &p->b));
  PetscCall(PetscObjectSetName((PetscObject)p->b, "b"));
  PetscCall(RhsFind(opts->rhs)->fill(opts, p->da, p->b));
  PetscFunctionReturn(0);
}

PetscErrorCode ProblemPrintSummary(MPI_Comm comm, const Problem *p, PetscBool with_rhs)
{
  const ProblemOptions *o = &p->opts;
  PetscMPIInt           size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscPrintf(comm, "\nproblem %s: n = %" PetscInt_FMT " (N = %" PetscInt_FMT ")",
                        o->problem, o->n, ProblemUnknowns(o)));
  if (ProblemFind(o->problem)->has_contrast)
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

PetscErrorCode ProblemWrite(ResultsFile *rf, const Problem *p, PetscBool with_rhs)
{
  const ProblemOptions *o = &p->opts;
  char                  group[2 * POISSON_NAME_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(group, sizeof(group), "/%s", o->problem));
  PetscCall(ResultsFileWriteString(rf, group, "problem", o->problem));
  PetscCall(ResultsFileWriteInt(rf, group, "n", o->n));
  PetscCall(ResultsFileWriteInt(rf, group, "N", ProblemUnknowns(o)));
  PetscCall(ResultsFileWriteInt(rf, group, "dimension", ProblemDimension(o)));
  PetscCall(ResultsFileWriteReal(rf, group, "h", p->h));
  PetscCall(ResultsFileWriteReal(rf, group, "contrast", ProblemContrast(o)));
  if (!with_rhs) PetscFunctionReturn(0);
  PetscCall(ResultsFileWriteString(rf, group, "rhs", o->rhs));
  PetscCall(ResultsFileWriteString(rf, group, "rhs_file", o->rhs_file));
  PetscCall(ResultsFileWriteInt(rf, group, "seed", o->grf_seed));
  PetscCall(ResultsFileWriteReal(rf, group, "grf_alpha", o->grf_alpha));
  PetscCall(ResultsFileWriteReal(rf, group, "grf_tau", o->grf_tau));
  PetscCall(ResultsFileWriteVec(rf, group, "b", p->b));
  PetscFunctionReturn(0);
}
