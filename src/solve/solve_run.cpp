#include "solve/solve_run.h"

#include <petsc/private/kspimpl.h> // normsupporttable: which norms a KSP type can monitor

#include <unistd.h>

#include <cmath>

#include "core/view_text.h"
#include "krylov/error_test/error_test.h"
#include "krylov/optimal_scale/optimal_scale.h"
#include "preconditioners/twolevel/twolevel.h"
#include "solve/method.h"
#include "solve/protocol.h"

// Log stages "<method>: setup" and "<method>: solve", so -log_view shows where time goes.
static PetscErrorCode MethodStage(const char *method, const char *what, PetscLogStage *stage)
{
  char name[2 * POISSON_NAME_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s: %s", method, what));
  PetscCall(PetscLogStageGetId(name, stage));
  if (*stage < 0) PetscCall(PetscLogStageRegister(name, stage));
  PetscFunctionReturn(0);
}

// The protocol asks for the unpreconditioned norm (the method files set it); a KSP type that
// cannot monitor it (MINRES, ...) falls back to its own default norm, with a notice, rather
// than failing in KSPSetUp: rtol and the history then refer to that norm.
static PetscErrorCode FallBackFromUnsupportedNorm(KSP ksp)
{
  KSPType type;

  PetscFunctionBeginUser;
  if (ksp->normtype != KSP_NORM_UNPRECONDITIONED) PetscFunctionReturn(0);
  if (ksp->normsupporttable[KSP_NORM_UNPRECONDITIONED][PC_LEFT] > 0 ||
      ksp->normsupporttable[KSP_NORM_UNPRECONDITIONED][PC_RIGHT] > 0)
    PetscFunctionReturn(0);
  PetscCall(KSPGetType(ksp, &type));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)ksp),
                        "note: KSP type %s cannot monitor the unpreconditioned norm; it stops on "
                        "its own default norm (rtol and the history refer to that norm)\n",
                        type));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_DEFAULT));
  PetscFunctionReturn(0);
}

// The residual history, grown on demand. It may hold max_it + 1 entries, but -ksp_max_it can be
// as large as 2^31 - 1: allocating that up front (16 GiB, and an int overflow in max_it + 1) is
// wrong, so the buffer starts at min(max_it + 1, POISSON_HISTORY_INITIAL) entries (the protocol's
// 2001 fit) and a monitor doubles it whenever fewer than POISSON_HISTORY_SLACK entries are left
// (the KSPs log one entry per monitor call), never beyond max_it + 1. The entries are PETSc's
// own history, so the recorded values are the same as with a buffer allocated at full size.
#define POISSON_HISTORY_INITIAL 4096
#define POISSON_HISTORY_SLACK 64

typedef struct {
  PetscReal *data;
  size_t     capacity, limit;
} HistoryBuffer;

static PetscErrorCode HistoryGrow(KSP ksp, PetscInt, PetscReal, void *ctx)
{
  HistoryBuffer *h = (HistoryBuffer *)ctx;
  PetscReal     *data;

  PetscFunctionBeginUser;
  if (ksp->res_hist != h->data || h->capacity >= h->limit ||
      h->capacity - ksp->res_hist_len > POISSON_HISTORY_SLACK)
    PetscFunctionReturn(0);
  const size_t capacity = PetscMin(2 * h->capacity, h->limit);
  PetscCall(PetscMalloc1(capacity, &data));
  PetscCall(PetscArraycpy(data, h->data, ksp->res_hist_len));
  PetscCall(PetscFree(h->data));
  h->data           = data;
  h->capacity       = capacity;
  ksp->res_hist     = data;
  ksp->res_hist_max = capacity;
  PetscFunctionReturn(0);
}

// x* is kept with b under this name (PetscObjectCompose), one factorization per problem.
#define POISSON_DIRECT_SOLUTION_KEY "poisson_direct_solution"

