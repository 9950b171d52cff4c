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

#include "test_support.h"

namespace {

struct CliRun {
  int         status;
  std::string out, err;
};

std::string TempDir()
{
  static std::string dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/poisson_spectra_cli_XXXXXX";
    dir         = mkdtemp(tmpl);
  }
  return dir;
}

CliRun Execute(const std::string &args, int ranks = 1)
{
  const std::string out = TempDir() + "/stdout", err = TempDir() + "/stderr";
  std::string       cmd = std::string(POISSON_MPIEXEC) + " -n " + std::to_string(ranks) + " " +
                    POISSON_BIN_DIR + "/poisson_spectra " + args + " >" + out + " 2>" + err;
  CliRun r;
  int    s   = std::system(cmd.c_str());
  r.status   = WIFEXITED(s) ? WEXITSTATUS(s) : 255;
  auto slurp = [](const std::string &f) {
    std::ifstream     in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

bool AnyFileStartingWith(const std::string &dir, const std::string &stem)
{
  std::string cmd = "ls " + dir + " 2>/dev/null | grep -q '^" + stem + "'";
  return std::system(cmd.c_str()) == 0;
}

double Attribute(const std::string &file, const std::string &group, const char *name)
{
  double value = NAN;
  hid_t  f     = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return value;
  hid_t a = H5Aopen_by_name(f, group.c_str(), name, H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0) {
    H5Aread(a, H5T_NATIVE_DOUBLE, &value);
    H5Aclose(a);
  }
  H5Fclose(f);
  return value;
}

void ExpectCleanFailure(const std::string &args, const std::string &message, int ranks = 1)
{
  const std::string out = TempDir() + "/bad.h5";
  std::remove(out.c_str());
  CliRun r = Execute(args + " -o " + out, ranks);
  EXPECT_NE(r.status, 0) << args;
  EXPECT_NE(r.err.find(message), std::string::npos) << args << "\nstderr:\n" << r.err;
  EXPECT_EQ(r.err.find("PETSC ERROR"), std::string::npos) << "expected one line, got\n" << r.err;
  EXPECT_FALSE(AnyFileStartingWith(TempDir(), "bad.h5")) << args;
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
    const std::string out = TempDir() + "/spectra" + std::to_string(ranks) + ".h5";
    CliRun            r   = Execute("-problem constant,variable -n 16 -methods jacobi,icc,bjacobi2 "
                                                 "-kappa_sweep 8,16 -o " +
                                        out,
                                    ranks);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(Attribute(out, "/", "ranks"), ranks);
    kappa[k][0] = Attribute(out, "/constant/A", "kappa");
    kappa[k][1] = Attribute(out, "/constant/icc", "kappa");
    kappa[k][2] = Attribute(out, "/variable/jacobi", "kappa");
    kappa[k][3] = Attribute(out, "/variable/bjacobi2", "kappa");
    EXPECT_NEAR(kappa[k][0], Attribute(out, "/constant/A", "kappa_closed_form"),
                1e-8 * kappa[k][0]);
    EXPECT_NEAR(kappa[k][0], 116.46, 0.01);
    for (const char *a : {"lambda_min", "lambda_max", "tolerance", "iterations"})
      EXPECT_FALSE(std::isnan(Attribute(out, "/constant/jacobi", a))) << a;
    EXPECT_FALSE(ReadDataset(out, "/constant/jacobi/eigenvalues_real").empty());
    EXPECT_FALSE(ReadDataset(out, "/constant/jacobi/residual_norms").empty());
    std::vector<double> sweep = ReadDataset(out, "/kappa_sweep/kappa");
    ASSERT_EQ(sweep.size(), 2u);
    EXPECT_NEAR(sweep[0], 32.16, 0.005);
    EXPECT_FALSE(std::isnan(Attribute(out, "/kappa_sweep", "p")));
    k++;
  }
  for (int r = 1; r < 3; r++)
    for (int j = 0; j < 4; j++) EXPECT_NEAR(kappa[r][j], kappa[0][j], 1e-6 * kappa[0][j]) << j;
}

} // namespace
