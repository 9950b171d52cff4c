#include "spectra/spectra.h"

#include "krylov/optimal_scale/optimal_scale.h"
#include "preconditioners/registry.h"
#include "preconditioners/twolevel/twolevel.h"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>

// ---------------------------------------------------------------------------------------------
// Closed forms

PetscReal SpectraD1Eigenvalue(PetscInt n, PetscInt k)
{
  // 2 - 2 cos(t) = 4 sin^2(t/2): no cancellation for the small eigenvalues.
  const PetscReal s = PetscSinReal(k * PETSC_PI / (2.0 * (n + 1)));
  return 4.0 * s * s;
}

void SpectraClosedForm(PetscInt n, PetscReal *lambda_min, PetscReal *lambda_max, PetscReal *kappa)
{
  const PetscReal h = 1.0 / (n + 1), t = 1.0 / PetscTanReal(PETSC_PI / (2.0 * (n + 1)));
  if (lambda_min) *lambda_min = 2.0 * SpectraD1Eigenvalue(n, 1) / (h * h);
  if (lambda_max) *lambda_max = 2.0 * SpectraD1Eigenvalue(n, n) / (h * h);
  if (kappa) *kappa = t * t; // mu_n / mu_1 = cot^2(pi / (2(n+1)))
}

PetscReal SpectraFitExponent(const std::vector<PetscInt> &n, const std::vector<PetscReal> &kappa)
{
  const size_t m = std::min(n.size(), kappa.size());
  if (m < 2) return NAN;
  PetscReal sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t k = 0; k < m; k++) {
    const PetscReal x = std::log((PetscReal)n[k]), y = std::log(kappa[k]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  return (m * sxy - sx * sy) / (m * sxx - sx * sx);
}

// ---------------------------------------------------------------------------------------------
// The preconditioned operator as PETSc/SLEPc shells

typedef struct {
  Mat A;
  PC  pc;   // the method's preconditioner (NULL: identity)
  Mat Mlin; // dense linearization [M(e_1) ... M(e_N)] of a nonlinear PC, or NULL
  Vec w1, w2;
} PrecOp;

// z = M^{-1} r
static PetscErrorCode PrecApply(PrecOp *op, Vec r, Vec z)
{
  PetscFunctionBeginUser;
  if (op->Mlin)
    PetscCall(MatMult(op->Mlin, r, z));
  else if (op->pc)
    PetscCall(PCApply(op->pc, r, z));
  else
    PetscCall(VecCopy(r, z));
  PetscFunctionReturn(0);
}

// y = M^{-1} A x (uses w1)
static PetscErrorCode PrecOpApplyMA(PrecOp *op, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  PetscCall(MatMult(op->A, x, op->w1));
  PetscCall(PrecApply(op, op->w1, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode MatMult_MA(Mat S, Vec x, Vec y)
{
  PrecOp *op;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(S, &op));
  PetscCall(PrecOpApplyMA(op, x, y));
  PetscFunctionReturn(0);
}

// y = A M^{-1} A x: the left matrix of the symmetric pencil (A M^{-1} A, A).
static PetscErrorCode MatMult_AMA(Mat S, Vec x, Vec y)
{
  PrecOp *op;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(S, &op));
  PetscCall(PrecOpApplyMA(op, x, op->w2));
  PetscCall(MatMult(op->A, op->w2, y));
  PetscFunctionReturn(0);
}

// The spectral transformation's solves with B = A (or A - sigma I, sigma = 0): an exact sparse
// Cholesky, overridable by -<target>_st_ksp_*, -<target>_st_pc_*. Up to N = 16384 every rank
// factors the whole matrix (PCREDUNDANT + PETSc's Cholesky): one gather and one local
// triangular solve per application, several times faster than a distributed solve at 2-4 ranks
// for the small N of the study. Above that, MUMPS' distributed Cholesky.
#define SPECTRA_REDUNDANT_MAX_N 16384
static PetscErrorCode STUseExactCholesky(ST st, PetscInt N)
{
  KSP       ksp;
  PC        pc;
  PetscBool mumps;

  PetscFunctionBeginUser;
  PetscCall(STGetKSP(st, &ksp));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(MatSolverTypeGet(MATSOLVERMUMPS, MATAIJ, MAT_FACTOR_CHOLESKY, &mumps, NULL, NULL));
  if (N <= SPECTRA_REDUNDANT_MAX_N || !mumps) {
    KSP inner;
    PC  ipc;
    PetscCall(PCSetType(pc, PCREDUNDANT));
    PetscCall(PCRedundantGetKSP(pc, &inner));
    PetscCall(KSPGetPC(inner, &ipc));
    PetscCall(PCSetType(ipc, PCCHOLESKY));
  } else {
    PetscCall(PCSetType(pc, PCCHOLESKY));
    PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
  }
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------------------------------------
// Which form a PC gets

static PetscErrorCode PCSpectralNature(PC pc, PetscBool *symmetric, PetscBool *linear)
{
  PCType    type;
  PetscBool match;

  PetscFunctionBeginUser;
  PetscCall(PCGetType(pc, &type));
  const PCRegistryEntry *row = PCRegistryFind(type);
  PetscCheck(row, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_UNKNOWN_TYPE,
             "PC type %s has no row in the PC registry (preconditioners/registry.cpp), so the "
             "spectra tool cannot tell whether M is symmetric and linear",
             type);
  *symmetric = row->symmetric;
  *linear    = row->linear;
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCREDUNDANT, &match));
  if (match) { // the inner PC decides
    KSP inner;
    PC  ipc;
    PetscCall(PCRedundantGetKSP(pc, &inner));
    PetscCall(KSPGetPC(inner, &ipc));
    PetscCall(PCSpectralNature(ipc, symmetric, linear));
  }
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, "twolevel", &match));
  if (match) { // Q alone is symmetric; additive and multiplicative (same F before and after the
               // coarse correction) are symmetric and linear when the fine PC F is
    PCTwolevelType tt;
    PC             fine;
    PetscCall(PCTwolevelGetType(pc, &tt));
    if (tt != PC_TWOLEVEL_COARSE_ONLY) {
      PetscCall(PCTwolevelGetFinePC(pc, &fine));
      PetscCall(PCSpectralNature(fine, symmetric, linear));
    }
  }
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCSOR, &match));
  if (match) { // symmetric sweeps are symmetric; forward or backward sweeps are not
    MatSORType flag;
    PetscCall(PCSORGetSymmetric(pc, &flag));
    *symmetric = (PetscBool)((flag & SOR_SYMMETRIC_SWEEP) == SOR_SYMMETRIC_SWEEP ||
                             (flag & SOR_LOCAL_SYMMETRIC_SWEEP) == SOR_LOCAL_SYMMETRIC_SWEEP);
  }
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCILU, &match));
  if (match) {
    // PETSc's own ILU(k) of a symmetric matrix with a symmetric pattern is L D L^T: symmetric.
    // External ILUs (SuperLU's ILUTP) drop asymmetrically: nonsymmetric.
    MatSolverType st = NULL;
    PetscCall(PCFactorGetMatSolverType(pc, &st));
    *symmetric = (PetscBool)(!st || !strcmp(st, MATSOLVERPETSC));
  }
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCBJACOBI, &match));
  if (match) { // symmetric if every block's solver is
    KSP        *sub;
    PetscInt    nlocal, first;
    PetscMPIInt in[2], out[2];
    PetscCall(PCBJacobiGetSubKSP(pc, &nlocal, &first, &sub));
    in[0] = in[1] = 1;
    for (PetscInt k = 0; k < nlocal; k++) {
      PC        spc;
      PetscBool s, l;
      PetscCall(KSPGetPC(sub[k], &spc));
      PetscCall(PCSpectralNature(spc, &s, &l));
      in[0] = in[0] && s;
      in[1] = in[1] && l;
    }
    PetscCallMPI(MPI_Allreduce(in, out, 2, MPI_INT, MPI_LAND, PetscObjectComm((PetscObject)pc)));
    *symmetric = (PetscBool)out[0];
    *linear    = (PetscBool)out[1];
  }
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------------------------------------
// EPS plumbing

