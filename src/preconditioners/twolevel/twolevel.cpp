// PC type "twolevel" (twolevel.h, docs/twolevel.md): a fine PETSc PC plus an exact Galerkin
// coarse correction, laid out like PETSc's src/ksp/pc/impls/composite/composite.c.
//
// Setup: the grid from the operator (core/grid_shape.h); Z assembled row by row over the
// operator's row layout (each rank sets the rows it owns: at most 4 nonzeros per row for
// bilinear, 1 for blocks); A_c = Z^T A Z by MatPtAP; the coarse KSP (preonly + redundant
// sparse Cholesky by default: every rank factors the small A_c) on A_c; the fine PC on the
// operators of this PC.
//
// Apply to r (Q = Z A_c^{-1} Z^T: MatMultTranspose, KSPSolve, MatMult):
//   additive        y = theta (omega F r + Q r)
//   multiplicative  y = omega F r; y += Q (r - A y); y += omega F (r - A y); y *= theta
//   coarse_only     y = theta Q r
// The transpose applies the same sequence with F^T (PCApplyTranspose), A^T and A_c^{-T}: the
// multiplicative error propagation (I - S(I - QA)S)^T has the same form with S^T.
#include <petsc/private/pcimpl.h>

#include "core/grid_shape.h"
#include "preconditioners/twolevel/twolevel.h"

const char *const PCTwolevelTypes[]        = {"additive",       "multiplicative", "coarse_only",
                                              "PCTwolevelType", "PC_TWOLEVEL_",   NULL};
const char *const PCTwolevelCoarseSpaces[] = {"blocks", "bilinear", "PCTwolevelCoarseSpace",
                                              "PC_TWOLEVEL_", NULL};

#define TWOLEVEL_DEFAULT_BLOCK_SIZE 4

typedef struct {
  // settings
  PCTwolevelType        type;
  PCTwolevelCoarseSpace coarse;
  PetscInt              block_size; // 0: one block, the whole grid
  PetscReal             omega, theta;
  PetscInt              grid_width; // 0: infer (DMDA, bandwidth)
  PC                    fine;       // F, prefix <prefix>twolevel_fine_; lives until destroy
  // built by PCSetUp
  Mat       Z, Ac;
  KSP       ksp_coarse; // prefix <prefix>twolevel_coarse_
  Vec       rc, ec;     // coarse vectors
  Vec       t, u;       // fine work vectors
  PetscInt  rows, cols; // fine grid
  PetscInt  crows, ccols;
  char      grid_source[64];
  PetscBool setup_fine; // F set up (not needed by coarse_only)
} PC_Twolevel;

static PetscErrorCode PCReset_Twolevel(PC pc)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;

  PetscFunctionBegin;
  PetscCall(MatDestroy(&tl->Z));
  PetscCall(MatDestroy(&tl->Ac));
  PetscCall(KSPDestroy(&tl->ksp_coarse));
  PetscCall(VecDestroy(&tl->rc));
  PetscCall(VecDestroy(&tl->ec));
  PetscCall(VecDestroy(&tl->t));
  PetscCall(VecDestroy(&tl->u));
  if (tl->fine) PetscCall(PCReset(tl->fine));
  tl->setup_fine = PETSC_FALSE;
  PetscFunctionReturn(0);
}

// The fine PC, created with the prefix <prefix>twolevel_fine_ and type jacobi (so that
// PCSetFromOptions does not pick PETSc's own default, ILU/ICC).
static PetscErrorCode TwolevelFine(PC pc, PC *fine)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;
  const char  *prefix;

  PetscFunctionBegin;
  if (!tl->fine) {
    PetscCall(PCCreate(PetscObjectComm((PetscObject)pc), &tl->fine));
    PetscCall(PetscObjectIncrementTabLevel((PetscObject)tl->fine, (PetscObject)pc, 1));
    PetscCall(PCGetOptionsPrefix(pc, &prefix));
    PetscCall(PCSetOptionsPrefix(tl->fine, prefix));
    PetscCall(PCAppendOptionsPrefix(tl->fine, "twolevel_fine_"));
    PetscCall(PCSetType(tl->fine, PCJACOBI));
  }
  *fine = tl->fine;
  PetscFunctionReturn(0);
}

