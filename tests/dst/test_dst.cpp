// PC dst against a direct (MUMPS Cholesky) solve, the rod problem of REPORTS.md §13.2, other
// grid layouts (DMDA patches, plain matrices with partial rows, rectangular anisotropic
// operators), the variable problem and the bad-input errors. Runs at 1, 2 and 4 ranks.
#include <petscksp.h>

#include <cmath>
#include <string>

#include "preconditioners/dst/dst.h"
#include "problems/problem.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

// x = A^{-1} b by MUMPS Cholesky.
Vec DirectSolve(Mat A, Vec b)
{
  KSP ksp;
  PC  pc;
  Vec x;
  EXPECT_EQ(0, VecDuplicate(b, &x));
  EXPECT_EQ(0, KSPCreate(PetscObjectComm((PetscObject)A), &ksp));
  EXPECT_EQ(0, KSPSetOperators(ksp, A, A));
  EXPECT_EQ(0, KSPSetType(ksp, KSPPREONLY));
  EXPECT_EQ(0, KSPGetPC(ksp, &pc));
  EXPECT_EQ(0, PCSetType(pc, PCCHOLESKY));
  EXPECT_EQ(0, PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
  EXPECT_EQ(0, KSPSolve(ksp, b, x));
  EXPECT_EQ(0, KSPDestroy(&ksp));
  return x;
}

PC CreateDst(Mat A)
{
  PC pc;
  EXPECT_EQ(0, PCCreate(PetscObjectComm((PetscObject)A), &pc));
  EXPECT_EQ(0, PCSetType(pc, "dst"));
  EXPECT_EQ(0, PCSetOperators(pc, A, A));
  return pc;
}

PetscReal RelDiff(Vec x, Vec ref)
{
  Vec       d;
  PetscReal nd, nr;
  VecDuplicate(x, &d);
  VecWAXPY(d, -1.0, ref, x);
  VecNorm(d, NORM_2, &nd);
  VecNorm(ref, NORM_2, &nr);
  VecDestroy(&d);
  return nd / nr;
}

class DstConstant : public testing::TestWithParam<PetscInt> {};

// The application equals the MUMPS solution on the constant problem (GRF right-hand side).
TEST_P(DstConstant, EqualsDirectSolve)
{
  const PetscInt n = GetParam();
  Problem        p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "constant", n, "", &p));
  PC pc = CreateDst(p.A);
  ASSERT_EQ(0, PCSetUp(pc));
  PCDstInfo info;
  ASSERT_EQ(0, PCDstGetInfo(pc, &info));
  EXPECT_TRUE(info.exact);
  EXPECT_EQ(info.rows, n);
  EXPECT_EQ(info.cols, n);
  const PetscReal ih2 = (n + 1.0) * (n + 1.0);
  EXPECT_NEAR(info.cx, ih2, 1e-13 * ih2);
  EXPECT_NEAR(info.cy, ih2, 1e-13 * ih2);
  EXPECT_EQ(info.c0, 0.0);
  EXPECT_LT(info.defect, 1e-14);
  Vec x, xd = DirectSolve(p.A, p.b);
  ASSERT_EQ(0, VecDuplicate(p.b, &x));
  ASSERT_EQ(0, PCApply(pc, p.b, x));
  const PetscReal err = RelDiff(x, xd);
  EXPECT_LT(err, 1e-12) << "n = " << n;
  PetscPrintf(PETSC_COMM_WORLD, "  n = %d: ||x_dst - x_mumps|| / ||x_mumps|| = %.2e\n", (int)n,
              (double)err);
  VecDestroy(&x);
  VecDestroy(&xd);
  PCDestroy(&pc);
  ProblemDestroy(&p);
}

INSTANTIATE_TEST_SUITE_P(Sizes, DstConstant, testing::Values(32, 33, 47));