// Three option layers: unprefixed, the target's prefix, then "<prefix><end>".
static PetscErrorCode EPSLayeredFromOptions(EPS eps, const char *prefix, const char *end)
{
  PetscFunctionBeginUser;
  PetscCall(EPSSetOptionsPrefix(eps, NULL));
  PetscCall(EPSSetFromOptions(eps));
  PetscCall(EPSSetOptionsPrefix(eps, prefix));
  PetscCall(EPSSetFromOptions(eps));
  PetscCall(EPSAppendOptionsPrefix(eps, end));
  PetscCall(EPSSetFromOptions(eps));
  PetscFunctionReturn(0);
}

// Defaults (any -eps_* option overrides them): Krylov-Schur, one eigenvalue, a basis of up
// to 48 vectors (the preconditioned spectra of multigrid and IC have large clusters at their
// ends, which a small basis resolves slowly), and tolerance `tol`.
static PetscErrorCode EPSCreateDefault(MPI_Comm comm, Mat K, Mat B, EPSProblemType type,
                                       EPSWhich which, PetscReal tol, EPS *eps)
{
  PetscInt N;

  PetscFunctionBeginUser;
  PetscCall(MatGetSize(K, &N, NULL));
  PetscCall(EPSCreate(comm, eps));
  PetscCall(EPSSetOperators(*eps, K, B));
  PetscCall(EPSSetProblemType(*eps, type));
  PetscCall(EPSSetType(*eps, EPSKRYLOVSCHUR));
  PetscCall(EPSSetWhichEigenpairs(*eps, which));
  PetscCall(EPSSetDimensions(*eps, 1, PetscMin(N, 48), PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(*eps, tol, 5000));
  PetscFunctionReturn(0);
}

// Relative residual of an eigenpair of M^{-1}A in the A-norm, ||M^{-1}A x - lambda x||_A /
// (|lambda| ||x||_A): the quantity the symmetric Lanczos process of the pencil controls.
// (EPSComputeError would measure ||K x - lambda A x|| instead, scaled by ||A||.)
static PetscErrorCode PencilResidual(PrecOp *op, Vec x, PetscReal lambda, PetscReal *err)
{
  Vec         r, ar;
  PetscScalar rr, xx;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(x, &r));
  PetscCall(VecDuplicate(x, &ar));
  PetscCall(PrecOpApplyMA(op, x, r));
  PetscCall(VecAXPY(r, -lambda, x));
  PetscCall(MatMult(op->A, r, ar));
  PetscCall(VecDot(ar, r, &rr));
  PetscCall(MatMult(op->A, x, ar));
  PetscCall(VecDot(ar, x, &xx));
  *err = PetscSqrtReal(PetscAbsScalar(rr) / PetscAbsScalar(xx)) / PetscAbsReal(lambda);
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&ar));
  PetscFunctionReturn(0);
}

