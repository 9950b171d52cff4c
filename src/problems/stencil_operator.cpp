#include "problems/stencil_operator.h"

#include <petscdmda.h>

#include <vector>

#include "problems/problem_table.h"

namespace {

// Row (i, j) of A: centre c_i, slow-axis neighbours s_i (i-1) and n_i (i+1), fast-axis
// neighbours e_i (j +- 1); all divided by h^2 already (docs/problems.md).
struct StencilContext {
  DM                     da;
  Vec                    xlocal;
  std::vector<PetscReal> centre, south, north, east; // indexed by the slow index i
};

PetscErrorCode StencilApply(Mat A, Vec x, Vec y, PetscBool add)
{
  StencilContext    *ctx;
  const PetscScalar *xl;
  PetscScalar       *yy;
  PetscInt           xs, ys, xm, ym, gxs, gys, gxm, gym;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &ctx));
  PetscCall(DMGlobalToLocalBegin(ctx->da, x, INSERT_VALUES, ctx->xlocal));
  PetscCall(DMGlobalToLocalEnd(ctx->da, x, INSERT_VALUES, ctx->xlocal));
  PetscCall(DMDAGetCorners(ctx->da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAGetGhostCorners(ctx->da, &gxs, &gys, NULL, &gxm, &gym, NULL));
  PetscCall(VecGetArrayRead(ctx->xlocal, &xl));
  PetscCall(VecGetArray(y, &yy));
  // DM_BOUNDARY_NONE: the local array has no ghost points outside the domain, so neighbours
  // across the boundary (homogeneous Dirichlet values) are skipped explicitly.
  const PetscInt n = (PetscInt)ctx->centre.size();
  for (PetscInt i = ys; i < ys + ym; i++) {
    const PetscScalar *row  = xl + (i - gys) * gxm + (xs - gxs);
    const PetscScalar *rowS = i > 0 ? row - gxm : NULL, *rowN = i < n - 1 ? row + gxm : NULL;
    PetscScalar       *out        = yy + (i - ys) * xm;
    const bool         southGhost = i == ys, northGhost = i == ys + ym - 1;
    const PetscReal    c = ctx->centre[i], s = ctx->south[i], no = ctx->north[i], e = ctx->east[i];
    for (PetscInt j = 0; j < xm; j++) {
      const PetscInt    jg = xs + j;
      const PetscScalar w = jg > 0 ? row[j - 1] : 0.0, ea = jg < n - 1 ? row[j + 1] : 0.0;
      // Summed in the order MatMult_MPIAIJ uses, so that the product equals the assembled
      // matrix's bit for bit in the default strip layout: first the on-process columns in
      // increasing order with one accumulator, then the off-process (ghost) ones.
      PetscScalar v = 0.0;
      if (rowS && !southGhost) v += -s * rowS[j];
      if (jg > 0) v += -e * w;
      v += c * row[j];
      if (jg < n - 1) v += -e * ea;
      if (rowN && !northGhost) v += -no * rowN[j];
      if (rowS && southGhost) v += -s * rowS[j];
      if (rowN && northGhost) v += -no * rowN[j];
      out[j] = add ? out[j] + v : v;
    }
  }
  PetscCall(VecRestoreArray(y, &yy));
  PetscCall(VecRestoreArrayRead(ctx->xlocal, &xl));
  PetscCall(PetscLogFlops(9.0 * xm * ym));
  PetscFunctionReturn(0);
}

PetscErrorCode StencilMult(Mat A, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  PetscCall(StencilApply(A, x, y, PETSC_FALSE));
  PetscFunctionReturn(0);
}

// y = z + A x
PetscErrorCode StencilMultAdd(Mat A, Vec x, Vec z, Vec y)
{
  PetscFunctionBeginUser;
  if (z != y) PetscCall(VecCopy(z, y));
  PetscCall(StencilApply(A, x, y, PETSC_TRUE));
  PetscFunctionReturn(0);
}

PetscErrorCode StencilGetDiagonal(Mat A, Vec d)
{
  StencilContext *ctx;
  PetscScalar   **dd;
  PetscInt        xs, ys, xm, ym;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &ctx));
  PetscCall(DMDAGetCorners(ctx->da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAVecGetArray(ctx->da, d, &dd));
  for (PetscInt i = ys; i < ys + ym; i++)
    for (PetscInt j = xs; j < xs + xm; j++) dd[i][j] = ctx->centre[i];
  PetscCall(DMDAVecRestoreArray(ctx->da, d, &dd));
  PetscFunctionReturn(0);
}

PetscErrorCode StencilDestroy(Mat A)
{
  StencilContext *ctx;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &ctx));
  PetscCall(VecDestroy(&ctx->xlocal));
  PetscCall(DMDestroy(&ctx->da));
  delete ctx;
  PetscFunctionReturn(0);
}

} // namespace

PetscErrorCode OperatorCreateStencil(const ProblemOptions *opts, DM da, Mat *A)
{
  const PetscInt  n  = opts->n;
  const PetscReal h  = 1.0 / (n + 1);
  const PetscReal h2 = h * h;
  PetscInt        xm, ym;
  StencilContext *ctx = new StencilContext;

  PetscFunctionBeginUser;
  ctx->da = da;
  PetscCall(PetscObjectReference((PetscObject)da));
  PetscCall(DMCreateLocalVector(da, &ctx->xlocal));
  ctx->centre.resize(n), ctx->south.resize(n), ctx->north.resize(n), ctx->east.resize(n);
  // The same expressions, in the same order, as OperatorAssemble().
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal a  = ProblemCoefficient(opts, i);
    const PetscReal ws = ProblemFaceTransmissibility(opts, i);
    const PetscReal wn = ProblemFaceTransmissibility(opts, i + 1);
    ctx->centre[i]     = ((ws + wn) + 2.0 * a) / h2;
    ctx->south[i]      = ws / h2;
    ctx->north[i]      = wn / h2;
    ctx->east[i]       = a / h2;
  }
  PetscCall(DMDAGetCorners(da, NULL, NULL, NULL, &xm, &ym, NULL));
  PetscCall(
      MatCreateShell(PetscObjectComm((PetscObject)da), xm * ym, xm * ym, n * n, n * n, ctx, A));
  PetscCall(MatShellSetOperation(*A, MATOP_MULT, (void (*)(void))StencilMult));
  PetscCall(MatShellSetOperation(*A, MATOP_MULT_ADD, (void (*)(void))StencilMultAdd));
  PetscCall(MatShellSetOperation(*A, MATOP_GET_DIAGONAL, (void (*)(void))StencilGetDiagonal));
  PetscCall(MatShellSetOperation(*A, MATOP_DESTROY, (void (*)(void))StencilDestroy));
  PetscCall(MatSetDM(*A, da));
  PetscCall(MatSetOption(*A, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(MatSetOption(*A, MAT_SPD, PETSC_TRUE));
  PetscFunctionReturn(0);
}
