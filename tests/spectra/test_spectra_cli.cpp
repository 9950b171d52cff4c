// build/bin/poisson_spectra as a user meets it: bad input gives one clear line, a nonzero exit
// and no results file; a run writes the documented groups with the same kappa at 1, 2 and 4
// ranks. Launches mpirun itself (the pattern of tests/test_cli.cpp), so ctest runs it once.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_support.h"
#include "test_support.h"

namespace {

CliRun Execute(const std::string &args, int ranks = 1)
{
  return RunExecutable("poisson_spectra", args, ranks);
}

void ExpectCleanFailure(const std::string &args, const std::string &message, int ranks = 1)
{
  ::ExpectCleanFailure("poisson_spectra", args, message, ranks);
}

TEST(SpectraBadInput, UnknownMethod)
{
  ExpectCleanFailure("-problem constant -n 8 -methods jacobi,nosuch", "unknown method 'nosuch'");
}

TEST(SpectraBadInput, SpectrumFullAboveLimit)
{
  ExpectCleanFailure("-problem constant -n 66 -methods jacobi -spectrum_full",
                     "-spectrum_full is limited to N = n*n <= 4096", 2);
}

TEST(SpectraBadInput, SweepValueTooSmall)
{
  ExpectCleanFailure("-problem constant -n 8 -methods none -kappa_sweep 8,1",
                     "-kappa_sweep values must be at least 2");
}

// The results file contract, and the same kappa at 1, 2 and 4 ranks (1e-6 relative).
TEST(SpectraResults, ContractAndRankIndependence)
{
  double kappa[3][4];
  int    k = 0;
  for (int ranks : {1, 2, 4}) {
    const std::string out = CliTempDir() + "/spectra" + std::to_string(ranks) + ".h5";
    CliRun            r   = Execute("-problem constant,variable -n 16 -methods jacobi,icc,bjacobi2 "
                                                 "-kappa_sweep 8,16 -o " +
                                        out,
                                    ranks);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(ReadGroupAttribute(out, "/", "ranks"), ranks);
    kappa[k][0] = ReadGroupAttribute(out, "/constant/A", "kappa");
    kappa[k][1] = ReadGroupAttribute(out, "/constant/icc", "kappa");
    kappa[k][2] = ReadGroupAttribute(out, "/variable/jacobi", "kappa");
    kappa[k][3] = ReadGroupAttribute(out, "/variable/bjacobi2", "kappa");
    EXPECT_NEAR(kappa[k][0], ReadGroupAttribute(out, "/constant/A", "kappa_closed_form"),
                1e-8 * kappa[k][0]);
    EXPECT_NEAR(kappa[k][0], 116.46, 0.01);
    for (const char *a : {"lambda_min", "lambda_max", "tolerance", "iterations"})
      EXPECT_FALSE(std::isnan(ReadGroupAttribute(out, "/constant/jacobi", a))) << a;
    EXPECT_FALSE(ReadDataset(out, "/constant/jacobi/eigenvalues_real").empty());
    EXPECT_FALSE(ReadDataset(out, "/constant/jacobi/residual_norms").empty());
    std::vector<double> sweep = ReadDataset(out, "/kappa_sweep/kappa");
    ASSERT_EQ(sweep.size(), 2u);
    EXPECT_NEAR(sweep[0], 32.16, 0.005);
    EXPECT_FALSE(std::isnan(ReadGroupAttribute(out, "/kappa_sweep", "p")));
    k++;
  }
  for (int r = 1; r < 3; r++)
    for (int j = 0; j < 4; j++) EXPECT_NEAR(kappa[r][j], kappa[0][j], 1e-6 * kappa[0][j]) << j;
}

} // namespace