// Solves one end (sign +1 largest, -1 smallest) and appends its converged eigenpairs.
// op != NULL: the symmetric pencil of op, residuals by PencilResidual.
static PetscErrorCode EPSSolveEnd(EPS eps, int sign, PrecOp *op, SpectrumResult *res)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)eps);
  PetscInt  nconv, its, maxit;
  PetscReal tol;
  EPSType   type;
  ST        st;
  STType    sttype;

  PetscFunctionBeginUser;
  PetscCall(EPSSolve(eps));
  PetscCall(EPSGetConverged(eps, &nconv));
  PetscCall(EPSGetIterationNumber(eps, &its));
  PetscCall(EPSGetTolerances(eps, &tol, &maxit));
  PetscCheck(nconv > 0, comm, PETSC_ERR_NOT_CONVERGED,
             "%s: no eigenvalue at the %s end converged in %" PetscInt_FMT
             " iterations (tolerance %g); raise -%s%s_eps_max_it or -%s%s_eps_ncv",
             res->target.c_str(), sign > 0 ? "largest" : "smallest", its, (double)tol,
             res->prefix.c_str(), sign > 0 ? "max" : "min", res->prefix.c_str(),
             sign > 0 ? "max" : "min");
  for (PetscInt i = 0; i < nconv; i++) {
    PetscScalar kr, ki;
    PetscReal   err;
    if (op) {
      Vec x;
      PetscCall(MatCreateVecs(op->A, &x, NULL));
      PetscCall(EPSGetEigenpair(eps, i, &kr, &ki, x, NULL));
      PetscCall(PencilResidual(op, x, PetscRealPart(kr), &err));
      PetscCall(VecDestroy(&x));
    } else {
      PetscCall(EPSGetEigenvalue(eps, i, &kr, &ki));
      PetscCall(EPSComputeError(eps, i, EPS_ERROR_RELATIVE, &err));
    }
    res->eig_re.push_back(PetscRealPart(kr));
    res->eig_im.push_back(PetscRealPart(ki));
    res->residual.push_back(err);
    res->end.push_back(sign);
  }
  PetscCall(EPSGetType(eps, &type));
  PetscCall(EPSGetST(eps, &st));
  PetscCall(STGetType(st, &sttype));
  res->eps_type = type;
  res->tol      = tol;
  if (sign > 0) {
    res->its_max     = its;
    res->st_type_max = sttype;
  } else {
    res->its_min     = its;
    res->st_type_min = sttype;
  }
  PetscFunctionReturn(0);
}

// The extremes over everything found (every converged value is an eigenvalue, so the
// largest/smallest found bound the answer from inside).
static void Summarize(SpectrumResult *res)
{
  const size_t m    = res->eig_re.size();
  size_t       imin = 0, imax = 0;
  auto         key = [&](size_t k) {
    return res->symmetric ? res->eig_re[k] : std::hypot(res->eig_re[k], res->eig_im[k]);
  };
  for (size_t k = 1; k < m; k++) {
    if (key(k) < key(imin)) imin = k;
    if (key(k) > key(imax)) imax = k;
  }
  res->lambda_min = key(imin);
  res->lambda_max = key(imax);
  res->kappa      = res->lambda_max / res->lambda_min;
  res->min_re     = res->eig_re[imin];
  res->min_im     = res->eig_im[imin];
  res->max_re     = res->eig_re[imax];
  res->max_im     = res->eig_im[imax];
}

static void ResetResult(SpectrumResult *res)
{
  *res            = SpectrumResult();
  res->symmetric  = PETSC_TRUE;
  res->linear     = PETSC_TRUE;
  res->tol        = 0;
  res->its_max    = 0;
  res->its_min    = 0;
  res->seconds    = 0;
  res->lambda_min = res->lambda_max = res->kappa = NAN;
  res->min_re = res->min_im = res->max_re = res->max_im = NAN;
  res->full.computed                                    = PETSC_FALSE;
}

// ---------------------------------------------------------------------------------------------
// The whole spectrum (small N): columns gathered to rank 0, LAPACK there, broadcast back.

static PetscErrorCode FullMetrics(SpectrumFull *f, PetscBool symmetric)
{
  const size_t           N = f->re.size();
  std::vector<PetscReal> mod(N);
  std::vector<size_t>    order(N);

  PetscFunctionBeginUser;
  for (size_t k = 0; k < N; k++) {
    mod[k]   = std::hypot(f->re[k], f->im[k]);
    order[k] = k;
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return f->re[a] < f->re[b] || (f->re[a] == f->re[b] && f->im[a] < f->im[b]);
  });
  {
    std::vector<PetscReal> re(N), im(N);
    for (size_t k = 0; k < N; k++) {
      re[k] = f->re[order[k]];
      im[k] = f->im[order[k]];
    }
    f->re.swap(re);
    f->im.swap(im);
    for (size_t k = 0; k < N; k++) mod[k] = std::hypot(f->re[k], f->im[k]);
  }
  std::vector<PetscReal> sorted(mod);
  std::sort(sorted.begin(), sorted.end());
  f->median_abs = N % 2 ? sorted[N / 2] : 0.5 * (sorted[N / 2 - 1] + sorted[N / 2]);
  f->spread     = sorted[N - 1] / sorted[0];
  size_t band = 0, right = 0, unit = 0;
  for (size_t k = 0; k < N; k++) {
    if (mod[k] >= 0.5 * f->median_abs && mod[k] <= 2.0 * f->median_abs) band++;
    if (f->re[k] > 0) right++;
    if (std::hypot(f->re[k] - 1.0, f->im[k]) <= 1e-8) unit++;
  }
  f->frac_median_band = (PetscReal)band / N;
  f->frac_right_half  = (PetscReal)right / N;
  f->unit_count       = (PetscInt)unit;
  f->lambda_min       = symmetric ? f->re[0] : sorted[0];
  f->lambda_max       = symmetric ? f->re[N - 1] : sorted[N - 1];
  f->kappa            = f->lambda_max / f->lambda_min;
  f->computed         = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckFullSize(Mat A, const char *what)
{
  PetscInt N;

  PetscFunctionBeginUser;
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCheck(N <= SPECTRA_FULL_MAX_N, PetscObjectComm((PetscObject)A), PETSC_ERR_ARG_OUTOFRANGE,
             "%s needs N <= %d (a dense N x N eigenproblem on one rank), got N = %" PetscInt_FMT,
             what, SPECTRA_FULL_MAX_N, N);
  PetscFunctionReturn(0);
}