// Estimated bytes of the sparse Cholesky factor of the n x n 5-point operator under nested
// dissection: nnz(L) ~ 31/8 N log2(N) = 7.75 N log2(n) entries at ~12 bytes (value and index).
static double DirectFactorBytes(PetscInt n)
{
  const double N = (double)n * (double)n;
  return 93.0 * N * PetscMax(1.0, std::log2((double)n));
}

PetscErrorCode SolveCheckErrorTest(MPI_Comm comm, const char *prefix, PetscInt n)
{
  PetscBool   on = PETSC_FALSE, mumps = PETSC_FALSE, found_type = PETSC_FALSE;
  PetscMPIInt size, node_size;
  MPI_Comm    node;
  double      ratio = 0.0, sizes[2];

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetBool(NULL, prefix, "-ksp_converged_error", &on, NULL));
  if (!on) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MatSolverTypeGet(MATSOLVERMUMPS, size > 1 ? MATMPIAIJ : MATSEQAIJ, MAT_FACTOR_CHOLESKY,
                             &found_type, &mumps, NULL));
  PetscCheck(mumps || size == 1, comm, PETSC_ERR_ARG_INCOMP,
             "-%sksp_converged_error needs x* from a direct solve, and this PETSc has no "
             "parallel direct solver (MUMPS) for %d ranks: run on one rank or without "
             "-%sksp_converged_error",
             prefix, (int)size, prefix);
  // The factor is shared by the ranks (MUMPS distributes it); the node with the least room
  // per rank decides, as in ProblemCheckSize.
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_size(node, &node_size));
  PetscCallMPI(MPI_Comm_free(&node));
  const double pages = (double)sysconf(_SC_PHYS_PAGES), page = (double)sysconf(_SC_PAGESIZE);
  const double have = pages > 0 && page > 0 ? pages * page : 0.0; // 0: unknown, no check
  const double need = DirectFactorBytes(n) * node_size / size;
  if (have > 0) ratio = need / have;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ratio, 1, MPI_DOUBLE, MPI_MAX, comm));
  sizes[0] = need;
  sizes[1] = have;
  PetscCallMPI(MPI_Bcast(sizes, 2, MPI_DOUBLE, 0, comm));
  PetscCheck(ratio <= 1.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-%sksp_converged_error needs x* from a direct solve, but the Cholesky factor of "
             "n = %" PetscInt_FMT " (N = %.4g unknowns) needs about %.1f GiB on one node "
             "(nested dissection estimate, shared by the ranks) and the node has %.1f GiB: "
             "use a smaller n, more nodes, or the residual criterion",
             prefix, n, (double)n * (double)n, sizes[0] / 1073741824.0, sizes[1] / 1073741824.0);
  PetscFunctionReturn(0);
}

PetscErrorCode SolveDirectSolution(const Problem *p, Vec *xstar)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)p->A);
  PetscObject        cached;
  KSP                ksp;
  PC                 pc;
  Vec                x;
  PetscBool          mumps;
  PetscMPIInt        size;
  KSPConvergedReason reason;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectQuery((PetscObject)p->b, POISSON_DIRECT_SOLUTION_KEY, &cached));
  if (cached) {
    *xstar = (Vec)cached;
    PetscFunctionReturn(0);
  }
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MatGetFactorAvailable(p->A, MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, &mumps));
  PetscCheck(mumps || size == 1, comm, PETSC_ERR_ARG_INCOMP,
             "no parallel direct solver (MUMPS) in this PETSc: the direct solution x* needs one "
             "rank");
  PetscCall(VecDuplicate(p->b, &x));
  PetscCall(PetscObjectSetName((PetscObject)x, "direct_solution"));
  PetscCall(KSPCreate(comm, &ksp));
  PetscCall(KSPSetOptionsPrefix(ksp, "direct_"));
  PetscCall(KSPSetOperators(ksp, p->A, p->A));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCCHOLESKY));
  PetscCall(PCFactorSetMatSolverType(pc, mumps ? MATSOLVERMUMPS : MATSOLVERPETSC));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(KSPSolve(ksp, p->b, x));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCall(KSPDestroy(&ksp));
  if (reason < 0) PetscCall(VecDestroy(&x));
  PetscCheck(reason >= 0, comm, PETSC_ERR_NOT_CONVERGED,
             "the direct solve for x* failed (%s): no error-based stopping or direct comparison "
             "is possible for this problem",
             KSPConvergedReasons[reason]);
  PetscCall(PetscObjectCompose((PetscObject)p->b, POISSON_DIRECT_SOLUTION_KEY, (PetscObject)x));
  PetscCall(VecDestroy(&x)); // b holds it now
  PetscCall(PetscObjectQuery((PetscObject)p->b, POISSON_DIRECT_SOLUTION_KEY, &cached));
  *xstar = (Vec)cached;
  PetscFunctionReturn(0);
}