// REPORTS.md §13.2: one pass solves the rod problem; the reference's error is 1.3e-15.
TEST(Dst, RodOnePass)
{
  Problem p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "rod", 32, "", &p));
  PC  pc = CreateDst(p.A);
  Vec x, r, xd = DirectSolve(p.A, p.b);
  ASSERT_EQ(0, VecDuplicate(p.b, &x));
  ASSERT_EQ(0, VecDuplicate(p.b, &r));
  ASSERT_EQ(0, PCApply(pc, p.b, x));
  const PetscReal err = RelDiff(x, xd);
  PetscReal       nr, nb;
  MatMult(p.A, x, r);
  VecAYPX(r, -1.0, p.b);
  VecNorm(r, NORM_2, &nr);
  VecNorm(p.b, NORM_2, &nb);
  EXPECT_LT(err, 1e-14);
  EXPECT_LT(nr / nb, 1e-13);
  PetscPrintf(PETSC_COMM_WORLD, "  rod n = 32: error vs MUMPS %.2e, relative residual %.2e\n",
              (double)err, (double)(nr / nb));
  VecDestroy(&x);
  VecDestroy(&r);
  VecDestroy(&xd);
  PCDestroy(&pc);
  ProblemDestroy(&p);
}

// Also through the matrix-free operator (MATSHELL of the project): exact, same answer.
TEST(Dst, StencilShellOperator)
{
  Problem p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "rod", 31, "", &p, "stencil"));
  PC pc;
  ASSERT_EQ(0, PCCreate(PETSC_COMM_WORLD, &pc));
  ASSERT_EQ(0, PCSetType(pc, "dst"));
  ASSERT_EQ(0, PCSetOperators(pc, p.Aop, p.Aop));
  ASSERT_EQ(0, PCSetUp(pc));
  PCDstInfo info;
  ASSERT_EQ(0, PCDstGetInfo(pc, &info));
  EXPECT_TRUE(info.exact);
  Vec x, xd = DirectSolve(p.A, p.b);
  VecDuplicate(p.b, &x);
  ASSERT_EQ(0, PCApply(pc, p.b, x));
  EXPECT_LT(RelDiff(x, xd), 1e-13);
  VecDestroy(&x);
  VecDestroy(&xd);
  PCDestroy(&pc);
  ProblemDestroy(&p);
}

// cx Dxx + cy Dyy + c0 I on a rows x cols DMDA with the given process grid (px x py).
Mat AnisotropicOperator(DM da, PetscReal cx, PetscReal cy, PetscReal c0)
{
  Mat      A;
  PetscInt xs, ys, xm, ym, M, N;
  DMDAGetInfo(da, NULL, &M, &N, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  DMCreateMatrix(da, &A);
  DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL);
  for (PetscInt i = ys; i < ys + ym; i++)
    for (PetscInt j = xs; j < xs + xm; j++) {
      MatStencil  row = {0, i, j, 0}, col[5];
      PetscScalar v[5];
      PetscInt    nc = 0;
      col[nc]        = row;
      v[nc++]        = 2 * cx + 2 * cy + c0;
      if (j > 0) col[nc] = {0, i, j - 1, 0}, v[nc++] = -cx;
      if (j < M - 1) col[nc] = {0, i, j + 1, 0}, v[nc++] = -cx;
      if (i > 0) col[nc] = {0, i - 1, j, 0}, v[nc++] = -cy;
      if (i < N - 1) col[nc] = {0, i + 1, j, 0}, v[nc++] = -cy;
      MatSetValuesStencil(A, 1, &row, nc, col, v, INSERT_VALUES);
    }
  MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY);
  MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY);
  return A;
}

// M^{-1} A x = x for a random x.
PetscReal InverseDefect(Mat A, PC pc)
{
  Vec         x, ax, y;
  PetscRandom rnd;
  MatCreateVecs(A, &x, &ax);
  VecDuplicate(x, &y);
  PetscRandomCreate(PetscObjectComm((PetscObject)A), &rnd);
  VecSetRandom(x, rnd);
  PetscRandomDestroy(&rnd);
  MatMult(A, x, ax);
  EXPECT_EQ(0, PCApply(pc, ax, y));
  const PetscReal d = RelDiff(y, x);
  VecDestroy(&x);
  VecDestroy(&ax);
  VecDestroy(&y);
  return d;
}