// Gathers a parallel dense matrix to rank 0 as a column-major N x N array, in one collective.
static PetscErrorCode GatherDense(Mat D, std::vector<PetscScalar> &out)
{
  MPI_Comm                 comm = PetscObjectComm((PetscObject)D);
  PetscMPIInt              rank, size;
  PetscInt                 m, N, lda;
  const PetscScalar       *a;
  std::vector<PetscScalar> local;
  std::vector<PetscMPIInt> counts, displs;
  std::vector<PetscInt>    rows;
  std::vector<PetscScalar> buf;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MatGetLocalSize(D, &m, NULL));
  PetscCall(MatGetSize(D, &N, NULL));
  PetscCall(MatDenseGetLDA(D, &lda));
  PetscCall(MatDenseGetArrayRead(D, &a));
  local.resize((size_t)m * N);
  for (PetscInt j = 0; j < N; j++)
    for (PetscInt i = 0; i < m; i++) local[i + (size_t)j * m] = a[i + (size_t)j * lda];
  PetscCall(MatDenseRestoreArrayRead(D, &a));
  rows.resize(size);
  PetscCallMPI(MPI_Gather(&m, 1, MPIU_INT, rows.data(), 1, MPIU_INT, 0, comm));
  if (!rank) {
    counts.resize(size);
    displs.resize(size);
    for (PetscMPIInt r = 0, off = 0; r < size; r++) {
      counts[r] = (PetscMPIInt)(rows[r] * N);
      displs[r] = off;
      off += counts[r];
    }
    buf.resize((size_t)N * N);
  }
  PetscCallMPI(MPI_Gatherv(local.data(), (PetscMPIInt)(m * N), MPIU_SCALAR, buf.data(),
                           counts.data(), displs.data(), MPIU_SCALAR, 0, comm));
  if (!rank) {
    out.resize((size_t)N * N);
    for (PetscMPIInt r = 0, row0 = 0; r < size; row0 += rows[r], r++)
      for (PetscInt j = 0; j < N; j++)
        for (PetscInt i = 0; i < rows[r]; i++)
          out[(row0 + i) + (size_t)j * N] = buf[displs[r] + i + (size_t)j * rows[r]];
  }
  PetscFunctionReturn(0);
}

