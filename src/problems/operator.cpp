#include "problems/operator.h"

#include <petscdmda.h>

#include "problems/problem_table.h"

PetscErrorCode OperatorAssemble(const ProblemOptions *opts, DM da, Mat *A)
{
  const PetscInt  n  = opts->n;
  const PetscReal h  = 1.0 / (n + 1);
  const PetscReal h2 = h * h;
  PetscInt        xs, ys, xm, ym;

  PetscFunctionBeginUser;
  PetscCall(DMCreateMatrix(da, A));
  PetscCall(MatSetOption(*A, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(MatSetOption(*A, MAT_SPD, PETSC_TRUE));
  PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  for (PetscInt i = ys; i < ys + ym; i++) { // reference slow index (DMDA y)
    const PetscReal a  = ProblemCoefficient(opts, i);
    const PetscReal ws = ProblemFaceTransmissibility(opts, i);     // face between i-1, i
    const PetscReal wn = ProblemFaceTransmissibility(opts, i + 1); // face between i, i+1
    for (PetscInt j = xs; j < xs + xm; j++) {                      // reference fast index (DMDA x)
      MatStencil  row = {0, i, j, 0}, col[5];
      PetscScalar v[5];
      PetscInt    nc = 0;
      // kron(Tx, I): couples (i, j) with (i +- 1, j); kron(diag(a), d1): (i, j +- 1).
      if (i > 0) {
        col[nc] = (MatStencil){0, i - 1, j, 0};
        v[nc++] = -ws / h2;
      }
      if (j > 0) {
        col[nc] = (MatStencil){0, i, j - 1, 0};
        v[nc++] = -a / h2;
      }
      col[nc] = row;
      v[nc++] = ((ws + wn) + 2.0 * a) / h2;
      if (j < n - 1) {
        col[nc] = (MatStencil){0, i, j + 1, 0};
        v[nc++] = -a / h2;
      }
      if (i < n - 1) {
        col[nc] = (MatStencil){0, i + 1, j, 0};
        v[nc++] = -wn / h2;
      }
      PetscCall(MatSetValuesStencil(*A, 1, &row, nc, col, v, INSERT_VALUES));
    }
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

PetscErrorCode OperatorAssembleChain(const ProblemOptions *opts, DM da, Mat *A)
{
  const PetscInt  n  = opts->n;
  const PetscReal h  = 1.0 / (n + 1);
  const PetscReal h2 = h * h;
  PetscInt        xs, xm;

  PetscFunctionBeginUser;
  PetscCall(DMCreateMatrix(da, A));
  PetscCall(MatSetOption(*A, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(MatSetOption(*A, MAT_SPD, PETSC_TRUE));
  PetscCall(DMDAGetCorners(da, &xs, NULL, NULL, &xm, NULL, NULL));
  for (PetscInt i = xs; i < xs + xm; i++) {
    MatStencil  row = {0, 0, i, 0}, col[3];
    PetscScalar v[3];
    PetscInt    nc = 0;
    if (i > 0) {
      col[nc] = (MatStencil){0, 0, i - 1, 0};
      v[nc++] = -1.0 / h2;
    }
    col[nc] = row;
    v[nc++] = 2.0 / h2;
    if (i < n - 1) {
      col[nc] = (MatStencil){0, 0, i + 1, 0};
      v[nc++] = -1.0 / h2;
    }
    PetscCall(MatSetValuesStencil(*A, 1, &row, nc, col, v, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}
