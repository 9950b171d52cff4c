// Spectra against the closed forms and the reference's kappa values (docs/spectra.md and
// Methods). Runs at 1, 2 and 4 ranks; every test also recomputes on one rank
// (PETSC_COMM_SELF) where it checks rank independence (1e-6 relative).
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

SpectrumResult Method(MPI_Comm comm, const char *problem, const char *method, PetscInt n = 32,
                      PetscBool full = PETSC_FALSE)
{
  TestProblem    t(comm, problem, n);
  SpectrumResult r;
  EXPECT_EQ(0, MethodLoad(comm, MethodDefaultDirectory(), method));
  EXPECT_EQ(0, SpectrumOfMethod(t.p.A, method, full, &r));
  return r;
}

double Rel(double a, double b)
{
  return std::fabs(a / b - 1.0);
}

// kappa(A) = cot^2(pi/(2(n+1))) to 1e-8; lambda_min, lambda_max = the Kronecker sums
// 2 (2 - 2 cos(k pi/(n+1)))/h^2 at k = 1 and k = n.
TEST(SpectraA, ClosedFormKappa)
{
  const double reference[] = {32.16, 116.46, 440.69, 1711.66}; // docs/spectra.md, rounded
  int          k           = 0;
  for (PetscInt n : {8, 16, 32, 64}) {
    TestProblem    t(PETSC_COMM_WORLD, "constant", n);
    SpectrumResult r;
    PetscReal      lmin, lmax, kappa;
    ASSERT_EQ(0, SpectrumOfOperator(t.p.A, PETSC_FALSE, &r));
    SpectraClosedForm(n, &lmin, &lmax, &kappa);
    const double h = 1.0 / (n + 1), d1min = 2 - 2 * std::cos(M_PI * h),
                 d1max = 2 - 2 * std::cos(n * M_PI * h);
    EXPECT_LE(Rel(r.kappa, kappa), 1e-8) << "n = " << n;
    EXPECT_LE(Rel(r.lambda_min, 2 * d1min / (h * h)), 1e-8) << "n = " << n;
    EXPECT_LE(Rel(r.lambda_max, 2 * d1max / (h * h)), 1e-8) << "n = " << n;
    EXPECT_NEAR(r.kappa, reference[k++], 0.005) << "n = " << n;
    for (PetscReal e : r.residual) EXPECT_LE(e, 1e-8);
    EXPECT_EQ(r.eps_type, "krylovschur");
  }
}

TEST(SpectraA, FullSpectrumIsTheKroneckerSum)
{
  const PetscInt n = 8;
  TestProblem    t(PETSC_COMM_WORLD, "constant", n);
  SpectrumResult r;
  ASSERT_EQ(0, SpectrumOfOperator(t.p.A, PETSC_TRUE, &r));
  ASSERT_TRUE(r.full.computed);
  std::vector<double> closed;
  const double        h = 1.0 / (n + 1);
  for (PetscInt k = 1; k <= n; k++)
    for (PetscInt l = 1; l <= n; l++)
      closed.push_back((SpectraD1Eigenvalue(n, k) + SpectraD1Eigenvalue(n, l)) / (h * h));
  std::sort(closed.begin(), closed.end());
  ASSERT_EQ(r.full.re.size(), closed.size());
  for (size_t k = 0; k < closed.size(); k++)
    EXPECT_NEAR(r.full.re[k], closed[k], 1e-10 * closed.back());
  EXPECT_DOUBLE_EQ(r.full.frac_right_half, 1.0);
}

// Jacobi on the constant problem is a multiple of the identity: kappa(M^{-1}A) = kappa(A).
TEST(SpectraMethods, JacobiConstantEqualsA)
{
  TestProblem    t(PETSC_COMM_WORLD, "constant", 32);
  SpectrumResult a, j;
  ASSERT_EQ(0, SpectrumOfOperator(t.p.A, PETSC_FALSE, &a));
  ASSERT_EQ(0, MethodLoad(PETSC_COMM_WORLD, MethodDefaultDirectory(), "jacobi"));
  ASSERT_EQ(0, SpectrumOfMethod(t.p.A, "jacobi", PETSC_FALSE, &j));
  EXPECT_TRUE(j.symmetric);
  EXPECT_LE(Rel(j.kappa, a.kappa), 1e-8);
  EXPECT_LE(Rel(j.lambda_max, a.lambda_max * t.p.h * t.p.h / 4), 1e-8); // M = diag(4/h^2)
}