PetscErrorCode SolveRun(const Problem *p, const char *method, const char *prefix,
                        PetscBool compare_direct, SolveRecord *rec)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)p->A);
  KSP            ksp;
  PC             pc;
  PetscLogStage  stage_setup, stage_solve;
  PetscLogDouble t0, t1, t2, f0, f1, f2;
  PetscInt       max_it;
  PetscReal      bnorm;
  HistoryBuffer  hist = {NULL, 0, 0};
  KSPType        ktype;
  PCType         ptype;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(rec, sizeof(*rec)));
  PetscCall(PetscStrncpy(rec->method, method, sizeof(rec->method)));
  rec->direct_relerror           = -1.0;
  rec->final_relerror            = -1.0;
  rec->rate                      = -1.0;
  rec->scale_lambda_min          = -1.0;
  rec->scale_lambda_max          = -1.0;
  rec->flops_model_per_iteration = NAN;
  rec->span_per_iteration        = NAN;
  PetscCall(MethodStage(method, "setup", &stage_setup));
  PetscCall(MethodStage(method, "solve", &stage_solve));

  PetscCall(KSPCreate(comm, &ksp));
  PetscCall(KSPSetOptionsPrefix(ksp, prefix));
  PetscCall(KSPSetOperators(ksp, p->Aop, p->A));
  // The solve protocol (docs/protocol.md) as defaults; the method file and the command line
  // override.
  PetscCall(KSPSetSolveProtocol(ksp));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(FallBackFromUnsupportedNorm(ksp));
  // Error-based stopping (-ksp_converged_error): x* by one direct solve per problem, done
  // here, before the timed set-up and solve.
  {
    KSPErrorNorm norm;
    PetscCall(KSPErrorTestFromOptions(ksp, &rec->error_test, &norm));
    if (rec->error_test) {
      Vec xstar;
      PetscCall(SolveCheckErrorTest(comm, prefix, p->opts.n));
      PetscCall(SolveDirectSolution(p, &xstar));
      PetscCall(KSPSetConvergenceTestError(ksp, xstar, p->Aop, norm));
      PetscCall(PetscStrncpy(rec->error_norm, KSPErrorNorms[norm], sizeof(rec->error_norm)));
    }
  }
  PetscCall(KSPGetTolerances(ksp, NULL, NULL, NULL, &max_it));
  // PETSc takes -ksp_max_it -1 (PETSC_DECIDE) and then runs one iteration with no history.
  PetscCheck(max_it >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-%sksp_max_it must be at least 0, got %" PetscInt_FMT, prefix, max_it);
  hist.limit    = (size_t)PetscMax(max_it, 1) + 1; // KSPCG iterates once even at max_it 0
  hist.capacity = PetscMin(hist.limit, (size_t)POISSON_HISTORY_INITIAL);
  PetscCall(PetscMalloc1(hist.capacity, &hist.data));
  PetscCall(KSPSetResidualHistory(ksp, hist.data, (PetscInt)hist.capacity, PETSC_TRUE));
  if (hist.capacity < hist.limit) PetscCall(KSPMonitorSet(ksp, HistoryGrow, &hist, NULL));

  PetscCall(DMCreateGlobalVector(p->da, &rec->x));
  PetscCall(PetscObjectSetName((PetscObject)rec->x, "solution"));

  PetscCall(PetscBarrier((PetscObject)ksp));
  PetscCall(PetscTime(&t0));
  PetscCall(PetscGetFlops(&f0));
  PetscCall(PetscLogStagePush(stage_setup));
  PetscCall(KSPSetUp(ksp));
  PetscCall(KSPSetUpOnBlocks(ksp)); // block Jacobi / ASM factor their blocks here
  PetscCall(KSPGetPC(ksp, &pc));
  // -ksp_richardson_optimal_scale: alpha* = 2/(lambda_min + lambda_max) of C A (SLEPc), part
  // of the method's set-up.
  PetscCall(PetscObjectTypeCompare((PetscObject)ksp, KSPRICHARDSON, &rec->richardson));
  PetscCall(KSPRichardsonOptimalScaleFromOptions(ksp, &rec->optimal_scale));
  if (rec->optimal_scale) {
    KSPOptimalScale s;
    PetscCall(KSPRichardsonSetOptimalScale(ksp, &s));
    rec->richardson_scale = s.scale;
    rec->scale_lambda_min = s.lambda_min;
    rec->scale_lambda_max = s.lambda_max;
  } else if (rec->richardson) {
    rec->richardson_scale = 1.0; // KSPRICHARDSON's default
    PetscCall(
        PetscOptionsGetReal(NULL, prefix, "-ksp_richardson_scale", &rec->richardson_scale, NULL));
  }
  PetscCall(PetscLogStagePop());
  PetscCall(PetscBarrier((PetscObject)ksp));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscGetFlops(&f1));
  PetscCall(PetscLogStagePush(stage_solve));
  PetscCall(KSPSolve(ksp, p->b, rec->x));
  PetscCall(PetscLogStagePop());
  PetscCall(PetscGetFlops(&f2));
  PetscCall(PetscBarrier((PetscObject)ksp));
  PetscCall(PetscTime(&t2));
  rec->setup_seconds = t1 - t0;
  rec->solve_seconds = t2 - t1;
  {
    double fl[2] = {f1 - f0, f2 - f1};
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, fl, 2, MPI_DOUBLE, MPI_SUM, comm));
    rec->flops_setup = fl[0];
    rec->flops_solve = fl[1];
  }

  PetscCall(KSPGetIterationNumber(ksp, &rec->iterations));
  PetscCall(KSPGetConvergedReason(ksp, &rec->reason));
  PetscCall(KSPGetType(ksp, &ktype));
  PetscCall(PCGetType(pc, &ptype));
  PetscCall(PetscStrncpy(rec->ksp_type, ktype, sizeof(rec->ksp_type)));
  PetscCall(PetscStrncpy(rec->pc_type, ptype, sizeof(rec->pc_type)));
  rec->flops_per_iteration = rec->flops_solve / PetscMax(rec->iterations, 1);
  PetscCall(SolveCostModel(ksp, &rec->flops_model_per_iteration, &rec->span_per_iteration));
  PetscCall(VecNorm(p->b, NORM_2, &bnorm));
  {
    const PetscReal *h;
    PetscInt         nh;
    PetscCall(KSPGetResidualHistory(ksp, &h, &nh));
    rec->nhistory = nh;
    PetscCall(PetscMalloc1(PetscMax(nh, 1), &rec->history));
    // Relative to the first entry: ||b|| for the protocol's zero initial guess and
    // unpreconditioned norm, and the right scale too when a KSP monitors another norm.
    const PetscReal h0 = nh && h[0] > 0 ? h[0] : bnorm;
    for (PetscInt k = 0; k < nh; k++) rec->history[k] = h[k] / h0;
    rec->final_relres = nh ? rec->history[nh - 1] : 1.0;
  }
  if (rec->error_test) {
    const PetscReal *e;
    PetscInt         ne;
    PetscCall(KSPGetErrorHistory(ksp, &e, &ne));
    PetscCall(PetscMalloc1(PetscMax(ne, 2), &rec->error_history));
    PetscCall(PetscArraycpy(rec->error_history, e, ne));
    if (!ne) { // a KSP that never tests (preonly): x_0 = 0 (error 1), then its one result
      rec->error_history[ne++] = 1.0;
      if (rec->iterations) PetscCall(KSPErrorTestEvaluate(ksp, rec->x, &rec->error_history[ne++]));
    }
    rec->nerror         = ne;
    rec->final_relerror = rec->error_history[ne - 1];
  }
  if (rec->richardson) {
    const PetscBool err = rec->error_test;
    rec->rate           = SolveMeasuredRate(err ? rec->error_history : rec->history,
                                  err ? rec->nerror : rec->nhistory, &rec->rate_window);
    PetscCall(PetscStrncpy(rec->rate_source, err ? "error" : "residual", sizeof(rec->rate_source)));
  }
  {
    Vec r;
    PetscCall(VecDuplicate(p->b, &r));
    PetscCall(MatMult(p->A, rec->x, r));
    PetscCall(VecAYPX(r, -1.0, p->b));
    PetscCall(VecNorm(r, NORM_2, &rec->true_relres));
    rec->true_relres /= bnorm;
    if (compare_direct) {
      PetscReal xnorm;
      Vec       xstar;
      PetscCall(SolveDirectSolution(p, &xstar));
      PetscCall(VecNorm(xstar, NORM_2, &xnorm));
      PetscCall(VecWAXPY(r, -1.0, rec->x, xstar));
      PetscCall(VecNorm(r, NORM_2, &rec->direct_relerror));
      rec->direct_relerror /= xnorm;
    }
    PetscCall(VecDestroy(&r));
  }
  PetscCall(PetscObjectViewText((PetscObject)ksp, &rec->ksp_view));
  PetscCall(MethodOptionsString(prefix, &rec->options));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(PetscFree(hist.data));
  PetscFunctionReturn(0);
}

