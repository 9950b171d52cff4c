// gmrf_fdt: the fluctuation-dissipation checks of report 10 (REPORTS.md §10.1,
// docs/vecchia.md, "The fluctuation-dissipation report"). For a small operator A (N <= 1024,
// dense work on rank 0; default the 1-D chain, n = 32):
//   1. fluctuation = dissipation: column j of the sample covariance Sigma_hat = U U^T / N_s of
//      exact draws u = L^{-T} z (dense Cholesky, as the reference) against the kick response
//      A^{-1} e_j (a KSP solve, CG + ICC to 1e-14), with the predicted relative error
//      sqrt((Sigma_jj tr Sigma + ||Sigma e_j||^2)/N_s) / ||Sigma e_j||;
//   2. the relative Frobenius error of Sigma_hat against the Wishart prediction
//      sqrt(((tr Sigma)^2 + ||Sigma||_F^2)/N_s) / ||Sigma||_F for N_s = 100, 1000, ... up to
//      -snapshots (the first N_s draws of one stream);
//   3. Euler-Maruyama Langevin (dt = dt_factor/lambda_max, -chains chains from 0, burn-in 10 T,
//      T = ceil(-1/log(1 - dt lambda_min))): the stiffest-mode variance lambda_max E[(v_max^T
//      u)^2] over the snapshots stored every T steps (79 rounds) against 1/(1 - dt
//      lambda_max/2) (4/3 at dt_factor 0.5), and the autocorrelation time of the slowest mode
//      (projection on v_min over the first 20000 post-burn steps, ACF at lags 25, 50, ..., 2500
//      normalised by the mean square, log-linear fit where ACF > 0.2) against 1/(dt lambda_min)
//      (= 2 kappa at dt_factor 0.5).
// Written to an HDF5 file (-o, group /fdt); postprocess/plot_fdt.py draws the figure.
static const char help[] =
    "Fluctuation-dissipation checks of N(0, A^{-1}) samplers (report 10).\n\n"
    "  -problem chain|constant|variable|rod   operator (default chain: 1-D, n = 32)\n"
    "  -n <n>               grid size (N = n for chain, n*n otherwise; N <= 1024)\n"
    "  -snapshots <N>       exact draws (default 100000); checkpoints 100, 1000, ...\n"
    "  -seed <S>            exact sampler stream (default 1); Langevin uses S + 1\n"
    "  -column <j>          covariance column (default N/2)\n"
    "  -chains <C>          Langevin chains (default 64)\n"
    "  -dt_factor <f>       Langevin dt = f / lambda_max, 0 < f < 2 (default 0.5)\n"
    "  -o <F.h5>            output (default fdt.h5)\n\n";

#include <petscksp.h>
#include <petscviewerhdf5.h>

#include <petscblaslapack.h> // after the PETSc headers it relies on

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/temp_files.h"
#include "problems/problem.h"
#include "runtime/app.h"
#include "tools/gmrf_random.h"

