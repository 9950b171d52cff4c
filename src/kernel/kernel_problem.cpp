#include "kernel/kernel_problem.h"

#include <petscblaslapack.h>
#include <petscksp.h>
#include <slepceps.h>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

// One row per kernel: k as a function of the scaled distance r = |p - q| / lengthscale.
typedef struct {
  const char *name;
  PetscReal (*k)(PetscReal r);
  const char *formula;
} KernelEntry;

static PetscReal KernelRBF(PetscReal r)
{
  return PetscExpReal(-0.5 * r * r);
}
static PetscReal KernelMatern32(PetscReal r)
{
  const PetscReal s = PetscSqrtReal(3.0) * r;
  return (1.0 + s) * PetscExpReal(-s);
}
static PetscReal KernelMatern52(PetscReal r)
{
  const PetscReal s = PetscSqrtReal(5.0) * r;
  return (1.0 + s + s * s / 3.0) * PetscExpReal(-s);
}

static const KernelEntry kernel_table[] = {
    {"rbf", KernelRBF, "exp(-r^2/2)"},
    {"matern32", KernelMatern32, "(1 + sqrt(3) r) exp(-sqrt(3) r)"},
    {"matern52", KernelMatern52, "(1 + sqrt(5) r + 5 r^2/3) exp(-sqrt(5) r)"},
};

static const KernelEntry *FindKernel(const char *name)
{
  for (const KernelEntry &e : kernel_table)
    if (!strcmp(e.name, name)) return &e;
  return NULL;
}

const char *KernelListNames(void)
{
  return "rbf, matern32, matern52";
}

PetscErrorCode KernelOptionsFromCommandLine(MPI_Comm comm, KernelOptions *opts)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(opts, sizeof(*opts)));
  PetscCall(PetscStrncpy(opts->kernel, "rbf", sizeof(opts->kernel)));
  opts->n_points    = 2000;
  opts->lengthscale = 0.2;
  opts->mu          = 1e-2;
  opts->seed        = 1;
  PetscOptionsBegin(comm, NULL, "Kernel ridge problem options", NULL);
  PetscCall(PetscOptionsString("-kernel_type", "Kernel: rbf, matern32, matern52", NULL,
                               opts->kernel, opts->kernel, sizeof(opts->kernel), NULL));
  PetscCall(PetscOptionsInt("-n_points", "Number N of scattered points in the unit square", NULL,
                            opts->n_points, &opts->n_points, NULL));
  PetscCall(PetscOptionsReal("-kernel_lengthscale", "Kernel length scale", NULL, opts->lengthscale,
                             &opts->lengthscale, NULL));
  PetscCall(PetscOptionsReal("-kernel_mu", "Ridge regularization mu of K + mu I", NULL, opts->mu,
                             &opts->mu, NULL));
  PetscCall(PetscOptionsInt("-kernel_seed", "Seed of the points and of the noise", NULL, opts->seed,
                            &opts->seed, NULL));
  PetscOptionsEnd();
  PetscCheck(FindKernel(opts->kernel), comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown kernel '%s' (known: %s)", opts->kernel, KernelListNames());
  PetscCheck(opts->n_points >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-n_points must be at least 2, got %" PetscInt_FMT, opts->n_points);
  char got[64];
  snprintf(got, sizeof(got), "%g", (double)opts->lengthscale); // PETSc's %g would append a '.'
  PetscCheck(opts->lengthscale > 0.0 && std::isfinite((double)opts->lengthscale), comm,
             PETSC_ERR_ARG_OUTOFRANGE,
             "-kernel_lengthscale must be a finite positive number, got %s", got);
  snprintf(got, sizeof(got), "%g", (double)opts->mu);
  PetscCheck(opts->mu > 0.0 && std::isfinite((double)opts->mu), comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-kernel_mu must be a finite positive number, got %s", got);
  PetscFunctionReturn(0);
}

// K x = (K + mu I) x - mu x: the kernel matrix as a shell around the assembled A.
typedef struct {
  Mat       A;
  PetscReal mu;
} KernelShell;

static PetscErrorCode KernelShellMult(Mat K, Vec x, Vec y)
{
  KernelShell *ctx;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(K, &ctx));
  PetscCall(MatMult(ctx->A, x, y));
  PetscCall(VecAXPY(y, -ctx->mu, x));
  PetscFunctionReturn(0);
}

static PetscErrorCode KernelShellDestroy(Mat K)
{
  KernelShell *ctx;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(K, &ctx));
  PetscCall(PetscFree(ctx));
  PetscFunctionReturn(0);
}