PetscErrorCode SolveRecordDestroy(SolveRecord *rec)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(rec->history));
  PetscCall(PetscFree(rec->error_history));
  PetscCall(PetscFree(rec->ksp_view));
  PetscCall(PetscFree(rec->options));
  PetscCall(VecDestroy(&rec->x));
  PetscFunctionReturn(0);
}

PetscReal SolveMeasuredRate(const PetscReal *history, PetscInt n, PetscInt *window)
{
  const PetscInt k = n - 1;
  PetscInt       w = PetscMax(3, PetscMin(100, k / 2));

  w = PetscMin(w, k);
  if (window) *window = PetscMax(w, 0);
  if (w <= 0 || !(history[k - w] > 0) || !(history[k] > 0)) return -1.0;
  return PetscPowReal(history[k] / history[k - w], 1.0 / w);
}

PetscErrorCode SolveLowerWavefronts(Mat A, PetscInt *levels)
{
  const PetscInt *ia, *ja;
  PetscInt        m, *level, nlev = 0;
  PetscBool       done;

  PetscFunctionBeginUser;
  PetscCall(MatGetRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &m, &ia, &ja, &done));
  PetscCheck(done, PetscObjectComm((PetscObject)A), PETSC_ERR_SUP,
             "the wavefronts of a lower triangle need the matrix's row structure (MatGetRowIJ)");
  PetscCall(PetscCalloc1(m, &level));
  for (PetscInt i = 0; i < m; i++) {
    PetscInt l = 1;
    for (PetscInt k = ia[i]; k < ia[i + 1]; k++)
      if (ja[k] < i) l = PetscMax(l, level[ja[k]] + 1);
    level[i] = l;
    nlev     = PetscMax(nlev, l);
  }
  PetscCall(PetscFree(level));
  PetscCall(MatRestoreRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &m, &ia, &ja, &done));
  *levels = nlev;
  PetscFunctionReturn(0);
}

