// PC type "adi": Peaceman-Rachford ADI as a preconditioner (adi.h).
//
// The operator is read as A = H + V, H = diag(c) (x) Dxx (grid row i couples along j with
// weight c_i), V = T (x) I (T tridiagonal, coupling the grid rows; core/grid_lines.h,
// GridLinesFitSeparable): the constant operator (c_i = cx, T = cy Dyy + c0 I) and any
// coefficient that depends on the slow index only (the variable problem). With
// D = diag(c) (x) I the scaled parts D^{-1}H = I (x) Dxx and D^{-1}V = C^{-1}T (x) I commute, so
// the ADI iteration for D^{-1}A with shifts s_m is a symmetric preconditioner of A:
//   rows half-step     (H + s_m D) x' = w_m,              w_1 = r, w_m = (s_m D - V) x + r
//   columns half-step  (V + s_m D) x  = u_m = (s_m D - H) x' + r
// Neither H nor V is ever multiplied: (s_m D - H) x' = 2 s_m D x' - w_m and
// (s_{m+1} D - V) x = (s_m + s_{m+1}) D x - u_m. A row half-step is
// x' = (Dxx + s_m)^{-1} (w / c_i) on every grid row, a column half-step (T + s_m C)^{-1} u on
// every grid column: one batch of tridiagonal solves each (LAPACK pttrs, all grid lines of a
// rank as the right-hand sides of one call, the pttrf factors computed at setup), in the row
// and the column layout of core/grid_lines.h; each double sweep costs two VecScatter transposes.
// For k = 1 and a constant operator this is 2 sigma (V + sigma)^{-1} (H + sigma)^{-1} r.
//
// The error of the cycle is prod_m R_m with R_m = (V + s_m D)^{-1}(s_m D - H)(H + s_m D)^{-1}
// (s_m D - V), so M^{-1} A = I - prod_m R_m, whose eigenvalues are 1 - g(lx) g(ly) in (0, 2)
// over the eigenvalues lx of Dxx and ly of C^{-1}T. An operator of neither form (a coefficient
// varying along the rows) gets the ADI of c L_h, c the midrange coefficient (as PC dst).
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
  std::vector<PetscReal>   c, td, te;      // H = diag(c) (x) Dxx, V = T (x) I
  PetscReal                scale;          // shifts in D^{-1}A units times scale = info's units
  std::vector<PetscReal>   s;              // shifts in D^{-1}A units
  std::vector<PetscReal>   dx, ex, dy, ey; // pttrf factors per shift: rows (Dxx + s), columns
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
  d->c.clear();
  d->td.clear();
  d->te.clear();
  d->s.clear();
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

