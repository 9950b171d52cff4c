// poisson_solve with the decoupling-ladder pieces, as a user runs it: the results-file contract
// of -ksp_converged_error (error_history, final_relerror, the error criterion's iteration
// count) at 1 and 2 ranks, and one clean error line, no results file, for KSP sd with an
// indefinite preconditioner and for -ksp_converged_error where no direct solve is possible.
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "cli_support.h"
#include "test_support.h"

namespace {

std::string Tmp(const char *name)
{
  return CliTempDir() + "/" + name;
}

TEST(DecouplingCli, LadderResultsFile)
{
  for (int ranks : {1, 2}) {
    const std::string out = Tmp("ladder.h5");
    std::remove(out.c_str());
    CliRun r = RunExecutable("poisson_solve",
                             "-problem rod -methods none,cg_err,bjacobi2x_cg -o " + out, ranks);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(ReadGroupAttribute(out, "/rod/none", "iterations"), 76.0);
    EXPECT_TRUE(std::isnan(ReadGroupAttribute(out, "/rod/none", "final_relerror")))
        << "no error attributes without -ksp_converged_error";
    EXPECT_EQ(ReadGroupAttribute(out, "/rod/cg_err", "iterations"), 73.0);
    EXPECT_EQ(ReadGroupAttribute(out, "/rod/bjacobi2x_cg", "iterations"), 12.0);
    for (const char *m : {"cg_err", "bjacobi2x_cg"}) {
      const std::string   g   = std::string("/rod/") + m;
      const double        its = ReadGroupAttribute(out, g, "iterations");
      const double        fe  = ReadGroupAttribute(out, g, "final_relerror");
      std::vector<double> e   = ReadDataset(out, (g + "/error_history").c_str());
      ASSERT_EQ(e.size(), (size_t)its + 1) << m;
      EXPECT_EQ(e.front(), 1.0) << m;
      EXPECT_EQ(e.back(), fe) << m;
      EXPECT_LE(fe, 1e-10) << m;
      EXPECT_EQ(ReadGroupAttribute(out, g, "converged"), 1.0) << m;
    }
    EXPECT_NE(r.out.find("stopped on the relative 2-norm error"), std::string::npos) << r.out;
  }
}

TEST(DecouplingCli, SteepestDescentIndefinitePreconditioner)
{
  // PCKSP with one Richardson step of scale -1 is M = -I.
  const std::string negative = "-ksp_type sd -pc_type ksp -ksp_ksp_type richardson "
                               "-ksp_ksp_richardson_scale -1 -ksp_ksp_max_it 1 -ksp_pc_type none";
  for (int ranks : {1, 2})
    ExpectCleanFailure("poisson_solve", "-problem rod " + negative,
                       "KSP sd needs a symmetric positive definite preconditioner", ranks);
}

TEST(DecouplingCli, ErrorCriterionWithoutPossibleDirectSolve)
{
  // A grid that passes the 100 bytes-per-unknown size check (half the memory) but whose
  // Cholesky factor (~93 N log2 n bytes) cannot fit: refused before any work.
  const double mem = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
  const long   n   = (long)std::floor(std::sqrt(mem / 200.0));
  if (n > 46340) GTEST_SKIP() << "this machine's memory allows any 32-bit-index grid";
  const std::string ns = std::to_string(n);
  for (int ranks : {1, 2}) {
    ExpectCleanFailure("poisson_solve", "-problem rod -n " + ns + " -methods none,cg_err",
                       "-cg_err_ksp_converged_error needs x* from a direct solve", ranks);
    ExpectCleanFailure("poisson_solve",
                       "-problem rod -n " + ns + " -ksp_type cg -ksp_converged_error",
                       "-ksp_converged_error needs x* from a direct solve", ranks);
  }
}

TEST(DecouplingCli, SyntheticSpectraFile)
{
  const std::string out = Tmp("synthetic.h5");
  std::remove(out.c_str());
  CliRun r = RunExecutable("gdcg_synthetic", "-rho 1e2,1e6 -widths 1e-2 -gd_cap 2000 -o " + out, 2);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ReadGroupAttribute(out, "/rank1/rho_100", "cg_worst_iterations"), 2.0);
  EXPECT_EQ(ReadGroupAttribute(out, "/rank1/rho_100", "cg_random_iterations"), 2.0);
  EXPECT_EQ(ReadGroupAttribute(out, "/rank1/rho_100", "gd_worst_iterations"), 1163.0);
  EXPECT_EQ(ReadGroupAttribute(out, "/rank1/rho_1e+06", "gd_worst_converged"), 0.0);
  EXPECT_NEAR(ReadGroupAttribute(out, "/rank1/rho_1e+06", "gd_worst_predicted"), 11512937.0, 1.0);
  EXPECT_EQ(ReadGroupAttribute(out, "/rank1/rho_1e+06", "gd_worst_closed_form"), 11512937.0);
  EXPECT_NEAR(ReadGroupAttribute(out, "/clusters/w_0.01", "cg_iterations"), 31.0, 2.0);
  ExpectCleanFailure("gdcg_synthetic", "-rho 1e2,-1", "-rho values must be > 0");
  ExpectCleanFailure("gdcg_synthetic", "-widths 3", "-widths values must lie in [0, 2)");
}

} // namespace