// Whether A is an assembled AIJ matrix (its nonzeros and rows can be read).
static PetscErrorCode IsAssembledAIJ(Mat A, PetscBool *aij)
{
  PetscFunctionBeginUser;
  PetscCall(PetscObjectTypeCompareAny((PetscObject)A, aij, MATSEQAIJ, MATMPIAIJ, ""));
  PetscFunctionReturn(0);
}

// nnz, rows, columns and the longest row of an assembled AIJ matrix (collective).
typedef struct {
  PetscReal nnz;
  PetscInt  m, n, maxrow;
} MatCounts;

static PetscErrorCode GetMatCounts(Mat A, MatCounts *c)
{
  MatInfo  info;
  PetscInt rstart, rend;

  PetscFunctionBeginUser;
  PetscCall(MatGetSize(A, &c->m, &c->n));
  PetscCall(MatGetInfo(A, MAT_GLOBAL_SUM, &info));
  c->nnz    = info.nz_used;
  c->maxrow = 0;
  PetscCall(MatGetOwnershipRange(A, &rstart, &rend));
  for (PetscInt i = rstart; i < rend; i++) {
    PetscInt nc;
    PetscCall(MatGetRow(A, i, &nc, NULL, NULL));
    c->maxrow = PetscMax(c->maxrow, nc);
    PetscCall(MatRestoreRow(A, i, &nc, NULL, NULL));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &c->maxrow, 1, MPIU_INT, MPI_MAX,
                             PetscObjectComm((PetscObject)A)));
  PetscFunctionReturn(0);
}