// Memory the processes of comm may still allocate (minimum over comm, collective):
// MemAvailable of /proc/meminfo, else the physical memory not in use.
static PetscErrorCode AvailableMemory(MPI_Comm comm, double *bytes)
{
  double        here = -1;
  std::ifstream in("/proc/meminfo");
  std::string   line;

  PetscFunctionBeginUser;
  while (here < 0 && std::getline(in, line))
    if (line.compare(0, 13, "MemAvailable:") == 0) {
      std::istringstream fields(line.substr(13));
      double             kb = -1;
      if (fields >> kb && kb >= 0) here = kb * 1024.0;
    }
  if (here < 0) {
    const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    here = pages > 0 && page > 0 ? (double)pages * (double)page : INFINITY;
  }
  PetscCallMPI(MPI_Allreduce(&here, bytes, 1, MPI_DOUBLE, MPI_MIN, comm));
  PetscFunctionReturn(0);
}

static std::string GigabyteText(double bytes)
{
  char buf[64];
  snprintf(buf, sizeof(buf), bytes >= 1e9 ? "%.3g GB" : "%.3g MB",
           bytes >= 1e9 ? bytes / 1e9 : bytes / 1e6);
  return buf;
}

PetscErrorCode KernelProblemCheckMemory(MPI_Comm comm, PetscInt n_points)
{
  double available;

  PetscFunctionBeginUser;
  // The dense K + mu I (spread over the ranks) and the copy of K that rank 0 hands to LAPACK
  // for the eigenvalues: two N x N matrices of doubles, both on rank 0's machine when the
  // ranks share it.
  const double dense = (double)n_points * (double)n_points * sizeof(PetscScalar);
  PetscCall(AvailableMemory(comm, &available));
  PetscCheck(2.0 * dense <= available, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-n_points %" PetscInt_FMT ": the dense kernel matrix K + mu I and rank 0's copy of K "
             "for its eigenvalues (N x N doubles, %s each) need about %s of memory, more than the "
             "%s available on this machine",
             n_points, GigabyteText(dense).c_str(), GigabyteText(2.0 * dense).c_str(),
             GigabyteText(available).c_str());
  PetscFunctionReturn(0);
}

PetscErrorCode KernelProblemCreate(MPI_Comm comm, const KernelOptions *opts, KernelProblem *kp)
{
  const KernelEntry     *ker = FindKernel(opts->kernel);
  const PetscInt         N   = opts->n_points;
  PetscInt               lo, hi, m, lda;
  PetscRandom            rnd;
  PetscScalar           *a, *bb;
  std::vector<PetscReal> noise;
  KernelShell           *ctx;

  PetscFunctionBeginUser;
  PetscCheck(ker, comm, PETSC_ERR_ARG_UNKNOWN_TYPE, "unknown kernel '%s'", opts->kernel);
  PetscCall(KernelProblemCheckMemory(comm, N));
  PetscCall(PetscMemzero(kp, sizeof(*kp)));
  kp->opts = *opts;

  // Points and noise: the same stream on every rank, so the problem ignores the rank count.
  PetscCall(PetscMalloc1(2 * N, &kp->points));
  PetscCallCXX(noise.resize(N));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRANDER48));
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)opts->seed));
  PetscCall(PetscRandomSeed(rnd));
  for (PetscInt i = 0; i < 2 * N; i++) PetscCall(PetscRandomGetValueReal(rnd, &kp->points[i]));
  for (PetscInt i = 0; i < N; i++) { // Box-Muller, standard normal noise
    PetscReal u1, u2;
    PetscCall(PetscRandomGetValueReal(rnd, &u1));
    PetscCall(PetscRandomGetValueReal(rnd, &u2));
    noise[i] = PetscSqrtReal(-2.0 * PetscLogReal(1.0 - u1)) * PetscCosReal(2.0 * PETSC_PI * u2);
  }
  PetscCall(PetscRandomDestroy(&rnd));

  // A = K + mu I, dense, rows distributed.
  PetscCall(MatCreateDense(comm, PETSC_DECIDE, PETSC_DECIDE, N, N, NULL, &kp->A));
  PetscCall(PetscObjectSetName((PetscObject)kp->A, "K_plus_mu_I"));
  PetscCall(MatGetOwnershipRange(kp->A, &lo, &hi));
  PetscCall(MatDenseGetLDA(kp->A, &lda));
  PetscCall(MatDenseGetArrayWrite(kp->A, &a));
  for (PetscInt j = 0; j < N; j++)
    for (PetscInt i = lo; i < hi; i++) {
      const PetscReal dx = kp->points[2 * i] - kp->points[2 * j];
      const PetscReal dy = kp->points[2 * i + 1] - kp->points[2 * j + 1];
      a[(i - lo) + j * lda] =
          ker->k(PetscSqrtReal(dx * dx + dy * dy) / opts->lengthscale) + (i == j ? opts->mu : 0.0);
    }
  PetscCall(MatDenseRestoreArrayWrite(kp->A, &a));
  PetscCall(MatAssemblyBegin(kp->A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(kp->A, MAT_FINAL_ASSEMBLY));

  // K as a shell: the preconditioner sketches K and adds mu itself (Eq. 5.3).
  PetscCall(MatGetLocalSize(kp->A, &m, NULL));
  PetscCall(PetscNew(&ctx));
  ctx->A  = kp->A;
  ctx->mu = opts->mu;
  PetscCall(MatCreateShell(comm, m, m, N, N, ctx, &kp->K));
  PetscCall(MatShellSetOperation(kp->K, MATOP_MULT, (void (*)(void))KernelShellMult));
  PetscCall(MatShellSetOperation(kp->K, MATOP_DESTROY, (void (*)(void))KernelShellDestroy));
  PetscCall(MatSetOption(kp->K, MAT_SYMMETRIC, PETSC_TRUE));

  // b_i = sin(2 pi x_i) cos(pi y_i) + 0.1 noise_i: noisy samples of a smooth target.
  PetscCall(MatCreateVecs(kp->A, NULL, &kp->b));
  PetscCall(PetscObjectSetName((PetscObject)kp->b, "b"));
  PetscCall(VecGetArrayWrite(kp->b, &bb));
  for (PetscInt i = lo; i < hi; i++)
    bb[i - lo] = PetscSinReal(2.0 * PETSC_PI * kp->points[2 * i]) *
                     PetscCosReal(PETSC_PI * kp->points[2 * i + 1]) +
                 0.1 * noise[i];
  PetscCall(VecRestoreArrayWrite(kp->b, &bb));
  PetscFunctionReturn(0);
}