// pttrf of the tridiagonal (diagonal dd, off-diagonal ee) of size n, in place.
static PetscErrorCode AdiFactor(PetscInt n, PetscReal *dd, PetscReal *ee)
{
  PetscBLASInt bn, info;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCallBLAS("LAPACKpttrf", LAPACKpttrf_(&bn, dd, ee, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB,
             "PC adi: LAPACK pttrf failed (info %d): the shifted line operator is not positive "
             "definite",
             (int)info);
  PetscFunctionReturn(0);
}

// Smallest and largest eigenvalue of the symmetric tridiagonal (d, e) of size n (LAPACK stebz).
static PetscErrorCode AdiTridiagonalExtremes(PetscInt n, const PetscReal *d, const PetscReal *e,
                                             PetscReal *lo, PetscReal *hi)
{
  PetscBLASInt              bn, il, m, nsplit, info;
  const PetscReal           zero = 0.0, abstol = 0.0;
  std::vector<PetscReal>    w(n), work(4 * n + 4);
  std::vector<PetscBLASInt> iblock(n), isplit(n), iwork(3 * n + 3);

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(n, &bn));
  for (int end = 0; end < 2; end++) {
    il = end ? bn : 1;
    PetscCallBLAS("LAPACKstebz", LAPACKstebz_("I", "E", &bn, &zero, &zero, &il, &il, &abstol, d, e,
                                              &m, &nsplit, w.data(), iblock.data(), isplit.data(),
                                              work.data(), iwork.data(), &info));
    PetscCheck(info == 0 && m == 1, PETSC_COMM_SELF, PETSC_ERR_LIB,
               "PC adi: LAPACK stebz failed (info %d)", (int)info);
    *(end ? hi : lo) = w[0];
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetUp_Adi(PC pc)
{
  PC_Adi          *d    = (PC_Adi *)pc->data;
  MPI_Comm         comm = PetscObjectComm((PetscObject)pc);
  Mat              P;
  GridSeparableFit fit;
  PetscLogDouble   t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  PetscCall(PCReset_Adi(pc));
  PetscCall(PCGetOperators(pc, NULL, &P));
  PetscCall(GridShapeFromPC(pc, d->grid_width, "-pc_adi_grid_width", &d->shape));
  const PetscInt rows = d->shape.rows, cols = d->shape.cols;
  PetscCall(GridLinesCreate(pc, &d->shape, NULL, NULL, &d->g));
  d->lines = PETSC_TRUE;
  PetscCall(GridLinesFitSeparable(pc, &d->g, &fit));

  PCAdiInfo *in = &d->info;
  in->rows      = rows;
  in->cols      = cols;
  in->exact     = fit.separable;
  in->defect    = fit.defect;
  if (fit.separable) {
    d->c.assign(fit.c, fit.c + rows);
    d->td.assign(fit.td, fit.td + rows);
    d->te.assign(fit.te, fit.te + rows);
  } else {
    GridStencilFit st;
    PetscBool      available;
    PetscReal      c, dmin;
    PetscCall(GridLinesFitStencil(pc, &d->g, &st));
    PetscCheck(st.five_point, comm, PETSC_ERR_ARG_INCOMP,
               "PC adi: the operator is not a 5-point stencil on the %" PetscInt_FMT
               " x %" PetscInt_FMT " grid (its column at grid point (%" PetscInt_FMT
               ", %" PetscInt_FMT ") has entries outside it): no row/column splitting",
               rows, cols, st.pi, st.pj);
    PetscCall(
        GridDiagonalCoefficient(P, rows, cols, GRID_COEFFICIENT_MIDRANGE, &available, &c, &dmin));
    PetscCheck(available && dmin > 0.0, comm, PETSC_ERR_ARG_INCOMP,
               "PC adi: the operator's coefficient varies along the grid rows (relative defect "
               "%.2e of the row-separable form) and it %s",
               (double)fit.defect,
               available ? "has a nonpositive diagonal" : "provides no diagonal (MatGetDiagonal)");
    const PetscReal ihx2 = (cols + 1.0) * (cols + 1.0), ihy2 = (rows + 1.0) * (rows + 1.0);
    d->c.assign(rows, c * ihx2);
    d->td.assign(rows, 2.0 * c * ihy2);
    d->te.assign(rows, -c * ihy2);
  }
  PetscCall(GridSeparableFitFree(&fit));
  d->te[rows - 1] = 0.0;

  // Constant rows (all c_i equal): report in the operator's units, H = cx Dxx, V = T.
  PetscBool constant = PETSC_TRUE;
  for (PetscInt i = 0; i < rows; i++) {
    PetscCheck(d->c[i] > 0.0, comm, PETSC_ERR_ARG_INCOMP,
               "PC adi: grid row %" PetscInt_FMT " has a nonpositive coupling weight %g along the "
               "row: not a Poisson operator",
               i, (double)d->c[i]);
    constant = (PetscBool)(constant && d->c[i] == d->c[0] && d->td[i] == d->td[0] &&
                           (i + 1 == rows || d->te[i] == d->te[0]));
  }
  d->scale = constant ? d->c[0] : 1.0;
  in->cx   = constant ? d->c[0] : 0.0;
  in->cy   = constant && rows > 1 ? -d->te[0] : 0.0;
  in->c0   = constant ? d->td[0] - 2.0 * in->cy : 0.0;

  // Spectra of D^{-1}H (Dxx, closed form) and D^{-1}V (C^{-1/2} T C^{-1/2}, LAPACK).
  std::vector<PetscReal> sd(rows), se(rows);
  for (PetscInt i = 0; i < rows; i++) {
    sd[i] = d->td[i] / d->c[i];
    se[i] = i + 1 < rows ? d->te[i] / PetscSqrtReal(d->c[i] * d->c[i + 1]) : 0.0;
  }
  PetscReal vlo = 0.0, vhi = 0.0;
  PetscCall(AdiTridiagonalExtremes(rows, sd.data(), se.data(), &vlo, &vhi));
  const PetscReal a = PetscMin(GridD1Eigenvalue(cols, 0), vlo);
  const PetscReal b = PetscMax(GridD1Eigenvalue(cols, cols - 1), vhi);
  in->lambda_1      = a * d->scale;
  in->lambda_n      = b * d->scale;
  PetscCheck(a > 0.0, comm, PETSC_ERR_ARG_INCOMP,
             "PC adi: the row and column operators are not positive definite (smallest "
             "eigenvalue %g)",
             (double)in->lambda_1);
  in->nshifts = d->nshifts;
  d->s.resize(d->nshifts);
  if (d->nshifts == 1)
    d->s[0] = d->shift > 0.0 ? d->shift / d->scale : PetscSqrtReal(a * b);
  else
    PetscCall(PCAdiWachspressShifts(a, b, d->nshifts, d->s.data(), NULL));
  for (PetscInt m = 0; m < d->nshifts; m++) in->shifts[m] = d->s[m] * d->scale;

  const PetscInt k = d->nshifts;
  d->dx.resize(k * cols);
  d->ex.resize(k * cols);
  d->dy.resize(k * rows);
  d->ey.resize(k * rows);
  for (PetscInt m = 0; m < k; m++) {
    PetscReal *dx = &d->dx[m * cols], *ex = &d->ex[m * cols];
    PetscReal *dy = &d->dy[m * rows], *ey = &d->ey[m * rows];
    for (PetscInt j = 0; j < cols; j++) {
      dx[j] = 2.0 + d->s[m];
      ex[j] = -1.0;
    }
    for (PetscInt i = 0; i < rows; i++) {
      dy[i] = d->td[i] + d->s[m] * d->c[i];
      ey[i] = d->te[i];
    }
    PetscCall(AdiFactor(cols, dx, ex));
    PetscCall(AdiFactor(rows, dy, ey));
  }
  d->w.resize(d->g.nr * cols);
  d->u.resize(d->g.nc * rows);
  if (k > 1) {
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
  const PetscReal *s = d->s.data(), *c = d->c.data();

  PetscFunctionBegin;
  PetscCall(GridLinesToRows(g, x)); // row = r = w_1
  if (k > 1) {
    std::copy(g->row, g->row + nrow, d->rrow.begin());
    PetscCall(GridLinesRowsToColumns(g));
    std::copy(g->col, g->col + ncol, d->rcol.begin());
  }
  for (PetscInt m = 0; m < k; m++) {
    // rows: x' = (Dxx + s_m)^{-1} (w_m / c_i); u_m = 2 s_m c_i x' - w_m + r
    std::copy(g->row, g->row + nrow, d->w.begin());
    for (PetscInt r = 0; r < g->nr; r++) {
      const PetscReal ic = 1.0 / c[g->r0 + r];
      for (PetscInt j = 0; j < cols; j++) g->row[r * cols + j] *= ic;
    }
    PetscCall(AdiSolve(cols, g->nr, &d->dx[m * cols], &d->ex[m * cols], g->row));
    for (PetscInt r = 0; r < g->nr; r++) {
      const PetscReal    f = 2.0 * s[m] * c[g->r0 + r];
      PetscScalar       *v = g->row + r * cols;
      const PetscScalar *w = d->w.data() + r * cols;
      if (m == 0)
        for (PetscInt j = 0; j < cols; j++) v[j] *= f;
      else
        for (PetscInt j = 0; j < cols; j++) v[j] = f * v[j] - w[j] + d->rrow[r * cols + j];
    }
    PetscCall(GridLinesRowsToColumns(g));
    // columns: x = (T + s_m C)^{-1} u_m; w_{m+1} = (s_m + s_{m+1}) c_i x - u_m + r
    if (m + 1 < k) std::copy(g->col, g->col + ncol, d->u.begin());
    PetscCall(AdiSolve(rows, g->nc, &d->dy[m * rows], &d->ey[m * rows], g->col));
    if (m + 1 < k) {
      for (PetscInt j = 0; j < g->nc; j++)
        for (PetscInt i = 0; i < rows; i++) {
          const PetscInt t = j * rows + i;
          g->col[t]        = (s[m] + s[m + 1]) * c[i] * g->col[t] - d->u[t] + d->rcol[t];
        }
      PetscCall(GridLinesColumnsToRows(g));
    }
  }
  PetscCall(GridLinesColumnsToRows(g));
  PetscCall(GridLinesFromRows(g, y));
  PetscCall(PetscLogFlops(k * (12.0 * rows * cols)));
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
  if (in->cx > 0.0)
    PetscCall(PetscViewerASCIIPrintf(
        viewer, "  H = %g Dxx, V = %g Dyy + %g I (%s, defect %.1e)\n", (double)in->cx,
        (double)in->cy, (double)in->c0,
        in->exact ? "A = H + V" : "of the midrange-coefficient Laplacian", (double)in->defect));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  H = diag(c) (x) Dxx, V = T (x) I: coefficient varying with "
                                     "the grid row, D-weighted shifts (defect %.1e)\n",
                                     (double)in->defect));
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
