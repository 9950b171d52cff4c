// The executables as a user meets them: bad input gives one clear message on stderr, a
// nonzero exit and no results file; a method that does not converge is a result; the
// results file follows the contract of the README at 1, 2 and 4 ranks.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_support.h"
#include "test_support.h"

namespace {

bool FileExists(const std::string &path)
{
  return access(path.c_str(), F_OK) == 0;
}

void ExpectCleanFailure(const std::string &args, const std::string &message)
{
  ::ExpectCleanFailure("poisson_solve", args, message);
}

TEST(BadInput, UnknownProblem)
{
  ExpectCleanFailure("-problem squiggle", "unknown problem 'squiggle'");
}

TEST(BadInput, UnknownMethod)
{
  ExpectCleanFailure("-problem constant -methods jacobi,nosuch", "unknown method 'nosuch'");
}

TEST(BadInput, GridTooSmall)
{
  ExpectCleanFailure("-problem constant -n 1", "-n must be at least 2");
}

TEST(BadInput, OddGridWithGRF)
{
  ExpectCleanFailure("-problem constant -n 33", "needs an even n");
}

TEST(BadInput, MissingRhsFile)
{
  ExpectCleanFailure("-problem constant -rhs file -rhs_file /nonexistent/b.h5",
                     "cannot read right-hand side file");
}

TEST(BadInput, DatasetOfWrongSize)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  ExpectCleanFailure("-problem constant -n 16 -rhs_file " + file, "needs n*n = 256");
}

TEST(BadInput, MissingDataset)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  ExpectCleanFailure("-problem constant -rhs_file " + file + " -rhs_dataset nothere",
                     "has no dataset 'nothere'");
}

TEST(BadInput, NegativeContrast)
{
  ExpectCleanFailure("-problem variable -contrast -5", "-contrast must be positive");
}

TEST(BadInput, UnwritableOutput)
{
  CliRun r =
      RunExecutable("poisson_solve", "-problem constant -methods none -o /nonexistent/dir/r.h5");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("cannot write results file"), std::string::npos) << r.err;
  EXPECT_FALSE(FileExists("/nonexistent/dir/r.h5"));
}

TEST(BadInput, UnknownOperatorForm)
{
  ExpectCleanFailure("-problem constant -operator dense", "unknown -operator 'dense'");
}

TEST(BadInput, BenchmarkUnknownPartAndNoIterations)
{
  ::ExpectCleanFailure("poisson_bench", "-bench_parts stream,nope",
                       "unknown -bench_parts entry 'nope'");
  ::ExpectCleanFailure("poisson_bench", "-bench_parts iteration -bench_iterations 0",
                       "-bench_iterations and -bench_reps must be positive");
}

TEST(BadInput, NpoInputGridAndTrainingBenchmarkEpochs)
{
  ExpectCleanFailure("-problem constant -methods npo_fcg -npo_fcg_pc_npo_input_grid -2",
                     "-npo_fcg_pc_npo_input_grid must be a grid size n0 > 0, 0 (unit-norm input) "
                     "or -1 (the checkpoint's own), got -2");
  ::ExpectCleanFailure("npo_train", "-npo_train_input_grid -1",
                       "-npo_train_input_grid must be a grid size n0 > 0 or 0 (unit-norm input), "
                       "got -1");
  ::ExpectCleanFailure("npo_train_bench", "-bench_epochs 1",
                       "-bench_epochs must be at least 2 (the rate is the mean of epochs 2..K), "
                       "got 1");
  ::ExpectCleanFailure("npo_train_bench", "-bench_epochs 500",
                       "-bench_epochs 500 exceeds the run's -npo_train_epochs 400");
}

TEST(BadInput, UnknownPCTypeInMethodOverride)
{
  ExpectCleanFailure("-problem constant -methods jacobi -jacobi_pc_type nosuchpc", "nosuchpc");
}

// ILU at n = 48: the reference's SuperLU ILUTP makes M nonsymmetric, plain CG stalls while
// FCG(1) converges. The stall is reported, not an error, and the other methods still run.
TEST(Results, NonConvergenceIsAResult)
{
  const std::string out = CliTempDir() + "/ilu48.h5";
  CliRun            r   = RunExecutable("poisson_solve",
                                        "-problem constant -n 48 -methods ilu,ilu_fcg,jacobi -o " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_TRUE(FileExists(out));
  EXPECT_EQ(ReadGroupAttribute(out, "/constant/ilu", "converged"), 0.0);
  EXPECT_EQ(ReadGroupAttribute(out, "/constant/ilu_fcg", "converged"), 1.0);
  EXPECT_LE(ReadGroupAttribute(out, "/constant/ilu_fcg", "iterations"), 150.0);
  EXPECT_EQ(ReadGroupAttribute(out, "/constant/jacobi", "converged"), 1.0);
  EXPECT_NE(r.out.find("DIVERGED"), std::string::npos) << r.out;
}

// The results file contract, and the same counts at 1, 2 and 4 ranks.
TEST(Results, ContractAndRankIndependence)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  for (int ranks : {1, 2, 4}) {
    const std::string out = CliTempDir() + "/contract" + std::to_string(ranks) + ".h5";
    CliRun            r   = RunExecutable("poisson_solve",
                                          "-problem constant,variable -rhs_file " + file +
                                              " -methods none,jacobi,icc -o " + out,
                                          ranks);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(ReadGroupAttribute(out, "/", "ranks"), ranks);
    EXPECT_EQ(ReadGroupAttribute(out, "/constant", "n"), 32);
    EXPECT_EQ(ReadGroupAttribute(out, "/constant/none", "iterations"), 116);
    EXPECT_EQ(ReadGroupAttribute(out, "/constant/jacobi", "iterations"), 116);
    EXPECT_NEAR(ReadGroupAttribute(out, "/constant/icc", "iterations"), 43, 1);
    EXPECT_NEAR(ReadGroupAttribute(out, "/variable/jacobi", "iterations"), 137, 1);
    for (const char *attr :
         {"converged", "final_relres", "true_relres", "setup_seconds", "solve_seconds"})
      EXPECT_FALSE(std::isnan(ReadGroupAttribute(out, "/constant/none", attr))) << attr;
    std::vector<double> hist = ReadDataset(out, "/constant/none/residual_history");
    ASSERT_EQ(hist.size(), 117u);
    EXPECT_EQ(hist[0], 1.0);
    EXPECT_EQ(ReadDataset(out, "/constant/none/solution").size(), 1024u);
  }
}

} // namespace