// A rectangular anisotropic shifted operator on a DMDA split into patches (at 4 ranks 2 x 2:
// PETSc order differs from natural order, the AO path).
TEST(Dst, RectangularPatchesAnisotropic)
{
  const int size = WorldSize();
  const int px = size == 4 ? 2 : 1, py = size / px;
  DM        da;
  ASSERT_EQ(0, DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR,
                            17, 24, px, py, 1, 1, NULL, NULL, &da));
  ASSERT_EQ(0, DMSetUp(da));
  Mat A  = AnisotropicOperator(da, 3.5, 0.25, 0.125);
  PC  pc = CreateDst(A);
  ASSERT_EQ(0, PCSetUp(pc));
  PCDstInfo info;
  ASSERT_EQ(0, PCDstGetInfo(pc, &info));
  EXPECT_TRUE(info.exact);
  EXPECT_EQ(info.rows, 24);
  EXPECT_EQ(info.cols, 17);
  EXPECT_EQ(info.cx, 3.5);
  EXPECT_EQ(info.cy, 0.25);
  EXPECT_EQ(info.c0, 0.125);
  EXPECT_LT(InverseDefect(A, pc), 1e-12);
  PCDestroy(&pc);
  MatDestroy(&A);
  DMDestroy(&da);
}

// A plain AIJ matrix (no DMDA) whose rows are split across ranks in the middle of grid rows:
// the grid comes from -pc_dst_grid_width, the rows are redistributed by a scatter.
TEST(Dst, PlainMatrixPartialRows)
{
  const PetscInt rows = 10, cols = 13, N = rows * cols;
  const int      size = WorldSize();
  PetscMPIInt    rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  PetscInt nloc =
      N / size + (rank < N % size ? 1 : 0) + (rank == 0 && size > 1 ? 3 : 0) - (rank == 1 ? 3 : 0);
  Mat A;
  ASSERT_EQ(0, MatCreateAIJ(PETSC_COMM_WORLD, nloc, nloc, N, N, 5, NULL, 5, NULL, &A));
  PetscInt lo, hi;
  MatGetOwnershipRange(A, &lo, &hi);
  for (PetscInt k = lo; k < hi; k++) {
    const PetscInt i = k / cols, j = k % cols;
    MatSetValue(A, k, k, 4.0, INSERT_VALUES);
    if (j > 0) MatSetValue(A, k, k - 1, -1.0, INSERT_VALUES);
    if (j < cols - 1) MatSetValue(A, k, k + 1, -1.0, INSERT_VALUES);
    if (i > 0) MatSetValue(A, k, k - cols, -1.0, INSERT_VALUES);
    if (i < rows - 1) MatSetValue(A, k, k + cols, -1.0, INSERT_VALUES);
  }
  MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY);
  MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY);
  PC pc = CreateDst(A);
  ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-test_partial_pc_dst_grid_width", "13"));
  ASSERT_EQ(0, PCSetOptionsPrefix(pc, "test_partial_"));
  ASSERT_EQ(0, PCSetFromOptions(pc));
  ASSERT_EQ(0, PetscOptionsClearValue(NULL, "-test_partial_pc_dst_grid_width"));
  ASSERT_EQ(0, PCSetUp(pc));
  PCDstInfo info;
  ASSERT_EQ(0, PCDstGetInfo(pc, &info));
  EXPECT_TRUE(info.exact);
  EXPECT_EQ(info.cols, cols);
  EXPECT_LT(InverseDefect(A, pc), 1e-13);
  PCDestroy(&pc);
  MatDestroy(&A);
}