namespace {

#define FDT_MAX_N 1024

typedef struct {
  char      problem[POISSON_NAME_LEN];
  char      out[PETSC_MAX_PATH_LEN];
  PetscInt  n, snapshots, seed, column, chains;
  PetscReal dt_factor;
} FdtOptions;

// Dense column-major A on rank 0 (empty elsewhere) and the operator as a Mat.
PetscErrorCode BuildOperator(MPI_Comm comm, const FdtOptions *o, std::vector<double> *A,
                             PetscInt *N)
{
  PetscMPIInt rank;
  Mat         M, *sub, D;
  IS          is;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!strcmp(o->problem, "chain")) {
    const PetscReal h = 1.0 / (o->n + 1), s = 1.0 / (h * h);
    PetscInt        lo, hi;
    PetscCall(MatCreateAIJ(comm, PETSC_DECIDE, PETSC_DECIDE, o->n, o->n, 3, NULL, 2, NULL, &M));
    PetscCall(MatGetOwnershipRange(M, &lo, &hi));
    for (PetscInt i = lo; i < hi; i++) {
      PetscCall(MatSetValue(M, i, i, 2.0 * s, INSERT_VALUES));
      if (i > 0) PetscCall(MatSetValue(M, i, i - 1, -s, INSERT_VALUES));
      if (i < o->n - 1) PetscCall(MatSetValue(M, i, i + 1, -s, INSERT_VALUES));
    }
    PetscCall(MatAssemblyBegin(M, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(M, MAT_FINAL_ASSEMBLY));
  } else {
    ProblemOptions popts;
    Problem        p;
    PetscCall(ProblemOptionsFromCommandLine(comm, o->problem, &popts));
    PetscCall(ProblemCreate(comm, &popts, &p));
    M = p.A;
    PetscCall(PetscObjectReference((PetscObject)M));
    PetscCall(ProblemDestroy(&p));
  }
  PetscCall(MatGetSize(M, N, NULL));
  PetscCheck(*N <= FDT_MAX_N, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "gmrf_fdt works densely: N = %" PetscInt_FMT " exceeds %d", *N, FDT_MAX_N);
  PetscCall(ISCreateStride(PETSC_COMM_SELF, rank ? 0 : *N, 0, 1, &is));
  PetscCall(MatCreateSubMatrices(M, 1, &is, &is, MAT_INITIAL_MATRIX, &sub));
  if (rank == 0) {
    const PetscScalar *d;
    PetscCall(MatConvert(sub[0], MATSEQDENSE, MAT_INITIAL_MATRIX, &D));
    PetscCall(MatDenseGetArrayRead(D, &d));
    A->assign(d, d + (size_t)(*N) * (*N));
    PetscCall(MatDenseRestoreArrayRead(D, &d));
    PetscCall(MatDestroy(&D));
  }
  PetscCall(MatDestroySubMatrices(1, &sub));
  PetscCall(ISDestroy(&is));
  PetscCall(MatDestroy(&M));
  PetscFunctionReturn(0);
}

// x = A^{-1} e_j by CG + ICC(0) on a sequential copy, relative tolerance 1e-14.
PetscErrorCode KickResponse(const std::vector<double> &A, PetscInt N, PetscInt j,
                            std::vector<double> *x)
{
  Mat                M;
  KSP                ksp;
  PC                 pc;
  Vec                b, y;
  const PetscScalar *ya;

  PetscFunctionBeginUser;
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, N, N, 5, NULL, &M));
  for (PetscInt c = 0; c < N; c++)
    for (PetscInt r = 0; r < N; r++)
      if (A[r + c * N] != 0.0) PetscCall(MatSetValue(M, r, c, A[r + c * N], INSERT_VALUES));
  PetscCall(MatAssemblyBegin(M, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(M, MAT_FINAL_ASSEMBLY));
  PetscCall(MatCreateVecs(M, &y, &b));
  PetscCall(VecZeroEntries(b));
  PetscCall(VecSetValue(b, j, 1.0, INSERT_VALUES));
  PetscCall(VecAssemblyBegin(b));
  PetscCall(VecAssemblyEnd(b));
  PetscCall(KSPCreate(PETSC_COMM_SELF, &ksp));
  PetscCall(KSPSetOperators(ksp, M, M));
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCICC));
  PetscCall(KSPSetTolerances(ksp, 1e-14, 0.0, PETSC_DEFAULT, 10 * N));
  PetscCall(KSPSolve(ksp, b, y));
  PetscCall(VecGetArrayRead(y, &ya));
  x->assign(ya, ya + N);
  PetscCall(VecRestoreArrayRead(y, &ya));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&y));
  PetscCall(MatDestroy(&M));
  PetscFunctionReturn(0);
}

typedef struct {
  // exact sampler
  std::vector<PetscReal> ns, frob_err, frob_pred, col_err, col_pred;
  std::vector<PetscReal> col_hat, col_exact; // at the largest N_s
  // Langevin
  PetscReal              dt, lambda_min, lambda_max, inflation, inflation_theory, inflation_se;
  PetscReal              tau, tau_theory;
  PetscInt               thin, burn, stored;
  std::vector<PetscReal> lags, acf;
} FdtResult;

