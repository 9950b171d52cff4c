// PC type "dst": A^{-1} for A = cx Dxx + cy Dyy + c0 I (Dxx = tridiag(-1, 2, -1) along grid
// rows, Dyy along grid columns, homogeneous Dirichlet) by the 2-D sine transform.
//
// With S_n the DST-I matrix of size n, S_n[j][k] = 2 sin(pi (j+1)(k+1) / (n+1)) (FFTW's
// RODFT00), S_n^2 = 2(n+1) I and S_n Dxx S_n^{-1} = diag(mu_k), mu_k = 4 sin^2((k+1) pi /
// (2(n+1))). Hence, for a field X (rows x cols, natural order),
//
//   A^{-1} X = S_rows (S_rows X S_cols ./ Lambda) S_cols / (4 (rows+1)(cols+1)),
//   Lambda[i][j] = cy mu_i(rows) + cx mu_j(cols) + c0,
//
// applied as: transform every grid row (local in the row layout), transpose, transform every
// grid column, divide, transform every grid column, transpose back, transform every grid row
// (core/grid_lines.h: the layouts and their VecScatter transposes). Four batches of 1-D FFTs and
// two all-to-all transposes: O(N log N) flops, O(N) memory traffic, no rank holds the grid.
//
// Setup reads the operator (core/grid_lines.h, GridLinesFitStencil): its column at an interior
// point gives cx, cy, c0, and a pseudo-random probe checks that the operator is exactly that
// stencil (relative defect <= 1e-10). Then M = A^{-1} (to round-off). Otherwise (a variable
// coefficient) M^{-1} = (c L_h)^{-1} with c from -pc_dst_scale; an operator that is not 5-point
// at the probed point, or whose diagonal is unavailable for midrange|mean|harmonic, is one
// error.
#include <fftw3.h>
#include <petsc/private/pcimpl.h>
#include <petscblaslapack.h>
#include <petsctime.h>

#include <climits>
#include <cstdlib>
#include <vector>

#include "core/grid_lines.h"
#include "core/grid_shape.h"
#include "preconditioners/dst/dst.h"

#if defined(PETSC_USE_COMPLEX) || !defined(PETSC_USE_REAL_DOUBLE)
#error "PC dst uses FFTW's real double-precision transforms: build PETSc with real doubles"
#endif

static const char *const planner_names[] = {"estimate", "measure", "patient"};
static const unsigned    planner_flags[] = {FFTW_ESTIMATE, FFTW_MEASURE, FFTW_PATIENT};
static const char *const scale_names[]   = {"midrange", "mean", "harmonic", "value"};

typedef struct {
  // settings
  PCDstScaleType scale_type;
  PetscReal      scale_value;
  PetscInt       grid_width; // 0: from the DMDA / the operator
  PetscInt       planner;    // index into planner_names / planner_flags
  PetscBool      separable;  // -pc_dst_separable
  // built by PCSetUp
  GridShape              shape;
  GridLines              g;
  PetscBool              lines;
  fftw_plan              plan_rows, plan_cols; // in place on g.row / g.col
  std::vector<PetscReal> lamx, lamy;           // cx mu_j + c0, cy mu_i
  std::vector<PetscReal> fd, fe; // separable: pttrf of T + mu_j diag(c) per owned column mode j
  PCDstInfo              info;
} PC_Dst;

static void *DstAlloc(size_t bytes)
{
  return fftw_malloc(bytes);
}

static void DstFree(void *p)
{
  fftw_free(p);
}

static PetscErrorCode PCReset_Dst(PC pc)
{
  PC_Dst *d = (PC_Dst *)pc->data;

  PetscFunctionBegin;
  if (d->plan_rows) fftw_destroy_plan(d->plan_rows);
  if (d->plan_cols) fftw_destroy_plan(d->plan_cols);
  d->plan_rows = d->plan_cols = NULL;
  if (d->lines) PetscCall(GridLinesDestroy(&d->g));
  d->lines = PETSC_FALSE;
  d->lamx.clear();
  d->lamy.clear();
  d->fd.clear();
  d->fe.clear();
  PetscCall(PetscMemzero(&d->info, sizeof(d->info)));
  PetscFunctionReturn(0);
}