// Variable problem: a preconditioner (not exact). CG's iterates do not depend on the scale.
TEST(Dst, VariableProblemScales)
{
  Problem p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "variable", 32, "", &p));
  const char *scales[] = {"midrange", "mean", "harmonic", "1"};
  PetscInt    its[4];
  for (int s = 0; s < 4; s++) {
    KSP ksp;
    PC  pc;
    Vec x;
    VecDuplicate(p.b, &x);
    ASSERT_EQ(0, KSPCreate(PETSC_COMM_WORLD, &ksp));
    ASSERT_EQ(0, KSPSetOperators(ksp, p.A, p.A));
    ASSERT_EQ(0, KSPSetType(ksp, KSPCG));
    ASSERT_EQ(0, KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
    ASSERT_EQ(0, KSPSetTolerances(ksp, 1e-10, 0.0, PETSC_DEFAULT, 2000));
    ASSERT_EQ(0, KSPGetPC(ksp, &pc));
    ASSERT_EQ(0, PCSetType(pc, "dst"));
    ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-vs_pc_dst_scale", scales[s]));
    ASSERT_EQ(0, KSPSetOptionsPrefix(ksp, "vs_"));
    ASSERT_EQ(0, KSPSetFromOptions(ksp));
    ASSERT_EQ(0, PetscOptionsClearValue(NULL, "-vs_pc_dst_scale"));
    ASSERT_EQ(0, KSPSolve(ksp, p.b, x));
    KSPConvergedReason reason;
    KSPGetConvergedReason(ksp, &reason);
    EXPECT_GT(reason, 0);
    KSPGetIterationNumber(ksp, &its[s]);
    PCDstInfo info;
    ASSERT_EQ(0, PCDstGetInfo(pc, &info));
    EXPECT_FALSE(info.exact);
    EXPECT_GT(info.defect, 1e-3);
    if (s == 0) {
      EXPECT_NEAR(info.scale, 50.5, 1e-12); // (1 + 100)/2
    } else if (s == 1) {
      EXPECT_NEAR(info.scale, 50.5, 2.0); // mean of 1 and 100, faces aside
    } else if (s == 2) {
      EXPECT_NEAR(info.scale, 2.0, 0.2); // harmonic mean of 1 and 100
    } else {
      EXPECT_EQ(info.scale, 1.0);
    }
    PetscPrintf(PETSC_COMM_WORLD, "  variable n = 32, -pc_dst_scale %s (c = %.4g): CG %d its\n",
                scales[s], (double)info.scale, (int)its[s]);
    VecDestroy(&x);
    KSPDestroy(&ksp);
  }
  for (int s = 1; s < 4; s++) EXPECT_LE(std::abs(its[s] - its[0]), 1);
  ProblemDestroy(&p);
}

// -pc_dst_separable: the variable problem's coefficient depends on the grid row only, so
// sine transforms along the rows and tridiagonal solves along the columns invert it exactly.
TEST(Dst, SeparableVariableExact)
{
  for (PetscInt n : {32, 33}) {
    Problem p;
    ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "variable", n, "", &p));
    PC pc = CreateDst(p.A);
    ASSERT_EQ(0, PCSetOptionsPrefix(pc, "sep_"));
    ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-sep_pc_dst_separable", "1"));
    ASSERT_EQ(0, PCSetFromOptions(pc));
    ASSERT_EQ(0, PetscOptionsClearValue(NULL, "-sep_pc_dst_separable"));
    ASSERT_EQ(0, PCSetUp(pc));
    PCDstInfo info;
    ASSERT_EQ(0, PCDstGetInfo(pc, &info));
    EXPECT_TRUE(info.separable);
    EXPECT_TRUE(info.exact);
    Vec x, xd = DirectSolve(p.A, p.b);
    VecDuplicate(p.b, &x);
    ASSERT_EQ(0, PCApply(pc, p.b, x));
    const PetscReal err = RelDiff(x, xd);
    EXPECT_LT(err, 1e-12) << "n = " << n;
    PetscPrintf(PETSC_COMM_WORLD, "  variable n = %d, -pc_dst_separable: error vs MUMPS %.2e\n",
                (int)n, (double)err);
    VecDestroy(&x);
    VecDestroy(&xd);
    PCDestroy(&pc);
    ProblemDestroy(&p);
  }
}