// Span of a sum of k terms (a binary tree): ceil(log2 k); of a row times a vector: 1 + that.
static PetscReal TreeDepth(PetscInt k)
{
  return PetscCeilReal(PetscLog2Real((PetscReal)PetscMax(k, 1)));
}

// Flops and span of one application of pc, NaN where not derived (REPORTS.md section 11.5).
static PetscErrorCode PCApplyCost(PC pc, PetscReal *flops, PetscReal *span)
{
  Mat       A;
  MatCounts a;
  PetscBool aij, is;

  PetscFunctionBeginUser;
  *flops = NAN;
  *span  = NAN;
  PetscCall(PCGetOperators(pc, NULL, &A));
  PetscCall(IsAssembledAIJ(A, &aij));
  if (!aij) PetscFunctionReturn(0);
  PetscCall(GetMatCounts(A, &a));
  const PetscReal N = (PetscReal)a.m;
  // PCREDUNDANT (icc.opts on any rank count) gathers the operator and applies its inner PC:
  // no flops of its own.
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCREDUNDANT, &is));
  if (is) {
    KSP inner;
    PC  ipc;
    PetscCall(PCRedundantGetKSP(pc, &inner));
    PetscCall(KSPGetPC(inner, &ipc));
    PetscCall(PCApplyCost(ipc, flops, span));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCNONE, &is));
  if (is) {
    *flops = 0;
    *span  = 0;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCJACOBI, &is));
  if (is) { // one elementwise product
    *flops = N;
    *span  = 1;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCICC, &is));
  if (is) { // IC(0): L has A's lower triangle; two triangular solves of 2 nnz(L) flops each,
            // 3 operations per wavefront (REPORTS.md section 11.5)
    PetscInt fill, levels;
    PetscCall(PCFactorGetLevels(pc, &fill));
    PetscCall(PetscObjectTypeCompare((PetscObject)A, MATSEQAIJ, &aij));
    if (fill != 0 || !aij) PetscFunctionReturn(0); // IC(k): the factor's pattern is not A's
    PetscCall(SolveLowerWavefronts(A, &levels));
    *flops = 2 * 2 * 0.5 * (a.nnz + N);
    *span  = 2 * 3.0 * levels;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, "twolevel", &is));
  if (is) {
    PCTwolevelType type;
    PetscReal      omega, theta, ff, fs;
    PC             fine;
    Mat            Z, Zt;
    MatCounts      z, zt;
    PetscCall(PCTwolevelGetType(pc, &type));
    PetscCall(PCTwolevelGetDamping(pc, &omega, &theta));
    PetscCall(PCTwolevelGetFinePC(pc, &fine));
    PetscCall(PCTwolevelGetCoarse(pc, &Z, NULL, NULL));
    if (!Z) PetscFunctionReturn(0);
    PetscCall(GetMatCounts(Z, &z));
    PetscCall(MatTranspose(Z, MAT_INITIAL_MATRIX, &Zt));
    PetscCall(GetMatCounts(Zt, &zt));
    PetscCall(MatDestroy(&Zt));
    const PetscReal Nc = (PetscReal)z.n;
    // Coarse correction Z A_c^{-1} Z^T r: restriction 2 nnz(Z) - N_c, the dense Cholesky
    // solves 2 N_c^2 (as the reference; the project factors A_c sparse), prolongation
    // 2 nnz(Z) - N; span: restriction 1 + log2(longest column), A_c^{-1} as a dense apply
    // 1 + log2 N_c, prolongation 1 + log2(longest row). Section 11.5: 64 31 + 2 64^2 + N, 13.
    const PetscReal qf = (2 * z.nnz - Nc) + 2 * Nc * Nc + (2 * z.nnz - N);
    const PetscReal qs =
        (1 + TreeDepth(zt.maxrow)) + (1 + TreeDepth(z.n)) + (1 + TreeDepth(z.maxrow));
    if (type == PC_TWOLEVEL_COARSE_ONLY) {
      *flops = qf;
      *span  = qs;
    } else {
      PetscCall(PCApplyCost(fine, &ff, &fs));
      if (omega != 1.0) { // the scale of the fine part
        ff += N;
        fs += 1;
      }
      if (type == PC_TWOLEVEL_ADDITIVE) { // the two branches side by side, one add
        *flops = ff + qf + N;
        *span  = PetscMax(fs, qs) + 1;
      } else { // pre-smooth (omega F r), two residuals (matvec and a subtraction), the
               // coarse correction added, post-smooth added (an axpy with omega): in sequence
        const PetscReal mf = 2 * a.nnz + N, ms = 1 + TreeDepth(a.maxrow) + 1;
        const PetscReal sf = omega != 1.0 ? N : 0, ss = omega != 1.0 ? 1 : 0;
        *flops = ff + 2 * mf + (qf + N) + (ff - sf + 2 * N);
        *span  = fs + 2 * ms + (qs + 1) + (fs - ss + 1);
      }
    }
    if (theta != 1.0) {
      *flops += N;
      *span += 1;
    }
    PetscFunctionReturn(0);
  }
  PetscFunctionReturn(0); // another PC type: measured only
}

