// The problems (docs/problems.md): the assembled operator against the reference CSR matrices, and
// the GRF right-hand side's defining properties. Runs at 1, 2 and 4 ranks.
#include <fftw3.h>
#include <petscdmda.h>

#include <cmath>
#include <numeric>

#include "problems/operator.h"
#include "problems/problem.h"
#include "problems/problem_table.h"
#include "problems/rhs.h"
#include "test_support.h"

namespace {

Problem MakeProblem(const char *name, PetscInt n, const char *rhs = "grf", PetscInt seed = 42,
                    PetscReal alpha = 2.0)
{
  ProblemOptions opts;
  Problem        p;
  EXPECT_EQ(0, ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, name, &opts));
  opts.n         = n;
  opts.grf_seed  = seed;
  opts.grf_alpha = alpha;
  PetscStrncpy(opts.rhs, rhs, sizeof(opts.rhs));
  EXPECT_EQ(0, ProblemCreate(PETSC_COMM_WORLD, &opts, &p));
  return p;
}

// Compares every locally owned row of A (mapped to the natural ordering through the DMDA's
// AO) with the reference CSR matrix, entry by entry.
void ExpectOperatorEqualsCSR(const Problem &p, const std::string &file)
{
  std::vector<double> data = ReadDataset(file, "A/data"), indices = ReadDataset(file, "A/indices"),
                      indptr = ReadDataset(file, "A/indptr");
  ASSERT_EQ(indptr.size(), (size_t)p.opts.n * p.opts.n + 1);
  AO       ao;
  PetscInt rstart, rend;
  ASSERT_EQ(0, DMDAGetAO(p.da, &ao));
  ASSERT_EQ(0, MatGetOwnershipRange(p.A, &rstart, &rend));
  double worst   = 0;
  long   checked = 0;
  for (PetscInt row = rstart; row < rend; row++) {
    PetscInt           ncols, nat_row = row;
    const PetscInt    *cols;
    const PetscScalar *vals;
    ASSERT_EQ(0, AOPetscToApplication(ao, 1, &nat_row));
    ASSERT_EQ(0, MatGetRow(p.A, row, &ncols, &cols, &vals));
    std::vector<PetscInt> nat_cols(cols, cols + ncols);
    ASSERT_EQ(0, AOPetscToApplication(ao, ncols, nat_cols.data()));
    const long lo = (long)indptr[nat_row], hi = (long)indptr[nat_row + 1];
    EXPECT_EQ(hi - lo, ncols) << "row " << nat_row;
    for (long k = lo; k < hi; k++) {
      double ours = NAN;
      for (PetscInt c = 0; c < ncols; c++)
        if (nat_cols[c] == (PetscInt)indices[k]) ours = PetscRealPart(vals[c]);
      worst = std::max(worst, std::fabs(ours - data[k]) / std::fabs(data[k]));
      checked++;
    }
    ASSERT_EQ(0, MatRestoreRow(p.A, row, &ncols, &cols, &vals));
  }
  EXPECT_LE(worst, 1e-12);
  EXPECT_GT(checked, 0);
}

TEST(Operator, ConstantEqualsReferenceCSR)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  Problem p = MakeProblem("constant", 32);
  ExpectOperatorEqualsCSR(p, file);
  ProblemDestroy(&p);
}

TEST(Operator, VariableContrast100EqualsReferenceCSR)
{
  REQUIRE_FIXTURE(file, "b_n32_seed42_var100.h5");
  Problem p = MakeProblem("variable", 32);
  ExpectOperatorEqualsCSR(p, file);
  std::vector<double> faces = ReadDataset(file, "kappa_xfaces");
  ASSERT_EQ(faces.size(), 33u);
  for (PetscInt f = 0; f <= 32; f++)
    EXPECT_NEAR(ProblemFaceTransmissibility(&p.opts, f), faces[f], 1e-12 * faces[f]);
  ProblemDestroy(&p);
}

TEST(Operator, VariableWithContrastOneIsConstant)
{
  ProblemOptions opts;
  Problem        pc, pv;
  ASSERT_EQ(0, ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "variable", &opts));
  opts.contrast = 1.0;
  ASSERT_EQ(0, ProblemCreate(PETSC_COMM_WORLD, &opts, &pv));
  pc = MakeProblem("constant", 32);
  PetscBool equal;
  ASSERT_EQ(0, MatEqual(pc.A, pv.A, &equal));
  EXPECT_TRUE(equal);
  ProblemDestroy(&pc);
  ProblemDestroy(&pv);
}

