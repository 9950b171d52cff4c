// PC type "adi": Peaceman-Rachford ADI as a preconditioner (adi.h).
//
// The k-shift cycle from x = 0, for shifts sigma_1..sigma_k:
//   rows half-step     (H + s_m) x' = w_m,               w_1 = r, w_m = (s_m - V) x + r
//   columns half-step  (V + s_m) x  = u_m = (s_m - H) x' + r
// Neither H nor V is ever multiplied: (s_m - H) x' = 2 s_m x' - w_m and
// (s_{m+1} - V) x = (s_m + s_{m+1}) x - u_m, so each half-step is one batch of tridiagonal
// solves (LAPACK pttrs, all grid lines of a rank as the right-hand sides of one call, the
// factor from pttrf at setup) and an axpy. The row half-steps work in the row layout, the
// column half-steps in the column layout of core/grid_lines.h; each double sweep costs two
// VecScatter transposes. For k = 1 this is 2 sigma (V + sigma)^{-1} (H + sigma)^{-1} r.
//
// The error of the cycle is prod_m R_m, R_m = (V + s_m)^{-1}(s_m - H)(H + s_m)^{-1}(s_m - V),
// so M^{-1} A = I - prod_m R_m, whose eigenvalues are 1 - g(lx) g(ly) in (0, 2).
#include <petsc/private/pcimpl.h>
#include <petscblaslapack.h>
#include <petsctime.h>

#include <vector>

#include "core/grid_lines.h"
#include "core/grid_shape.h"
#include "preconditioners/adi/adi.h"

typedef struct {
  // settings
  PetscReal shift;   // 0: sqrt(lambda_1 lambda_n)
  PetscInt  nshifts; // k
  PetscInt  grid_width;
  // built by PCSetUp
  GridShape                shape;
  GridLines                g;
  PetscBool                lines;
  std::vector<PetscReal>   dx, ex, dy, ey; // pttrf factors per shift: rows (length cols), columns
  std::vector<PetscScalar> w, u, rrow, rcol;
  PCAdiInfo                info;
} PC_Adi;

// K(kappa) and dn(frac K, kappa) by the arithmetic-geometric mean (Abramowitz & Stegun 16.4,
// 17.6), given the complementary modulus kp = sqrt(1 - kappa^2) directly so that kappa near 1
// (a tiny a/b) loses no digits.
static void EllipticDn(PetscReal kp, PetscReal frac, PetscReal *dn)
{
  PetscReal a[64], c[64], b = kp;
  int       N = 0;

  a[0] = 1.0;
  c[0] = PetscSqrtReal((1.0 - kp) * (1.0 + kp));
  while (N < 63 && PetscAbsReal(c[N]) > 1e-17 * a[N]) {
    const PetscReal an = a[N];
    a[N + 1]           = 0.5 * (an + b);
    c[N + 1]           = 0.5 * (an - b);
    b                  = PetscSqrtReal(an * b);
    N++;
  }
  if (N == 0) {
    *dn = 1.0;
    return;
  }
  const PetscReal K = PETSC_PI / (2.0 * a[N]);
  PetscReal       phi[64];
  phi[N] = PetscPowReal(2.0, N) * a[N] * frac * K;
  for (int n = N; n >= 1; n--)
    phi[n - 1] = 0.5 * (phi[n] + asin(c[n] / a[n] * PetscSinReal(phi[n])));
  *dn = PetscCosReal(phi[0]) / PetscCosReal(phi[1] - phi[0]);
}