// op == NULL: eigenvalues of A (dsyev). symmetric: of the pencil (A M^{-1} A, A) (dsygv).
// Otherwise: of M^{-1} A (dgeev). The dense operators are formed in parallel (A as a dense
// matrix, PCMatApply for M^{-1}A, MatMatMult for A M^{-1} A) and gathered once.
static PetscErrorCode FullSpectrum(Mat A, PrecOp *op, PetscBool symmetric, SpectrumFull *f)
{
  MPI_Comm                 comm = PetscObjectComm((PetscObject)A);
  PetscMPIInt              rank;
  PetscInt                 N;
  Mat                      Ad, Z = NULL, K = NULL;
  std::vector<PetscScalar> X, Y; // rank 0: column-major N x N
  PetscBLASInt             info = 0;

  PetscFunctionBeginUser;
  PetscCall(CheckFullSize(A, "-spectrum_full"));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(MatConvert(A, MATDENSE, MAT_INITIAL_MATRIX, &Ad));
  if (!op)
    PetscCall(GatherDense(Ad, X));
  else {
    if (op->Mlin)
      PetscCall(MatMatMult(op->Mlin, Ad, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &Z));
    else if (op->pc) {
      PetscCall(MatDuplicate(Ad, MAT_DO_NOT_COPY_VALUES, &Z));
      PetscCall(PCMatApply(op->pc, Ad, Z));
    } else
      PetscCall(MatDuplicate(Ad, MAT_COPY_VALUES, &Z));
    if (symmetric) {
      PetscCall(MatMatMult(A, Z, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &K));
      PetscCall(GatherDense(K, X));  // K = A M^{-1} A
      PetscCall(GatherDense(Ad, Y)); // B = A
    } else
      PetscCall(GatherDense(Z, X)); // M^{-1} A
  }
  PetscCall(MatDestroy(&K));
  PetscCall(MatDestroy(&Z));
  PetscCall(MatDestroy(&Ad));

  f->re.assign(N, 0.0);
  f->im.assign(N, 0.0);
  if (!rank) {
    PetscBLASInt n, lwork = -1, one = 1, itype = 1;
    PetscScalar  wq;
    PetscCall(PetscBLASIntCast(N, &n));
    if (!op) {
      PetscCallBLAS("LAPACKsyev",
                    LAPACKsyev_("N", "L", &n, X.data(), &n, f->re.data(), &wq, &lwork, &info));
      lwork = (PetscBLASInt)PetscRealPart(wq);
      std::vector<PetscScalar> work(lwork);
      PetscCallBLAS("LAPACKsyev", LAPACKsyev_("N", "L", &n, X.data(), &n, f->re.data(), work.data(),
                                              &lwork, &info));
    } else if (symmetric) {
      // K is symmetric in exact arithmetic; use its symmetric part.
      for (PetscInt j = 0; j < N; j++)
        for (PetscInt i = j + 1; i < N; i++) {
          const PetscScalar s  = 0.5 * (X[i + (size_t)j * N] + X[j + (size_t)i * N]);
          X[i + (size_t)j * N] = X[j + (size_t)i * N] = s;
        }
      PetscCallBLAS("LAPACKsygv", LAPACKsygv_(&itype, "N", "L", &n, X.data(), &n, Y.data(), &n,
                                              f->re.data(), &wq, &lwork, &info));
      lwork = (PetscBLASInt)PetscRealPart(wq);
      std::vector<PetscScalar> work(lwork);
      PetscCallBLAS("LAPACKsygv", LAPACKsygv_(&itype, "N", "L", &n, X.data(), &n, Y.data(), &n,
                                              f->re.data(), work.data(), &lwork, &info));
    } else {
      PetscScalar dummy;
      PetscCallBLAS("LAPACKgeev",
                    LAPACKgeev_("N", "N", &n, X.data(), &n, f->re.data(), f->im.data(), &dummy,
                                &one, &dummy, &one, &wq, &lwork, &info));
      lwork = (PetscBLASInt)PetscRealPart(wq);
      std::vector<PetscScalar> work(lwork);
      PetscCallBLAS("LAPACKgeev",
                    LAPACKgeev_("N", "N", &n, X.data(), &n, f->re.data(), f->im.data(), &dummy,
                                &one, &dummy, &one, work.data(), &lwork, &info));
    }
  }
  int linfo = (int)info;
  PetscCallMPI(MPI_Bcast(&linfo, 1, MPI_INT, 0, comm));
  PetscCheck(!linfo, comm, PETSC_ERR_LIB, "LAPACK eigensolver failed (info = %d)", linfo);
  PetscCallMPI(MPI_Bcast(f->re.data(), (PetscMPIInt)N, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(f->im.data(), (PetscMPIInt)N, MPIU_REAL, 0, comm));
  PetscCall(FullMetrics(f, (PetscBool)(!op || symmetric)));
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------------------------------------
// Targets

PetscErrorCode SpectrumOfOperator(Mat A, PetscBool full, SpectrumResult *res)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)A);
  EPS      eps;
  ST       st;
  PetscInt N;
  double   t0 = MPI_Wtime();

  PetscFunctionBeginUser;
  ResetResult(res);
  PetscCall(MatGetSize(A, &N, NULL));
  res->target = "A";
  res->prefix = "A_";
  res->form = "HEP: A x = lambda x (largest: Krylov-Schur; smallest: shift-and-invert at 0, exact "
              "Cholesky)";
  if (full) PetscCall(CheckFullSize(A, "-spectrum_full"));

  PetscCall(EPSCreateDefault(comm, A, NULL, EPS_HEP, EPS_LARGEST_REAL, 1e-10, &eps));
  PetscCall(EPSLayeredFromOptions(eps, "A_", "max_"));
  PetscCall(EPSSolveEnd(eps, +1, NULL, res));
  PetscCall(EPSDestroy(&eps));

  // Smallest: shift-and-invert about 0 with an exact sparse Cholesky (MUMPS when available).
  PetscCall(EPSCreateDefault(comm, A, NULL, EPS_HEP, EPS_TARGET_MAGNITUDE, 1e-10, &eps));
  PetscCall(EPSSetTarget(eps, 0.0));
  PetscCall(EPSGetST(eps, &st));
  PetscCall(STSetType(st, STSINVERT));
  PetscCall(STUseExactCholesky(st, N));
  PetscCall(EPSLayeredFromOptions(eps, "A_", "min_"));
  PetscCall(EPSSolveEnd(eps, -1, NULL, res));
  PetscCall(EPSDestroy(&eps));

  Summarize(res);
  if (full) PetscCall(FullSpectrum(A, NULL, PETSC_TRUE, &res->full));
  res->seconds = MPI_Wtime() - t0;
  PetscFunctionReturn(0);
}

