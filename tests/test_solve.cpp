// Iteration counts and residual histories against the reference fixtures (docs/methods.md;
// tests/data/README.md). Runs at 1, 2 and 4 ranks: the counts must agree (+-1).
#include <cmath>

#include "problems/problem.h"
#include "solve/method.h"
#include "solve/solve_run.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

// Solves the fixture's problem (n = 32, contrast 100) with the shipped method file `method`.
void SolveFixture(const std::string &file, const char *problem, const char *method,
                  SolveRecord *rec)
{
  Problem p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, problem, 32, file, &p));
  ASSERT_EQ(0, SolveWithMethodFile(&p, method, rec));
  ASSERT_EQ(0, ProblemDestroy(&p));
}

void ExpectHistoryMatches(const SolveRecord &rec, const std::vector<double> &ref)
{
  ASSERT_EQ((size_t)rec.nhistory, ref.size());
  double worst = 0;
  for (size_t k = 0; k < ref.size(); k++)
    worst = std::max(worst, std::fabs(rec.history[k] - ref[k]));
  EXPECT_LE(worst, 1e-10) << "largest deviation of the relative residual history";
}

TEST(SolveConstant, PlainCGMatchesReference116)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  SolveRecord rec;
  SolveFixture(file, "constant", "none", &rec);
  EXPECT_EQ(rec.iterations, 116);
  EXPECT_GT(rec.reason, 0);
  EXPECT_LE(rec.final_relres, 1e-10);
  EXPECT_NEAR(rec.final_relres, 6.6665e-11, 1e-14);
  ExpectHistoryMatches(rec, ReadDataset(file, "hist/cg"));
  SolveRecordDestroy(&rec);
}

TEST(SolveConstant, JacobiIdenticalToPlainCG)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  SolveRecord rec;
  SolveFixture(file, "constant", "jacobi", &rec);
  EXPECT_EQ(rec.iterations, 116);
  EXPECT_LE(rec.final_relres, 1e-10);
  ExpectHistoryMatches(rec, ReadDataset(file, "hist/jacobi"));
  SolveRecordDestroy(&rec);
}

TEST(SolveConstant, IncompleteCholesky43)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  SolveRecord rec;
  SolveFixture(file, "constant", "icc", &rec);
  EXPECT_NEAR(rec.iterations, 43, 1);
  EXPECT_LE(rec.final_relres, 1e-10);
  SolveRecordDestroy(&rec);
}

TEST(SolveConstant, SuperLUILUTPAtMostSix)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  SolveRecord rec;
  SolveFixture(file, "constant", "ilu", &rec);
  EXPECT_LE(rec.iterations, 6);
  EXPECT_GT(rec.reason, 0);
  EXPECT_LE(rec.final_relres, 1e-10);
  SolveRecordDestroy(&rec);
}

TEST(SolveVariable, Jacobi137)
{
  REQUIRE_FIXTURE(file, "b_n32_seed42_var100.h5");
  SolveRecord rec;
  SolveFixture(file, "variable", "jacobi", &rec);
  EXPECT_NEAR(rec.iterations, 137, 1);
  EXPECT_LE(rec.final_relres, 1e-10);
  SolveRecordDestroy(&rec);
}

TEST(SolveVariable, PlainCGBetween765And790)
{
  // The count moves with the summation order of the dot products (tests/data/README.md).
  REQUIRE_FIXTURE(file, "b_n32_seed42_var100.h5");
  SolveRecord rec;
  SolveFixture(file, "variable", "none", &rec);
  EXPECT_GE(rec.iterations, 765);
  EXPECT_LE(rec.iterations, 790);
  EXPECT_LE(rec.final_relres, 1e-10);
  SolveRecordDestroy(&rec);
}

TEST(SolveVariable, TrueResidualAndDirectSolution)
{
  REQUIRE_FIXTURE(file, "b_n32_seed42_var100.h5");
  SolveRecord rec;
  SolveFixture(file, "variable", "icc", &rec);
  EXPECT_NEAR(rec.iterations, 43, 2);
  EXPECT_LE(rec.true_relres, 2e-10);
  SolveRecordDestroy(&rec);
}

TEST(SolveConstant, MultigridReferencesConverge)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  for (const char *m : {"gamg", "hypre", "bjacobi2", "ilu_fcg"}) {
    SolveRecord rec;
    SolveFixture(file, "constant", m, &rec);
    EXPECT_GT(rec.reason, 0) << m;
    EXPECT_LE(rec.final_relres, 1e-10) << m;
    EXPECT_LE(rec.iterations, 40) << m;
    SolveRecordDestroy(&rec);
  }
}

} // namespace