PetscErrorCode ExactChecks(const FdtOptions *o, const std::vector<double> &A, PetscInt N,
                           FdtResult *r)
{
  PetscBLASInt        bn, info, one = 1;
  const PetscScalar   unit = 1.0;
  std::vector<double> L = A, Sigma = A, S((size_t)N * N, 0.0), u(N), kick;

  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(N, &bn));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, L.data(), &bn, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "gmrf_fdt: the operator is not positive definite (potrf info %d)", (int)info);
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, Sigma.data(), &bn, &info));
  PetscCallBLAS("LAPACKpotri", LAPACKpotri_("L", &bn, Sigma.data(), &bn, &info));
  for (PetscInt c = 0; c < N; c++) // potri fills the lower triangle
    for (PetscInt rr = 0; rr < c; rr++) Sigma[rr + c * N] = Sigma[c + rr * N];
  const PetscInt j = o->column;
  PetscCall(KickResponse(A, N, j, &kick));
  double tr = 0.0, fro2 = 0.0, col2 = 0.0;
  for (PetscInt k = 0; k < N; k++) {
    tr += Sigma[k + k * N];
    col2 += Sigma[k + j * N] * Sigma[k + j * N];
  }
  for (double x : Sigma) fro2 += x * x;
  PetscInt next = 100;
  for (PetscInt s = 0; s < o->snapshots; s++) {
    for (PetscInt k = 0; k < N; k++) u[k] = Normal((uint64_t)o->seed, (uint64_t)s, (uint64_t)k);
    BLAStrsm_("L", "L", "T", "N", &bn, &one, &unit, L.data(), &bn, u.data(), &bn); // L^T u = z
    for (PetscInt c = 0; c < N; c++) // S += u u^T (lower)
      for (PetscInt rr = c; rr < N; rr++) S[rr + c * N] += u[rr] * u[c];
    if (s + 1 == next || s + 1 == o->snapshots) {
      const double ns = (double)(s + 1);
      double       d2 = 0.0, c2 = 0.0;
      for (PetscInt c = 0; c < N; c++)
        for (PetscInt rr = 0; rr < N; rr++) {
          const double e = (rr >= c ? S[rr + c * N] : S[c + rr * N]) / ns - Sigma[rr + c * N];
          d2 += e * e;
        }
      for (PetscInt k = 0; k < N; k++) {
        const double e = (k >= j ? S[k + j * N] : S[j + k * N]) / ns - kick[k];
        c2 += e * e;
      }
      r->ns.push_back(ns);
      r->frob_err.push_back(std::sqrt(d2 / fro2));
      r->frob_pred.push_back(std::sqrt((tr * tr + fro2) / ns) / std::sqrt(fro2));
      r->col_err.push_back(std::sqrt(c2 / col2));
      r->col_pred.push_back(std::sqrt((Sigma[j + j * N] * tr + col2) / ns) / std::sqrt(col2));
      if (s + 1 == next) next *= 10;
    }
  }
  r->col_hat.resize(N);
  for (PetscInt k = 0; k < N; k++)
    r->col_hat[k] = (k >= j ? S[k + j * N] : S[j + k * N]) / (double)o->snapshots;
  r->col_exact.assign(kick.begin(), kick.end());
  PetscFunctionReturn(0);
}