// 1-D bilinear prolongation P1 (n x n/2), row f: the coarse nodes c and weights w it couples to.
static PetscInt BilinearRow(PetscInt f, PetscInt n, PetscInt c[2], PetscReal w[2])
{
  if (f % 2 == 1) { // on coarse node (f - 1)/2
    c[0] = (f - 1) / 2;
    w[0] = 1.0;
    return 1;
  }
  PetscInt k = 0;
  if (f >= 2) { // right neighbour of coarse node f/2 - 1 (at fine f - 1)
    c[k]   = f / 2 - 1;
    w[k++] = 0.5;
  }
  if (f + 1 <= n - 1) { // left neighbour of coarse node f/2 (at fine f + 1)
    c[k]   = f / 2;
    w[k++] = 0.5;
  }
  return k;
}

// Z over the row layout of pc->pmat: N x N_c, coarse index ci * ccols + cj.
static PetscErrorCode TwolevelBuildZ(PC pc)
{
  PC_Twolevel *tl   = (PC_Twolevel *)pc->data;
  MPI_Comm     comm = PetscObjectComm((PetscObject)pc);
  Mat          P    = pc->pmat;
  GridShape    shape;
  PetscInt     rstart, rend, nlocal, xs = 0, ys = 0, xm = 0, ym = 0, br = 0, bc = 0;

  PetscFunctionBegin;
  PetscCall(GridShapeFromPC(pc, tl->grid_width, "-pc_twolevel_grid_width", &shape));
  tl->rows = shape.rows;
  tl->cols = shape.cols;
  PetscCall(PetscStrncpy(tl->grid_source, shape.source, sizeof(tl->grid_source)));
  if (tl->coarse == PC_TWOLEVEL_BLOCKS) {
    br = tl->block_size ? tl->block_size : tl->rows;
    bc = tl->block_size ? tl->block_size : tl->cols;
    PetscCheck(tl->rows % br == 0 && tl->cols % bc == 0, comm, PETSC_ERR_ARG_SIZ,
               "PC twolevel: -pc_twolevel_block_size %" PetscInt_FMT
               " does not divide the %" PetscInt_FMT " x %" PetscInt_FMT
               " grid (the block coarse space needs whole blocks; 0 is one block)",
               tl->block_size, tl->rows, tl->cols);
    tl->crows = tl->rows / br;
    tl->ccols = tl->cols / bc;
  } else {
    PetscCheck(tl->rows % 2 == 0 && tl->cols % 2 == 0, comm, PETSC_ERR_ARG_SIZ,
               "PC twolevel: -pc_twolevel_coarse bilinear needs an even grid size (coarse "
               "nodes on fine nodes 1, 3, ..., n-1), got a %" PetscInt_FMT " x %" PetscInt_FMT
               " grid",
               tl->rows, tl->cols);
    tl->crows = tl->rows / 2;
    tl->ccols = tl->cols / 2;
  }

  PetscCall(MatGetOwnershipRange(P, &rstart, &rend));
  nlocal = rend - rstart;
  if (shape.da) {
    PetscCall(DMDAGetCorners(shape.da, &xs, &ys, NULL, &xm, &ym, NULL));
    PetscCheck(xm * ym == nlocal, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
               "PC twolevel: the operator's %" PetscInt_FMT
               " local rows are not its DMDA's local %" PetscInt_FMT " x %" PetscInt_FMT " box",
               nlocal, xm, ym);
  }
  const PetscInt nnz = tl->coarse == PC_TWOLEVEL_BLOCKS ? 1 : 4;
  PetscCall(MatCreateAIJ(comm, nlocal, PETSC_DECIDE, tl->rows * tl->cols, tl->crows * tl->ccols,
                         nnz, NULL, nnz, NULL, &tl->Z));
  for (PetscInt l = 0; l < nlocal; l++) {
    PetscInt    i, j, cols[4], ci[2], cj[2], ni, nj, k = 0;
    PetscReal   wi[2], wj[2];
    PetscScalar vals[4];
    if (shape.da) {
      i = ys + l / xm; // DMDA y = grid row i, x = grid column j (REPORTS.md section 0)
      j = xs + l % xm;
    } else {
      i = (rstart + l) / tl->cols; // natural ordering
      j = (rstart + l) % tl->cols;
    }
    if (tl->coarse == PC_TWOLEVEL_BLOCKS) {
      cols[k]   = (i / br) * tl->ccols + j / bc;
      vals[k++] = 1.0 / (PetscReal)(br * bc);
    } else {
      ni = BilinearRow(i, tl->rows, ci, wi);
      nj = BilinearRow(j, tl->cols, cj, wj);
      for (PetscInt a = 0; a < ni; a++)
        for (PetscInt b = 0; b < nj; b++) {
          cols[k]   = ci[a] * tl->ccols + cj[b];
          vals[k++] = wi[a] * wj[b];
        }
    }
    const PetscInt row = rstart + l;
    PetscCall(MatSetValues(tl->Z, 1, &row, k, cols, vals, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(tl->Z, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(tl->Z, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

static PetscErrorCode TwolevelCreateCoarseKSP(PC pc)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;
  const char  *prefix;
  PC           cpc, ipc;
  KSP          inner;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)pc), &tl->ksp_coarse));
  PetscCall(KSPSetErrorIfNotConverged(tl->ksp_coarse, pc->erroriffailure));
  PetscCall(PetscObjectIncrementTabLevel((PetscObject)tl->ksp_coarse, (PetscObject)pc, 1));
  PetscCall(PCGetOptionsPrefix(pc, &prefix));
  PetscCall(KSPSetOptionsPrefix(tl->ksp_coarse, prefix));
  PetscCall(KSPAppendOptionsPrefix(tl->ksp_coarse, "twolevel_coarse_"));
  PetscCall(KSPSetType(tl->ksp_coarse, KSPPREONLY));
  PetscCall(KSPGetPC(tl->ksp_coarse, &cpc));
  PetscCall(PCSetType(cpc, PCREDUNDANT));
  PetscCall(PCRedundantGetKSP(cpc, &inner));
  PetscCall(KSPGetPC(inner, &ipc));
  PetscCall(PCSetType(ipc, PCCHOLESKY));
  PetscCall(KSPSetOperators(tl->ksp_coarse, tl->Ac, tl->Ac));
  PetscCall(KSPSetFromOptions(tl->ksp_coarse));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetUp_Twolevel(PC pc)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;
  PetscBool    aij;
  PC           fine;

  PetscFunctionBegin;
  PetscCall(PetscObjectBaseTypeCompareAny((PetscObject)pc->pmat, &aij, MATSEQAIJ, MATMPIAIJ, ""));
  PetscCheck(aij, PetscObjectComm((PetscObject)pc), PETSC_ERR_SUP,
             "PC twolevel: the preconditioning matrix must be assembled AIJ (the Galerkin "
             "operator Z^T A Z is a MatPtAP), got type %s",
             ((PetscObject)pc->pmat)->type_name);
  if (!pc->setupcalled || pc->flag != SAME_NONZERO_PATTERN || !tl->Z) {
    PetscCall(PCReset_Twolevel(pc));
    PetscCall(TwolevelBuildZ(pc));
    PetscCall(MatPtAP(pc->pmat, tl->Z, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &tl->Ac));
    PetscCall(MatSetOption(tl->Ac, MAT_SYMMETRIC, PETSC_TRUE));
    PetscCall(MatSetOption(tl->Ac, MAT_SYMMETRY_ETERNAL, PETSC_TRUE));
    PetscCall(TwolevelCreateCoarseKSP(pc));
    PetscCall(MatCreateVecs(tl->Z, &tl->rc, &tl->t));
    PetscCall(VecDuplicate(tl->rc, &tl->ec));
    PetscCall(VecDuplicate(tl->t, &tl->u));
  } else {
    PetscCall(MatPtAP(pc->pmat, tl->Z, MAT_REUSE_MATRIX, PETSC_DEFAULT, &tl->Ac));
    PetscCall(KSPSetOperators(tl->ksp_coarse, tl->Ac, tl->Ac));
  }
  PetscCall(KSPSetUp(tl->ksp_coarse));
  PetscCall(TwolevelFine(pc, &fine));
  PetscCall(PCSetOperators(fine, pc->mat, pc->pmat));
  if (tl->type != PC_TWOLEVEL_COARSE_ONLY) {
    PetscCall(PCSetUp(fine));
    tl->setup_fine = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

// y (+)= Q r = Z A_c^{-1} Z^T r (transpose: Z A_c^{-T} Z^T r).
static PetscErrorCode TwolevelCoarseCorrection(PC pc, Vec r, Vec y, PetscBool add,
                                               PetscBool transpose)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;

  PetscFunctionBegin;
  PetscCall(MatMultTranspose(tl->Z, r, tl->rc));
  if (transpose)
    PetscCall(KSPSolveTranspose(tl->ksp_coarse, tl->rc, tl->ec));
  else
    PetscCall(KSPSolve(tl->ksp_coarse, tl->rc, tl->ec));
  PetscCall(KSPCheckSolve(tl->ksp_coarse, pc, tl->ec));
  if (add)
    PetscCall(MatMultAdd(tl->Z, tl->ec, y, y));
  else
    PetscCall(MatMult(tl->Z, tl->ec, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode TwolevelApply(PC pc, Vec r, Vec y, PetscBool transpose)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;
  Mat          A  = pc->pmat;

  PetscFunctionBegin;
  switch (tl->type) {
  case PC_TWOLEVEL_COARSE_ONLY:
    PetscCall(TwolevelCoarseCorrection(pc, r, y, PETSC_FALSE, transpose));
    break;
  case PC_TWOLEVEL_ADDITIVE:
    if (transpose)
      PetscCall(PCApplyTranspose(tl->fine, r, y));
    else
      PetscCall(PCApply(tl->fine, r, y));
    if (tl->omega != 1.0) PetscCall(VecScale(y, tl->omega));
    PetscCall(TwolevelCoarseCorrection(pc, r, y, PETSC_TRUE, transpose));
    break;
  case PC_TWOLEVEL_MULTIPLICATIVE:
    // pre-smooth: y = omega F r
    if (transpose)
      PetscCall(PCApplyTranspose(tl->fine, r, y));
    else
      PetscCall(PCApply(tl->fine, r, y));
    if (tl->omega != 1.0) PetscCall(VecScale(y, tl->omega));
    // coarse correction: y += Q (r - A y)
    if (transpose)
      PetscCall(MatMultTranspose(A, y, tl->t));
    else
      PetscCall(MatMult(A, y, tl->t));
    PetscCall(VecAYPX(tl->t, -1.0, r));
    PetscCall(TwolevelCoarseCorrection(pc, tl->t, y, PETSC_TRUE, transpose));
    // post-smooth: y += omega F (r - A y)
    if (transpose)
      PetscCall(MatMultTranspose(A, y, tl->t));
    else
      PetscCall(MatMult(A, y, tl->t));
    PetscCall(VecAYPX(tl->t, -1.0, r));
    if (transpose)
      PetscCall(PCApplyTranspose(tl->fine, tl->t, tl->u));
    else
      PetscCall(PCApply(tl->fine, tl->t, tl->u));
    PetscCall(VecAXPY(y, tl->omega, tl->u));
    break;
  }
  if (tl->theta != 1.0) PetscCall(VecScale(y, tl->theta));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApply_Twolevel(PC pc, Vec r, Vec y)
{
  PetscFunctionBegin;
  PetscCall(TwolevelApply(pc, r, y, PETSC_FALSE));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApplyTranspose_Twolevel(PC pc, Vec r, Vec y)
{
  PetscFunctionBegin;
  PetscCall(TwolevelApply(pc, r, y, PETSC_TRUE));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCView_Twolevel(PC pc, PetscViewer viewer)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;
  PetscBool    iascii;
  char         space[128];

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (!iascii) PetscFunctionReturn(0);
  switch (tl->type) {
  case PC_TWOLEVEL_ADDITIVE:
    PetscCall(PetscViewerASCIIPrintf(
        viewer,
        "  additive two-level: C = theta (omega F + Z A_c^{-1} Z^T), omega = %g, theta = %g\n",
        (double)tl->omega, (double)tl->theta));
    break;
  case PC_TWOLEVEL_MULTIPLICATIVE:
    PetscCall(PetscViewerASCIIPrintf(
        viewer,
        "  multiplicative two-grid (one V(1,1)-cycle of two levels): e = omega F r; e += Z "
        "A_c^{-1} Z^T (r - A e); e += omega F (r - A e); C r = theta e; omega = %g, theta = %g\n",
        (double)tl->omega, (double)tl->theta));
    break;
  case PC_TWOLEVEL_COARSE_ONLY:
    PetscCall(PetscViewerASCIIPrintf(
        viewer,
        "  coarse-only: C = theta Z A_c^{-1} Z^T (singular: CA is a projector), theta = %g\n",
        (double)tl->theta));
    break;
  }
  if (tl->coarse == PC_TWOLEVEL_BLOCKS) {
    if (tl->block_size)
      PetscCall(PetscSNPrintf(space, sizeof(space),
                              "%" PetscInt_FMT " x %" PetscInt_FMT " block averages",
                              tl->block_size, tl->block_size));
    else
      PetscCall(PetscSNPrintf(space, sizeof(space), "one block (the global mean)"));
  } else
    PetscCall(PetscSNPrintf(space, sizeof(space),
                            "bilinear kron(P1, P1), coarse nodes on fine nodes 1, 3, ..., n-1"));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  coarse space Z: %s\n", space));
  if (pc->setupcalled && tl->Z) {
    PetscCall(PetscViewerASCIIPrintf(
        viewer,
        "  grid %" PetscInt_FMT " x %" PetscInt_FMT " (%s), %" PetscInt_FMT " x %" PetscInt_FMT
        " = %" PetscInt_FMT " coarse unknowns\n",
        tl->rows, tl->cols, tl->grid_source, tl->crows, tl->ccols, tl->crows * tl->ccols));
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  Galerkin coarse operator A_c = Z^T A Z "
                                     "(MatPtAP), solved by KSP (prefix twolevel_coarse_):\n"));
    PetscCall(PetscViewerASCIIPushTab(viewer));
    PetscCall(KSPView(tl->ksp_coarse, viewer));
    PetscCall(PetscViewerASCIIPopTab(viewer));
  }
  if (tl->type != PC_TWOLEVEL_COARSE_ONLY && tl->fine) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "  fine PC F (prefix twolevel_fine_):\n"));
    PetscCall(PetscViewerASCIIPushTab(viewer));
    PetscCall(PCView(tl->fine, viewer));
    PetscCall(PetscViewerASCIIPopTab(viewer));
  }
  PetscFunctionReturn(0);
}

// An enum option checked as text first: PETSc's enum parser reports an unknown value with a
// traceback; this raises one user error that lists the values.
static PetscErrorCode TwolevelCheckEnumText(PC pc, const char *name, const char *const *list,
                                            PetscInt n, const char *known)
{
  char      text[64];
  PetscBool set, found;
  PetscInt  idx;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(((PetscObject)pc)->options, ((PetscObject)pc)->prefix, name, text,
                                  sizeof(text), &set));
  if (!set) PetscFunctionReturn(0);
  PetscCall(PetscEListFind(n, list, text, &idx, &found));
  PetscCheck(found, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown -%s%s '%s' (known: %s)",
             ((PetscObject)pc)->prefix ? ((PetscObject)pc)->prefix : "", name + 1, text, known);
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetFromOptions_Twolevel(PC pc, PetscOptionItems *PetscOptionsObject)
{
  PC_Twolevel          *tl   = (PC_Twolevel *)pc->data;
  PCTwolevelType        type = tl->type;
  PCTwolevelCoarseSpace cs   = tl->coarse;
  PetscInt              bs = tl->block_size, width = tl->grid_width;
  PetscReal             omega = tl->omega, theta = tl->theta;
  PetscBool             flg;
  PC                    fine;

  PetscFunctionBegin;
  PetscCall(TwolevelCheckEnumText(pc, "-pc_twolevel_type", PCTwolevelTypes, 3,
                                  "additive, multiplicative, coarse_only"));
  PetscCall(TwolevelCheckEnumText(pc, "-pc_twolevel_coarse", PCTwolevelCoarseSpaces, 2,
                                  "blocks, bilinear"));
  PetscOptionsHeadBegin(PetscOptionsObject, "Two-level (fine PC + Galerkin coarse) options");
  PetscCall(PetscOptionsEnum("-pc_twolevel_type",
                             "Combination: additive, multiplicative "
                             "(pre-smooth, coarse, post-smooth), coarse_only",
                             "PCTwolevelSetType", PCTwolevelTypes, (PetscEnum)type,
                             (PetscEnum *)&type, &flg));
  if (flg) PetscCall(PCTwolevelSetType(pc, type));
  PetscCall(PetscOptionsEnum(
      "-pc_twolevel_coarse",
      "Coarse space: blocks (b x b block averages) or bilinear (kron(P1, P1))",
      "PCTwolevelSetCoarseSpace", PCTwolevelCoarseSpaces, (PetscEnum)cs, (PetscEnum *)&cs, &flg));
  if (flg) PetscCall(PCTwolevelSetCoarseSpace(pc, cs));
  PetscCall(PetscOptionsInt("-pc_twolevel_block_size",
                            "Block side b of the block coarse space (0: one block, the whole grid)",
                            "PCTwolevelSetBlockSize", bs, &bs, &flg));
  if (flg) PetscCall(PCTwolevelSetBlockSize(pc, bs));
  PetscCall(PetscOptionsReal("-pc_twolevel_omega", "Damping omega of the fine PC",
                             "PCTwolevelSetOmega", omega, &omega, &flg));
  if (flg) PetscCall(PCTwolevelSetOmega(pc, omega));
  PetscCall(PetscOptionsReal("-pc_twolevel_theta", "Overall damping theta of the preconditioner",
                             "PCTwolevelSetTheta", theta, &theta, &flg));
  if (flg) PetscCall(PCTwolevelSetTheta(pc, theta));
  PetscCall(PetscOptionsInt("-pc_twolevel_grid_width",
                            "Grid width (fast index) when the matrix has no DMDA (0: infer)", NULL,
                            width, &width, &flg));
  if (flg) {
    PetscCheck(width >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
               "PC twolevel: -pc_twolevel_grid_width must be >= 0, got %" PetscInt_FMT, width);
    if (width != tl->grid_width) pc->setupcalled = 0;
    tl->grid_width = width;
  }
  PetscOptionsHeadEnd();
  PetscCall(TwolevelFine(pc, &fine));
  PetscCall(PCSetFromOptions(fine));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCTwolevelSetType_Twolevel(PC pc, PCTwolevelType type)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;

  PetscFunctionBegin;
  if (type != tl->type) pc->setupcalled = 0;
  tl->type = type;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCTwolevelGetType_Twolevel(PC pc, PCTwolevelType *type)
{
  PetscFunctionBegin;
  *type = ((PC_Twolevel *)pc->data)->type;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCTwolevelGetDamping_Twolevel(PC pc, PetscReal *omega, PetscReal *theta)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;

  PetscFunctionBegin;
  if (omega) *omega = tl->omega;
  if (theta) *theta = tl->theta;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCTwolevelSetCoarseSpace_Twolevel(PC pc, PCTwolevelCoarseSpace coarse)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;

  PetscFunctionBegin;
  if (coarse != tl->coarse) pc->setupcalled = 0;
  tl->coarse = coarse;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCTwolevelSetBlockSize_Twolevel(PC pc, PetscInt bs)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;

  PetscFunctionBegin;
  PetscCheck(
      bs >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
      "PC twolevel: -pc_twolevel_block_size must be >= 1 (or 0: one block), got %" PetscInt_FMT,
      bs);
  if (bs != tl->block_size) pc->setupcalled = 0;
  tl->block_size = bs;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCTwolevelSetOmega_Twolevel(PC pc, PetscReal omega)
{
  PetscFunctionBegin;
  PetscCheck(PetscIsNormalReal(omega) && omega > 0.0, PetscObjectComm((PetscObject)pc),
             PETSC_ERR_ARG_OUTOFRANGE, "PC twolevel: -pc_twolevel_omega must be > 0, got %g",
             (double)omega);
  ((PC_Twolevel *)pc->data)->omega = omega;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCTwolevelSetTheta_Twolevel(PC pc, PetscReal theta)
{
  PetscFunctionBegin;
  PetscCheck(PetscIsNormalReal(theta) && theta > 0.0, PetscObjectComm((PetscObject)pc),
             PETSC_ERR_ARG_OUTOFRANGE, "PC twolevel: -pc_twolevel_theta must be > 0, got %g",
             (double)theta);
  ((PC_Twolevel *)pc->data)->theta = theta;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCTwolevelGetFinePC_Twolevel(PC pc, PC *fine)
{
  PetscFunctionBegin;
  PetscCall(TwolevelFine(pc, fine));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCTwolevelGetCoarse_Twolevel(PC pc, Mat *Z, Mat *Ac, KSP *coarse)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;

  PetscFunctionBegin;
  PetscCheck(tl->Z, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER,
             "PC twolevel: call PCSetUp() first");
  if (Z) *Z = tl->Z;
  if (Ac) *Ac = tl->Ac;
  if (coarse) *coarse = tl->ksp_coarse;
  PetscFunctionReturn(0);
}

static const char *const twolevel_methods[] = {
    "PCTwolevelSetType_C",      "PCTwolevelGetType_C",   "PCTwolevelSetCoarseSpace_C",
    "PCTwolevelSetBlockSize_C", "PCTwolevelSetOmega_C",  "PCTwolevelSetTheta_C",
    "PCTwolevelGetFinePC_C",    "PCTwolevelGetCoarse_C", "PCTwolevelGetDamping_C",
};

static PetscErrorCode PCDestroy_Twolevel(PC pc)
{
  PC_Twolevel *tl = (PC_Twolevel *)pc->data;

  PetscFunctionBegin;
  PetscCall(PCReset_Twolevel(pc));
  PetscCall(PCDestroy(&tl->fine));
  for (const char *name : twolevel_methods)
    PetscCall(PetscObjectComposeFunction((PetscObject)pc, name, NULL));
  PetscCall(PetscFree(pc->data));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCCreate_Twolevel(PC pc)
{
  PC_Twolevel *tl;

  PetscFunctionBegin;
  PetscCall(PetscNew(&tl));
  tl->type       = PC_TWOLEVEL_ADDITIVE;
  tl->coarse     = PC_TWOLEVEL_BLOCKS;
  tl->block_size = TWOLEVEL_DEFAULT_BLOCK_SIZE;
  tl->omega      = 1.0;
  tl->theta      = 1.0;
  pc->data       = (void *)tl;

  pc->ops->setup          = PCSetUp_Twolevel;
  pc->ops->apply          = PCApply_Twolevel;
  pc->ops->applytranspose = PCApplyTranspose_Twolevel;
  pc->ops->view           = PCView_Twolevel;
  pc->ops->setfromoptions = PCSetFromOptions_Twolevel;
  pc->ops->reset          = PCReset_Twolevel;
  pc->ops->destroy        = PCDestroy_Twolevel;

  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCTwolevelSetType_C",
                                       PCTwolevelSetType_Twolevel));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCTwolevelGetType_C",
                                       PCTwolevelGetType_Twolevel));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCTwolevelSetCoarseSpace_C",
                                       PCTwolevelSetCoarseSpace_Twolevel));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCTwolevelSetBlockSize_C",
                                       PCTwolevelSetBlockSize_Twolevel));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCTwolevelSetOmega_C",
                                       PCTwolevelSetOmega_Twolevel));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCTwolevelSetTheta_C",
                                       PCTwolevelSetTheta_Twolevel));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCTwolevelGetDamping_C",
                                       PCTwolevelGetDamping_Twolevel));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCTwolevelGetFinePC_C",
                                       PCTwolevelGetFinePC_Twolevel));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCTwolevelGetCoarse_C",
                                       PCTwolevelGetCoarse_Twolevel));
  PetscFunctionReturn(0);
}