PetscErrorCode KernelProblemDestroy(KernelProblem *kp)
{
  PetscFunctionBeginUser;
  PetscCall(MatDestroy(&kp->K));
  PetscCall(MatDestroy(&kp->A));
  PetscCall(VecDestroy(&kp->b));
  PetscCall(PetscFree(kp->points));
  PetscFunctionReturn(0);
}

// Rank 0's part of KernelSpectrumCompute: all eigenvalues of K (syev), out = {lambda_max,
// lambda_min, d_eff, kappa}.
static PetscErrorCode KernelEigenvaluesOnRankZero(const KernelProblem *kp, PetscReal out[4])
{
  const KernelEntry       *ker = FindKernel(kp->opts.kernel);
  const PetscInt           N   = kp->opts.n_points;
  const PetscReal          mu  = kp->opts.mu;
  std::vector<PetscScalar> K, work;
  std::vector<PetscReal>   w;
  PetscBLASInt             n, lwork = -1, info;
  PetscScalar              query;

  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(N, &n));
  try {
    K.resize((size_t)N * N);
    w.resize(N);
  } catch (const std::exception &) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
            "-n_points %" PetscInt_FMT ": out of memory for the N x N copy of K", N);
  }
  for (PetscInt j = 0; j < N; j++)
    for (PetscInt i = 0; i <= j; i++) { // upper triangle suffices for syev('U')
      const PetscReal dx   = kp->points[2 * i] - kp->points[2 * j];
      const PetscReal dy   = kp->points[2 * i + 1] - kp->points[2 * j + 1];
      K[i + (size_t)j * N] = ker->k(PetscSqrtReal(dx * dx + dy * dy) / kp->opts.lengthscale);
    }
  PetscCallBLAS("LAPACKsyev",
                LAPACKsyev_("N", "U", &n, K.data(), &n, w.data(), &query, &lwork, &info));
  lwork = (PetscBLASInt)PetscRealPart(query);
  try {
    work.resize(lwork);
  } catch (const std::exception &) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
            "-n_points %" PetscInt_FMT ": out of memory for LAPACK's workspace", N);
  }
  PetscCallBLAS("LAPACKsyev",
                LAPACKsyev_("N", "U", &n, K.data(), &n, w.data(), work.data(), &lwork, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK syev failed, info %d", (int)info);
  // Ascending eigenvalues; K is PSD, so negative ones are rounding (clipped for d_eff).
  for (PetscInt i = 0; i < N; i++) {
    const PetscReal l = PetscMax(0.0, w[i]);
    out[2] += l / (l + mu);
  }
  out[0] = w[N - 1];
  out[1] = w[0];
  out[3] = (w[N - 1] + mu) / (PetscMax(0.0, w[0]) + mu);
  PetscFunctionReturn(0);
}

PetscErrorCode KernelSpectrumCompute(const KernelProblem *kp, KernelSpectrum *s)
{
  const PetscInt N = kp->opts.n_points;
  MPI_Comm       comm;
  PetscMPIInt    rank;
  PetscReal      out[4] = {0, 0, 0, 0};
  PetscErrorCode ierr   = 0;
  int            failed;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)kp->A, &comm));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) ierr = KernelEigenvaluesOnRankZero(kp, out);
  // A failure on rank 0 (reported there) must not leave the other ranks in the broadcast:
  // they raise the same code, without a second message (user errors print on rank 0 only).
  failed = (int)ierr;
  PetscCallMPI(MPI_Bcast(&failed, 1, MPI_INT, 0, comm));
  if (!rank) PetscCall(ierr);
  PetscCheck(!failed, comm, (PetscErrorCode)failed, "the eigenvalues of K failed on rank 0");
  PetscCallMPI(MPI_Bcast(out, 4, MPIU_REAL, 0, comm));
  s->lambda_max  = out[0];
  s->lambda_min  = out[1];
  s->d_eff       = out[2];
  s->kappa       = out[3];
  s->rank_theory = PetscMin(N, 2 * (PetscInt)PetscCeilReal(1.5 * s->d_eff) + 1);
  PetscFunctionReturn(0);
}

