#include "synthetic/synthetic.h"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "krylov/error_test/error_test.h"
#include "krylov/sd/sd.h"

// A vector of the layout of `like` from values held on rank 0 (other ranks pass an empty one).
static PetscErrorCode VecFromRankZero(Vec like, const std::vector<PetscScalar> &values, Vec *v)
{
  PetscInt    N, lo, hi;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)like), &rank));
  PetscCall(VecDuplicate(like, v));
  PetscCall(VecGetSize(like, &N));
  PetscCall(VecGetOwnershipRange(like, &lo, &hi));
  if (!rank) {
    std::vector<PetscInt> idx(N);
    for (PetscInt i = 0; i < N; i++) idx[i] = i;
    PetscCall(VecSetValues(*v, N, idx.data(), values.data(), INSERT_VALUES));
  }
  PetscCall(VecAssemblyBegin(*v));
  PetscCall(VecAssemblyEnd(*v));
  PetscFunctionReturn(0);
}

static std::vector<PetscScalar> NormalDraws(unsigned seed, PetscInt n)
{
  std::mt19937_64                  gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<PetscScalar>         x(n);
  for (PetscInt i = 0; i < n; i++) x[i] = normal(gen);
  return x;
}

// ---- rank-1: A = I + rho v v^T as a MATSHELL ----

typedef struct {
  Vec       v;
  PetscReal rho;
} Rank1;

static PetscErrorCode Rank1Mult(Mat A, Vec x, Vec y)
{
  Rank1      *r;
  PetscScalar vx;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &r));
  PetscCall(VecDot(x, r->v, &vx));
  PetscCall(VecWAXPY(y, r->rho * vx, r->v, x));
  PetscFunctionReturn(0);
}

static PetscErrorCode Rank1Destroy(Mat A)
{
  Rank1 *r;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(A, &r));
  PetscCall(VecDestroy(&r->v));
  PetscCall(PetscFree(r));
  PetscFunctionReturn(0);
}