PetscErrorCode SpectrumOfPreconditioned(Mat A, KSP ksp, const char *name, PetscBool full,
                                        SpectrumResult *res)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)A);
  PC        pc;
  PCType    pctype;
  PrecOp    op;
  PetscInt  m, N;
  Mat       S;
  double    t0 = MPI_Wtime();
  PetscBool symmetric, linear;

  PetscFunctionBeginUser;
  ResetResult(res);
  res->target = name;
  res->prefix = std::string(name) + "_";
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCGetType(pc, &pctype));
  res->pc_type = pctype;
  PetscCall(PCSpectralNature(pc, &symmetric, &linear));
  PetscOptionsBegin(comm, res->prefix.c_str(), "Spectrum of the preconditioned operator", NULL);
  PetscCall(PetscOptionsBool("-spectra_symmetric",
                             "M^{-1} is a fixed SPD matrix: symmetric pencil (A M^{-1} A, A)", NULL,
                             symmetric, &symmetric, NULL));
  PetscCall(PetscOptionsBool("-spectra_linear",
                             "The PC is linear (otherwise it is linearized column by column)", NULL,
                             linear, &linear, NULL));
  PetscOptionsEnd();
  if (!linear) symmetric = PETSC_FALSE; // a linearized nonlinear map is not symmetric in general
  res->symmetric = symmetric;
  res->linear    = linear;
  if (full) PetscCall(CheckFullSize(A, "-spectrum_full"));

  op.A    = A;
  op.pc   = pc;
  op.Mlin = NULL;
  PetscCall(MatCreateVecs(A, &op.w1, &op.w2));
  PetscCall(MatGetLocalSize(A, &m, NULL));
  PetscCall(MatGetSize(A, &N, NULL));
  if (!linear) {
    // M_lin = [M(e_1) ... M(e_N)], a dense (parallel) matrix.
    Vec      e, z, col;
    PetscInt lo, hi;
    PetscCall(CheckFullSize(A, "linearizing a nonlinear preconditioner"));
    PetscCall(MatCreateDense(comm, m, m, N, N, NULL, &op.Mlin));
    PetscCall(MatCreateVecs(A, &e, &z));
    PetscCall(VecGetOwnershipRange(e, &lo, &hi));
    for (PetscInt j = 0; j < N; j++) {
      PetscCall(VecZeroEntries(e));
      if (j >= lo && j < hi) PetscCall(VecSetValue(e, j, 1.0, INSERT_VALUES));
      PetscCall(VecAssemblyBegin(e));
      PetscCall(VecAssemblyEnd(e));
      PetscCall(PCApply(pc, e, z));
      PetscCall(MatDenseGetColumnVecWrite(op.Mlin, j, &col));
      PetscCall(VecCopy(z, col));
      PetscCall(MatDenseRestoreColumnVecWrite(op.Mlin, j, &col));
    }
    PetscCall(MatAssemblyBegin(op.Mlin, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(op.Mlin, MAT_FINAL_ASSEMBLY));
    PetscCall(VecDestroy(&e));
    PetscCall(VecDestroy(&z));
  }

  PetscCall(MatCreateShell(comm, m, m, N, N, &op, &S));
  if (symmetric) {
    res->form = "GHEP: (A M^{-1} A) x = lambda A x (Krylov-Schur, B = A by exact Cholesky)";
    PetscCall(MatShellSetOperation(S, MATOP_MULT, (void (*)(void))MatMult_AMA));
    PetscCall(MatSetOption(S, MAT_SYMMETRIC, PETSC_TRUE));
    for (int sign : {+1, -1}) {
      EPS eps;
      ST  st;
      PetscCall(EPSCreateDefault(comm, S, A, EPS_GHEP,
                                 sign > 0 ? EPS_LARGEST_REAL : EPS_SMALLEST_REAL, 1e-8, &eps));
      PetscCall(EPSGetST(eps, &st));
      PetscCall(STSetType(st, STSHIFT));
      PetscCall(STUseExactCholesky(st, N));
      PetscCall(EPSLayeredFromOptions(eps, res->prefix.c_str(), sign > 0 ? "max_" : "min_"));
      PetscCall(EPSSolveEnd(eps, sign, &op, res));
      PetscCall(EPSDestroy(&eps));
    }
  } else {
    res->form = linear ? "NHEP: M^{-1} A x = lambda x (Krylov-Schur)"
                       : "NHEP: M_lin A x = lambda x, M_lin = [M(e_1) ... M(e_N)] (Krylov-Schur)";
    PetscCall(MatShellSetOperation(S, MATOP_MULT, (void (*)(void))MatMult_MA));
    for (int sign : {+1, -1}) {
      EPS eps;
      PetscCall(EPSCreateDefault(comm, S, NULL, EPS_NHEP,
                                 sign > 0 ? EPS_LARGEST_MAGNITUDE : EPS_SMALLEST_MAGNITUDE, 1e-8,
                                 &eps));
      PetscCall(EPSLayeredFromOptions(eps, res->prefix.c_str(), sign > 0 ? "max_" : "min_"));
      PetscCall(EPSSolveEnd(eps, sign, NULL, res));
      PetscCall(EPSDestroy(&eps));
    }
  }
  Summarize(res);
  if (full) PetscCall(FullSpectrum(A, &op, symmetric, &res->full));
  PetscCall(MatDestroy(&S));
  PetscCall(MatDestroy(&op.Mlin));
  PetscCall(VecDestroy(&op.w1));
  PetscCall(VecDestroy(&op.w2));
  res->seconds = MPI_Wtime() - t0;
  PetscFunctionReturn(0);
}

PetscErrorCode SpectrumOfMethod(Mat A, const char *name, PetscBool full, SpectrumResult *res)
{
  KSP  ksp;
  char prefix[256];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_", name));
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)A), &ksp));
  PetscCall(KSPSetOptionsPrefix(ksp, prefix));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(KSPSetUp(ksp));
  PetscCall(SpectrumOfPreconditioned(A, ksp, name, full, res));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------------------------------------
// Output

static PetscErrorCode WriteVector(ResultsFile *rf, const char *group, const char *name,
                                  const std::vector<PetscReal> &v)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(rf->comm, &rank));
  PetscCall(ResultsFileWriteArray(rf, group, name, rank ? 0 : (PetscInt)v.size(), v.data()));
  PetscFunctionReturn(0);
}