PetscErrorCode LangevinChecks(const FdtOptions *o, const std::vector<double> &A, PetscInt N,
                              FdtResult *r)
{
  PetscBLASInt        bn, info, lwork;
  std::vector<double> V = A, w(N), work;

  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(N, &bn));
  lwork = 64 * bn;
  work.resize(lwork);
  PetscCallBLAS("LAPACKsyev",
                LAPACKsyev_("V", "L", &bn, V.data(), &bn, w.data(), work.data(), &lwork, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK syev failed, info %d", (int)info);
  const double *vmin = V.data(), *vmax = V.data() + (size_t)(N - 1) * N;
  r->lambda_min              = w[0];
  r->lambda_max              = w[N - 1];
  r->dt                      = o->dt_factor / r->lambda_max;
  r->thin                    = (PetscInt)std::ceil(-1.0 / std::log(1.0 - r->dt * r->lambda_min));
  r->burn                    = 10 * r->thin;
  r->inflation_theory        = 1.0 / (1.0 - r->dt * r->lambda_max / 2.0);
  r->tau_theory              = 1.0 / (r->dt * r->lambda_min);
  const PetscInt      rounds = 79, acf_steps = 20000, post = PetscMax(rounds * r->thin, acf_steps);
  const PetscInt      C  = o->chains;
  const double        sq = std::sqrt(2.0 * r->dt);
  std::vector<double> u((size_t)C * N, 0.0), Au(N), proj((size_t)C * acf_steps), val;
  std::vector<PetscInt> start(N + 1, 0), col;
  for (PetscInt i = 0; i < N; i++) {
    for (PetscInt k = 0; k < N; k++)
      if (A[i + k * N] != 0.0) {
        col.push_back(k);
        val.push_back(A[i + k * N]);
      }
    start[i + 1] = (PetscInt)col.size();
  }
  double sum_stiff = 0.0, sum_stiff2 = 0.0;
  r->stored = 0;
  for (PetscInt step = 1; step <= r->burn + post; step++) {
    for (PetscInt c = 0; c < C; c++) {
      double *x = u.data() + (size_t)c * N;
      for (PetscInt i = 0; i < N; i++) { // Au with the nonzeros of A (rows)
        double s = 0.0;
        for (PetscInt q = start[i]; q < start[i + 1]; q++) s += val[q] * x[col[q]];
        Au[i] = s;
      }
      const uint64_t stream = (uint64_t)step * C + c;
      for (PetscInt i = 0; i < N; i++)
        x[i] += -r->dt * Au[i] + sq * Normal((uint64_t)o->seed + 1, stream, (uint64_t)i);
      const PetscInt t = step - r->burn;
      if (t >= 1 && t <= acf_steps) {
        double p = 0.0;
        for (PetscInt i = 0; i < N; i++) p += vmin[i] * x[i];
        proj[(size_t)c * acf_steps + (t - 1)] = p;
      }
      if (t >= 1 && t <= rounds * r->thin && t % r->thin == 0) {
        double p = 0.0;
        for (PetscInt i = 0; i < N; i++) p += vmax[i] * x[i];
        sum_stiff += p * p;
        sum_stiff2 += p * p * p * p;
        r->stored++;
      }
    }
  }
  const double mean = sum_stiff / r->stored, var = sum_stiff2 / r->stored - mean * mean;
  r->inflation    = mean * r->lambda_max;
  r->inflation_se = std::sqrt(var / r->stored) * r->lambda_max;
  // ACF of the slowest mode, normalised by the mean square, and the log-linear fit.
  double ms = 0.0;
  for (double p : proj) ms += p * p;
  ms /= (double)proj.size();
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int    m = 0;
  for (PetscInt lag = 25; lag <= 2500; lag += 25) {
    double s = 0.0;
    for (PetscInt c = 0; c < C; c++)
      for (PetscInt t = 0; t + lag < acf_steps; t++)
        s += proj[(size_t)c * acf_steps + t] * proj[(size_t)c * acf_steps + t + lag];
    const double a = s / ((double)C * (acf_steps - lag)) / ms;
    r->lags.push_back(lag);
    r->acf.push_back(a);
    if (a > 0.2) {
      sx += lag;
      sy += std::log(a);
      sxx += (double)lag * lag;
      sxy += lag * std::log(a);
      m++;
    }
  }
  PetscCheck(m >= 2, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED,
             "gmrf_fdt: fewer than two lags with ACF > 0.2; no autocorrelation fit");
  const double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
  r->tau             = -1.0 / slope;
  PetscFunctionReturn(0);
}

PetscErrorCode WriteVector(PetscViewer v, const char *name, const std::vector<PetscReal> &x)
{
  Vec w;

  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, (PetscInt)x.size(), &w));
  for (size_t k = 0; k < x.size(); k++) PetscCall(VecSetValue(w, (PetscInt)k, x[k], INSERT_VALUES));
  PetscCall(VecAssemblyBegin(w));
  PetscCall(VecAssemblyEnd(w));
  PetscCall(PetscObjectSetName((PetscObject)w, name));
  PetscCall(VecView(w, v));
  PetscCall(VecDestroy(&w));
  PetscFunctionReturn(0);
}

