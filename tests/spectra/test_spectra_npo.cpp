// The linearised spectrum of the NPO (a nonlinear PC) through poisson_spectra's library.
// Runs at one rank only: the linearisation applies the network N = 1024 times, and the PC's
// own parallel mode (gather to rank 0) is tested in tests/npo.
#include <cmath>

#include "problems/problem.h"
#include "solve/method.h"
#include "spectra/spectra.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

struct TestProblem {
  Problem p;
  TestProblem(MPI_Comm comm, const char *name, PetscInt n)
  {
    EXPECT_EQ(0, CreateTestProblem(comm, name, n, "", &p));
  }
  ~TestProblem()
  {
    ProblemDestroy(&p);
  }
};

double Rel(double a, double b)
{
  return std::fabs(a / b - 1.0);
}

// NPO (docs/npo.md): the linearised operator M_lin A, M_lin = [M(e_1) ... M(e_N)], is
// nonsymmetric; reference: all eigenvalues in the right half-plane, |lambda| spread 12.56,
// 98.1 % within [0.5, 2] x median.
TEST(SpectraMethods, NPOLinearisedSpectrum)
{
  REQUIRE_FIXTURE(weights, "npo_weights.h5");
  TestProblem    t(PETSC_COMM_WORLD, "constant", 32);
  SpectrumResult r;
  ASSERT_EQ(0, MethodLoad(PETSC_COMM_WORLD, MethodDefaultDirectory(), "npo_fcg"));
  ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-npo_fcg_pc_npo_checkpoint", weights.c_str()));
  ASSERT_EQ(0, SpectrumOfMethod(t.p.A, "npo_fcg", PETSC_TRUE, &r));
  EXPECT_FALSE(r.linear);
  EXPECT_FALSE(r.symmetric);
  ASSERT_TRUE(r.full.computed);
  EXPECT_NEAR(r.full.spread, 12.56, 0.01 * 12.56);
  EXPECT_NEAR(r.full.frac_median_band, 0.981, 0.005);
  EXPECT_DOUBLE_EQ(r.full.frac_right_half, 1.0);
  EXPECT_LE(Rel(r.kappa, r.full.spread), 1e-6); // the EPS extremes agree with LAPACK's
}

} // namespace
