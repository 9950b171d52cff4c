#include "core/grid_lines.h"

#include <cstdint>
#include <cstring>
#include <vector>

static void *DefaultAlloc(size_t bytes)
{
  return malloc(bytes);
}

static void DefaultFree(void *p)
{
  free(p);
}

PetscErrorCode GridLinesCreate(PC pc, const GridShape             *shape, void *(*alloc)(size_t),
                               void (*dealloc)(void *), GridLines *g)
{
  Mat         P;
  PetscInt    lo, hi, rows = shape->rows, cols = shape->cols;
  PetscMPIInt whole, all_whole;
  IS          from, to;
  PetscInt   *idx;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(g, sizeof(*g)));
  g->comm = PetscObjectComm((PetscObject)pc);
  g->rows = rows;
  g->cols = cols;
  PetscCall(PCGetOperators(pc, NULL, &P));
  PetscCall(MatCreateVecs(P, &g->opv, NULL));
  PetscCall(VecGetOwnershipRange(g->opv, &lo, &hi));

  // The operator is in natural order unless it lives on a DMDA split along x (then PETSc's
  // order is by process patches and the DMDA's AO maps natural indices to it).
  const PetscBool natural = (PetscBool)(!shape->da || shape->da_procs_x == 1);
  whole                   = natural && lo % cols == 0 && hi % cols == 0;
  PetscCallMPI(MPI_Allreduce(&whole, &all_whole, 1, MPI_INT, MPI_MIN, g->comm));
  g->natural_rows = (PetscBool)all_whole;
  if (g->natural_rows) {
    g->r0     = lo / cols;
    g->nr     = (hi - lo) / cols;
    g->layout = shape->da ? "DMDA strips, natural order: no scatter into the row layout"
                          : "whole grid rows per rank, natural order: no scatter into rows";
  } else {
    g->nr = PETSC_DECIDE;
    PetscCall(PetscSplitOwnership(g->comm, &g->nr, &rows));
    PetscCallMPI(MPI_Scan(&g->nr, &g->r0, 1, MPIU_INT, MPI_SUM, g->comm));
    g->r0 -= g->nr;
    g->layout = natural ? "rows redistributed by a scatter (ranks own partial grid rows)"
                        : "DMDA patches, scattered to whole rows through the DMDA's AO";
  }
  g->nc = PETSC_DECIDE;
  PetscCall(PetscSplitOwnership(g->comm, &g->nc, &cols));
  PetscCallMPI(MPI_Scan(&g->nc, &g->c0, 1, MPIU_INT, MPI_SUM, g->comm));
  g->c0 -= g->nc;

  if (!alloc || !dealloc) {
    alloc   = DefaultAlloc;
    dealloc = DefaultFree;
  }
  const size_t nrow = (size_t)(g->nr * cols), ncol = (size_t)(g->nc * rows);
  g->row = (PetscScalar *)alloc(sizeof(PetscScalar) * PetscMax(nrow, (size_t)1));
  g->col = (PetscScalar *)alloc(sizeof(PetscScalar) * PetscMax(ncol, (size_t)1));
  PetscCheck(g->row && g->col, PETSC_COMM_SELF, PETSC_ERR_MEM,
             "grid lines: cannot allocate %zu + %zu scalars", nrow, ncol);
  g->dealloc = dealloc;
  PetscCall(VecCreateMPIWithArray(g->comm, 1, (PetscInt)nrow, rows * cols, g->row, &g->rowv));
  PetscCall(VecCreateMPIWithArray(g->comm, 1, (PetscInt)ncol, rows * cols, g->col, &g->colv));

  if (!g->natural_rows) {
    PetscCall(PetscMalloc1(nrow, &idx));
    for (size_t k = 0; k < nrow; k++) idx[k] = g->r0 * cols + (PetscInt)k;
    if (!natural) {
      AO ao;
      PetscCall(DMDAGetAO(shape->da, &ao));
      PetscCall(AOApplicationToPetsc(ao, (PetscInt)nrow, idx));
    }
    PetscCall(ISCreateGeneral(g->comm, (PetscInt)nrow, idx, PETSC_OWN_POINTER, &from));
    PetscCall(ISCreateStride(g->comm, (PetscInt)nrow, g->r0 * cols, 1, &to));
    PetscCall(VecScatterCreate(g->opv, from, g->rowv, to, &g->to_rows));
    PetscCall(ISDestroy(&from));
    PetscCall(ISDestroy(&to));
  }

  // Transpose: column-layout entry (i, j) at j*rows + i comes from row-layout i*cols + j.
  PetscCall(PetscMalloc1(ncol, &idx));
  for (PetscInt j = 0; j < g->nc; j++)
    for (PetscInt i = 0; i < rows; i++) idx[j * rows + i] = i * cols + g->c0 + j;
  PetscCall(ISCreateGeneral(g->comm, (PetscInt)ncol, idx, PETSC_OWN_POINTER, &from));
  PetscCall(ISCreateStride(g->comm, (PetscInt)ncol, g->c0 * rows, 1, &to));
  PetscCall(VecScatterCreate(g->rowv, from, g->colv, to, &g->transpose));
  PetscCall(ISDestroy(&from));
  PetscCall(ISDestroy(&to));
  PetscFunctionReturn(0);
}