PetscErrorCode WriteResult(const FdtOptions *o, PetscInt N, const FdtResult *r)
{
  char        tmp[PETSC_MAX_PATH_LEN + 64];
  PetscViewer v;

  PetscFunctionBeginUser;
  PetscCall(TempFileName(o->out, tmp, sizeof(tmp)));
  PetscCall(TempFileRegister(tmp));
  PetscCall(PetscViewerHDF5Open(PETSC_COMM_SELF, tmp, FILE_MODE_WRITE, &v));
  PetscCall(PetscViewerHDF5PushGroup(v, "/fdt"));
  PetscCall(WriteVector(v, "ns", r->ns));
  PetscCall(WriteVector(v, "frobenius_error", r->frob_err));
  PetscCall(WriteVector(v, "frobenius_predicted", r->frob_pred));
  PetscCall(WriteVector(v, "column_error", r->col_err));
  PetscCall(WriteVector(v, "column_predicted", r->col_pred));
  PetscCall(WriteVector(v, "column_sample", r->col_hat));
  PetscCall(WriteVector(v, "column_kick_response", r->col_exact));
  PetscCall(WriteVector(v, "acf_lags", r->lags));
  PetscCall(WriteVector(v, "acf", r->acf));
  const struct {
    const char *name;
    PetscReal   value;
  } reals[] = {{"dt", r->dt},
               {"dt_factor", o->dt_factor},
               {"lambda_min", r->lambda_min},
               {"lambda_max", r->lambda_max},
               {"stiff_inflation", r->inflation},
               {"stiff_inflation_se", r->inflation_se},
               {"stiff_inflation_theory", r->inflation_theory},
               {"tau", r->tau},
               {"tau_theory", r->tau_theory}};
  for (const auto &a : reals)
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/fdt", a.name, PETSC_REAL, &a.value));
  const struct {
    const char *name;
    PetscInt    value;
  } ints[] = {{"N", N},
              {"column", o->column},
              {"seed", o->seed},
              {"chains", o->chains},
              {"thinning", r->thin},
              {"burn_in", r->burn},
              {"langevin_snapshots", r->stored}};
  for (const auto &a : ints)
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/fdt", a.name, PETSC_INT, &a.value));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/fdt", "problem", PETSC_STRING, o->problem));
  PetscCall(PetscViewerHDF5PopGroup(v));
  PetscCall(PetscViewerDestroy(&v));
  PetscCheck(!std::rename(tmp, o->out), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "cannot rename '%s' to '%s'", tmp, o->out);
  TempFileForget(tmp);
  PetscFunctionReturn(0);
}