// ---- public interface: setters are no-ops on PCs of another type (PetscTryMethod) ----

PetscErrorCode PCTwolevelSetType(PC pc, PCTwolevelType type)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscValidLogicalCollectiveEnum(pc, type, 2);
  PetscTryMethod(pc, "PCTwolevelSetType_C", (PC, PCTwolevelType), (pc, type));
  PetscFunctionReturn(0);
}

PetscErrorCode PCTwolevelGetType(PC pc, PCTwolevelType *type)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCTwolevelGetType_C", (PC, PCTwolevelType *), (pc, type));
  PetscFunctionReturn(0);
}

PetscErrorCode PCTwolevelSetCoarseSpace(PC pc, PCTwolevelCoarseSpace coarse)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscValidLogicalCollectiveEnum(pc, coarse, 2);
  PetscTryMethod(pc, "PCTwolevelSetCoarseSpace_C", (PC, PCTwolevelCoarseSpace), (pc, coarse));
  PetscFunctionReturn(0);
}

PetscErrorCode PCTwolevelSetBlockSize(PC pc, PetscInt block_size)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscValidLogicalCollectiveInt(pc, block_size, 2);
  PetscTryMethod(pc, "PCTwolevelSetBlockSize_C", (PC, PetscInt), (pc, block_size));
  PetscFunctionReturn(0);
}

