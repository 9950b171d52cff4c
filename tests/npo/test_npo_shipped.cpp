// The shipped network (models/, trained by npo_train; the default -pc_npo_checkpoint) inside
// FCG(1): the canonical fixture b in at most 34 iterations (the reference's own network: 30),
// and fewer iterations than plain CG on a GRF right-hand side at n = 64 (any rank count) and
// n = 128 (one rank). Observed with models/npo_multires.h5: 33, 83 vs 233, 237 vs 465
// (n = 256, not in the suite for time: 723 vs 928).
// Gather mode under MPI.
#include <string>

#include "problems/problem.h"
#include "solve/method.h"
#include "solve/solve_run.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

// One solve of the constant problem with a shipped method file; the rhs is the fixture's
// b when `file` is given, else the project's GRF (seed 42) at size n.
void Solve(const std::string &file, PetscInt n, const char *method, SolveRecord *rec)
{
  Problem p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "constant", n, file, &p));
  ASSERT_EQ(0, SolveWithMethodFile(&p, method, rec));
  ASSERT_EQ(0, ProblemDestroy(&p));
}

} // namespace

TEST(NpoShipped, CanonicalFixtureInAtMost34Iterations)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  SolveRecord rec;
  Solve(file, 32, "npo_fcg", &rec);
  // The default checkpoint is the project's own network, not the reference's.
  EXPECT_NE(std::string(rec.ksp_view).find("trained by npo_train"), std::string::npos)
      << rec.ksp_view;
  // ... with the resolution-consistent input (trained on grids 32, 64, 128).
  EXPECT_NE(std::string(rec.ksp_view).find("input normalisation: resolution-consistent"),
            std::string::npos)
      << rec.ksp_view;
  EXPECT_GT(rec.reason, 0);
  EXPECT_LE(rec.iterations, 34);
  EXPECT_LE(rec.true_relres, 2e-10);
  SolveRecordDestroy(&rec);
}

TEST(NpoShipped, FewerIterationsThanPlainCGAtN64)
{
  SolveRecord cg, npo;
  Solve("", 64, "none", &cg);
  Solve("", 64, "npo_fcg", &npo);
  EXPECT_GT(npo.reason, 0);
  EXPECT_LE(npo.true_relres, 2e-10);
  EXPECT_LT(npo.iterations, cg.iterations);
  SolveRecordDestroy(&cg);
  SolveRecordDestroy(&npo);
}

TEST(NpoShipped, FewerIterationsThanPlainCGAtN128)
{
  // Observed: 237 iterations against plain CG's 465 (the reference's network does not
  // converge at n = 128 with its unit-norm input). ~10 s: one rank only.
  if (WorldSize() > 1) GTEST_SKIP() << "n = 128 FCG with the network: one rank only (time)";
  SolveRecord cg, npo;
  Solve("", 128, "none", &cg);
  Solve("", 128, "npo_fcg", &npo);
  EXPECT_GT(npo.reason, 0);
  EXPECT_LE(npo.true_relres, 2e-10);
  EXPECT_LT(npo.iterations, cg.iterations);
  SolveRecordDestroy(&cg);
  SolveRecordDestroy(&npo);
}
