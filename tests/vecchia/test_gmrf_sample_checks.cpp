// gmrf_sample's statistics and PC vecchia's snapshot-file errors from the command line
// (REPORTS.md §10.1; docs/vecchia.md): sample covariances of the 1-D chain against Sigma
// (exact, Gibbs) and against the Euler-Maruyama covariance (A - dt/2 A^2)^{-1} (Langevin)
// within the predicted errors; bad options and poisson_solve refusing bad snapshot files, each
// with one error line and no output file.
#include <gtest/gtest.h>
#include <petscviewerhdf5.h>

#include <petscblaslapack.h> // after the PETSc headers it relies on

#include <cmath>
#include <cstdio>
#include <cstring>
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

// The 1-D chain operator A1 = tridiag(-1, 2, -1)/h^2 (dense, n x n, symmetric).
std::vector<double> ChainOperator(int n)
{
  const double        h = 1.0 / (n + 1);
  std::vector<double> A((size_t)n * n, 0.0);
  for (int i = 0; i < n; i++) {
    A[i + i * n] = 2.0 / (h * h);
    if (i > 0) A[i + (i - 1) * n] = A[(i - 1) + i * n] = -1.0 / (h * h);
  }
  return A;
}

std::vector<double> Inverse(std::vector<double> M, int n)
{
  PetscBLASInt              N = n, info, lwork = 64 * n;
  std::vector<PetscBLASInt> ipiv(n);
  std::vector<double>       work(lwork);
  LAPACKgetrf_(&N, &N, M.data(), &N, ipiv.data(), &info);
  EXPECT_EQ(info, 0);
  LAPACKgetri_(&N, M.data(), &N, ipiv.data(), work.data(), &lwork, &info);
  EXPECT_EQ(info, 0);
  return M;
}

// ||Sigma_hat - S||_F / ||S||_F for the uncentred Sigma_hat = U^T U / N_s, and the predicted
// value for N_s iid samples, sqrt(((tr S)^2 + ||S||_F^2)/N_s) / ||S||_F (REPORTS.md §10.1).
void CovarianceError(const std::vector<double> &U, size_t ns, int n, const std::vector<double> &S,
                     double *err, double *predicted)
{
  double diff = 0.0, norm = 0.0, tr = 0.0;
  for (int i = 0; i < n; i++) {
    tr += S[i + i * n];
    for (int j = 0; j < n; j++) {
      double c = 0.0;
      for (size_t s = 0; s < ns; s++) c += U[s * n + i] * U[s * n + j];
      c /= (double)ns;
      diff += (c - S[i + j * n]) * (c - S[i + j * n]);
      norm += S[i + j * n] * S[i + j * n];
    }
  }
  *err       = std::sqrt(diff / norm);
  *predicted = std::sqrt((tr * tr + norm) / (double)ns) / std::sqrt(norm);
}

// The 1-D chain, n = 32 (REPORTS.md §10.1): the sample covariance against Sigma = A^{-1} within
// 3x (exact, iid) and 5x (Gibbs: thinning 111 and burn-in 15 T as the reference, 64 chains
// instead of 256) the predicted Frobenius error; Langevin (64 chains, dt = 0.5/lambda_max,
// thinning 881, burn-in 3 T instead of 10 T to keep the test short) against its own stationary
// covariance (A - dt/2 A^2)^{-1}, within 5x.
TEST(GmrfSample, ChainCovariancesWithinPredictedError)
{
  const int           n     = 32;
  std::vector<double> A     = ChainOperator(n);
  std::vector<double> Sigma = Inverse(A, n);
  const struct {
    const char *args;
    double      factor;
  } cases[] = {
      {"-sampler exact -problem chain -n 32 -snapshots 20000 -seed 1", 3.0},
      {"-sampler gibbs -problem chain -n 32 -chains 64 -snapshots 4992 -seed 3", 5.0},
      {"-sampler langevin -problem chain -n 32 -chains 64 -snapshots 512 -burn_in 2643 -seed 2",
       5.0},
  };
  for (const auto &c : cases) {
    const std::string f = CliTempDir() + "/chain.h5";
    CliRun            r = RunExecutable("gmrf_sample", std::string(c.args) + " -o " + f, 1, 120);
    ASSERT_EQ(r.status, 0) << c.args << "\n" << r.err;
    size_t              rows, cols;
    std::vector<double> U = ReadSnapshots(f, &rows, &cols);
    ASSERT_EQ(cols, (size_t)n);
    std::vector<double> S  = Sigma;
    const double        dt = ReadAttribute(f, "dt");
    if (std::strstr(c.args, "langevin")) {
      ASSERT_GT(dt, 0.0);
      std::vector<double> B = A; // A - dt/2 A^2
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
          double a2 = 0.0;
          for (int k = 0; k < n; k++) a2 += A[i + k * n] * A[k + j * n];
          B[i + j * n] -= 0.5 * dt * a2;
        }
      S = Inverse(B, n);
    }
    double err, predicted;
    CovarianceError(U, rows, n, S, &err, &predicted);
    EXPECT_LE(err, c.factor * predicted)
        << c.args << ": error " << err << ", predicted " << predicted;
    std::remove(f.c_str());
  }
}

// Bad sampler options: one error line, no output file.
TEST(GmrfSample, BadInput)
{
  ExpectCleanFailure("gmrf_sample", "-sampler langevin -dt_factor -1",
                     "-dt_factor must lie in (0, 2)");
  ExpectCleanFailure("gmrf_sample", "-sampler bogus", "unknown -sampler 'bogus'");
}

// PC vecchia's refusals seen from poisson_solve: one error line each.
TEST(GmrfSample, VecchiaSnapshotFileErrors)
{
  const std::string small = CliTempDir() + "/n16.h5";
  CliRun r = RunExecutable("gmrf_sample", "-sampler exact -n 16 -snapshots 10 -o " + small);
  ASSERT_EQ(r.status, 0) << r.err;
  ExpectCleanFailure("poisson_solve",
                     "-problem constant -methods vecchia_snapshots "
                     "-vecchia_snapshots_pc_vecchia_snapshots " +
                         small,
                     "snapshots of another grid");
  ExpectCleanFailure("poisson_solve",
                     "-problem constant -n 16 -methods vecchia_snapshots "
                     "-vecchia_snapshots_pc_vecchia_snapshots " +
                         small + " -vecchia_snapshots_pc_vecchia_count 2",
                     "too few for the regressions");
  ExpectCleanFailure("poisson_solve", "-problem constant -methods vecchia_snapshots",
                     "needs a file");
  std::remove(small.c_str());
}

} // namespace