PetscErrorCode PCTwolevelSetOmega(PC pc, PetscReal omega)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscValidLogicalCollectiveReal(pc, omega, 2);
  PetscTryMethod(pc, "PCTwolevelSetOmega_C", (PC, PetscReal), (pc, omega));
  PetscFunctionReturn(0);
}

PetscErrorCode PCTwolevelSetTheta(PC pc, PetscReal theta)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscValidLogicalCollectiveReal(pc, theta, 2);
  PetscTryMethod(pc, "PCTwolevelSetTheta_C", (PC, PetscReal), (pc, theta));
  PetscFunctionReturn(0);
}

PetscErrorCode PCTwolevelGetDamping(PC pc, PetscReal *omega, PetscReal *theta)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCTwolevelGetDamping_C", (PC, PetscReal *, PetscReal *), (pc, omega, theta));
  PetscFunctionReturn(0);
}

PetscErrorCode PCTwolevelGetFinePC(PC pc, PC *fine)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCTwolevelGetFinePC_C", (PC, PC *), (pc, fine));
  PetscFunctionReturn(0);
}

PetscErrorCode PCTwolevelGetCoarse(PC pc, Mat *Z, Mat *Ac, KSP *coarse)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCTwolevelGetCoarse_C", (PC, Mat *, Mat *, KSP *), (pc, Z, Ac, coarse));
  PetscFunctionReturn(0);
}