// The default (midrange) scale is the damping under which the stationary iteration
// x += M^{-1}(b - A x) converges on the variable problem: rate (100 - 1)/(100 + 1).
TEST(Dst, VariableRichardsonConverges)
{
  Problem p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "variable", 32, "", &p));
  KSP ksp;
  PC  pc;
  Vec x;
  VecDuplicate(p.b, &x);
  ASSERT_EQ(0, KSPCreate(PETSC_COMM_WORLD, &ksp));
  ASSERT_EQ(0, KSPSetOperators(ksp, p.A, p.A));
  ASSERT_EQ(0, KSPSetType(ksp, KSPRICHARDSON));
  ASSERT_EQ(0, KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  ASSERT_EQ(0, KSPSetTolerances(ksp, 1e-10, 0.0, PETSC_DEFAULT, 300));
  ASSERT_EQ(0, KSPGetPC(ksp, &pc));
  ASSERT_EQ(0, PCSetType(pc, "dst"));
  ASSERT_EQ(0, KSPSolve(ksp, p.b, x));
  PetscReal rnorm, bnorm;
  KSPGetResidualNorm(ksp, &rnorm);
  VecNorm(p.b, NORM_2, &bnorm);
  EXPECT_LT(rnorm / bnorm, 0.05); // 300 steps at rate <= 0.9802 (the error, measured in A-norm)
  VecDestroy(&x);
  KSPDestroy(&ksp);
  ProblemDestroy(&p);
}

// MATSHELL wrappers of an assembled matrix: MatMult only (and optionally the diagonal).
struct ShellCtx {
  Mat A;
};
PetscErrorCode ShellMult(Mat S, Vec x, Vec y)
{
  ShellCtx *c;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(S, &c));
  PetscCall(MatMult(c->A, x, y));
  PetscFunctionReturn(0);
}
Mat Shell(ShellCtx *c)
{
  Mat      S;
  PetscInt m, n, M, N;
  MatGetLocalSize(c->A, &m, &n);
  MatGetSize(c->A, &M, &N);
  MatCreateShell(PetscObjectComm((PetscObject)c->A), m, n, M, N, c, &S);
  MatShellSetOperation(S, MATOP_MULT, (void (*)(void))ShellMult);
  return S;
}

// -pc_dst_grid_width w through the options database (a MATSHELL has no DMDA, no rows).
PetscErrorCode SetGridWidth(PC pc, PetscInt w)
{
  char v[32];
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(v, sizeof(v), "%d", (int)w));
  PetscCall(PCSetOptionsPrefix(pc, "gw_"));
  PetscCall(PetscOptionsSetValue(NULL, "-gw_pc_dst_grid_width", v));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PetscOptionsClearValue(NULL, "-gw_pc_dst_grid_width"));
  PetscFunctionReturn(0);
}

PetscErrorCode SetUpQuietly(PC pc)
{
  PetscErrorCode ierr;
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  ierr = PCSetUp(pc);
  PetscPopErrorHandler();
  return ierr;
}