namespace {

// Inputs round-trip: the (n, n) dataset b of a results file is a right-hand side, read at 1 and
// 2 ranks; the counts equal the run that wrote it (plain CG on the variable problem at 2 ranks:
// within the summation-order spread of tests/data/README.md).
TEST(Results, ResultsFileRightHandSideRoundTrips)
{
  const std::string first = CliTempDir() + "/roundtrip_first.h5";
  CliRun            r =
      RunExecutable("poisson_solve", "-problem constant,variable -methods none,jacobi -o " + first);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ReadDataset(first, "/constant/b").size(), 1024u);
  for (int ranks : {1, 2}) {
    for (const char *problem : {"constant", "variable"}) {
      const std::string again =
          CliTempDir() + "/roundtrip_" + problem + std::to_string(ranks) + ".h5";
      r = RunExecutable("poisson_solve",
                        std::string("-problem ") + problem + " -methods none,jacobi -rhs_file " +
                            first + " -rhs_dataset /" + problem + "/b -o " + again,
                        ranks);
      ASSERT_EQ(r.status, 0) << r.err;
      for (const char *m : {"none", "jacobi"}) {
        const std::string g0 = std::string("/") + problem + "/" + m;
        EXPECT_NEAR(ReadGroupAttribute(again, g0, "iterations"),
                    ReadGroupAttribute(first, g0, "iterations"), ranks == 1 ? 0 : 10)
            << g0 << " at " << ranks << " ranks";
      }
      EXPECT_EQ(ReadDataset(again, ("/" + std::string(problem) + "/b").c_str()),
                ReadDataset(first, ("/" + std::string(problem) + "/b").c_str()));
    }
  }
  ExpectCleanFailure("-problem constant -n 16 -rhs_file " + first + " -rhs_dataset /constant/b",
                     "has shape (32, 32), but n = 16 needs n*n = 256");
}

// A single method from plain, unprefixed PETSc options, as any PETSc program takes them.
TEST(Results, UnprefixedOptionsFileRunsOneMethod)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  const std::string out = CliTempDir() + "/plain.h5";
  CliRun            r =
      RunExecutable("poisson_solve", "-problem constant -rhs_file " + file + " -options_file " +
                                         POISSON_SOURCE_DIR + "/petsc_options/icc.opts -o " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NEAR(ReadGroupAttribute(out, "/constant/cg_redundant", "iterations"), 43, 1);
}

// A method file's option overridden for that method alone from the command line.
TEST(Results, PrefixedOverrideWinsOverMethodFile)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  const std::string out = CliTempDir() + "/override.h5";
  CliRun            r =
      RunExecutable("poisson_solve", "-problem constant -rhs_file " + file +
                                         " -methods none,jacobi -jacobi_ksp_rtol 1e-6 -o " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ReadGroupAttribute(out, "/constant/none", "iterations"), 116);
  EXPECT_LT(ReadGroupAttribute(out, "/constant/jacobi", "iterations"), 90);
  EXPECT_LE(ReadGroupAttribute(out, "/constant/jacobi", "final_relres"), 1e-6);
}

TEST(Help, ListsEveryOption)
{
  const std::string out = CliTempDir() + "/help.h5";
  CliRun            r   = RunExecutable("poisson_solve", "-help -problem constant -methods "
                                                                      "none,nystrom16,hodlr8,npo_fcg -o " +
                                                             out);
  EXPECT_EQ(r.status, 0) << r.out;
  for (const char *opt :
       {"-problem", "-methods", "-n ", "-contrast", "-rhs ", "-rhs_file", "-grf_seed", "-grf_alpha",
        "-grf_tau", "-o ", "-none_ksp_type", "-nystrom16_pc_nystrom_rank", "-hodlr8_pc_hodlr_rank",
        "-npo_fcg_pc_npo_checkpoint", "-npo_fcg_pc_npo_input_grid"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  // -help lists the options and solves nothing: no results file.
  EXPECT_NE(access(out.c_str(), F_OK), 0);
  EXPECT_EQ(r.out.find("results written to"), std::string::npos);
  EXPECT_NE(r.out.find("nothing solved"), std::string::npos);
}

} // namespace