PetscErrorCode SpectrumWrite(ResultsFile *rf, const char *group, const SpectrumResult *res)
{
  std::vector<PetscReal> end(res->end.begin(), res->end.end());

  PetscFunctionBeginUser;
  PetscCall(ResultsFileWriteString(rf, group, "target", res->target.c_str()));
  PetscCall(ResultsFileWriteString(rf, group, "form", res->form.c_str()));
  PetscCall(ResultsFileWriteString(rf, group, "pc_type", res->pc_type.c_str()));
  PetscCall(ResultsFileWriteInt(rf, group, "symmetric", res->symmetric ? 1 : 0));
  PetscCall(ResultsFileWriteInt(rf, group, "linear", res->linear ? 1 : 0));
  PetscCall(ResultsFileWriteReal(rf, group, "kappa", res->kappa));
  PetscCall(ResultsFileWriteReal(rf, group, "lambda_min", res->lambda_min));
  PetscCall(ResultsFileWriteReal(rf, group, "lambda_max", res->lambda_max));
  PetscCall(ResultsFileWriteReal(rf, group, "lambda_min_re", res->min_re));
  PetscCall(ResultsFileWriteReal(rf, group, "lambda_min_im", res->min_im));
  PetscCall(ResultsFileWriteReal(rf, group, "lambda_max_re", res->max_re));
  PetscCall(ResultsFileWriteReal(rf, group, "lambda_max_im", res->max_im));
  PetscCall(ResultsFileWriteString(rf, group, "eps_type", res->eps_type.c_str()));
  PetscCall(ResultsFileWriteString(rf, group, "st_type_max", res->st_type_max.c_str()));
  PetscCall(ResultsFileWriteString(rf, group, "st_type_min", res->st_type_min.c_str()));
  PetscCall(ResultsFileWriteReal(rf, group, "tolerance", res->tol));
  PetscCall(ResultsFileWriteInt(rf, group, "iterations", res->its_max + res->its_min));
  PetscCall(ResultsFileWriteInt(rf, group, "iterations_max", res->its_max));
  PetscCall(ResultsFileWriteInt(rf, group, "iterations_min", res->its_min));
  PetscCall(ResultsFileWriteInt(rf, group, "nconv", (PetscInt)res->eig_re.size()));
  PetscCall(ResultsFileWriteReal(rf, group, "seconds", res->seconds));
  PetscCall(WriteVector(rf, group, "eigenvalues_real", res->eig_re));
  PetscCall(WriteVector(rf, group, "eigenvalues_imag", res->eig_im));
  PetscCall(WriteVector(rf, group, "residual_norms", res->residual));
  PetscCall(WriteVector(rf, group, "eigenvalue_end", end));
  if (res->full.computed) {
    const SpectrumFull *f = &res->full;
    PetscCall(WriteVector(rf, group, "spectrum_real", f->re));
    PetscCall(WriteVector(rf, group, "spectrum_imag", f->im));
    PetscCall(ResultsFileWriteReal(rf, group, "full_kappa", f->kappa));
    PetscCall(ResultsFileWriteReal(rf, group, "full_lambda_min", f->lambda_min));
    PetscCall(ResultsFileWriteReal(rf, group, "full_lambda_max", f->lambda_max));
    PetscCall(ResultsFileWriteReal(rf, group, "full_spread", f->spread));
    PetscCall(ResultsFileWriteReal(rf, group, "full_median_abs", f->median_abs));
    PetscCall(ResultsFileWriteReal(rf, group, "full_fraction_median_band", f->frac_median_band));
    PetscCall(ResultsFileWriteReal(rf, group, "full_fraction_right_half", f->frac_right_half));
    PetscCall(ResultsFileWriteInt(rf, group, "full_unit_count", f->unit_count));
  }
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------------------------------------
// Spectral radius of the error propagation I - s C A

typedef struct {
  Mat       A;
  PC        pc;
  PetscReal scale;
  Vec       t;
} ErrorPropagation;

// y = x - s C A x
static PetscErrorCode MatMult_E(Mat E, Vec x, Vec y)
{
  ErrorPropagation *op;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(E, &op));
  PetscCall(MatMult(op->A, x, op->t));
  PetscCall(PCApply(op->pc, op->t, y));
  PetscCall(VecAYPX(y, -op->scale, x));
  PetscFunctionReturn(0);
}

