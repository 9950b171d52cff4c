#include "problems/rhs.h"

// Rod positions are given at n = 32 (0-based, inclusive); other grids scale them by n/32.
static PetscInt Scale(PetscInt n, PetscInt index32)
{
  return (index32 * n) / 32;
}

PetscErrorCode RhsRods(const ProblemOptions *opts, DM da, Vec b)
{
  const PetscInt n = opts->n;
  struct Rod {
    PetscInt    i_first, i_last, j;
    PetscScalar value;
  } rods[2] = {
      {Scale(n, 3), Scale(n, 9) - 1, Scale(n, 4), 1.0},     // hot rod
      {Scale(n, 23), Scale(n, 29) - 1, Scale(n, 27), -1.0}, // cold rod
  };
  PetscScalar **bb;
  PetscInt      xs, ys, xm, ym;

  PetscFunctionBeginUser;
  PetscCheck(n >= 8, PetscObjectComm((PetscObject)da), PETSC_ERR_ARG_OUTOFRANGE,
             "the rod right-hand side needs n >= 8, got n = %" PetscInt_FMT, n);
  PetscCall(VecSet(b, 0.0));
  PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAVecGetArray(da, b, &bb));
  for (const Rod &rod : rods)
    for (PetscInt i = rod.i_first; i <= rod.i_last; i++)
      if (i >= ys && i < ys + ym && rod.j >= xs && rod.j < xs + xm) bb[i][rod.j] = rod.value;
  PetscCall(DMDAVecRestoreArray(da, b, &bb));
  PetscFunctionReturn(0);
}
