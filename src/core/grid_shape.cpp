#include "core/grid_shape.h"

// Largest |col - row| over the rows of P (collective).
static PetscErrorCode MatBandwidth(Mat P, PetscInt *bandwidth)
{
  PetscInt rstart, rend, local = 0;

  PetscFunctionBegin;
  PetscCall(MatGetOwnershipRange(P, &rstart, &rend));
  for (PetscInt i = rstart; i < rend; i++) {
    PetscInt        nc;
    const PetscInt *c;
    PetscCall(MatGetRow(P, i, &nc, &c, NULL));
    for (PetscInt k = 0; k < nc; k++) local = PetscMax(local, PetscAbsInt(c[k] - i));
    PetscCall(MatRestoreRow(P, i, &nc, &c, NULL));
  }
  PetscCall(
      MPIU_Allreduce(&local, bandwidth, 1, MPIU_INT, MPI_MAX, PetscObjectComm((PetscObject)P)));
  PetscFunctionReturn(0);
}

static PetscErrorCode OperatorDMDA(PC pc, Mat P, PetscInt N, GridShape *shape)
{
  DM        dm   = NULL;
  PetscBool isda = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(MatGetDM(P, &dm));
  if (!dm) PetscCall(PCGetDM(pc, &dm));
  if (dm) PetscCall(PetscObjectTypeCompare((PetscObject)dm, DMDA, &isda));
  if (!isda) PetscFunctionReturn(0);
  PetscInt dim, Mx, My, px, dof;
  PetscCall(
      DMDAGetInfo(dm, &dim, &Mx, &My, NULL, &px, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  if (dim != 2 || dof != 1 || Mx * My != N) PetscFunctionReturn(0);
  shape->da         = dm;
  shape->da_procs_x = px;
  shape->cols       = Mx;
  shape->rows       = My;
  shape->source     = "DMDA of the operator";
  PetscFunctionReturn(0);
}

PetscErrorCode GridShapeFromPC(PC pc, PetscInt width, const char *option, GridShape *shape)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)pc);
  Mat      P;
  PetscInt N;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(shape, sizeof(*shape)));
  PetscCall(PCGetOperators(pc, NULL, &P));
  PetscCall(MatGetSize(P, &N, NULL));
  PetscCall(OperatorDMDA(pc, P, N, shape));
  if (width > 0) {
    PetscCheck(N % width == 0, comm, PETSC_ERR_ARG_SIZ,
               "%s %" PetscInt_FMT " does not divide the %" PetscInt_FMT
               " unknowns of the operator",
               option, width, N);
    if (shape->da && shape->cols != width) shape->da = NULL; // the option overrides the DMDA
    shape->cols   = width;
    shape->rows   = N / width;
    shape->source = option;
    PetscFunctionReturn(0);
  }
  if (shape->da) PetscFunctionReturn(0);
  PetscInt bw;
  PetscCall(MatBandwidth(P, &bw));
  bw = PetscMax(bw, 1);
  if (N % bw == 0) {
    shape->cols   = bw;
    shape->rows   = N / bw;
    shape->source = "matrix bandwidth";
    PetscFunctionReturn(0);
  }
  PetscInt s = (PetscInt)PetscSqrtReal((PetscReal)N);
  while (s * s > N) s--;
  while ((s + 1) * (s + 1) <= N) s++;
  PetscCheck(s * s == N, comm, PETSC_ERR_ARG_SIZ,
             "cannot shape the %" PetscInt_FMT
             "-unknown field as a 2-D grid: the matrix bandwidth %" PetscInt_FMT
             " does not divide it; give %s W with W dividing %" PetscInt_FMT,
             N, bw, option, N);
  shape->cols   = s;
  shape->rows   = s;
  shape->source = "square field";
  PetscFunctionReturn(0);
}