PetscErrorCode IterationRadiusOfKSP(Mat A, KSP ksp, const char *name, IterationRadiusResult *res)
{
  MPI_Comm          comm = PetscObjectComm((PetscObject)A);
  ErrorPropagation  op;
  PCType            pctype;
  KSPType           ksptype;
  PetscBool         linear, rich, optimal = PETSC_FALSE;
  PetscInt          m, N, nconv;
  Mat               E;
  EPS               eps;
  PetscScalar       kr, ki;
  double            t0     = MPI_Wtime();
  const std::string prefix = std::string(name) + "_";

  PetscFunctionBeginUser;
  *res                  = IterationRadiusResult();
  res->target           = name;
  res->scale            = 1.0;
  res->scale_lambda_min = res->scale_lambda_max = -1.0;
  PetscCall(KSPGetPC(ksp, &op.pc));
  PetscCall(PCGetType(op.pc, &pctype));
  PetscCall(KSPGetType(ksp, &ksptype));
  res->pc_type  = pctype;
  res->ksp_type = ksptype;
  PetscCall(PCSpectralNature(op.pc, &res->symmetric, &linear));
  PetscCheck(linear, comm, PETSC_ERR_ARG_INCOMP,
             "method %s: its preconditioner (PC type %s) is not linear (PC registry), so "
             "I - CA is no matrix and has no spectral radius: -iteration_radius refuses it",
             name, pctype);
  PetscCall(PetscObjectTypeCompare((PetscObject)ksp, KSPRICHARDSON, &rich));
  if (rich) {
    PetscCall(KSPRichardsonOptimalScaleFromOptions(ksp, &optimal));
    if (optimal) {
      KSPOptimalScale s;
      PetscCall(KSPRichardsonSetOptimalScale(ksp, &s));
      res->scale            = s.scale;
      res->scale_lambda_min = s.lambda_min;
      res->scale_lambda_max = s.lambda_max;
    } else
      PetscCall(
          PetscOptionsGetReal(NULL, prefix.c_str(), "-ksp_richardson_scale", &res->scale, NULL));
  }
  res->optimal_scale = optimal;
  op.A               = A;
  op.scale           = res->scale;
  PetscCall(MatCreateVecs(A, &op.t, NULL));
  PetscCall(MatGetLocalSize(A, &m, NULL));
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(MatCreateShell(comm, m, m, N, N, &op, &E));
  PetscCall(MatShellSetOperation(E, MATOP_MULT, (void (*)(void))MatMult_E));
  PetscCall(EPSCreateDefault(comm, E, NULL, EPS_NHEP, EPS_LARGEST_MAGNITUDE, 1e-12, &eps));
  PetscCall(EPSSetTolerances(eps, 1e-12, 20000));
  PetscCall(EPSSetOptionsPrefix(eps, "rho_"));
  PetscCall(EPSSetFromOptions(eps));
  PetscCall(EPSSetOptionsPrefix(eps, prefix.c_str()));
  PetscCall(EPSAppendOptionsPrefix(eps, "rho_"));
  PetscCall(EPSSetFromOptions(eps));
  PetscCall(EPSSolve(eps));
  PetscCall(EPSGetConverged(eps, &nconv));
  PetscCall(EPSGetIterationNumber(eps, &res->its));
  PetscCall(EPSGetTolerances(eps, &res->tol, NULL));
  PetscCheck(nconv > 0, comm, PETSC_ERR_NOT_CONVERGED,
             "%s: the largest eigenvalue of I - CA did not converge in %" PetscInt_FMT
             " iterations (tolerance %g); raise -%srho_eps_max_it or -%srho_eps_ncv",
             name, res->its, (double)res->tol, prefix.c_str(), prefix.c_str());
  // The converged values are sorted by magnitude: the first is the dominant one.
  PetscCall(EPSGetEigenvalue(eps, 0, &kr, &ki));
  PetscCall(EPSComputeError(eps, 0, EPS_ERROR_RELATIVE, &res->residual));
  res->rho_re = PetscRealPart(kr);
  res->rho_im = PetscRealPart(ki);
  res->rho    = std::hypot(res->rho_re, res->rho_im);
  PetscCall(EPSDestroy(&eps));
  PetscCall(MatDestroy(&E));
  PetscCall(VecDestroy(&op.t));
  res->seconds = MPI_Wtime() - t0;
  PetscFunctionReturn(0);
}

PetscErrorCode IterationRadiusOfMethod(Mat A, const char *name, IterationRadiusResult *res)
{
  KSP  ksp;
  char prefix[256];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_", name));
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)A), &ksp));
  PetscCall(KSPSetOptionsPrefix(ksp, prefix));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(KSPSetUp(ksp));
  PetscCall(IterationRadiusOfKSP(A, ksp, name, res));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(0);
}

PetscErrorCode IterationRadiusWrite(ResultsFile *rf, const char *group,
                                    const IterationRadiusResult *res)
{
  PetscFunctionBeginUser;
  PetscCall(ResultsFileWriteString(rf, group, "target", res->target.c_str()));
  PetscCall(ResultsFileWriteString(rf, group, "pc_type", res->pc_type.c_str()));
  PetscCall(ResultsFileWriteString(rf, group, "ksp_type", res->ksp_type.c_str()));
  PetscCall(ResultsFileWriteInt(rf, group, "symmetric", res->symmetric ? 1 : 0));
  PetscCall(ResultsFileWriteReal(rf, group, "rho", res->rho));
  PetscCall(ResultsFileWriteReal(rf, group, "rho_re", res->rho_re));
  PetscCall(ResultsFileWriteReal(rf, group, "rho_im", res->rho_im));
  PetscCall(ResultsFileWriteReal(rf, group, "rho_residual", res->residual));
  PetscCall(ResultsFileWriteReal(rf, group, "rho_tolerance", res->tol));
  PetscCall(ResultsFileWriteInt(rf, group, "rho_iterations", res->its));
  PetscCall(ResultsFileWriteReal(rf, group, "rho_seconds", res->seconds));
  PetscCall(ResultsFileWriteReal(rf, group, "richardson_scale", res->scale));
  PetscCall(ResultsFileWriteInt(rf, group, "optimal_scale", res->optimal_scale ? 1 : 0));
  PetscCall(ResultsFileWriteReal(rf, group, "scale_lambda_min", res->scale_lambda_min));
  PetscCall(ResultsFileWriteReal(rf, group, "scale_lambda_max", res->scale_lambda_max));
  PetscFunctionReturn(0);
}