// S = P^{-1/2} A P^{-1/2} as a shell.
typedef struct {
  PC  pc;
  Mat A;
  Vec t1, t2;
} SymmetricShell;

static PetscErrorCode SymmetricShellMult(Mat S, Vec x, Vec y)
{
  SymmetricShell *ctx;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(S, &ctx));
  PetscCall(PCApplySymmetricRight(ctx->pc, x, ctx->t1));
  PetscCall(MatMult(ctx->A, ctx->t1, ctx->t2));
  PetscCall(PCApplySymmetricLeft(ctx->pc, ctx->t2, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode ExtremeEigenvalue(Mat S, EPSWhich which, PetscReal *lambda)
{
  EPS         eps;
  PetscInt    nconv, N;
  PetscScalar kr, ki;

  PetscFunctionBeginUser;
  PetscCall(EPSCreate(PetscObjectComm((PetscObject)S), &eps));
  PetscCall(EPSSetOperators(eps, S, NULL));
  PetscCall(EPSSetProblemType(eps, EPS_HEP));
  PetscCall(EPSSetWhichEigenpairs(eps, which));
  // The extremes of a kernel problem sit at the edge of large clusters (all the eigenvalues of
  // K far below mu land near mu): a wide subspace and a relative residual of 1e-5 resolve them
  // to about five digits (for a Hermitian operator the Ritz value error is at most the
  // residual), which is all a condition number needs. -kappa_eps_* options override this.
  PetscCall(MatGetSize(S, &N, NULL));
  PetscCall(EPSSetDimensions(eps, 1, PetscMin(N, 64), PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(eps, 1e-5, 5000));
  PetscCall(EPSSetOptionsPrefix(eps, "kappa_"));
  PetscCall(EPSSetFromOptions(eps));
  PetscCall(EPSSolve(eps));
  PetscCall(EPSGetConverged(eps, &nconv));
  PetscCheck(nconv >= 1, PetscObjectComm((PetscObject)S), PETSC_ERR_NOT_CONVERGED,
             "the eigensolver did not converge for an extreme eigenvalue of P^{-1/2} A P^{-1/2}");
  PetscCall(EPSGetEigenvalue(eps, 0, &kr, &ki));
  *lambda = PetscRealPart(kr);
  PetscCall(EPSDestroy(&eps));
  PetscFunctionReturn(0);
}

PetscErrorCode SymmetricPreconditionedExtremes(PC pc, Mat A, PetscReal *lambda_min,
                                               PetscReal *lambda_max)
{
  SymmetricShell ctx;
  Mat            S;
  PetscInt       m, N;

  PetscFunctionBeginUser;
  ctx.pc = pc;
  ctx.A  = A;
  PetscCall(MatCreateVecs(A, &ctx.t1, &ctx.t2));
  PetscCall(MatGetLocalSize(A, &m, NULL));
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(MatCreateShell(PetscObjectComm((PetscObject)A), m, m, N, N, &ctx, &S));
  PetscCall(MatShellSetOperation(S, MATOP_MULT, (void (*)(void))SymmetricShellMult));
  PetscCall(MatSetOption(S, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(ExtremeEigenvalue(S, EPS_LARGEST_REAL, lambda_max));
  PetscCall(ExtremeEigenvalue(S, EPS_SMALLEST_REAL, lambda_min));
  PetscCall(MatDestroy(&S));
  PetscCall(VecDestroy(&ctx.t1));
  PetscCall(VecDestroy(&ctx.t2));
  PetscFunctionReturn(0);
}
