// The cost model (REPORTS.md section 11.5, docs/twolevel.md#cost-flops-and-span) on the rod at
// n = 32 (N = 1024): the model's flops and span per PCG iteration against the closed forms, the
// wavefronts of IC(0)'s triangular factor from levelizing its DAG (2n - 1), and PETSc's flop
// counter (PetscGetFlops around KSPSolve, per iteration) against the model. Runs at 1, 2 and 4
// ranks: the model counts the whole operator (the span is the unlimited-processor depth), the
// measured flops are summed over the ranks.
#include <cmath>

#include "problems/problem.h"
#include "solve/method.h"
#include "solve/solve_run.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

const PetscInt  n = 32, N = n * n;
const PetscReal nnzA = 5.0 * N - 4.0 * n; // 5-point Dirichlet Laplacian: 4992
const PetscReal nnzL = (nnzA + N) / 2;    // IC(0): the lower triangle with the diagonal, 3008

struct Rod {
  Problem p;
  Rod()
  {
    EXPECT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "rod", n, "", &p));
  }
  ~Rod()
  {
    ProblemDestroy(&p);
  }
};

SolveRecord Solve(const Problem *p, const char *method)
{
  SolveRecord rec;
  EXPECT_EQ(0, SolveWithMethodFile(p, method, &rec));
  PetscPrintf(PETSC_COMM_WORLD,
              "%-8s its %4d  flops/it measured %9.0f model %9.0f  span/it %5.0f  setup flops "
              "%9.0f\n",
              method, (int)rec.iterations, rec.flops_per_iteration, rec.flops_model_per_iteration,
              rec.span_per_iteration, rec.flops_setup);
  return rec;
}

TEST(CostModel, WavefrontsOfTheLowerTriangle)
{
  if (WorldSize() > 1) GTEST_SKIP() << "levelizing reads a sequential matrix";
  Rod      t;
  PetscInt levels;
  ASSERT_EQ(0, SolveLowerWavefronts(t.p.A, &levels));
  EXPECT_EQ(levels, 2 * n - 1); // 63: the anti-diagonals i + j of the grid
}

// Plain CG: A matvec 2 nnz(A), PCG overhead 12 N; span: matvec 4, two reductions over
// N = 1024 of 10 each, 4 elementwise ops = 28. PETSc counts a matvec as 2 nnz(A) - N (the
// first product of a row is not added) and a dot or norm as 2N - 1, so the counter is below
// the model by about N per iteration, plus the start (r0 = b, ||b||) spread over the
// iterations: within 5 %, and within 0.5 % of the model minus N.
TEST(CostModel, PlainCG)
{
  Rod         t;
  SolveRecord rec = Solve(&t.p, "none");
  EXPECT_EQ(rec.iterations, 76);
  EXPECT_DOUBLE_EQ(rec.flops_model_per_iteration, 2 * nnzA + 12.0 * N);
  EXPECT_DOUBLE_EQ(rec.span_per_iteration, 28.0);
  EXPECT_NEAR(rec.flops_per_iteration / rec.flops_model_per_iteration, 1.0, 0.05);
  EXPECT_NEAR(rec.flops_per_iteration / (rec.flops_model_per_iteration - N), 1.0, 0.005);
  EXPECT_GT(rec.flops_solve, 0.0);
  SolveRecordDestroy(&rec);
}

// IC(0): apply 2 x 2 nnz(L); span 2 x (2n - 1) x 3 = 378 per apply, 406 per PCG iteration.
// PETSc's ICC solves count 2 flops per strictly lower nonzero of L in each of the two solves
// and one multiply per diagonal entry (it stores the inverse diagonal): 4 nnz(L) - 3N = 8960
// here against the model's 12032. The icc method file wraps IC(0) in PCREDUNDANT, which
// repeats the factor's work on every rank, so the counter (summed over the ranks) has that
// many copies of it: checked as the difference to plain CG, within 5 %.
TEST(CostModel, IncompleteCholesky)
{
  Rod         t;
  SolveRecord cg  = Solve(&t.p, "none");
  SolveRecord rec = Solve(&t.p, "icc");
  EXPECT_EQ(rec.iterations, 39);
  EXPECT_DOUBLE_EQ(rec.flops_model_per_iteration, 2 * nnzA + 12.0 * N + 4 * nnzL);
  EXPECT_DOUBLE_EQ(rec.span_per_iteration, 28.0 + 378.0);
  const double pc_measured = rec.flops_per_iteration - cg.flops_per_iteration;
  EXPECT_NEAR(pc_measured / (WorldSize() * (4 * nnzL - 3.0 * N)), 1.0, 0.05);
  EXPECT_GT(rec.flops_setup, 0.0); // the factorization
  SolveRecordDestroy(&cg);
  SolveRecordDestroy(&rec);
}

// Jacobi: one elementwise product, N flops, span 1.
TEST(CostModel, Jacobi)
{
  Rod         t;
  SolveRecord rec = Solve(&t.p, "jacobi");
  EXPECT_DOUBLE_EQ(rec.flops_model_per_iteration, 2 * nnzA + 13.0 * N);
  EXPECT_DOUBLE_EQ(rec.span_per_iteration, 29.0);
  EXPECT_NEAR(rec.flops_per_iteration / rec.flops_model_per_iteration, 1.0, 0.05);
  SolveRecordDestroy(&rec);
}

// Two-level PCs of report 11 (REPORTS.md 11.4-11.5). Coarse correction with 64 blocks of
// 4 x 4: restriction 64 31, dense solves 2 64^2, prolongation N, span 13; additive: one add of
// N, span max(branches) + 1. Coarse-only (one block and theta r): 5N + 1, span max(13, 1) + 1.
TEST(CostModel, TwoLevel)
{
  Rod             t;
  const PetscReal pcg = 2 * nnzA + 12.0 * N;
  SolveRecord     rec = Solve(&t.p, "twolevel_icc_blocks");
  EXPECT_EQ(rec.iterations, 32);
  EXPECT_DOUBLE_EQ(rec.flops_model_per_iteration, pcg + 4 * nnzL + (64 * 31 + 2 * 64 * 64 + N) + N);
  EXPECT_DOUBLE_EQ(rec.span_per_iteration, 28.0 + 378 + 1);
  SolveRecordDestroy(&rec);
  rec = Solve(&t.p, "twolevel_coarse_blocks");
  EXPECT_EQ(rec.iterations, 76);
  EXPECT_DOUBLE_EQ(rec.flops_model_per_iteration, pcg + 5.0 * N + 1);
  EXPECT_DOUBLE_EQ(rec.span_per_iteration, 28.0 + 14);
  SolveRecordDestroy(&rec);
}

// A PC the model does not derive (GAMG) has NaN model values but measured flops.
TEST(CostModel, Unmodelled)
{
  Rod         t;
  SolveRecord rec = Solve(&t.p, "gamg");
  EXPECT_TRUE(std::isnan(rec.flops_model_per_iteration));
  EXPECT_TRUE(std::isnan(rec.span_per_iteration));
  EXPECT_GT(rec.flops_per_iteration, 2 * nnzA);
  EXPECT_GT(rec.flops_setup, 0.0);
  SolveRecordDestroy(&rec);
}

} // namespace