PetscErrorCode Run(MPI_Comm comm, ResultsFile *)
{
  FdtOptions          o;
  std::vector<double> A;
  PetscInt            N;
  PetscMPIInt         rank;
  FdtResult           r;
  PetscBool           set_n;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMemzero(&o, sizeof(o)));
  PetscCall(PetscStrncpy(o.problem, "chain", sizeof(o.problem)));
  PetscCall(PetscStrncpy(o.out, "fdt.h5", sizeof(o.out)));
  o.n         = 32;
  o.snapshots = 100000;
  o.seed      = 1;
  o.column    = -1;
  o.chains    = 64;
  o.dt_factor = 0.5;
  PetscOptionsBegin(comm, NULL, "gmrf_fdt options", NULL);
  PetscCall(PetscOptionsString("-problem", "chain, constant, variable or rod", NULL, o.problem,
                               o.problem, sizeof(o.problem), NULL));
  PetscCall(PetscOptionsInt("-n", "Grid size", NULL, o.n, &o.n, &set_n));
  PetscCall(PetscOptionsInt("-snapshots", "Exact draws", NULL, o.snapshots, &o.snapshots, NULL));
  PetscCall(PetscOptionsInt("-seed", "Exact sampler stream", NULL, o.seed, &o.seed, NULL));
  PetscCall(PetscOptionsInt("-column", "Covariance column (default N/2)", NULL, o.column, &o.column,
                            NULL));
  PetscCall(PetscOptionsInt("-chains", "Langevin chains", NULL, o.chains, &o.chains, NULL));
  PetscCall(PetscOptionsReal("-dt_factor", "Langevin dt = f / lambda_max", NULL, o.dt_factor,
                             &o.dt_factor, NULL));
  PetscCall(PetscOptionsString("-o", "Output file", NULL, o.out, o.out, sizeof(o.out), NULL));
  PetscOptionsEnd();
  PetscCheck(o.n >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "-n must be at least 2");
  PetscCheck(o.snapshots >= 100, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-snapshots must be at least 100, got %" PetscInt_FMT, o.snapshots);
  PetscCheck(o.chains >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-chains must be at least 1");
  PetscCheck(o.dt_factor > 0.0 && o.dt_factor < 2.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-dt_factor must lie in (0, 2), got %g", (double)o.dt_factor);
  PetscCheck(!strcmp(o.problem, "chain") || !strcmp(o.problem, "constant") ||
                 !strcmp(o.problem, "variable") || !strcmp(o.problem, "rod"),
             comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown -problem '%s' (allowed: chain, constant, variable, rod)", o.problem);
  if (strcmp(o.problem, "chain") && !set_n) o.n = 16; // 2-D default: N = 256
  PetscCall(TempFilesInstallSignalCleanup());
  PetscCall(BuildOperator(comm, &o, &A, &N));
  if (o.column < 0) o.column = N / 2;
  PetscCheck(o.column < N, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-column %" PetscInt_FMT " is not below N = %" PetscInt_FMT, o.column, N);
  if (rank == 0) {
    PetscCall(ExactChecks(&o, A, N, &r));
    PetscCall(LangevinChecks(&o, A, N, &r));
    PetscCall(PetscPrintf(PETSC_COMM_SELF,
                          "gmrf_fdt: problem %s, N = %" PetscInt_FMT ", column %" PetscInt_FMT
                          "\n  exact sampler (seed %" PetscInt_FMT
                          "): N_s, column error / predicted, Frobenius error / predicted\n",
                          o.problem, N, o.column, o.seed));
    for (size_t k = 0; k < r.ns.size(); k++)
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "  %9.0f  %.4f / %.4f   %.4f / %.4f\n",
                            (double)r.ns[k], (double)r.col_err[k], (double)r.col_pred[k],
                            (double)r.frob_err[k], (double)r.frob_pred[k]));
    PetscCall(PetscPrintf(PETSC_COMM_SELF,
                          "  Langevin: dt = %.4g (dt lambda_max = %.3g), thinning %" PetscInt_FMT
                          ", burn-in %" PetscInt_FMT ", %" PetscInt_FMT " chains\n"
                          "  stiffest-mode variance inflation %.4f +- %.4f (theory %.4f)\n"
                          "  slowest-mode autocorrelation time %.1f steps (theory 1/(dt "
                          "lambda_min) = %.1f)\n",
                          (double)r.dt, (double)(r.dt * r.lambda_max), r.thin, r.burn, o.chains,
                          (double)r.inflation, (double)r.inflation_se, (double)r.inflation_theory,
                          (double)r.tau, (double)r.tau_theory));
    PetscCall(WriteResult(&o, N, &r));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "  wrote %s\n", o.out));
  }
  PetscCallMPI(MPI_Barrier(comm));
  PetscFunctionReturn(0);
}

} // namespace

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