PetscErrorCode GridLinesDestroy(GridLines *g)
{
  PetscFunctionBegin;
  PetscCall(VecScatterDestroy(&g->to_rows));
  PetscCall(VecScatterDestroy(&g->transpose));
  PetscCall(VecDestroy(&g->rowv));
  PetscCall(VecDestroy(&g->colv));
  PetscCall(VecDestroy(&g->opv));
  if (g->dealloc) {
    g->dealloc(g->row);
    g->dealloc(g->col);
  }
  PetscCall(PetscMemzero(g, sizeof(*g)));
  PetscFunctionReturn(0);
}

PetscErrorCode GridLinesToRows(GridLines *g, Vec x)
{
  PetscFunctionBegin;
  if (g->to_rows) {
    PetscCall(VecScatterBegin(g->to_rows, x, g->rowv, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(g->to_rows, x, g->rowv, INSERT_VALUES, SCATTER_FORWARD));
  } else {
    const PetscScalar *a;
    PetscCall(VecGetArrayRead(x, &a));
    PetscCall(PetscArraycpy(g->row, a, g->nr * g->cols));
    PetscCall(VecRestoreArrayRead(x, &a));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode GridLinesFromRows(GridLines *g, Vec y)
{
  PetscFunctionBegin;
  if (g->to_rows) {
    PetscCall(VecScatterBegin(g->to_rows, g->rowv, y, INSERT_VALUES, SCATTER_REVERSE));
    PetscCall(VecScatterEnd(g->to_rows, g->rowv, y, INSERT_VALUES, SCATTER_REVERSE));
  } else {
    PetscScalar *a;
    PetscCall(VecGetArrayWrite(y, &a));
    PetscCall(PetscArraycpy(a, g->row, g->nr * g->cols));
    PetscCall(VecRestoreArrayWrite(y, &a));
  }
  PetscFunctionReturn(0);
}

// The buffers are written directly: a get/restore pair advances the vector's state, so that
// nothing cached (norms) outlives the write.
static PetscErrorCode MarkWritten(Vec v)
{
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(VecGetArray(v, &a));
  PetscCall(VecRestoreArray(v, &a));
  PetscFunctionReturn(0);
}

PetscErrorCode GridLinesRowsToColumns(GridLines *g)
{
  PetscFunctionBegin;
  PetscCall(MarkWritten(g->rowv));
  PetscCall(VecScatterBegin(g->transpose, g->rowv, g->colv, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(g->transpose, g->rowv, g->colv, INSERT_VALUES, SCATTER_FORWARD));
  PetscFunctionReturn(0);
}

PetscErrorCode GridLinesColumnsToRows(GridLines *g)
{
  PetscFunctionBegin;
  PetscCall(MarkWritten(g->colv));
  PetscCall(VecScatterBegin(g->transpose, g->colv, g->rowv, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(g->transpose, g->colv, g->rowv, INSERT_VALUES, SCATTER_REVERSE));
  PetscFunctionReturn(0);
}

PetscReal GridD1Eigenvalue(PetscInt n, PetscInt k)
{
  const PetscReal s = PetscSinReal((k + 1) * PETSC_PI / (2.0 * (n + 1)));
  return 4.0 * s * s;
}

// A value in [-1, 1) from the natural index alone (splitmix64), so the probe is the same at
// every rank count and layout.
static PetscReal ProbeValue(PetscInt k)
{
  uint64_t z = (uint64_t)k + 0x9E3779B97F4A7C15ull;
  z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z          = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (PetscReal)(z >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

PetscErrorCode GridLinesFitStencil(PC pc, GridLines *g, GridStencilFit *fit)
{
  Mat            P;
  Vec            ax;
  const PetscInt rows = g->rows, cols = g->cols, nloc = g->nr * g->cols;
  PetscReal      v[6] = {0, 0, 0, 0, 0, 0}, s[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(fit, sizeof(*fit)));
  PetscCall(PCGetOperators(pc, NULL, &P));
  PetscCall(VecDuplicate(g->opv, &ax));

  // 1. The column of an interior grid point: centre, W, E (j -+ 1), S, N (i -+ 1).
  const PetscInt pi = rows / 2, pj = cols / 2;
  fit->pi = pi;
  fit->pj = pj;
  PetscCall(PetscArrayzero(g->row, nloc));
  if (pi >= g->r0 && pi < g->r0 + g->nr) g->row[(pi - g->r0) * cols + pj] = 1.0;
  PetscCall(GridLinesFromRows(g, g->opv));
  PetscCall(MatMult(P, g->opv, ax));
  PetscCall(GridLinesToRows(g, ax));
  auto in_stencil = [&](PetscInt i, PetscInt j) {
    return (i == pi && PetscAbsInt(j - pj) <= 1) || (j == pj && PetscAbsInt(i - pi) == 1);
  };
  for (PetscInt r = 0; r < g->nr; r++) // v[5]: squares outside the stencil
    for (PetscInt j = 0; j < cols; j++)
      if (!in_stencil(g->r0 + r, j))
        v[5] += PetscRealPart(g->row[r * cols + j] * PetscConj(g->row[r * cols + j]));
  auto at = [&](PetscInt i, PetscInt j) -> PetscReal {
    if (i < g->r0 || i >= g->r0 + g->nr || j < 0 || j >= cols || i < 0 || i >= rows) return 0.0;
    return PetscRealPart(g->row[(i - g->r0) * cols + j]);
  };
  v[0] = at(pi, pj);
  v[1] = at(pi, pj - 1);
  v[2] = at(pi, pj + 1);
  v[3] = at(pi - 1, pj);
  v[4] = at(pi + 1, pj);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, v, 6, MPIU_REAL, MPIU_SUM, g->comm));
  PetscReal five = 0.0;
  for (int k = 0; k < 5; k++) five += v[k] * v[k];
  fit->five_point    = (PetscBool)(five > 0.0 && v[5] <= 1e-24 * five);
  const PetscInt nxn = (pj > 0) + (pj < cols - 1), nyn = (pi > 0) + (pi < rows - 1);
  fit->cx = nxn ? -(v[1] + v[2]) / nxn : 0.0;
  fit->cy = nyn ? -(v[3] + v[4]) / nyn : 0.0;
  fit->c0 = v[0] - 2.0 * fit->cx - 2.0 * fit->cy;
  // The diagonal is known only to a few ulps: a smaller shift is indistinguishable from 0.
  if (PetscAbsReal(fit->c0) <= 8.0 * PETSC_MACHINE_EPSILON * PetscAbsReal(v[0])) fit->c0 = 0.0;

  // 2. The whole operator against the fitted stencil on a pseudo-random probe x.
  std::vector<PetscScalar> x(nloc), sx(nloc);
  for (PetscInt k = 0; k < nloc; k++) x[k] = g->row[k] = ProbeValue(g->r0 * cols + k);
  PetscCall(GridLinesFromRows(g, g->opv));
  PetscCall(MatMult(P, g->opv, ax));
  PetscCall(GridLinesRowsToColumns(g)); // cy Dyy x along the columns
  for (PetscInt j = 0; j < g->nc; j++) {
    PetscScalar *c = g->col + j * rows, prev = 0.0;
    for (PetscInt i = 0; i < rows; i++) {
      const PetscScalar cur = c[i], next = i + 1 < rows ? c[i + 1] : 0.0;
      c[i] = fit->cy * (2.0 * cur - prev - next);
      prev = cur;
    }
  }
  PetscCall(GridLinesColumnsToRows(g));
  for (PetscInt r = 0; r < g->nr; r++)
    for (PetscInt j = 0; j < cols; j++) {
      const PetscInt    k = r * cols + j;
      const PetscScalar w = j > 0 ? x[k - 1] : 0.0, e = j < cols - 1 ? x[k + 1] : 0.0;
      sx[k] = g->row[k] + fit->cx * (2.0 * x[k] - w - e) + fit->c0 * x[k];
    }
  PetscCall(GridLinesToRows(g, ax));
  for (PetscInt k = 0; k < nloc; k++) {
    s[0] += PetscRealPart((g->row[k] - sx[k]) * PetscConj(g->row[k] - sx[k]));
    s[1] += PetscRealPart(g->row[k] * PetscConj(g->row[k]));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s, 2, MPIU_REAL, MPIU_SUM, g->comm));
  fit->defect   = s[1] > 0.0 ? PetscSqrtReal(s[0] / s[1]) : PETSC_MAX_REAL;
  fit->constant = (PetscBool)(fit->five_point && fit->defect <= GRID_STENCIL_TOL);
  PetscCall(VecDestroy(&ax));
  PetscFunctionReturn(0);
}

PetscErrorCode GridDiagonalCoefficient(Mat P, PetscInt rows, PetscInt cols,
                                       GridCoefficientType type, PetscBool *available,
                                       PetscReal *coefficient, PetscReal *min_diagonal)
{
  Vec             d;
  PetscInt        N;
  PetscScalar     sum;
  PetscReal       dmax;
  const PetscReal hx = 1.0 / (cols + 1), hy = 1.0 / (rows + 1);
  const PetscReal d0 = 2.0 / (hx * hx) + 2.0 / (hy * hy);

  PetscFunctionBegin;
  *coefficient  = 0.0;
  *min_diagonal = 0.0;
  PetscCall(MatHasOperation(P, MATOP_GET_DIAGONAL, available));
  if (!*available) PetscFunctionReturn(0);
  PetscCall(MatCreateVecs(P, &d, NULL));
  PetscCall(MatGetDiagonal(P, d));
  PetscCall(VecGetSize(d, &N));
  PetscCall(VecMin(d, NULL, min_diagonal));
  PetscCall(VecMax(d, NULL, &dmax));
  if (*min_diagonal > 0.0) {
    switch (type) {
    case GRID_COEFFICIENT_MEAN:
      PetscCall(VecSum(d, &sum));
      *coefficient = PetscRealPart(sum) / (N * d0);
      break;
    case GRID_COEFFICIENT_HARMONIC:
      PetscCall(VecReciprocal(d));
      PetscCall(VecSum(d, &sum));
      *coefficient = N / (PetscRealPart(sum) * d0);
      break;
    case GRID_COEFFICIENT_MIDRANGE:
      *coefficient = 0.5 * (*min_diagonal + dmax) / d0;
      break;
    }
  }
  PetscCall(VecDestroy(&d));
  PetscFunctionReturn(0);
}

PetscErrorCode GridSeparableFitFree(GridSeparableFit *fit)
{
  PetscFunctionBegin;
  PetscCall(PetscFree3(fit->c, fit->td, fit->te));
  PetscCall(PetscMemzero(fit, sizeof(*fit)));
  PetscFunctionReturn(0);
}

PetscErrorCode GridLinesFitSeparable(PC pc, GridLines *g, GridSeparableFit *fit)
{
  Mat            P;
  Vec            ax;
  const PetscInt rows = g->rows, cols = g->cols, nloc = g->nr * g->cols, j0 = cols / 2;
  PetscReal      s[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(fit, sizeof(*fit)));
  PetscCall(PetscCalloc3(rows, &fit->c, rows, &fit->td, rows, &fit->te));
  if (cols < 2) PetscFunctionReturn(0);
  PetscCall(PCGetOperators(pc, NULL, &P));
  PetscCall(VecDuplicate(g->opv, &ax));

  // 1. Unit vectors at (i, j0) for i = r mod 3: row i of the product holds -c_i at (i, j0 +- 1)
  //    and T_ii + 2 c_i at (i, j0); rows i +- 1 hold T_{i+-1,i} at (i +- 1, j0).
  std::vector<PetscReal> diag(rows, 0.0);
  for (PetscInt r = 0; r < 3; r++) {
    PetscCall(PetscArrayzero(g->row, nloc));
    for (PetscInt i = g->r0; i < g->r0 + g->nr; i++)
      if (i % 3 == r) g->row[(i - g->r0) * cols + j0] = 1.0;
    PetscCall(GridLinesFromRows(g, g->opv));
    PetscCall(MatMult(P, g->opv, ax));
    PetscCall(GridLinesToRows(g, ax));
    for (PetscInt i = g->r0; i < g->r0 + g->nr; i++) {
      const PetscScalar *y = g->row + (i - g->r0) * cols;
      if (i % 3 == r) {
        fit->c[i] = -PetscRealPart(j0 + 1 < cols ? y[j0 + 1] : y[j0 - 1]);
        diag[i]   = PetscRealPart(y[j0]);
      } else if (i > 0 && (i - 1) % 3 == r)
        fit->te[i - 1] = PetscRealPart(y[j0]);
    }
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, fit->c, rows, MPIU_REAL, MPIU_SUM, g->comm));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, diag.data(), rows, MPIU_REAL, MPIU_SUM, g->comm));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, fit->te, rows, MPIU_REAL, MPIU_SUM, g->comm));
  for (PetscInt i = 0; i < rows; i++) {
    fit->td[i] = diag[i] - 2.0 * fit->c[i];
    // As for c0 of the stencil fit: a diagonal below 8 ulps of A_ii is rounding.
    if (PetscAbsReal(fit->td[i]) <= 8.0 * PETSC_MACHINE_EPSILON * PetscAbsReal(diag[i]))
      fit->td[i] = 0.0;
  }

  // 2. The operator against c_i Dxx + T on the probe.
  std::vector<PetscScalar> x(nloc), sx(nloc);
  for (PetscInt k = 0; k < nloc; k++) x[k] = g->row[k] = ProbeValue(g->r0 * cols + k);
  PetscCall(GridLinesFromRows(g, g->opv));
  PetscCall(MatMult(P, g->opv, ax));
  PetscCall(GridLinesRowsToColumns(g));
  for (PetscInt j = 0; j < g->nc; j++) {
    PetscScalar *cc = g->col + j * rows, prev = 0.0;
    for (PetscInt i = 0; i < rows; i++) {
      const PetscScalar cur = cc[i], next = i + 1 < rows ? cc[i + 1] : 0.0;
      cc[i] = fit->td[i] * cur + (i > 0 ? fit->te[i - 1] * prev : 0.0) +
              (i + 1 < rows ? fit->te[i] * next : 0.0);
      prev = cur;
    }
  }
  PetscCall(GridLinesColumnsToRows(g));
  for (PetscInt r = 0; r < g->nr; r++)
    for (PetscInt j = 0; j < cols; j++) {
      const PetscInt    k = r * cols + j;
      const PetscScalar w = j > 0 ? x[k - 1] : 0.0, e = j < cols - 1 ? x[k + 1] : 0.0;
      sx[k] = g->row[k] + fit->c[g->r0 + r] * (2.0 * x[k] - w - e);
    }
  PetscCall(GridLinesToRows(g, ax));
  for (PetscInt k = 0; k < nloc; k++) {
    s[0] += PetscRealPart((g->row[k] - sx[k]) * PetscConj(g->row[k] - sx[k]));
    s[1] += PetscRealPart(g->row[k] * PetscConj(g->row[k]));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s, 2, MPIU_REAL, MPIU_SUM, g->comm));
  fit->defect    = s[1] > 0.0 ? PetscSqrtReal(s[0] / s[1]) : PETSC_MAX_REAL;
  fit->separable = (PetscBool)(fit->defect <= GRID_STENCIL_TOL);
  PetscCall(VecDestroy(&ax));
  PetscFunctionReturn(0);
}
