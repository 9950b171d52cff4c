// Synthetic spectra of report 13 (REPORTS.md §13.7), dimension 400, at 1, 2 and 4 ranks:
// rank-1 A = I + rho v v^T: CG in 2 iterations at every rho and right-hand side; GD on the
// worst-case b contracts by exactly (kappa-1)/(kappa+1) per step, so it needs the closed form
// ceil(ln(1e10)/ln((kappa+1)/(kappa-1))) = 1163 / 115141 / 11512937 steps (run to the end at
// rho = 1e2; capped at rho = 1e4 and 1e6, where the measured rate and the count extrapolated
// from it are checked). Three clusters: CG iterations grow with the cluster width at kappa ~ 1e6.
#include <cmath>

#include "krylov/sd/sd.h"
#include "synthetic/synthetic.h"
#include "test_support.h"

namespace {

const PetscReal eps = 1e-10;

TEST(SyntheticRank1, ClosedFormOfTheWorstCase)
{
  EXPECT_EQ(SyntheticGDWorstCaseSteps(101.0, eps), 1163);
  EXPECT_EQ(SyntheticGDWorstCaseSteps(1e4 + 1, eps), 115141);
  EXPECT_EQ(SyntheticGDWorstCaseSteps(1e6 + 1, eps), 11512937);
}

TEST(SyntheticRank1, ConjugateGradientsInTwoIterations)
{
  for (PetscReal rho : {1e2, 1e4, 1e6})
    for (SyntheticRhs rhs : {SYNTHETIC_RHS_RANDOM, SYNTHETIC_RHS_WORST}) {
      SyntheticProblem p;
      SyntheticRun     run;
      ASSERT_EQ(0, SyntheticRank1Create(PETSC_COMM_WORLD, 400, rho, rhs, 1, 2, &p));
      ASSERT_EQ(0, SyntheticSolve(&p, "cg", eps, 100, &run));
      EXPECT_TRUE(run.converged) << "rho " << rho;
      EXPECT_EQ(run.iterations, 2) << "rho " << rho;
      EXPECT_LE(run.error.back(), 1e-12) << "rho " << rho;
      ASSERT_EQ(0, SyntheticDestroy(&p));
    }
}

TEST(SyntheticRank1, SteepestDescentWorstCaseToTheEnd)
{
  SyntheticProblem p;
  SyntheticRun     run;
  ASSERT_EQ(0, SyntheticRank1Create(PETSC_COMM_WORLD, 400, 1e2, SYNTHETIC_RHS_WORST, 1, 2, &p));
  ASSERT_EQ(0, SyntheticSolve(&p, KSPSD, eps, 5000, &run));
  EXPECT_TRUE(run.converged);
  EXPECT_EQ(run.iterations, 1163);
  // Every step contracts the error by exactly (kappa - 1)/(kappa + 1) = 100/102, up to the
  // rounding of x* - x_k (about 1e-16 / error relative).
  const double q = 100.0 / 102.0;
  for (size_t k = 1; k < run.error.size(); k++)
    ASSERT_NEAR(run.error[k] / run.error[k - 1], q, 1e-12 + 1e-15 / run.error[k]) << "step " << k;
  ASSERT_EQ(0, SyntheticDestroy(&p));
}

TEST(SyntheticRank1, SteepestDescentWorstCaseCappedAndExtrapolated)
{
  struct {
    PetscReal rho;
    PetscInt  cap, closed;
  } cases[] = {{1e4, 3000, 115141}, {1e6, 2000, 11512937}};
  for (const auto &c : cases) {
    SyntheticProblem p;
    SyntheticRun     run;
    ASSERT_EQ(0, SyntheticRank1Create(PETSC_COMM_WORLD, 400, c.rho, SYNTHETIC_RHS_WORST, 1, 2, &p));
    ASSERT_EQ(0, SyntheticSolve(&p, KSPSD, eps, c.cap, &run));
    EXPECT_FALSE(run.converged);
    EXPECT_EQ(run.iterations, c.cap);
    EXPECT_NEAR(run.rate, (p.kappa - 1) / (p.kappa + 1), 1e-12) << "rho " << c.rho;
    EXPECT_NEAR(run.predicted, c.closed, 1) << "rho " << c.rho;
    ASSERT_EQ(0, SyntheticDestroy(&p));
  }
}

TEST(SyntheticClusters, IterationsGrowWithTheWidth)
{
  // Measured 19 / 31 / 75 (1 rank), 19 / 31 / 74 (2 and 4 ranks): the last count moves by one
  // with the summation order of the dense products.
  const PetscReal widths[3]   = {1e-3, 1e-2, 1e-1};
  const PetscInt  expected[3] = {19, 31, 75};
  PetscInt        previous    = 0;
  for (int k = 0; k < 3; k++) {
    SyntheticProblem p;
    SyntheticRun     run;
    ASSERT_EQ(0, SyntheticClustersCreate(PETSC_COMM_WORLD, widths[k], &p));
    EXPECT_EQ(p.eigenvalues.size(), 400u);
    EXPECT_GT(p.kappa, 0.99e6);
    EXPECT_LT(p.kappa, 1.11e6);
    ASSERT_EQ(0, SyntheticSolve(&p, "cg", eps, 2000, &run));
    EXPECT_TRUE(run.converged) << "w " << widths[k];
    EXPECT_NEAR(run.iterations, expected[k], 2) << "w " << widths[k];
    EXPECT_GT(run.iterations, previous) << "w " << widths[k];
    previous = run.iterations;
    ASSERT_EQ(0, SyntheticDestroy(&p));
  }
}

} // namespace