PetscErrorCode SyntheticRank1Create(MPI_Comm comm, PetscInt N, PetscReal rho, SyntheticRhs rhs,
                                    unsigned seed_v, unsigned seed_b, SyntheticProblem *p)
{
  PetscMPIInt rank;
  Vec         layout;
  Rank1      *ctx;
  PetscReal   norm;
  PetscScalar vb;

  PetscFunctionBeginUser;
  PetscCheck(N >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "the rank-1 problem needs N >= 2");
  PetscCheck(rho > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "the rank-1 problem needs rho > 0, got %g",
             (double)rho);
  *p = SyntheticProblem();
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(VecCreateMPI(comm, PETSC_DECIDE, N, &layout));
  PetscCall(
      VecFromRankZero(layout, rank ? std::vector<PetscScalar>() : NormalDraws(seed_v, N), &p->v));
  PetscCall(VecNormalize(p->v, &norm));
  PetscCall(
      VecFromRankZero(layout, rank ? std::vector<PetscScalar>() : NormalDraws(seed_b, N), &p->b));
  PetscCall(VecDestroy(&layout));
  if (rhs == SYNTHETIC_RHS_WORST) { // b = v + w, w = (b - (v.b) v) / ||.||
    PetscCall(VecDot(p->b, p->v, &vb));
    PetscCall(VecAXPY(p->b, -vb, p->v));
    PetscCall(VecNormalize(p->b, &norm));
    PetscCall(VecAXPY(p->b, 1.0, p->v));
  }
  p->rho   = rho;
  p->kappa = 1.0 + rho;
  PetscCall(PetscNew(&ctx));
  PetscCall(VecDuplicate(p->v, &ctx->v));
  PetscCall(VecCopy(p->v, ctx->v));
  ctx->rho = rho;
  PetscInt n;
  PetscCall(VecGetLocalSize(p->v, &n));
  PetscCall(MatCreateShell(comm, n, n, N, N, ctx, &p->A));
  PetscCall(MatShellSetOperation(p->A, MATOP_MULT, (void (*)(void))Rank1Mult));
  PetscCall(MatShellSetOperation(p->A, MATOP_DESTROY, (void (*)(void))Rank1Destroy));
  PetscCall(MatSetOption(p->A, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(MatSetOption(p->A, MAT_SPD, PETSC_TRUE));
  // x* = b - rho (v.b) / (1 + rho) v
  PetscCall(VecDot(p->b, p->v, &vb));
  PetscCall(VecDuplicate(p->b, &p->xstar));
  PetscCall(VecWAXPY(p->xstar, -rho * vb / (1.0 + rho), p->v, p->b));
  PetscFunctionReturn(0);
}

// ---- three clusters: A = Q diag(lambda) Q^T, dense ----

PetscErrorCode SyntheticClustersCreate(MPI_Comm comm, PetscReal width, SyntheticProblem *p)
{
  const PetscInt  counts[3] = {300, 80, 20};
  const PetscReal scales[3] = {1.0, 1e3, 1e6};
  const PetscInt  N         = 400;
  PetscMPIInt     rank;
  Vec             layout;

  PetscFunctionBeginUser;
  PetscCheck(width >= 0 && width < 2, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "the cluster width must lie in [0, 2) so that every eigenvalue is positive, got %g",
             (double)width);
  *p = SyntheticProblem();
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  // lambda (seed 9) on every rank: cheap, and the caller reads them.
  {
    std::mt19937_64                        gen(9);
    std::uniform_real_distribution<double> uniform(-0.5, 0.5);
    for (int c = 0; c < 3; c++)
      for (PetscInt k = 0; k < counts[c]; k++)
        p->eigenvalues.push_back(scales[c] * (1.0 + width * uniform(gen)));
  }
  std::vector<PetscScalar> A, b, xstar;
  if (!rank) {
    // Q: QR of a random normal N x N matrix (seed 8), column-major.
    std::vector<PetscScalar> Q = NormalDraws(8, N * N), tau(N), work(64 * N);
    PetscBLASInt             bn, lwork = (PetscBLASInt)work.size(), info;
    PetscCall(PetscBLASIntCast(N, &bn));
    LAPACKgeqrf_(&bn, &bn, Q.data(), &bn, tau.data(), work.data(), &lwork, &info);
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK geqrf failed: %d", (int)info);
    LAPACKorgqr_(&bn, &bn, &bn, Q.data(), &bn, tau.data(), work.data(), &lwork, &info);
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK orgqr failed: %d", (int)info);
    // A = Q diag(lambda) Q^T (row-major for MatSetValues), b (seed 10), x* = Q (Q^T b / lambda).
    std::vector<PetscScalar> QL(N * N);
    for (PetscInt j = 0; j < N; j++)
      for (PetscInt i = 0; i < N; i++) QL[i + j * N] = Q[i + j * N] * p->eigenvalues[j];
    A.assign(N * N, 0.0);
    const PetscScalar one = 1.0, zero = 0.0;
    const char        notrans = 'N', trans = 'T';
    BLASgemm_(&notrans, &trans, &bn, &bn, &bn, &one, QL.data(), &bn, Q.data(), &bn, &zero, A.data(),
              &bn);                  // column-major A; symmetric, so row-major too
    for (PetscInt i = 0; i < N; i++) // exact symmetry
      for (PetscInt j = i + 1; j < N; j++)
        A[i + j * N] = A[j + i * N] = 0.5 * (A[i + j * N] + A[j + i * N]);
    b = NormalDraws(10, N);
    std::vector<PetscScalar> c(N, 0.0);
    for (PetscInt j = 0; j < N; j++) {
      for (PetscInt i = 0; i < N; i++) c[j] += Q[i + j * N] * b[i];
      c[j] /= p->eigenvalues[j];
    }
    xstar.assign(N, 0.0);
    for (PetscInt j = 0; j < N; j++)
      for (PetscInt i = 0; i < N; i++) xstar[i] += Q[i + j * N] * c[j];
  }
  PetscCall(MatCreateDense(comm, PETSC_DECIDE, PETSC_DECIDE, N, N, NULL, &p->A));
  if (!rank) {
    std::vector<PetscInt> idx(N);
    for (PetscInt i = 0; i < N; i++) idx[i] = i;
    PetscCall(MatSetValues(p->A, N, idx.data(), N, idx.data(), A.data(), INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(p->A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(p->A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatSetOption(p->A, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(MatCreateVecs(p->A, &layout, NULL));
  PetscCall(VecFromRankZero(layout, b, &p->b));
  PetscCall(VecFromRankZero(layout, xstar, &p->xstar));
  PetscCall(VecDestroy(&layout));
  std::sort(p->eigenvalues.begin(), p->eigenvalues.end());
  p->kappa = p->eigenvalues.back() / p->eigenvalues.front();
  PetscFunctionReturn(0);
}

PetscErrorCode SyntheticDestroy(SyntheticProblem *p)
{
  PetscFunctionBeginUser;
  PetscCall(MatDestroy(&p->A));
  PetscCall(VecDestroy(&p->b));
  PetscCall(VecDestroy(&p->xstar));
  PetscCall(VecDestroy(&p->v));
  p->eigenvalues.clear();
  PetscFunctionReturn(0);
}

PetscInt SyntheticGDWorstCaseSteps(PetscReal kappa, PetscReal eps)
{
  return (PetscInt)std::ceil(std::log(1.0 / eps) / std::log((kappa + 1.0) / (kappa - 1.0)));
}

PetscErrorCode SyntheticSolve(const SyntheticProblem *p, const char *ksp_type, PetscReal eps,
                              PetscInt max_it, SyntheticRun *run)
{
  KSP                ksp;
  PC                 pc;
  Vec                x;
  KSPConvergedReason reason;
  const PetscReal   *e;
  PetscInt           ne;

  PetscFunctionBeginUser;
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)p->A), &ksp));
  PetscCall(KSPSetOperators(ksp, p->A, p->A));
  PetscCall(KSPSetType(ksp, ksp_type));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(ksp, eps, 0.0, PETSC_DEFAULT, max_it));
  PetscCall(KSPSetConvergenceTestError(ksp, p->xstar, NULL, KSP_ERROR_NORM_2));
  PetscCall(VecDuplicate(p->b, &x));
  PetscCall(KSPSolve(ksp, p->b, x));
  PetscCall(KSPGetIterationNumber(ksp, &run->iterations));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCall(KSPGetErrorHistory(ksp, &e, &ne));
  run->converged = reason > 0 ? PETSC_TRUE : PETSC_FALSE;
  run->error.assign(e, e + ne);
  PetscCall(VecDestroy(&x));
  PetscCall(KSPDestroy(&ksp));
  // Measured contraction per step over the last w steps (REPORTS.md §0's slope), and the
  // count it predicts.
  const PetscInt k = (PetscInt)run->error.size() - 1;
  const PetscInt w = PetscMax(1, PetscMin(k, PetscMax(3, PetscMin(100, k / 2))));
  run->rate        = k > 0 && run->error[k - w] > 0
                         ? std::pow(run->error[k] / run->error[k - w], 1.0 / (double)w)
                         : 0.0;
  run->predicted   = run->iterations;
  if (!run->converged && run->rate > 0 && run->rate < 1 && run->error[k] > eps)
    run->predicted =
        k + (PetscInt)std::ceil(std::log(run->error[k] / eps) / std::log(1.0 / run->rate));
  PetscFunctionReturn(0);
}
