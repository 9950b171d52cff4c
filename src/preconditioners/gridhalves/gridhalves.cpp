#include "preconditioners/gridhalves/gridhalves.h"

#include <petsc/private/pcimpl.h>

#include <vector>

#include "core/grid_shape.h"

const char *const PCGridHalvesAxes[] = {"x", "y", "PCGridHalvesAxis", "PC_GRIDHALVES_", NULL};

typedef struct {
  PCGridHalvesAxis axis;
  PetscInt         rows, cols; // grid shape found at set-up
  const char      *source;     // where the shape came from
  IS               is[2];      // rows of each half, PETSc global numbering
  Mat              sub[2];     // the halves' diagonal blocks
  KSP              ksp[2];
  Vec              xs[2], ys[2];
} PC_GridHalves;

static PetscErrorCode PCReset_GridHalves(PC pc)
{
  PC_GridHalves *g = (PC_GridHalves *)pc->data;

  PetscFunctionBegin;
  for (int h = 0; h < 2; h++) {
    PetscCall(ISDestroy(&g->is[h]));
    PetscCall(MatDestroy(&g->sub[h]));
    PetscCall(KSPDestroy(&g->ksp[h]));
    PetscCall(VecDestroy(&g->xs[h]));
    PetscCall(VecDestroy(&g->ys[h]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PCDestroy_GridHalves(PC pc)
{
  PetscFunctionBegin;
  PetscCall(PCReset_GridHalves(pc));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGridHalvesSetAxis_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGridHalvesGetSubKSP_C", NULL));
  PetscCall(PetscFree(pc->data));
  PetscFunctionReturn(0);
}

// The index sets of the two halves: a row's grid position (i, j) is its natural index
// k = i*cols + j, from the DMDA's application ordering when the operator has a DMDA (PETSc
// order differs from natural order when the DMDA is split along x), else the row itself.
static PetscErrorCode GridHalvesIndexSets(PC pc, const GridShape *shape)
{
  PC_GridHalves        *g = (PC_GridHalves *)pc->data;
  Mat                   P;
  PetscInt              rstart, rend;
  std::vector<PetscInt> natural, half[2];

  PetscFunctionBegin;
  PetscCall(PCGetOperators(pc, NULL, &P));
  PetscCall(MatGetOwnershipRange(P, &rstart, &rend));
  PetscCallCXX(natural.resize(rend - rstart));
  for (PetscInt r = rstart; r < rend; r++) natural[r - rstart] = r;
  if (shape->da && shape->da_procs_x > 1) {
    AO ao;
    PetscCall(DMDAGetAO(shape->da, &ao));
    PetscCall(AOPetscToApplication(ao, (PetscInt)natural.size(), natural.data()));
  }
  const PetscInt extent = g->axis == PC_GRIDHALVES_X ? shape->cols : shape->rows;
  for (PetscInt r = rstart; r < rend; r++) {
    const PetscInt k = natural[r - rstart];
    const PetscInt c = g->axis == PC_GRIDHALVES_X ? k % shape->cols : k / shape->cols;
    PetscCallCXX(half[c < extent / 2 ? 0 : 1].push_back(r));
  }
  for (int h = 0; h < 2; h++)
    PetscCall(ISCreateGeneral(PetscObjectComm((PetscObject)pc), (PetscInt)half[h].size(),
                              half[h].data(), PETSC_COPY_VALUES, &g->is[h]));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetUp_GridHalves(PC pc)
{
  PC_GridHalves *g    = (PC_GridHalves *)pc->data;
  MPI_Comm       comm = PetscObjectComm((PetscObject)pc);
  Mat            P;
  GridShape      shape;

  PetscFunctionBegin;
  PetscCall(PCGetOperators(pc, NULL, &P));
  if (pc->setupcalled && pc->flag == SAME_NONZERO_PATTERN) {
    for (int h = 0; h < 2; h++)
      PetscCall(MatCreateSubMatrix(P, g->is[h], g->is[h], MAT_REUSE_MATRIX, &g->sub[h]));
    PetscFunctionReturn(0);
  }
  PetscCall(PCReset_GridHalves(pc));
  PetscCall(GridShapeFromPC(pc, 0, "the operator's shape", &shape));
  const PetscInt extent = g->axis == PC_GRIDHALVES_X ? shape.cols : shape.rows;
  PetscCheck(extent >= 2, comm, PETSC_ERR_ARG_SIZ,
             "PC gridhalves: the grid (%" PetscInt_FMT " x %" PetscInt_FMT
             ") has fewer than 2 points along %s",
             shape.rows, shape.cols, PCGridHalvesAxes[g->axis]);
  g->rows   = shape.rows;
  g->cols   = shape.cols;
  g->source = shape.source;
  PetscCall(GridHalvesIndexSets(pc, &shape));

  const char *prefix;
  PetscBool   mumps;
  PetscMPIInt size;
  PetscCall(PCGetOptionsPrefix(pc, &prefix));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  for (int h = 0; h < 2; h++) {
    PC sub;
    PetscCall(MatCreateSubMatrix(P, g->is[h], g->is[h], MAT_INITIAL_MATRIX, &g->sub[h]));
    PetscCall(MatCreateVecs(g->sub[h], &g->xs[h], &g->ys[h]));
    PetscCall(KSPCreate(comm, &g->ksp[h]));
    PetscCall(KSPSetErrorIfNotConverged(g->ksp[h], pc->erroriffailure));
    PetscCall(PetscObjectIncrementTabLevel((PetscObject)g->ksp[h], (PetscObject)pc, 1));
    PetscCall(KSPSetOptionsPrefix(g->ksp[h], prefix));
    PetscCall(KSPAppendOptionsPrefix(g->ksp[h], "sub_"));
    PetscCall(KSPSetOperators(g->ksp[h], g->sub[h], g->sub[h]));
    PetscCall(KSPSetType(g->ksp[h], KSPPREONLY));
    PetscCall(KSPGetPC(g->ksp[h], &sub));
    PetscCall(PCSetType(sub, PCCHOLESKY));
    PetscCall(MatGetFactorAvailable(g->sub[h], MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, &mumps));
    PetscCheck(mumps || size == 1, comm, PETSC_ERR_ARG_INCOMP,
               "PC gridhalves: the halves span several ranks and this PETSc has no parallel "
               "direct solver (MUMPS); choose another -%ssub_pc_type",
               prefix ? prefix : "");
    PetscCall(PCFactorSetMatSolverType(sub, mumps ? MATSOLVERMUMPS : MATSOLVERPETSC));
    PetscCall(KSPSetFromOptions(g->ksp[h]));
    PetscCall(KSPSetUp(g->ksp[h]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetUpOnBlocks_GridHalves(PC pc)
{
  PC_GridHalves *g = (PC_GridHalves *)pc->data;

  PetscFunctionBegin;
  for (int h = 0; h < 2; h++) PetscCall(KSPSetUpOnBlocks(g->ksp[h]));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApply_GridHalves(PC pc, Vec x, Vec y)
{
  PC_GridHalves *g = (PC_GridHalves *)pc->data;

  PetscFunctionBegin;
  for (int h = 0; h < 2; h++) {
    KSPConvergedReason reason;
    Vec                xh, yh;
    PetscCall(VecGetSubVector(x, g->is[h], &xh));
    PetscCall(VecGetSubVector(y, g->is[h], &yh));
    PetscCall(KSPSolve(g->ksp[h], xh, yh));
    PetscCall(VecRestoreSubVector(x, g->is[h], &xh));
    PetscCall(VecRestoreSubVector(y, g->is[h], &yh));
    PetscCall(KSPGetConvergedReason(g->ksp[h], &reason));
    if (reason < 0) PetscCall(PCSetFailedReason(pc, PC_SUBPC_ERROR));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetFromOptions_GridHalves(PC pc, PetscOptionItems *PetscOptionsObject)
{
  PC_GridHalves *g = (PC_GridHalves *)pc->data;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Grid halves (block Jacobi on two halves) options");
  PetscCall(PetscOptionsEnum(
      "-pc_gridhalves_axis", "Split the grid along x (columns j < n/2 | j >= n/2) or y (rows)",
      "PCGridHalvesSetAxis", PCGridHalvesAxes, (PetscEnum)g->axis, (PetscEnum *)&g->axis, NULL));
  PetscOptionsHeadEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode PCView_GridHalves(PC pc, PetscViewer viewer)
{
  PC_GridHalves *g = (PC_GridHalves *)pc->data;
  PetscBool      isascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  block Jacobi on 2 grid halves split along %s (%s halves)\n",
      PCGridHalvesAxes[g->axis], g->axis == PC_GRIDHALVES_X ? "column" : "row"));
  if (!g->ksp[0]) PetscFunctionReturn(0);
  PetscInt n0, n1;
  PetscCall(ISGetSize(g->is[0], &n0));
  PetscCall(ISGetSize(g->is[1], &n1));
  PetscCall(PetscViewerASCIIPrintf(viewer,
                                   "  grid %" PetscInt_FMT " x %" PetscInt_FMT
                                   " (shape from %s), halves of %" PetscInt_FMT
                                   " and %" PetscInt_FMT " unknowns; solver of each half:\n",
                                   g->rows, g->cols, g->source, n0, n1));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(KSPView(g->ksp[0], viewer));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCGridHalvesSetAxis_GridHalves(PC pc, PCGridHalvesAxis axis)
{
  PC_GridHalves *g = (PC_GridHalves *)pc->data;

  PetscFunctionBegin;
  if (g->axis != axis) pc->setupcalled = 0;
  g->axis = axis;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCGridHalvesGetSubKSP_GridHalves(PC pc, KSP sub[2])
{
  PC_GridHalves *g = (PC_GridHalves *)pc->data;

  PetscFunctionBegin;
  PetscCheck(g->ksp[0], PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_WRONGSTATE,
             "PC gridhalves: call PCSetUp first");
  sub[0] = g->ksp[0];
  sub[1] = g->ksp[1];
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCGridHalvesSetAxis(PC pc, PCGridHalvesAxis axis)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCGridHalvesSetAxis_C", (PC, PCGridHalvesAxis), (pc, axis));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCGridHalvesGetSubKSP(PC pc, KSP sub[2])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGridHalvesGetSubKSP_C", (PC, KSP *), (pc, sub));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCCreate_GridHalves(PC pc)
{
  PC_GridHalves *g;

  PetscFunctionBegin;
  PetscCall(PetscNew(&g));
  g->axis                 = PC_GRIDHALVES_X;
  pc->data                = (void *)g;
  pc->ops->setup          = PCSetUp_GridHalves;
  pc->ops->setuponblocks  = PCSetUpOnBlocks_GridHalves;
  pc->ops->apply          = PCApply_GridHalves;
  pc->ops->applytranspose = PCApply_GridHalves; // M is symmetric
  pc->ops->setfromoptions = PCSetFromOptions_GridHalves;
  pc->ops->view           = PCView_GridHalves;
  pc->ops->reset          = PCReset_GridHalves;
  pc->ops->destroy        = PCDestroy_GridHalves;
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGridHalvesSetAxis_C",
                                       PCGridHalvesSetAxis_GridHalves));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGridHalvesGetSubKSP_C",
                                       PCGridHalvesGetSubKSP_GridHalves));
  PetscFunctionReturn(0);
}