PetscErrorCode SolveCostModel(KSP ksp, PetscReal *flops, PetscReal *span)
{
  Mat       A;
  PC        pc;
  MatCounts a;
  PetscBool cg, aij;
  PetscReal pf, ps;

  PetscFunctionBeginUser;
  *flops = NAN;
  *span  = NAN;
  PetscCall(PetscObjectTypeCompare((PetscObject)ksp, KSPCG, &cg));
  if (!cg) PetscFunctionReturn(0);
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(KSPGetOperators(ksp, &A, NULL));
  PetscCall(IsAssembledAIJ(A, &aij));
  if (!aij) PetscFunctionReturn(0); // a matrix-free or other operator: its nonzeros unknown
  PetscCall(GetMatCounts(A, &a));
  PetscCall(PCApplyCost(pc, &pf, &ps));
  // One PCG iteration: A matvec 2 nnz(A) (span 1 + log2(longest row) = 4 for the 5-point
  // stencil), 12 N of vector work (span: two reductions over N and 4 elementwise ops), the PC.
  *flops = 2 * a.nnz + 12.0 * a.m + pf;
  *span  = 1 + TreeDepth(a.maxrow) + 2 * TreeDepth(a.m) + 4 + ps;
  PetscFunctionReturn(0);
}

const char *SolveStatus(const SolveRecord *rec)
{
  if (rec->reason > 0) return "converged";
  return KSPConvergedReasons[rec->reason];
}