PetscErrorCode PCAdiWachspressShifts(PetscReal a, PetscReal b, PetscInt k, PetscReal shifts[],
                                     PetscReal *delta)
{
  PetscFunctionBegin;
  PetscCheck(a > 0.0 && b >= a && k >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "Wachspress shifts need 0 < a <= b and k >= 1, got a = %g, b = %g, k = %" PetscInt_FMT,
             (double)a, (double)b, k);
  for (PetscInt m = 1; m <= k; m++) {
    PetscReal dn = 1.0;
    if (b > a) EllipticDn(a / b, (2.0 * m - 1.0) / (2.0 * k), &dn);
    shifts[m - 1] = b * dn;
  }
  if (delta) { // max over [a, b] of |prod (s - l)/(s + l)|, sampled geometrically
    const PetscInt samples = 4096;
    PetscReal      worst   = 0.0;
    for (PetscInt t = 0; t <= samples; t++) {
      const PetscReal l = a * PetscPowReal(b / a, (PetscReal)t / samples);
      PetscReal       g = 1.0;
      for (PetscInt m = 0; m < k; m++) g *= (shifts[m] - l) / (shifts[m] + l);
      worst = PetscMax(worst, PetscAbsReal(g));
    }
    *delta = worst;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PCReset_Adi(PC pc)
{
  PC_Adi *d = (PC_Adi *)pc->data;

  PetscFunctionBegin;
  if (d->lines) PetscCall(GridLinesDestroy(&d->g));
  d->lines = PETSC_FALSE;
  d->dx.clear();
  d->ex.clear();
  d->dy.clear();
  d->ey.clear();
  d->w.clear();
  d->u.clear();
  d->rrow.clear();
  d->rcol.clear();
  PetscCall(PetscMemzero(&d->info, sizeof(d->info)));
  PetscFunctionReturn(0);
}

// pttrf of c*tridiag(-1, 2, -1) + (c0/2 + s) I of size n into d[n], e[n-1].
static PetscErrorCode AdiFactor(PetscInt n, PetscReal c, PetscReal diag, PetscReal *dd,
                                PetscReal *ee)
{
  PetscBLASInt bn, info;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(n, &bn));
  for (PetscInt i = 0; i < n; i++) dd[i] = 2.0 * c + diag;
  for (PetscInt i = 0; i + 1 < n; i++) ee[i] = -c;
  PetscCallBLAS("LAPACKpttrf", LAPACKpttrf_(&bn, dd, ee, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB,
             "PC adi: LAPACK pttrf failed (info %d): the shifted line operator is not positive "
             "definite",
             (int)info);
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetUp_Adi(PC pc)
{
  PC_Adi        *d    = (PC_Adi *)pc->data;
  MPI_Comm       comm = PetscObjectComm((PetscObject)pc);
  Mat            P;
  GridStencilFit fit;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  PetscCall(PCReset_Adi(pc));
  PetscCall(PCGetOperators(pc, NULL, &P));
  PetscCall(GridShapeFromPC(pc, d->grid_width, "-pc_adi_grid_width", &d->shape));
  const PetscInt rows = d->shape.rows, cols = d->shape.cols;
  PetscCall(GridLinesCreate(pc, &d->shape, NULL, NULL, &d->g));
  d->lines = PETSC_TRUE;
  PetscCall(GridLinesFitStencil(pc, &d->g, &fit));

  PCAdiInfo *in = &d->info;
  in->rows      = rows;
  in->cols      = cols;
  in->exact     = fit.constant;
  in->defect    = fit.defect;
  if (fit.constant) {
    in->cx = fit.cx;
    in->cy = fit.cy;
    in->c0 = fit.c0;
  } else {
    PetscBool available;
    PetscReal c, dmin;
    PetscCheck(fit.five_point, comm, PETSC_ERR_ARG_INCOMP,
               "PC adi: the operator is not a 5-point stencil on the %" PetscInt_FMT
               " x %" PetscInt_FMT " grid (its column at grid point (%" PetscInt_FMT
               ", %" PetscInt_FMT ") has entries outside it): no row/column splitting",
               rows, cols, fit.pi, fit.pj);
    PetscCall(
        GridDiagonalCoefficient(P, rows, cols, GRID_COEFFICIENT_MIDRANGE, &available, &c, &dmin));
    PetscCheck(available && dmin > 0.0, comm, PETSC_ERR_ARG_INCOMP,
               "PC adi: the operator is not constant-coefficient (relative defect %.2e) and %s",
               (double)fit.defect,
               available ? "has a nonpositive diagonal" : "provides no diagonal (MatGetDiagonal)");
    in->cx = c * (cols + 1.0) * (cols + 1.0);
    in->cy = c * (rows + 1.0) * (rows + 1.0);
    in->c0 = 0.0;
  }
  // Spectral interval of H and V together.
  const PetscReal hlo = in->cx * GridD1Eigenvalue(cols, 0) + 0.5 * in->c0;
  const PetscReal hhi = in->cx * GridD1Eigenvalue(cols, cols - 1) + 0.5 * in->c0;
  const PetscReal vlo = in->cy * GridD1Eigenvalue(rows, 0) + 0.5 * in->c0;
  const PetscReal vhi = in->cy * GridD1Eigenvalue(rows, rows - 1) + 0.5 * in->c0;
  in->lambda_1        = PetscMin(PetscMin(hlo, hhi), PetscMin(vlo, vhi));
  in->lambda_n        = PetscMax(PetscMax(hlo, hhi), PetscMax(vlo, vhi));
  PetscCheck(in->lambda_1 > 0.0, comm, PETSC_ERR_ARG_INCOMP,
             "PC adi: the row and column operators are not positive definite (smallest "
             "eigenvalue %g)",
             (double)in->lambda_1);
  in->nshifts = d->nshifts;
  if (d->nshifts == 1)
    in->shifts[0] = d->shift > 0.0 ? d->shift : PetscSqrtReal(in->lambda_1 * in->lambda_n);
  else
    PetscCall(PCAdiWachspressShifts(in->lambda_1, in->lambda_n, d->nshifts, in->shifts, NULL));

  const PetscInt k = d->nshifts;
  d->dx.resize(k * cols);
  d->ex.resize(k * cols);
  d->dy.resize(k * rows);
  d->ey.resize(k * rows);
  for (PetscInt m = 0; m < k; m++) {
    PetscCall(
        AdiFactor(cols, in->cx, 0.5 * in->c0 + in->shifts[m], &d->dx[m * cols], &d->ex[m * cols]));
    PetscCall(
        AdiFactor(rows, in->cy, 0.5 * in->c0 + in->shifts[m], &d->dy[m * rows], &d->ey[m * rows]));
  }
  d->w.resize(d->g.nr * cols);
  if (k > 1) {
    d->u.resize(d->g.nc * rows);
    d->rrow.resize(d->g.nr * cols);
    d->rcol.resize(d->g.nc * rows);
  }
  PetscCall(PetscTime(&t1));
  in->setup_seconds = (PetscReal)(t1 - t0);
  PetscFunctionReturn(0);
}

// Solves with the factor (dd, ee) of size n for nrhs contiguous right-hand sides in b.
static PetscErrorCode AdiSolve(PetscInt n, PetscInt nrhs, const PetscReal *dd, const PetscReal *ee,
                               PetscScalar *b)
{
  PetscBLASInt bn, bnrhs, info;

  PetscFunctionBegin;
  if (!nrhs) PetscFunctionReturn(0);
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(nrhs, &bnrhs));
  PetscCallBLAS("LAPACKpttrs", LAPACKpttrs_(&bn, &bnrhs, dd, ee, b, &bn, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "PC adi: LAPACK pttrs failed (info %d)",
             (int)info);
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApply_Adi(PC pc, Vec x, Vec y)
{
  PC_Adi          *d = (PC_Adi *)pc->data;
  GridLines       *g = &d->g;
  const PetscInt   k = d->nshifts, rows = g->rows, cols = g->cols;
  const PetscInt   nrow = g->nr * cols, ncol = g->nc * rows;
  const PetscReal *s = d->info.shifts;

  PetscFunctionBegin;
  PetscCall(GridLinesToRows(g, x)); // row = r = w_1
  if (k > 1) {
    std::copy(g->row, g->row + nrow, d->rrow.begin());
    PetscCall(GridLinesRowsToColumns(g));
    std::copy(g->col, g->col + ncol, d->rcol.begin());
  }
  for (PetscInt m = 0; m < k; m++) {
    // rows: x' = (H + s_m)^{-1} w_m; u_m = 2 s_m x' - w_m + r
    std::copy(g->row, g->row + nrow, d->w.begin());
    PetscCall(AdiSolve(cols, g->nr, &d->dx[m * cols], &d->ex[m * cols], g->row));
    if (m == 0)
      for (PetscInt t = 0; t < nrow; t++) g->row[t] *= 2.0 * s[m];
    else
      for (PetscInt t = 0; t < nrow; t++) g->row[t] = 2.0 * s[m] * g->row[t] - d->w[t] + d->rrow[t];
    PetscCall(GridLinesRowsToColumns(g));
    // columns: x = (V + s_m)^{-1} u_m; w_{m+1} = (s_m + s_{m+1}) x - u_m + r
    if (m + 1 < k) std::copy(g->col, g->col + ncol, d->u.begin());
    PetscCall(AdiSolve(rows, g->nc, &d->dy[m * rows], &d->ey[m * rows], g->col));
    if (m + 1 < k) {
      for (PetscInt t = 0; t < ncol; t++)
        g->col[t] = (s[m] + s[m + 1]) * g->col[t] - d->u[t] + d->rcol[t];
      PetscCall(GridLinesColumnsToRows(g));
    }
  }
  PetscCall(GridLinesColumnsToRows(g));
  PetscCall(GridLinesFromRows(g, y));
  PetscCall(PetscLogFlops(k * (10.0 * rows * cols)));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCView_Adi(PC pc, PetscViewer viewer)
{
  PC_Adi   *d = (PC_Adi *)pc->data;
  PetscBool iascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (!iascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  Peaceman-Rachford ADI, %" PetscInt_FMT " shift%s (%s)\n", d->nshifts,
      d->nshifts > 1 ? "s" : "",
      d->nshifts > 1 ? "Wachspress" : (d->shift > 0.0 ? "user" : "sqrt(lambda_1 lambda_n)")));
  if (!pc->setupcalled || !d->lines) PetscFunctionReturn(0);
  const PCAdiInfo *in = &d->info;
  PetscCall(PetscViewerASCIIPrintf(viewer,
                                   "  grid %" PetscInt_FMT " x %" PetscInt_FMT " (%s); %s\n",
                                   in->rows, in->cols, d->shape.source, d->g.layout));
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  H = %g Dxx + %g I, V = %g Dyy + %g I (%s, stencil defect %.1e)\n", (double)in->cx,
      0.5 * (double)in->c0, (double)in->cy, 0.5 * (double)in->c0,
      in->exact ? "A = H + V" : "of the midrange-coefficient Laplacian", (double)in->defect));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  spectra of H, V in [%g, %g]; shifts",
                                   (double)in->lambda_1, (double)in->lambda_n));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_FALSE));
  for (PetscInt m = 0; m < in->nshifts; m++)
    PetscCall(PetscViewerASCIIPrintf(viewer, " %.8g", (double)in->shifts[m]));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_TRUE));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetFromOptions_Adi(PC pc, PetscOptionItems *PetscOptionsObject)
{
  PC_Adi   *d     = (PC_Adi *)pc->data;
  PetscReal shift = d->shift;
  PetscInt  k = d->nshifts, width = d->grid_width;
  PetscBool set_shift, set_k;
  MPI_Comm  comm = PetscObjectComm((PetscObject)pc);

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Peaceman-Rachford ADI options");
  PetscCall(PetscOptionsReal("-pc_adi_shift",
                             "The single shift sigma > 0 (default sqrt(lambda_1 lambda_n))",
                             "PCAdiSetShift", shift, &shift, &set_shift));
  PetscCall(PetscOptionsInt("-pc_adi_shifts",
                            "Number k of shifts in the cycle (Wachspress for k > 1)",
                            "PCAdiSetShifts", k, &k, &set_k));
  PetscCall(PetscOptionsInt("-pc_adi_grid_width",
                            "Grid width (fast index) when the operator has no DMDA (0: infer)",
                            "PCAdi", width, &width, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(width >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "PC adi: -pc_adi_grid_width must be >= 0, got %" PetscInt_FMT, width);
  if (width != d->grid_width) pc->setupcalled = 0;
  d->grid_width = width;
  if (set_shift) {
    PetscCheck(shift > 0.0 && PetscIsNormalReal(shift), comm, PETSC_ERR_ARG_OUTOFRANGE,
               "PC adi: the shift -pc_adi_shift must be a positive number, got %g", (double)shift);
    PetscCall(PCAdiSetShift(pc, shift));
  }
  if (set_k) PetscCall(PCAdiSetShifts(pc, k));
  PetscCheck(!(d->shift > 0.0 && d->nshifts > 1), comm, PETSC_ERR_ARG_INCOMP,
             "PC adi: -pc_adi_shift sets the single shift; with -pc_adi_shifts %" PetscInt_FMT
             " the shifts are Wachspress's",
             d->nshifts);
  PetscFunctionReturn(0);
}

static PetscErrorCode PCAdiSetShift_Adi(PC pc, PetscReal sigma)
{
  PC_Adi *d = (PC_Adi *)pc->data;

  PetscFunctionBegin;
  PetscCheck(sigma >= 0.0 && !PetscIsInfOrNanReal(sigma), PetscObjectComm((PetscObject)pc),
             PETSC_ERR_ARG_OUTOFRANGE, "PC adi: the shift must be positive, got %g", (double)sigma);
  if (sigma != d->shift) pc->setupcalled = 0;
  d->shift = sigma;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCAdiSetShifts_Adi(PC pc, PetscInt k)
{
  PC_Adi *d = (PC_Adi *)pc->data;

  PetscFunctionBegin;
  PetscCheck(
      k >= 1 && k <= PC_ADI_MAX_SHIFTS, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
      "PC adi: -pc_adi_shifts must be between 1 and %d, got %" PetscInt_FMT, PC_ADI_MAX_SHIFTS, k);
  if (k != d->nshifts) pc->setupcalled = 0;
  d->nshifts = k;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCAdiGetInfo_Adi(PC pc, PCAdiInfo *info)
{
  PC_Adi *d = (PC_Adi *)pc->data;

  PetscFunctionBegin;
  PetscCheck(d->lines, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER,
             "PC adi: call PCSetUp() first");
  *info = d->info;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCDestroy_Adi(PC pc)
{
  PetscFunctionBegin;
  PetscCall(PCReset_Adi(pc));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCAdiSetShift_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCAdiSetShifts_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCAdiGetInfo_C", NULL));
  delete (PC_Adi *)pc->data;
  pc->data = NULL;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCCreate_Adi(PC pc)
{
  PC_Adi *d = new PC_Adi();

  PetscFunctionBegin;
  d->nshifts = 1;
  pc->data   = (void *)d;

  pc->ops->setup          = PCSetUp_Adi;
  pc->ops->apply          = PCApply_Adi;
  pc->ops->applytranspose = PCApply_Adi; // symmetric: H and V commute
  pc->ops->view           = PCView_Adi;
  pc->ops->setfromoptions = PCSetFromOptions_Adi;
  pc->ops->reset          = PCReset_Adi;
  pc->ops->destroy        = PCDestroy_Adi;
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCAdiSetShift_C", PCAdiSetShift_Adi));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCAdiSetShifts_C", PCAdiSetShifts_Adi));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCAdiGetInfo_C", PCAdiGetInfo_Adi));
  PetscFunctionReturn(0);
}

PetscErrorCode PCAdiSetShift(PC pc, PetscReal sigma)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCAdiSetShift_C", (PC, PetscReal), (pc, sigma));
  PetscFunctionReturn(0);
}

PetscErrorCode PCAdiSetShifts(PC pc, PetscInt k)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCAdiSetShifts_C", (PC, PetscInt), (pc, k));
  PetscFunctionReturn(0);
}

PetscErrorCode PCAdiGetInfo(PC pc, PCAdiInfo *info)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCAdiGetInfo_C", (PC, PCAdiInfo *), (pc, info));
  PetscFunctionReturn(0);
}