// Operators the transform does not diagonalise and that give it no way to precondition: one
// error each.
TEST(Dst, BadOperators)
{
  // A 9-point operator behind a MATSHELL: not a 5-point stencil.
  DM da;
  ASSERT_EQ(0, DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX,
                            16, 16, 1, PETSC_DECIDE, 1, 1, NULL, NULL, &da));
  ASSERT_EQ(0, DMSetUp(da));
  Mat      B;
  PetscInt xs, ys, xm, ym;
  DMCreateMatrix(da, &B);
  DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL);
  for (PetscInt i = ys; i < ys + ym; i++)
    for (PetscInt j = xs; j < xs + xm; j++)
      for (PetscInt di = -1; di <= 1; di++)
        for (PetscInt dj = -1; dj <= 1; dj++) {
          if (i + di < 0 || i + di >= 16 || j + dj < 0 || j + dj >= 16) continue;
          MatStencil        r = {0, i, j, 0}, c = {0, i + di, j + dj, 0};
          const PetscScalar v = (di || dj) ? -1.0 : 8.0;
          MatSetValuesStencil(B, 1, &r, 1, &c, &v, INSERT_VALUES);
        }
  MatAssemblyBegin(B, MAT_FINAL_ASSEMBLY);
  MatAssemblyEnd(B, MAT_FINAL_ASSEMBLY);
  ShellCtx c9 = {B};
  Mat      S9 = Shell(&c9);
  PC       pc;
  ASSERT_EQ(0, PCCreate(PETSC_COMM_WORLD, &pc));
  ASSERT_EQ(0, PCSetType(pc, "dst"));
  ASSERT_EQ(0, PCSetOperators(pc, S9, S9));
  ASSERT_EQ(0, SetGridWidth(pc, 16));
  EXPECT_EQ(SetUpQuietly(pc), PETSC_ERR_ARG_INCOMP);
  PCDestroy(&pc);
  // The assembled 9-point operator too.
  pc = CreateDst(B);
  EXPECT_EQ(SetUpQuietly(pc), PETSC_ERR_ARG_INCOMP);
  PCDestroy(&pc);
  MatDestroy(&S9);
  MatDestroy(&B);
  DMDestroy(&da);

  // The variable operator behind a MATSHELL without a diagonal: mean needs one; a value works.
  Problem p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "variable", 16, "", &p));
  ShellCtx cv = {p.A};
  Mat      Sv = Shell(&cv);
  ASSERT_EQ(0, PCCreate(PETSC_COMM_WORLD, &pc));
  ASSERT_EQ(0, PCSetType(pc, "dst"));
  ASSERT_EQ(0, PCSetOperators(pc, Sv, Sv));
  ASSERT_EQ(0, SetGridWidth(pc, 16));
  EXPECT_EQ(SetUpQuietly(pc), PETSC_ERR_ARG_INCOMP);
  ASSERT_EQ(0, PCDstSetScale(pc, PC_DST_SCALE_VALUE, 10.0));
  EXPECT_EQ(SetUpQuietly(pc), 0);
  PCDestroy(&pc);
  MatDestroy(&Sv);
  ProblemDestroy(&p);
}

// FFTW_MEASURE plans (-pc_dst_fftw_planner measure) give the same solution; an unknown planner
// is an error.
TEST(Dst, Planner)
{
  Problem p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "rod", 40, "", &p));
  PC pc = CreateDst(p.A);
  ASSERT_EQ(0, PCSetOptionsPrefix(pc, "pl_"));
  ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-pl_pc_dst_fftw_planner", "measure"));
  ASSERT_EQ(0, PCSetFromOptions(pc));
  Vec x, xd = DirectSolve(p.A, p.b);
  VecDuplicate(p.b, &x);
  ASSERT_EQ(0, PCApply(pc, p.b, x));
  EXPECT_LT(RelDiff(x, xd), 1e-14);
  ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-pl_pc_dst_fftw_planner", "fast"));
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  EXPECT_NE(PCSetFromOptions(pc), 0);
  PetscPopErrorHandler();
  ASSERT_EQ(0, PetscOptionsClearValue(NULL, "-pl_pc_dst_fftw_planner"));
  VecDestroy(&x);
  VecDestroy(&xd);
  PCDestroy(&pc);
  ProblemDestroy(&p);
}

// -pc_dst_scale takes midrange, mean, harmonic or a positive number.
TEST(Dst, ScaleOption)
{
  const char *bad[] = {"0", "-1", "abc", "1e400", "nan", "2x", "Mean"};
  for (const char *v : bad) {
    PC pc;
    ASSERT_EQ(0, PCCreate(PETSC_COMM_WORLD, &pc));
    ASSERT_EQ(0, PCSetType(pc, "dst"));
    ASSERT_EQ(0, PCSetOptionsPrefix(pc, "bad_"));
    ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-bad_pc_dst_scale", v));
    PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
    const PetscErrorCode ierr = PCSetFromOptions(pc);
    PetscPopErrorHandler();
    EXPECT_EQ(ierr, PETSC_ERR_ARG_OUTOFRANGE) << v;
    ASSERT_EQ(0, PetscOptionsClearValue(NULL, "-bad_pc_dst_scale"));
    PCDestroy(&pc);
  }
}

} // namespace