// Variable problem, contrast 100: kappa(A) 17,767 and kappa(M^{-1}A) 428 for Jacobi.
TEST(SpectraMethods, VariableContrastJacobi)
{
  TestProblem    t(PETSC_COMM_WORLD, "variable", 32);
  SpectrumResult a, j;
  ASSERT_EQ(0, SpectrumOfOperator(t.p.A, PETSC_FALSE, &a));
  EXPECT_NEAR(a.kappa, 17767, 0.01 * 17767);
  ASSERT_EQ(0, MethodLoad(PETSC_COMM_WORLD, MethodDefaultDirectory(), "jacobi"));
  ASSERT_EQ(0, SpectrumOfMethod(t.p.A, "jacobi", PETSC_FALSE, &j));
  EXPECT_NEAR(j.kappa, 428, 0.01 * 428);
}

// IC(0) in natural order: kappa 39.81 (docs/methods.md, rod problem = the canonical n = 32
// operator).
TEST(SpectraMethods, IncompleteCholesky)
{
  SpectrumResult r = Method(PETSC_COMM_WORLD, "rod", "icc");
  EXPECT_TRUE(r.symmetric);
  EXPECT_NEAR(r.kappa, 39.81, 0.01 * 39.81);
  SpectrumResult c = Method(PETSC_COMM_WORLD, "constant", "icc");
  EXPECT_LE(Rel(c.kappa, r.kappa), 1e-8);
}

// Block Jacobi(2): kappa 19.29 and 960 of the 1024 eigenvalues exactly 1 (the coupling
// between the two halves has rank 2n = 64).
TEST(SpectraMethods, BlockJacobi2)
{
  SpectrumResult r = Method(PETSC_COMM_WORLD, "constant", "bjacobi2", 32, PETSC_TRUE);
  EXPECT_TRUE(r.symmetric);
  EXPECT_NEAR(r.kappa, 19.29, 0.01 * 19.29);
  ASSERT_TRUE(r.full.computed);
  EXPECT_NEAR(r.full.unit_count, 960, 0.01 * 960);
  EXPECT_LE(Rel(r.full.kappa, r.kappa), 1e-8);
  EXPECT_DOUBLE_EQ(r.full.frac_right_half, 1.0);
}

// SuperLU's ILUTP is nonsymmetric: a complex spectrum, all in the right half-plane near 1.
TEST(SpectraMethods, SuperLUILUTPIsNonsymmetric)
{
  SpectrumResult r = Method(PETSC_COMM_WORLD, "constant", "ilu", 16, PETSC_TRUE);
  EXPECT_FALSE(r.symmetric);
  EXPECT_EQ(r.form.compare(0, 4, "NHEP"), 0);
  EXPECT_GT(r.lambda_min, 0.5);
  EXPECT_LT(r.lambda_max, 2.0);
  EXPECT_DOUBLE_EQ(r.full.frac_right_half, 1.0);
  EXPECT_LE(Rel(r.full.spread, r.kappa), 1e-6);
}

// The same kappa on the world communicator and on one rank, for the methods whose
// preconditioner does not depend on the layout.
TEST(SpectraRanks, SameKappaAtEveryRankCount)
{
  for (const char *problem : {"constant", "variable"}) {
    TestProblem    tw(PETSC_COMM_WORLD, problem, 16), ts(PETSC_COMM_SELF, problem, 16);
    SpectrumResult w, s;
    ASSERT_EQ(0, SpectrumOfOperator(tw.p.A, PETSC_FALSE, &w));
    ASSERT_EQ(0, SpectrumOfOperator(ts.p.A, PETSC_FALSE, &s));
    EXPECT_LE(Rel(w.kappa, s.kappa), 1e-6) << problem << " A";
    for (const char *m : {"jacobi", "icc", "bjacobi2"}) {
      ASSERT_EQ(0, MethodLoad(PETSC_COMM_WORLD, MethodDefaultDirectory(), m));
      ASSERT_EQ(0, SpectrumOfMethod(tw.p.A, m, PETSC_FALSE, &w));
      ASSERT_EQ(0, SpectrumOfMethod(ts.p.A, m, PETSC_FALSE, &s));
      EXPECT_LE(Rel(w.kappa, s.kappa), 1e-6) << problem << " " << m;
    }
  }
}

TEST(SpectraFit, ExponentOfClosedForm)
{
  std::vector<PetscInt>  n = {8, 16, 32, 64, 128};
  std::vector<PetscReal> k;
  for (PetscInt m : n) {
    PetscReal kappa;
    SpectraClosedForm(m, NULL, NULL, &kappa);
    k.push_back(kappa);
  }
  EXPECT_NEAR(SpectraFitExponent(n, k), 2.0, 0.1);
  EXPECT_NEAR(k.back(), 6743.68, 0.005);
}

} // namespace