TEST(RightHandSide, FileLoadsFixtureInItsOrdering)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  ProblemOptions opts;
  Problem        p;
  ASSERT_EQ(0, ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "constant", &opts));
  PetscStrncpy(opts.rhs, "file", sizeof(opts.rhs));
  PetscStrncpy(opts.rhs_file, file.c_str(), sizeof(opts.rhs_file));
  ASSERT_EQ(0, ProblemCreate(PETSC_COMM_WORLD, &opts, &p));
  std::vector<double> ours = GatherNatural(p.da, p.b), ref = ReadDataset(file, "b");
  ASSERT_EQ(ours.size(), ref.size());
  for (size_t k = 0; k < ref.size(); k++) ASSERT_EQ(ours[k], ref[k]) << k;
  ProblemDestroy(&p);
}

TEST(RightHandSide, RodsAtReferencePositions)
{
  Problem             p   = MakeProblem("rod", 32, "rod");
  std::vector<double> b   = GatherNatural(p.da, p.b);
  double              sum = 0, l1 = 0;
  for (double v : b) sum += v, l1 += std::fabs(v);
  EXPECT_EQ(l1, 12.0);
  EXPECT_EQ(sum, 0.0);
  for (int i = 3; i <= 8; i++) EXPECT_EQ(b[i * 32 + 4], 1.0);
  for (int i = 23; i <= 28; i++) EXPECT_EQ(b[i * 32 + 27], -1.0);
  ProblemDestroy(&p);
}

TEST(GRF, ZeroMeanAndNormSqrtNMinusOne)
{
  Problem   p = MakeProblem("constant", 64);
  PetscReal sum, norm;
  VecSum(p.b, &sum);
  VecNorm(p.b, NORM_2, &norm);
  EXPECT_NEAR(sum, 0.0, 1e-10);
  EXPECT_NEAR(norm, std::sqrt(64.0 * 64.0 - 1.0), 1e-10);
  ProblemDestroy(&p);
}

TEST(GRF, IndependentOfRanksAndDependsOnSeed)
{
  // The distributed field equals the one computed by a single process, bit for bit.
  Problem             p    = MakeProblem("constant", 48);
  std::vector<double> ours = GatherNatural(p.da, p.b), serial(48 * 48), other(48 * 48);
  ASSERT_EQ(0, RhsGRFField(48, 42, 2.0, 3.0, serial.data()));
  ASSERT_EQ(0, RhsGRFField(48, 43, 2.0, 3.0, other.data()));
  for (size_t k = 0; k < serial.size(); k++) ASSERT_EQ(ours[k], serial[k]) << k;
  double diff = 0;
  for (size_t k = 0; k < serial.size(); k++) diff += std::fabs(serial[k] - other[k]);
  EXPECT_GT(diff / serial.size(), 0.1) << "seeds 42 and 43 must give different fields";
  ProblemDestroy(&p);
}

// Radially averaged power spectrum |FFT(F)|^2 ~ S^2 = (k^2 + tau^2)^(-alpha): its log-log
// slope over wavenumbers well above tau is -2 alpha (tau^2/k^2 <= 4 % there).
double SpectralSlope(PetscInt n, PetscReal alpha)
{
  std::vector<double> f((size_t)n * n);
  EXPECT_EQ(0, RhsGRFField(n, 7, alpha, 3.0, f.data()));
  fftw_complex *c    = fftw_alloc_complex((size_t)n * n);
  fftw_plan     plan = fftw_plan_dft_2d((int)n, (int)n, c, c, FFTW_FORWARD, FFTW_ESTIMATE);
  for (size_t k = 0; k < f.size(); k++) c[k][0] = f[k], c[k][1] = 0;
  fftw_execute(plan);
  std::vector<double> power(n, 0.0), count(n, 0.0);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) {
      const double kx = i < n / 2 ? i : i - n, ky = j < n / 2 ? j : j - n;
      const int    r = (int)std::lround(std::sqrt(kx * kx + ky * ky));
      if (r < n / 2) {
        power[r] += c[i * n + j][0] * c[i * n + j][0] + c[i * n + j][1] * c[i * n + j][1];
        count[r] += 1;
      }
    }
  fftw_destroy_plan(plan);
  fftw_free(c);
  double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
  for (int r = 16; r < n / 2; r++) {
    const double x = std::log(r), y = std::log(power[r] / count[r]);
    sx += x, sy += y, sxx += x * x, sxy += x * y, m += 1;
  }
  return (m * sxy - sx * sy) / (m * sxx - sx * sx);
}

TEST(GRF, PowerSpectrumSlopeIsMinusTwoAlpha)
{
  EXPECT_NEAR(SpectralSlope(256, 2.0), -4.0, 0.25);
  EXPECT_NEAR(SpectralSlope(256, 3.0), -6.0, 0.25);
}

} // namespace