// howmany in-place DST-I of length n, contiguous, one after the other.
static fftw_plan DstPlan(PetscInt n, PetscInt howmany, PetscScalar *a, unsigned flags)
{
  int                 len  = (int)n;
  const fftw_r2r_kind kind = FFTW_RODFT00;
  if (howmany == 0) return NULL;
  return fftw_plan_many_r2r(1, &len, (int)howmany, a, NULL, 1, len, a, NULL, 1, len, &kind, flags);
}

static PetscErrorCode PCSetUp_Dst(PC pc)
{
  PC_Dst        *d    = (PC_Dst *)pc->data;
  MPI_Comm       comm = PetscObjectComm((PetscObject)pc);
  Mat            P;
  GridStencilFit fit;
  PetscLogDouble t0, t1;
  PetscInt       rows, cols;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  PetscCall(PCReset_Dst(pc));
  PetscCall(PCGetOperators(pc, NULL, &P));
  PetscCall(GridShapeFromPC(pc, d->grid_width, "-pc_dst_grid_width", &d->shape));
  rows = d->shape.rows;
  cols = d->shape.cols;
  PetscCheck(rows <= INT_MAX && cols <= INT_MAX, comm, PETSC_ERR_ARG_SIZ,
             "PC dst: grid lines longer than FFTW's int sizes");
  PetscCall(GridLinesCreate(pc, &d->shape, DstAlloc, DstFree, &d->g));
  d->lines = PETSC_TRUE;
  PetscCall(GridLinesFitStencil(pc, &d->g, &fit));

  PCDstInfo *in      = &d->info;
  in->rows           = rows;
  in->cols           = cols;
  in->defect         = fit.defect;
  in->exact          = fit.constant;
  const PetscReal hx = 1.0 / (cols + 1), hy = 1.0 / (rows + 1);
  if (d->separable && !fit.constant && d->scale_type != PC_DST_SCALE_VALUE) {
    // A = diag(c) (x) Dxx + T (x) I: the sine transform along the rows leaves, for each mode
    // j, the tridiagonal T + mu_j diag(c) along the columns.
    GridSeparableFit sep;
    PetscCall(GridLinesFitSeparable(pc, &d->g, &sep));
    if (sep.separable) {
      PetscBLASInt bn, info;
      PetscCall(PetscBLASIntCast(rows, &bn));
      d->fd.resize(d->g.nc * rows);
      d->fe.resize(d->g.nc * rows);
      for (PetscInt j = 0; j < d->g.nc; j++) {
        PetscReal      *fd = &d->fd[j * rows], *fe = &d->fe[j * rows];
        const PetscReal mu = GridD1Eigenvalue(cols, d->g.c0 + j);
        for (PetscInt i = 0; i < rows; i++) {
          fd[i] = sep.td[i] + mu * sep.c[i];
          fe[i] = i + 1 < rows ? sep.te[i] : 0.0;
        }
        PetscCallBLAS("LAPACKpttrf", LAPACKpttrf_(&bn, fd, fe, &info));
        PetscCheck(
            info == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
            "PC dst: the operator is not positive definite (LAPACK pttrf of mode %" PetscInt_FMT
            " failed, info %d)",
            d->g.c0 + j, (int)info);
      }
      in->separable = PETSC_TRUE;
      in->exact     = PETSC_TRUE;
      in->defect    = sep.defect;
    }
    PetscCall(GridSeparableFitFree(&sep));
  }
  if (in->separable) {
    // cx, cy, c0 and the eigenvalue tables are not used
  } else if (d->scale_type == PC_DST_SCALE_VALUE) {
    in->exact = PETSC_FALSE;
    in->scale = d->scale_value;
  } else if (!fit.constant) {
    PetscBool available;
    PetscReal dmin;
    MatType   type;
    PetscCheck(fit.five_point, comm, PETSC_ERR_ARG_INCOMP,
               "PC dst: the operator is not a 5-point stencil on the %" PetscInt_FMT
               " x %" PetscInt_FMT " grid (its column at grid point (%" PetscInt_FMT
               ", %" PetscInt_FMT ") has entries outside it), so the sine transform cannot "
               "diagonalise it; -pc_dst_scale <c> preconditions with c times the 5-point Laplacian",
               rows, cols, fit.pi, fit.pj);
    PetscCall(GridDiagonalCoefficient(P, rows, cols,
                                      d->scale_type == PC_DST_SCALE_MEAN ? GRID_COEFFICIENT_MEAN
                                      : d->scale_type == PC_DST_SCALE_HARMONIC
                                          ? GRID_COEFFICIENT_HARMONIC
                                          : GRID_COEFFICIENT_MIDRANGE,
                                      &available, &in->scale, &dmin));
    PetscCall(MatGetType(P, &type));
    PetscCheck(available, comm, PETSC_ERR_ARG_INCOMP,
               "PC dst: the operator (%s) is not a constant-coefficient 5-point operator "
               "(relative defect %.2e) and provides no diagonal for -pc_dst_scale %s; give "
               "-pc_dst_scale <c>",
               type, (double)fit.defect, scale_names[d->scale_type]);
    PetscCheck(dmin > 0.0, comm, PETSC_ERR_ARG_INCOMP,
               "PC dst: the operator has a nonpositive diagonal entry (%g): not a Poisson "
               "operator; give -pc_dst_scale <c>",
               (double)dmin);
  }
  if (in->separable) {
    in->cx = in->cy = in->c0 = 0.0;
  } else if (in->exact) {
    in->cx = fit.cx;
    in->cy = fit.cy;
    in->c0 = fit.c0;
  } else {
    in->cx = in->scale / (hx * hx);
    in->cy = in->scale / (hy * hy);
    in->c0 = 0.0;
  }
  d->lamx.resize(cols);
  d->lamy.resize(rows);
  for (PetscInt j = 0; j < cols; j++) d->lamx[j] = in->cx * GridD1Eigenvalue(cols, j) + in->c0;
  for (PetscInt i = 0; i < rows; i++) d->lamy[i] = in->cy * GridD1Eigenvalue(rows, i);
  PetscReal lmin = PETSC_MAX_REAL;
  for (PetscReal a : {d->lamx.front(), d->lamx.back()})
    for (PetscReal b : {d->lamy.front(), d->lamy.back()}) lmin = PetscMin(lmin, a + b);
  PetscCheck(in->separable || lmin > 0.0, comm, PETSC_ERR_ARG_INCOMP,
             "PC dst: the operator %g Dxx + %g Dyy + %g I is not positive definite (eigenvalue "
             "%g): the transform would divide by zero or change sign",
             (double)in->cx, (double)in->cy, (double)in->c0, (double)lmin);

  // FFTW_MEASURE and FFTW_PATIENT time candidate algorithms on the buffers (overwriting them).
  d->plan_rows = DstPlan(cols, d->g.nr, d->g.row, planner_flags[d->planner]);
  d->plan_cols = DstPlan(rows, d->g.nc, d->g.col, planner_flags[d->planner]);
  PetscCheck((d->plan_rows || !d->g.nr) && (d->plan_cols || !d->g.nc), PETSC_COMM_SELF,
             PETSC_ERR_LIB, "PC dst: FFTW could not plan the transforms");
  PetscCall(PetscTime(&t1));
  in->setup_seconds = (PetscReal)(t1 - t0);
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApply_Dst(PC pc, Vec x, Vec y)
{
  PC_Dst         *d = (PC_Dst *)pc->data;
  GridLines      *g = &d->g;
  const PetscReal scale =
      1.0 / (4.0 * (PetscReal)(g->rows + 1) * (PetscReal)(g->cols + 1)); // S^2 = 2(n+1) per axis

  PetscFunctionBegin;
  PetscCall(GridLinesToRows(g, x));
  if (d->plan_rows) fftw_execute(d->plan_rows);
  PetscCall(GridLinesRowsToColumns(g));
  if (d->info.separable) { // one tridiagonal solve per mode along the columns
    PetscBLASInt    bn, one = 1, info;
    const PetscReal s1 = 1.0 / (2.0 * (PetscReal)(g->cols + 1));
    PetscCall(PetscBLASIntCast(g->rows, &bn));
    for (PetscInt j = 0; j < g->nc; j++) {
      PetscScalar *c = g->col + j * g->rows;
      PetscCallBLAS("LAPACKpttrs", LAPACKpttrs_(&bn, &one, &d->fd[j * g->rows], &d->fe[j * g->rows],
                                                c, &bn, &info));
      PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "PC dst: LAPACK pttrs failed (info %d)",
                 (int)info);
      for (PetscInt i = 0; i < g->rows; i++) c[i] *= s1;
    }
    PetscCall(GridLinesColumnsToRows(g));
    if (d->plan_rows) fftw_execute(d->plan_rows);
    PetscCall(GridLinesFromRows(g, y));
    PetscFunctionReturn(0);
  }
  if (d->plan_cols) fftw_execute(d->plan_cols);
  for (PetscInt j = 0; j < g->nc; j++) {
    PetscScalar    *c  = g->col + j * g->rows;
    const PetscReal lx = d->lamx[g->c0 + j];
    for (PetscInt i = 0; i < g->rows; i++) c[i] *= scale / (lx + d->lamy[i]);
  }
  if (d->plan_cols) fftw_execute(d->plan_cols);
  PetscCall(GridLinesColumnsToRows(g));
  if (d->plan_rows) fftw_execute(d->plan_rows);
  PetscCall(GridLinesFromRows(g, y));
  PetscCall(PetscLogFlops(5.0 * g->nc * g->rows));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCView_Dst(PC pc, PetscViewer viewer)
{
  PC_Dst   *d = (PC_Dst *)pc->data;
  PetscBool iascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (!iascii) PetscFunctionReturn(0);
  if (d->scale_type == PC_DST_SCALE_VALUE)
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  2-D sine transform (FFTW RODFT00, planner %s), scale %g\n",
                                     planner_names[d->planner], (double)d->scale_value));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  2-D sine transform (FFTW RODFT00, planner %s), scale %s\n",
                                     planner_names[d->planner], scale_names[d->scale_type]));
  if (!pc->setupcalled || !d->lines) PetscFunctionReturn(0);
  const PCDstInfo *in = &d->info;
  PetscCall(PetscViewerASCIIPrintf(viewer,
                                   "  grid %" PetscInt_FMT " x %" PetscInt_FMT " (%s); %s\n",
                                   in->rows, in->cols, d->shape.source, d->g.layout));
  if (in->separable)
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  exact inverse of diag(c) (x) Dxx + T (x) I (coefficient "
                                     "varying with the grid row; sine transforms along the rows, "
                                     "tridiagonal solves along the columns; defect %.1e)\n",
                                     (double)in->defect));
  else if (in->exact)
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  exact inverse of %.17g Dxx + %.17g Dyy + %g I (stencil "
                                     "defect %.1e)\n",
                                     (double)in->cx, (double)in->cy, (double)in->c0,
                                     (double)in->defect));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  preconditioner: inverse of %g times the 5-point Laplacian "
                                     "(the operator's stencil defect is %.2e)\n",
                                     (double)in->scale, (double)in->defect));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  setup %.3f s\n", (double)in->setup_seconds));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetFromOptions_Dst(PC pc, PetscOptionItems *PetscOptionsObject)
{
  PC_Dst   *d = (PC_Dst *)pc->data;
  char      text[64];
  PetscBool set;
  MPI_Comm  comm  = PetscObjectComm((PetscObject)pc);
  PetscInt  width = d->grid_width;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "2-D sine transform (DST-I) options");
  if (d->scale_type == PC_DST_SCALE_VALUE)
    PetscCall(PetscSNPrintf(text, sizeof(text), "%.17g", (double)d->scale_value));
  else
    PetscCall(PetscStrncpy(text, scale_names[d->scale_type], sizeof(text)));
  PetscCall(PetscOptionsString("-pc_dst_scale",
                               "Variable coefficient: precondition with c times the Laplacian, "
                               "c = midrange|mean|harmonic (of the operator's diagonal)|<value>",
                               "PCDstSetScale", text, text, sizeof(text), &set));
  if (set) {
    PetscBool mean, harmonic, midrange;
    PetscCall(PetscStrcmp(text, "midrange", &midrange));
    PetscCall(PetscStrcmp(text, "mean", &mean));
    PetscCall(PetscStrcmp(text, "harmonic", &harmonic));
    if (midrange)
      PetscCall(PCDstSetScale(pc, PC_DST_SCALE_MIDRANGE, 0.0));
    else if (mean)
      PetscCall(PCDstSetScale(pc, PC_DST_SCALE_MEAN, 0.0));
    else if (harmonic)
      PetscCall(PCDstSetScale(pc, PC_DST_SCALE_HARMONIC, 0.0));
    else {
      char     *end;
      PetscReal v = (PetscReal)strtod(text, &end);
      PetscCheck(end != text && *end == '\0' && PetscIsNormalReal(v) && v > 0.0, comm,
                 PETSC_ERR_ARG_OUTOFRANGE,
                 "PC dst: -pc_dst_scale must be midrange, mean, harmonic or a positive number, got "
                 "'%s'",
                 text);
      PetscCall(PCDstSetScale(pc, PC_DST_SCALE_VALUE, v));
    }
  }
  PetscCall(PetscOptionsInt("-pc_dst_grid_width",
                            "Grid width (fast index) when the operator has no DMDA (0: infer)",
                            "PCDst", width, &width, NULL));
  PetscCheck(width >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "PC dst: -pc_dst_grid_width must be >= 0, got %" PetscInt_FMT, width);
  {
    PetscBool sep = d->separable;
    PetscCall(PetscOptionsBool("-pc_dst_separable",
                               "Exact inverse of operators whose coefficient depends on the grid "
                               "row (sine transforms along rows, tridiagonal solves along columns)",
                               "PCDst", sep, &sep, NULL));
    if (sep != d->separable) pc->setupcalled = 0;
    d->separable = sep;
  }
  {
    PetscInt planner = d->planner;
    PetscCall(
        PetscOptionsEList("-pc_dst_fftw_planner",
                          "FFTW planner effort (measure/patient time the candidates at setup)",
                          "PCDst", planner_names, 3, planner_names[planner], &planner, NULL));
    if (planner != d->planner) pc->setupcalled = 0;
    d->planner = planner;
  }
  if (width != d->grid_width) pc->setupcalled = 0;
  d->grid_width = width;
  PetscOptionsHeadEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode PCDstSetScale_Dst(PC pc, PCDstScaleType type, PetscReal value)
{
  PC_Dst *d = (PC_Dst *)pc->data;

  PetscFunctionBegin;
  PetscCheck(type != PC_DST_SCALE_VALUE || (PetscIsNormalReal(value) && value > 0.0),
             PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "PC dst: the scale must be a positive number, got %g", (double)value);
  if (type != d->scale_type || value != d->scale_value) pc->setupcalled = 0;
  d->scale_type  = type;
  d->scale_value = type == PC_DST_SCALE_VALUE ? value : 0.0;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCDstGetInfo_Dst(PC pc, PCDstInfo *info)
{
  PC_Dst *d = (PC_Dst *)pc->data;

  PetscFunctionBegin;
  PetscCheck(d->lines, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER,
             "PC dst: call PCSetUp() first");
  *info = d->info;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCDestroy_Dst(PC pc)
{
  PetscFunctionBegin;
  PetscCall(PCReset_Dst(pc));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCDstSetScale_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCDstGetInfo_C", NULL));
  delete (PC_Dst *)pc->data;
  pc->data = NULL;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCCreate_Dst(PC pc)
{
  PC_Dst *d = new PC_Dst();

  PetscFunctionBegin;
  d->scale_type = PC_DST_SCALE_MIDRANGE;
  pc->data      = (void *)d;

  pc->ops->setup          = PCSetUp_Dst;
  pc->ops->apply          = PCApply_Dst;
  pc->ops->applytranspose = PCApply_Dst; // symmetric
  pc->ops->view           = PCView_Dst;
  pc->ops->setfromoptions = PCSetFromOptions_Dst;
  pc->ops->reset          = PCReset_Dst;
  pc->ops->destroy        = PCDestroy_Dst;
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCDstSetScale_C", PCDstSetScale_Dst));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCDstGetInfo_C", PCDstGetInfo_Dst));
  PetscFunctionReturn(0);
}

PetscErrorCode PCDstSetScale(PC pc, PCDstScaleType type, PetscReal value)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCDstSetScale_C", (PC, PCDstScaleType, PetscReal), (pc, type, value));
  PetscFunctionReturn(0);
}

PetscErrorCode PCDstGetInfo(PC pc, PCDstInfo *info)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCDstGetInfo_C", (PC, PCDstInfo *), (pc, info));
  PetscFunctionReturn(0);
}
