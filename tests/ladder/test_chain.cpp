// The reference's 1-D punchline (REPORTS.md section 14.4): on the chain A1 = d1/h^2 with
// N = 1024 nodes, every off-diagonal block of A1^{-1} has rank 1 (A1^{-1}[i, j] =
// h x_i (1 - x_j) for i <= j), so the rank-1 HODLR approximation with the reference's
// partition (bisection down to 64-unknown leaves) is A1^{-1} itself, to rounding (reference
// 8e-16), and one Richardson step x = M b solves (reference 1.8e-15). PC hodlr builds on the
// 1-D DMDA's matrix (its grid shape falls back to one column of N unknowns, where the
// reference's bisection of the index range is the tree). Both builds: the reference's dense
// one and the scalable one (randomized peeling). At 1, 2 and 4 ranks (the operator is
// gathered, every rank builds the same M).
#include <petscdmda.h>
#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "problems/problem.h"
#include "solve/solve_run.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

// A1 = tridiag(-1, 2, -1)/h^2 on a 1-D DMDA of N nodes, h = 1/(N+1).
PetscErrorCode CreateChain(PetscInt N, DM *da, Mat *A)
{
  const PetscReal h = 1.0 / (N + 1), h2 = h * h;
  PetscInt        xs, xm;

  PetscFunctionBeginUser;
  PetscCall(DMDACreate1d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, N, 1, 1, NULL, da));
  PetscCall(DMSetUp(*da));
  PetscCall(DMCreateMatrix(*da, A));
  PetscCall(DMDAGetCorners(*da, &xs, NULL, NULL, &xm, NULL, NULL));
  for (PetscInt i = xs; i < xs + xm; i++) {
    MatStencil  row = {0, 0, i, 0}, col[3];
    PetscScalar v[3];
    PetscInt    nc = 0;
    if (i > 0) {
      col[nc] = (MatStencil){0, 0, i - 1, 0};
      v[nc++] = -1.0 / h2;
    }
    col[nc] = row;
    v[nc++] = 2.0 / h2;
    if (i < N - 1) {
      col[nc] = (MatStencil){0, 0, i + 1, 0};
      v[nc++] = -1.0 / h2;
    }
    PetscCall(MatSetValuesStencil(*A, 1, &row, nc, col, v, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

// ||X - Y||_max / ||Y||_max of two parallel dense matrices.
double RelativeMaxDifference(Mat X, Mat Y)
{
  Mat       D;
  PetscReal d, y;
  MatDuplicate(X, MAT_COPY_VALUES, &D);
  MatAXPY(D, -1.0, Y, SAME_NONZERO_PATTERN);
  MatNorm(D, NORM_MAX, &d);
  MatNorm(Y, NORM_MAX, &y);
  MatDestroy(&D);
  return d / y;
}

TEST(Chain1D, RankOneHodlrIsTheInverse)
{
  const PetscInt N = 1024;
  DM             da;
  Mat            A, I, Ainv, M;
  KSP            direct;
  PC             pc;
  PetscInt       m;
  ASSERT_EQ(0, CreateChain(N, &da, &A));
  ASSERT_EQ(0, MatGetLocalSize(A, &m, NULL));
  // A1^{-1} in closed form: A1^{-1}[i, j] = h x_i (1 - x_j) for i <= j, x_i = (i + 1) h (a
  // sparse factorisation would carry errors of kappa eps ~ 5e-11 relative, far above the
  // compression error), and a gathered sparse Cholesky for the solves. The comparison uses
  // every 8th column (128 columns, each crossing every level of the tree): M is applied to
  // them column by column, and on P ranks every application gathers.
  const PetscInt stride = 8, ncols = N / stride;
  ASSERT_EQ(0, MatCreateDense(PETSC_COMM_WORLD, m, PETSC_DECIDE, N, ncols, NULL, &I));
  ASSERT_EQ(0, MatDuplicate(I, MAT_DO_NOT_COPY_VALUES, &Ainv));
  ASSERT_EQ(0, MatDuplicate(I, MAT_DO_NOT_COPY_VALUES, &M));
  {
    const PetscReal h = 1.0 / (N + 1);
    PetscInt        lo, hi;
    ASSERT_EQ(0, MatGetOwnershipRange(Ainv, &lo, &hi));
    for (PetscInt i = lo; i < hi; i++)
      for (PetscInt k = 0; k < ncols; k++) {
        const PetscInt  j  = k * stride;
        const PetscReal xi = (std::min(i, j) + 1) * h, xj = (std::max(i, j) + 1) * h;
        ASSERT_EQ(0, MatSetValue(Ainv, i, k, h * xi * (1 - xj), INSERT_VALUES));
        ASSERT_EQ(0, MatSetValue(I, i, k, i == j ? 1.0 : 0.0, INSERT_VALUES));
      }
    for (Mat X : {Ainv, I}) {
      ASSERT_EQ(0, MatAssemblyBegin(X, MAT_FINAL_ASSEMBLY));
      ASSERT_EQ(0, MatAssemblyEnd(X, MAT_FINAL_ASSEMBLY));
    }
  }
  {
    PC  dpc, ipc;
    KSP inner;
    ASSERT_EQ(0, KSPCreate(PETSC_COMM_WORLD, &direct));
    ASSERT_EQ(0, KSPSetOperators(direct, A, A));
    ASSERT_EQ(0, KSPSetType(direct, KSPPREONLY));
    ASSERT_EQ(0, KSPGetPC(direct, &dpc));
    ASSERT_EQ(0, PCSetType(dpc, PCREDUNDANT));
    ASSERT_EQ(0, PCRedundantGetKSP(dpc, &inner));
    ASSERT_EQ(0, KSPGetPC(inner, &ipc));
    ASSERT_EQ(0, PCSetType(ipc, PCCHOLESKY));
    ASSERT_EQ(0, KSPSetUp(direct));
  }
  struct {
    const char *build, *rank;
  } cases[]        = {{"dense", "512"}, {"dense", "1"}, {"scalable", "1"}};
  Mat uncompressed = NULL; // rank 512: every block kept whole, M = the computed inverse
  for (const auto &c : cases) {
    const char *build = c.build;
    Vec         b, x, xstar;
    PetscReal   err, nrm;
    ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-chain_pc_hodlr_build", build));
    ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-chain_pc_hodlr_rank", c.rank));
    ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-chain_pc_hodlr_leaf_size", "64"));
    ASSERT_EQ(0, PCCreate(PETSC_COMM_WORLD, &pc));
    ASSERT_EQ(0, PCSetOptionsPrefix(pc, "chain_"));
    ASSERT_EQ(0, PCSetType(pc, "hodlr"));
    ASSERT_EQ(0, PCSetOperators(pc, A, A));
    ASSERT_EQ(0, PCSetFromOptions(pc));
    ASSERT_EQ(0, PCSetUp(pc));
    ASSERT_EQ(0, PCMatApply(pc, I, M));
    const double dm = RelativeMaxDifference(M, Ainv);
    // One Richardson step from x_0 = 0: x_1 = M b, b random.
    ASSERT_EQ(0, MatCreateVecs(A, &x, &b));
    ASSERT_EQ(0, VecDuplicate(x, &xstar));
    {
      PetscRandom rnd;
      PetscRandomCreate(PETSC_COMM_WORLD, &rnd);
      PetscRandomSetSeed(rnd, 142);
      PetscRandomSeed(rnd);
      VecSetRandom(b, rnd);
      PetscRandomDestroy(&rnd);
    }
    ASSERT_EQ(0, PCApply(pc, b, x));
    ASSERT_EQ(0, KSPSolve(direct, b, xstar));
    ASSERT_EQ(0, VecNorm(xstar, NORM_2, &nrm));
    ASSERT_EQ(0, VecAXPY(x, -1.0, xstar));
    ASSERT_EQ(0, VecNorm(x, NORM_2, &err));
    PetscPrintf(PETSC_COMM_WORLD,
                "chain N = %d, rank-%s HODLR (%s build): max|M - A1^-1| / max|A1^-1| = %.2e, "
                "one Richardson step: relative error %.2e\n",
                (int)N, c.rank, build, dm, err / nrm);
    // The computed inverse itself (LAPACK potrf + potri) is accurate to about N eps = 1e-13
    // against the closed form (kappa(A1) = 4.3e5); x* from the sparse Cholesky likewise.
    EXPECT_LT(dm, 1e-12) << build;
    EXPECT_LT(err / nrm, 1e-12) << build;
    if (!uncompressed) {
      ASSERT_EQ(0, MatDuplicate(M, MAT_COPY_VALUES, &uncompressed));
    } else {
      // The compression is exact: rank-1 M against the uncompressed inverse it compresses
      // (the reference's 8e-16). The scalable build never forms that inverse (randomized
      // peeling with sparse solves), so it meets it only to the solves' accuracy.
      const double dc = RelativeMaxDifference(M, uncompressed);
      PetscPrintf(PETSC_COMM_WORLD, "  against the uncompressed inverse: %.2e\n", dc);
      EXPECT_LT(dc, strcmp(build, "dense") ? 1e-12 : 1e-14) << build;
    }
    VecDestroy(&b);
    VecDestroy(&x);
    VecDestroy(&xstar);
    PCDestroy(&pc);
  }
  for (const char *o :
       {"-chain_pc_hodlr_build", "-chain_pc_hodlr_rank", "-chain_pc_hodlr_leaf_size"})
    PetscOptionsClearValue(NULL, o);
  MatDestroy(&uncompressed);
  KSPDestroy(&direct);
  MatDestroy(&I);
  MatDestroy(&Ainv);
  MatDestroy(&M);
  MatDestroy(&A);
  DMDestroy(&da);
}

// -problem chain of poisson_solve: a 1-D DMDA of -n nodes, A1 = d1/h^2, random right-hand
// side; the rank-1 HODLR (dense build) as a Richardson iteration solves in one step.
TEST(Chain1D, ProblemChainOneRichardsonStep)
{
  Problem     p;
  SolveRecord rec;
  PetscInt    N, dim;
  PetscReal   bnorm, diag;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "chain", 1024, "", &p));
  ASSERT_EQ(0, DMDAGetInfo(p.da, &dim, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                           NULL, NULL));
  EXPECT_EQ(dim, 1);
  ASSERT_EQ(0, VecGetSize(p.b, &N));
  EXPECT_EQ(N, 1024);
  ASSERT_EQ(0, VecNorm(p.b, NORM_2, &bnorm));
  EXPECT_NEAR(bnorm * bnorm / N, 1.0, 0.15); // standard normal entries
  {
    Vec d;
    MatCreateVecs(p.A, &d, NULL);
    MatGetDiagonal(p.A, d);
    VecMax(d, NULL, &diag);
    VecDestroy(&d);
    EXPECT_NEAR(diag, 2.0 * 1025 * 1025, 1e-6);
  }
  ASSERT_EQ(0, PetscOptionsInsertString(NULL, "-chainrich_ksp_type richardson "
                                              "-chainrich_pc_type hodlr -chainrich_pc_hodlr_rank 1 "
                                              "-chainrich_pc_hodlr_build dense "
                                              "-chainrich_ksp_converged_error "
                                              "-chainrich_ksp_max_it 5"));
  ASSERT_EQ(0, SolveRun(&p, "chainrich", "chainrich_", PETSC_FALSE, &rec));
  PetscPrintf(PETSC_COMM_WORLD, "-problem chain, n = 1024: %d Richardson step(s), error %.2e\n",
              (int)rec.iterations, rec.final_relerror);
  EXPECT_GT(rec.reason, 0);
  EXPECT_EQ(rec.iterations, 1);
  EXPECT_LT(rec.final_relerror, 1e-12);
  SolveRecordDestroy(&rec);
  for (const char *o :
       {"-chainrich_ksp_type", "-chainrich_pc_type", "-chainrich_pc_hodlr_rank",
        "-chainrich_pc_hodlr_build", "-chainrich_ksp_converged_error", "-chainrich_ksp_max_it"})
    PetscOptionsClearValue(NULL, o);
  ProblemDestroy(&p);
}

// The chain refuses what is 2-D: the GRF and rod right-hand sides, the matrix-free stencil.
TEST(Chain1D, BadInput)
{
  ProblemOptions opts;
  Problem        p;
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PetscOptionsSetValue(NULL, "-rhs", "grf");
  EXPECT_NE(0, ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "chain", &opts));
  PetscOptionsSetValue(NULL, "-rhs", "rod");
  EXPECT_NE(0, ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "chain", &opts));
  PetscOptionsClearValue(NULL, "-rhs");
  EXPECT_EQ(0, ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "chain", &opts));
  PetscStrncpy(opts.operator_type, "stencil", sizeof(opts.operator_type));
  EXPECT_NE(0, ProblemCreate(PETSC_COMM_WORLD, &opts, &p));
  PetscPopErrorHandler();
}

} // namespace
