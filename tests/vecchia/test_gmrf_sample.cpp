// gmrf_sample and PC vecchia from the command line (REPORTS.md §10.1, §10.3; docs/vecchia.md):
// the headline 116 -> 30 (exact snapshots, 50k, seed 6, then vecchia_snapshots at 1 and 2
// ranks, 4 too) and draws that do not depend on the rank count. The statistical checks and bad
// input are in test_gmrf_sample_checks.cpp.
#include <gtest/gtest.h>
#include <petscviewerhdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_support.h"
#include "test_support.h"

namespace {

// Dataset /snapshots of a file: rows x cols, row-major (empty when unreadable).
std::vector<double> ReadSnapshots(const std::string &file, size_t *rows, size_t *cols)
{
  std::vector<double> data;
  *rows = *cols = 0;
  hid_t f       = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return data;
  hid_t   d = H5Dopen2(f, "/snapshots", H5P_DEFAULT);
  hid_t   s = H5Dget_space(d);
  hsize_t dims[2];
  if (H5Sget_simple_extent_ndims(s) == 2 && H5Sget_simple_extent_dims(s, dims, NULL) == 2) {
    data.resize(dims[0] * dims[1]);
    if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
      data.clear();
    else {
      *rows = dims[0];
      *cols = dims[1];
    }
  }
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  return data;
}

double ReadAttribute(const std::string &file, const char *name)
{
  return ReadGroupAttribute(file, "/snapshots", name);
}

// The headline of report 10: 50k exact snapshots (seed 6), then PCG with vecchia_snapshots on
// the reference's b: 30 iterations (reference 30; exact covariance 29), at 1, 2 and 4 ranks.
TEST(GmrfSample, FiftyThousandExactSnapshotsGiveThirtyIterations)
{
  REQUIRE_FIXTURE(b, "a_n32_seed42_const.h5");
  const std::string snap = CliTempDir() + "/snap50k.h5";
  CliRun            r =
      RunExecutable("gmrf_sample", "-sampler exact -snapshots 50000 -seed 6 -o " + snap, 1, 120);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ReadAttribute(snap, "count"), 50000);
  EXPECT_EQ(ReadAttribute(snap, "seed"), 6);
  for (int ranks : {1, 2, 4}) {
    const std::string out = CliTempDir() + "/vs" + std::to_string(ranks) + ".h5";
    r                     = RunExecutable("poisson_solve",
                                          "-problem constant -rhs_file " + b +
                                              " -methods none,vecchia_snapshots "
                                                                  "-vecchia_snapshots_pc_vecchia_snapshots " +
                                              snap + " -o " + out,
                                          ranks, 120);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(ReadGroupAttribute(out, "/constant/none", "iterations"), 116);
    EXPECT_NEAR(ReadGroupAttribute(out, "/constant/vecchia_snapshots", "iterations"), 30, 1)
        << ranks << " ranks";
    std::remove(out.c_str());
  }
  std::remove(snap.c_str());
}

// Same seed, same draws at 1, 2 (and 4) ranks: bitwise for exact (every rank draws a share of
// each round with the same factor; 600 snapshots span several rounds) and gibbs (rank 0 draws),
// to rounding for langevin (distributed MatMult, same noise).
TEST(GmrfSample, DrawsDoNotDependOnTheRankCount)
{
  const struct {
    const char *args;
    double      tol;
    int         max_ranks;
  } cases[] = {
      {"-sampler exact -snapshots 600 -seed 3", 0.0, 4},
      {"-sampler gibbs -problem chain -n 32 -chains 8 -snapshots 64 -seed 3", 0.0, 2},
      {"-sampler langevin -n 8 -chains 4 -snapshots 16 -thin 20 -burn_in 100 -seed 3", 1e-10, 4},
  };
  for (const auto &c : cases) {
    std::vector<double> first;
    for (int ranks : {1, 2, 4}) {
      if (ranks > c.max_ranks) continue;
      const std::string f = CliTempDir() + "/ranks" + std::to_string(ranks) + ".h5";
      CliRun            r = RunExecutable("gmrf_sample", std::string(c.args) + " -o " + f, ranks);
      ASSERT_EQ(r.status, 0) << c.args << "\n" << r.err;
      size_t              rows, cols;
      std::vector<double> u = ReadSnapshots(f, &rows, &cols);
      ASSERT_FALSE(u.empty()) << c.args;
      if (ranks == 1)
        first = u;
      else {
        ASSERT_EQ(u.size(), first.size());
        double diff = 0.0, scale = 0.0;
        for (size_t k = 0; k < u.size(); k++) {
          diff  = std::max(diff, std::fabs(u[k] - first[k]));
          scale = std::max(scale, std::fabs(first[k]));
        }
        EXPECT_LE(diff, c.tol * scale) << c.args;
      }
      std::remove(f.c_str());
    }
  }
}

// -accumulate writes /covariance = U U^T / N_s of the very draws -snapshots would store.
TEST(GmrfSample, AccumulatedCovarianceEqualsTheSnapshots)
{
  const std::string fs = CliTempDir() + "/acc_s.h5", fc = CliTempDir() + "/acc_c.h5";
  const std::string args = "-sampler exact -n 8 -snapshots 300 -seed 4 -o ";
  ASSERT_EQ(RunExecutable("gmrf_sample", args + fs).status, 0);
  ASSERT_EQ(RunExecutable("gmrf_sample", args + fc + " -accumulate").status, 0);
  size_t              rows, cols;
  std::vector<double> U = ReadSnapshots(fs, &rows, &cols), C = ReadDataset(fc, "/covariance");
  ASSERT_EQ(rows, 300u);
  ASSERT_EQ(C.size(), cols * cols);
  EXPECT_EQ(ReadGroupAttribute(fc, "/covariance", "count"), 300);
  double diff = 0.0, scale = 0.0;
  for (size_t i = 0; i < cols; i++)
    for (size_t j = 0; j < cols; j++) {
      double s = 0.0;
      for (size_t r = 0; r < rows; r++) s += U[r * cols + i] * U[r * cols + j];
      diff  = std::max(diff, std::fabs(s / rows - C[i * cols + j]));
      scale = std::max(scale, std::fabs(C[i * cols + j]));
    }
  EXPECT_LE(diff, 1e-12 * scale);
  std::remove(fs.c_str());
  std::remove(fc.c_str());
}

} // namespace
