// PC twolevel (docs/twolevel.md) against the reference (REPORTS.md sections 11.3-11.4, 12 and
// the Targets table): PCG counts and kappa of the shipped method files on the rod problem,
// the coarse-only projector identities and plateau, the two-grid spectral radius
// rho(I - CA) with SLEPc, the coarse spaces' structure, bad input. Runs at 1, 2 and 4 ranks.
#include <slepceps.h>

#include <cmath>
#include <sstream>
#include <string>

#include "preconditioners/twolevel/twolevel.h"
#include "problems/problem.h"
#include "solve/method.h"
#include "solve/solve_run.h"
#include "spectra/spectra.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

struct TestProblem {
  Problem p;
  TestProblem(const char *name, PetscInt n, const std::string &rhs_file = "")
  {
    EXPECT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, name, n, rhs_file, &p));
  }
  ~TestProblem()
  {
    ProblemDestroy(&p);
  }
};

// Runs f with PETSc's error printing silenced; returns the error code.
template <class F> PetscErrorCode Quietly(F f)
{
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PetscErrorCode ierr = f();
  PetscPopErrorHandler();
  return ierr;
}

// A PC twolevel on A, configured by `options` (prefix "tl_") and set up.
PetscErrorCode CreateTwolevel(Mat A, const char *options, PC *pc)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInsertString(NULL, options));
  PetscCall(PCCreate(PetscObjectComm((PetscObject)A), pc));
  PetscCall(PCSetOptionsPrefix(*pc, "tl_"));
  PetscCall(PCSetType(*pc, "twolevel"));
  PetscCall(PCSetOperators(*pc, A, A));
  PetscCall(PCSetFromOptions(*pc));
  PetscCall(PCSetUp(*pc));
  PetscFunctionReturn(0);
}

void ClearOptions()
{
  for (const char *o :
       {"-tl_pc_twolevel_type", "-tl_pc_twolevel_coarse", "-tl_pc_twolevel_block_size",
        "-tl_pc_twolevel_omega", "-tl_pc_twolevel_theta", "-tl_twolevel_fine_pc_type"})
    PetscOptionsClearValue(NULL, o);
}

// One PCG solve with a shipped method file: its iteration count.
PetscInt SolveWith(const Problem *p, const char *method)
{
  SolveRecord rec;
  EXPECT_EQ(0, SolveWithMethodFile(p, method, &rec));
  EXPECT_GT(rec.reason, 0) << method;
  EXPECT_LE(rec.true_relres, 1e-9) << method;
  const PetscInt its = rec.iterations;
  SolveRecordDestroy(&rec);
  return its;
}

// E = I - C A as a MATSHELL, for SLEPc.
struct ErrorPropagation {
  PC  pc;
  Mat A;
  Vec t;
};

PetscErrorCode ErrorPropagationMult(Mat E, Vec x, Vec y)
{
  ErrorPropagation *ctx;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(E, &ctx));
  PetscCall(MatMult(ctx->A, x, ctx->t));
  PetscCall(PCApply(ctx->pc, ctx->t, y));
  PetscCall(VecAYPX(y, -1.0, x)); // y = x - C A x
  PetscFunctionReturn(0);
}

// One eigenvalue of E = I - CA (nonsymmetric Krylov-Schur, SLEPc): the one `which` selects.
PetscErrorCode ErrorPropagationEigenvalue(PC pc, Mat A, EPSWhich which, PetscScalar *kr,
                                          PetscScalar *ki)
{
  ErrorPropagation ctx = {pc, A, NULL};
  PetscInt         nloc, N, nconv;
  Mat              E;
  EPS              eps;

  PetscFunctionBeginUser;
  PetscCall(MatCreateVecs(A, &ctx.t, NULL));
  PetscCall(MatGetLocalSize(A, &nloc, NULL));
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(MatCreateShell(PetscObjectComm((PetscObject)A), nloc, nloc, N, N, &ctx, &E));
  PetscCall(MatShellSetOperation(E, MATOP_MULT, (void (*)(void))ErrorPropagationMult));
  PetscCall(EPSCreate(PetscObjectComm((PetscObject)A), &eps));
  PetscCall(EPSSetOperators(eps, E, NULL));
  PetscCall(EPSSetProblemType(eps, EPS_NHEP));
  PetscCall(EPSSetWhichEigenpairs(eps, which));
  PetscCall(EPSSetDimensions(eps, 1, 40, PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(eps, 1e-10, 5000));
  PetscCall(EPSSolve(eps));
  PetscCall(EPSGetConverged(eps, &nconv));
  PetscCheck(nconv >= 1, PETSC_COMM_WORLD, PETSC_ERR_CONV_FAILED, "no eigenvalue of E converged");
  PetscCall(EPSGetEigenvalue(eps, 0, kr, ki));
  PetscCall(EPSDestroy(&eps));
  PetscCall(MatDestroy(&E));
  PetscCall(VecDestroy(&ctx.t));
  PetscFunctionReturn(0);
}

// rho(I - CA): the largest-magnitude eigenvalue of E.
PetscErrorCode IterationRadius(PC pc, Mat A, PetscReal *rho)
{
  PetscScalar kr, ki;

  PetscFunctionBeginUser;
  PetscCall(ErrorPropagationEigenvalue(pc, A, EPS_LARGEST_MAGNITUDE, &kr, &ki));
  *rho =
      PetscSqrtReal(PetscRealPart(kr) * PetscRealPart(kr) + PetscRealPart(ki) * PetscRealPart(ki));
  PetscFunctionReturn(0);
}

// x* = A^{-1} b by a gathered sparse Cholesky.
PetscErrorCode DirectSolve(Mat A, Vec b, Vec x)
{
  KSP ksp;
  PC  pc, ipc;
  KSP inner;

  PetscFunctionBeginUser;
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)A), &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCREDUNDANT));
  PetscCall(PCRedundantGetKSP(pc, &inner));
  PetscCall(KSPGetPC(inner, &ipc));
  PetscCall(PCSetType(ipc, PCCHOLESKY));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(0);
}

double ANorm(Mat A, Vec x)
{
  Vec         t;
  PetscScalar d;
  VecDuplicate(x, &t);
  MatMult(A, x, t);
  VecDot(x, t, &d);
  VecDestroy(&t);
  return std::sqrt(PetscRealPart(d));
}

// ---- PCG on the rod problem (REPORTS.md 11.4, residual criterion) ----

// IC(0) + 4 x 4 block coarse, additive: reference 32 iterations, kappa 11.046. Coarse-only
// (global mean + h^2/4 r): reference 76 iterations, exactly plain CG (parity, docs/twolevel.md).
TEST(TwolevelRod, IterationCounts)
{
  TestProblem t("rod", 32);
  EXPECT_EQ(SolveWith(&t.p, "twolevel_icc_blocks"), 32);
  EXPECT_EQ(SolveWith(&t.p, "twolevel_coarse_blocks"), 76);
  EXPECT_EQ(SolveWith(&t.p, "none"), 76);
  // Two-level Jacobi (report 11; the porting checklist's residual count 48) and the two-grid
  // as a CG preconditioner (measured, no reference count).
  EXPECT_EQ(SolveWith(&t.p, "twolevel_jacobi_blocks"), 48);
  EXPECT_EQ(SolveWith(&t.p, "twogrid_bilinear"), 11);
}

// Report 13's rod ladder counts on the error (||x_k - x*||_2/||x*||_2 <= 1e-10): two-level
// IC(0) + coarse 31 (reference 31), with the same method file and -ksp_converged_error.
TEST(TwolevelRod, ErrorCriterion)
{
  TestProblem t("rod", 32);
  SolveRecord rec;
  ASSERT_EQ(0, SolveWithMethodFile(&t.p, "twolevel_icc_blocks", &rec,
                                   "-twolevel_icc_blocks_ksp_converged_error"));
  PetscOptionsClearValue(NULL, "-twolevel_icc_blocks_ksp_converged_error");
  EXPECT_TRUE(rec.error_test);
  EXPECT_GT(rec.reason, 0);
  EXPECT_LE(rec.final_relerror, 1e-10);
  EXPECT_EQ(rec.iterations, 31);
  SolveRecordDestroy(&rec);
}

TEST(TwolevelRod, KappaOfIccBlocks)
{
  TestProblem    t("rod", 32);
  SpectrumResult r;
  ASSERT_EQ(0, MethodLoad(PETSC_COMM_WORLD, MethodDefaultDirectory(), "twolevel_icc_blocks"));
  ASSERT_EQ(0, SpectrumOfMethod(t.p.A, "twolevel_icc_blocks", PETSC_FALSE, &r));
  EXPECT_TRUE(r.symmetric);
  EXPECT_NEAR(r.kappa, 11.046, 5e-4);
}

TEST(TwolevelRod, KappaOfCoarseOnly)
{
  TestProblem    t("rod", 32);
  SpectrumResult r;
  ASSERT_EQ(0, MethodLoad(PETSC_COMM_WORLD, MethodDefaultDirectory(), "twolevel_coarse_blocks"));
  ASSERT_EQ(0, SpectrumOfMethod(t.p.A, "twolevel_coarse_blocks", PETSC_FALSE, &r));
  EXPECT_NEAR(r.kappa, 183.90, 5e-3);
}

// The spectra tool takes the form from the fine PC: symmetric pencil with a symmetric F,
// nonsymmetric (NHEP) with SuperLU's ILUTP as F.
TEST(TwolevelRod, SpectraFollowTheFinePC)
{
  TestProblem t("rod", 32);
  struct {
    const char *options;
    PetscBool   symmetric;
  } cases[] = {{"-tlspec_pc_type twolevel -tlspec_twolevel_fine_pc_type jacobi", PETSC_TRUE},
               {"-tlspec_pc_type twolevel -tlspec_twolevel_fine_pc_type redundant "
                "-tlspec_twolevel_fine_redundant_pc_type ilu "
                "-tlspec_twolevel_fine_redundant_pc_factor_mat_solver_type superlu "
                "-tlspec_twolevel_fine_redundant_mat_superlu_ilu_droptol 1e-4 "
                "-tlspec_twolevel_fine_redundant_mat_superlu_rowperm NOROWPERM",
                PETSC_FALSE}};
  for (const auto &c : cases) {
    KSP            ksp;
    SpectrumResult r;
    ASSERT_EQ(0, PetscOptionsInsertString(NULL, c.options));
    KSPCreate(PETSC_COMM_WORLD, &ksp);
    KSPSetOptionsPrefix(ksp, "tlspec_");
    KSPSetOperators(ksp, t.p.A, t.p.A);
    KSPSetFromOptions(ksp);
    ASSERT_EQ(0, KSPSetUp(ksp));
    ASSERT_EQ(0, SpectrumOfPreconditioned(t.p.A, ksp, "tlspec", PETSC_FALSE, &r));
    EXPECT_EQ(r.symmetric, c.symmetric) << c.options;
    EXPECT_EQ(r.form.compare(0, 4, c.symmetric ? "GHEP" : "NHEP"), 0) << r.form;
    EXPECT_GT(r.kappa, 1.0) << c.options;
    KSPDestroy(&ksp);
    std::istringstream in(c.options);
    for (std::string tok; in >> tok;)
      if (tok[0] == '-') PetscOptionsClearValue(NULL, tok.c_str());
  }
}

// ---- coarse-only as a stationary iteration (REPORTS.md 12 item 6) ----

// E = I - Q A, Q = Z A_c^{-1} Z^T: E^2 = E, Z^T A e_1 = 0, ||e_0||_A^2 = ||e_1||_A^2 +
// ||e_0 - e_1||_A^2, and the l2 plateau ||e_1||/||e_0|| = 0.72299 (4 x 4 blocks, GRF b).
TEST(TwolevelCoarseOnly, ProjectorIdentitiesAndPlateau)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  TestProblem t("constant", 32, file);
  for (const char *coarse : {"blocks", "bilinear"}) {
    PC                pc;
    Mat               Z;
    const std::string opts =
        std::string("-tl_pc_twolevel_type coarse_only -tl_pc_twolevel_coarse ") + coarse;
    ASSERT_EQ(0, CreateTwolevel(t.p.A, opts.c_str(), &pc));
    ClearOptions();
    ASSERT_EQ(0, PCTwolevelGetCoarse(pc, &Z, NULL, NULL));
    Vec x, e0, e1, e2, d, t1, rc;
    MatCreateVecs(t.p.A, &x, &e0);
    VecDuplicate(x, &e1);
    VecDuplicate(x, &e2);
    VecDuplicate(x, &d);
    VecDuplicate(x, &t1);
    MatCreateVecs(Z, &rc, NULL);
    ASSERT_EQ(0, DirectSolve(t.p.A, t.p.b, x));
    VecCopy(x, e0);
    VecScale(e0, -1.0); // x_0 = 0: e_0 = -x*
    // e_1 = E e_0 = e_0 - C A e_0 and e_2 = E e_1.
    MatMult(t.p.A, e0, t1);
    PCApply(pc, t1, e1);
    VecAYPX(e1, -1.0, e0);
    MatMult(t.p.A, e1, t1);
    PCApply(pc, t1, e2);
    VecAYPX(e2, -1.0, e1);
    PetscReal n0, n1, n12, nz, nz0;
    VecNorm(e0, NORM_2, &n0);
    VecNorm(e1, NORM_2, &n1);
    VecWAXPY(d, -1.0, e1, e2);
    VecNorm(d, NORM_2, &n12);
    EXPECT_LE(n12 / n1, 1e-12) << coarse << ": E^2 != E";
    MatMult(t.p.A, e1, t1);
    MatMultTranspose(Z, t1, rc);
    VecNorm(rc, NORM_2, &nz);
    MatMult(t.p.A, e0, t1);
    MatMultTranspose(Z, t1, rc);
    VecNorm(rc, NORM_2, &nz0);
    EXPECT_LE(nz / nz0, 1e-12) << coarse << ": Z^T A e_1 != 0";
    VecWAXPY(d, -1.0, e1, e0);
    const double a0 = ANorm(t.p.A, e0), a1 = ANorm(t.p.A, e1), a01 = ANorm(t.p.A, d);
    EXPECT_NEAR(a0 * a0, a1 * a1 + a01 * a01, 1e-12 * a0 * a0) << coarse;
    if (!strcmp(coarse, "blocks")) {
      EXPECT_NEAR(n1 / n0, 0.72299, 5e-6);
    }
    PetscPrintf(PETSC_COMM_WORLD,
                "coarse-only %s: plateau ||e1||/||e0|| = %.6f, ||e1||_A/||e0||_A = %.6f\n", coarse,
                n1 / n0, a1 / a0);
    for (Vec *v : {&x, &e0, &e1, &e2, &d, &t1, &rc}) VecDestroy(v);
    PCDestroy(&pc);
  }
}

// ---- two-grid (REPORTS.md 12 item 7) ----

// rho(S (I - Z_bil A_c^{-1} Z_bil^T A) S), S = I - 0.8 D^{-1} A: reference 0.357104.
TEST(TwolevelTwoGrid, SpectralRadiusBilinear)
{
  TestProblem t("constant", 32);
  PC          pc;
  PetscReal   rho;
  ASSERT_EQ(0, CreateTwolevel(t.p.A,
                              "-tl_pc_twolevel_type multiplicative -tl_pc_twolevel_coarse bilinear "
                              "-tl_pc_twolevel_omega 0.8 -tl_twolevel_fine_pc_type jacobi",
                              &pc));
  ClearOptions();
  ASSERT_EQ(0, IterationRadius(pc, t.p.A, &rho));
  PetscPrintf(PETSC_COMM_WORLD, "two-grid bilinear: rho(I - CA) = %.8f\n", (double)rho);
  EXPECT_NEAR(rho, 0.357104, 1e-5);
  PCDestroy(&pc);
}

// The two-grid's radius does not grow with n (REPORTS.md section 12 item 9): measured
// 0.3571 at n = 32, 0.3491 / 0.3593 / 0.3598 at n = 16 / 64 / 128, where Jacobi's
// cos(pi h) goes from 0.98 to 0.9997.
TEST(TwolevelTwoGrid, MeshIndependentRadius)
{
  for (PetscInt n : {16, 64}) { // n = 128 (0.359810) takes seconds: measured, not tested
    TestProblem t("constant", n);
    PC          pc;
    PetscReal   rho;
    ASSERT_EQ(0, CreateTwolevel(t.p.A,
                                "-tl_pc_twolevel_type multiplicative -tl_pc_twolevel_coarse "
                                "bilinear -tl_pc_twolevel_omega 0.8",
                                &pc));
    ClearOptions();
    ASSERT_EQ(0, IterationRadius(pc, t.p.A, &rho));
    PetscPrintf(PETSC_COMM_WORLD, "two-grid bilinear, n = %d: rho(I - CA) = %.6f\n", (int)n,
                (double)rho);
    EXPECT_NEAR(rho, 0.357104, 0.01) << "n = " << n;
    PCDestroy(&pc);
  }
}

// A 2-D process grid (-da_processors_x 2): the DMDA's PETSc ordering is no longer the natural
// one, and Z must follow the operator's rows. Same counts and radius as on strips.
TEST(TwolevelTwoGrid, ProcessGrid)
{
  if (WorldSize() % 2) GTEST_SKIP() << "needs an even number of ranks";
  const std::string py = std::to_string(WorldSize() / 2);
  PetscOptionsSetValue(NULL, "-da_processors_x", "2");
  PetscOptionsSetValue(NULL, "-da_processors_y", py.c_str());
  TestProblem rod("rod", 32);
  TestProblem t("constant", 32);
  PetscOptionsClearValue(NULL, "-da_processors_x");
  PetscOptionsClearValue(NULL, "-da_processors_y");
  if (HasFailure()) return;
  PetscInt px;
  DMDAGetInfo(t.p.da, NULL, NULL, NULL, NULL, &px, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  ASSERT_EQ(px, 2);
  EXPECT_EQ(SolveWith(&rod.p, "twolevel_icc_blocks"), 32);
  EXPECT_EQ(SolveWith(&rod.p, "twolevel_coarse_blocks"), 76);
  PC        pc;
  PetscReal rho;
  ASSERT_EQ(0, CreateTwolevel(t.p.A,
                              "-tl_pc_twolevel_type multiplicative -tl_pc_twolevel_coarse bilinear "
                              "-tl_pc_twolevel_omega 0.8",
                              &pc));
  ClearOptions();
  ASSERT_EQ(0, IterationRadius(pc, t.p.A, &rho));
  EXPECT_NEAR(rho, 0.357104, 1e-5);
  PCDestroy(&pc);
}

// Additive two-level of report 12 item 8: C_0 = 0.8 D^{-1} + Z_blk A_c^{-1} Z_blk^T has real
// spectrum mu (C_0 is SPD); theta = 2/(mu_min + mu_max) = 1.0919 (reference), the value
// rich_additive_blocks.opts carries, and rho(I - theta C_0 A) = (mu_max - mu_min)/(mu_max +
// mu_min). mu_min and mu_max are 1 - the largest and smallest real eigenvalues of I - C_0 A.
TEST(TwolevelAdditive, OptimalTheta)
{
  TestProblem t("constant", 32);
  PC          pc;
  PetscScalar hi, lo, ki;
  PetscReal   rho;
  ASSERT_EQ(0, CreateTwolevel(t.p.A, "-tl_pc_twolevel_omega 0.8", &pc));
  ClearOptions();
  ASSERT_EQ(0, ErrorPropagationEigenvalue(pc, t.p.A, EPS_LARGEST_REAL, &hi, &ki));
  ASSERT_EQ(0, ErrorPropagationEigenvalue(pc, t.p.A, EPS_SMALLEST_REAL, &lo, &ki));
  const double mu_min = 1.0 - PetscRealPart(hi), mu_max = 1.0 - PetscRealPart(lo);
  const double theta = 2.0 / (mu_min + mu_max), rho_opt = (mu_max - mu_min) / (mu_max + mu_min);
  PetscPrintf(PETSC_COMM_WORLD,
              "additive blocks, omega 0.8: mu in [%.6f, %.6f], theta* = %.6f, rho = %.6f\n", mu_min,
              mu_max, theta, rho_opt);
  EXPECT_NEAR(theta, 1.0919, 5e-5);
  PCDestroy(&pc);
  // With the method file's theta = 1.0919 the radius is the optimal one to rounding of theta.
  ASSERT_EQ(0,
            CreateTwolevel(t.p.A, "-tl_pc_twolevel_omega 0.8 -tl_pc_twolevel_theta 1.0919", &pc));
  ClearOptions();
  ASSERT_EQ(0, IterationRadius(pc, t.p.A, &rho));
  PetscPrintf(PETSC_COMM_WORLD, "additive blocks, theta 1.0919: rho(I - CA) = %.6f\n", (double)rho);
  EXPECT_NEAR(rho, rho_opt, 1e-4);
  PCDestroy(&pc);
}

// ---- Richardson x <- x + C (b - A x), error criterion (REPORTS.md section 12) ----

// The shipped rich_* method files on the reference's GRF b: ||x_k - x*||_2/||x*||_2 <= 1e-10.
// rich_twogrid_bilinear: reference 17. rich_twogrid_blocks and rich_additive_blocks have no
// reference count: 110 and 216 measured (identical at 1, 2 and 4 ranks here; +-1 allowed, at
// rho 0.90 the last step crosses 1e-10 within 10 % of the tolerance). Coarse-only: the error
// stalls after step 1 (I - CA is a projector) at the plateau, reference 0.72299 for blocks.
TEST(TwolevelRichardson, GrfErrorCriterion)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  TestProblem t("constant", 32, file);
  struct {
    const char *method;
    PetscInt    iterations, tolerance;
  } converging[] = {{"rich_twogrid_bilinear", 17, 0},
                    {"rich_twogrid_blocks", 110, 1},
                    {"rich_additive_blocks", 216, 1}};
  for (const auto &c : converging) {
    SolveRecord rec;
    ASSERT_EQ(0, SolveWithMethodFile(&t.p, c.method, &rec));
    EXPECT_TRUE(rec.error_test) << c.method;
    EXPECT_GT(rec.reason, 0) << c.method;
    EXPECT_LE(rec.final_relerror, 1e-10) << c.method;
    EXPECT_NEAR(rec.iterations, c.iterations, c.tolerance) << c.method;
    SolveRecordDestroy(&rec);
  }
  struct {
    const char *method;
    double      plateau, tolerance;
  } stalling[] = {{"rich_coarse_blocks", 0.72299, 5e-6}, {"rich_coarse_bilinear", 0.020268, 5e-7}};
  for (const auto &c : stalling) {
    SolveRecord rec;
    ASSERT_EQ(0, SolveWithMethodFile(&t.p, c.method, &rec));
    EXPECT_EQ(rec.reason, KSP_DIVERGED_ITS) << c.method;
    EXPECT_EQ(rec.iterations, 15) << c.method;
    ASSERT_EQ(rec.nerror, 16) << c.method;
    EXPECT_NEAR(rec.error_history[1], c.plateau, c.tolerance) << c.method;
    for (PetscInt k = 2; k < rec.nerror; k++)
      EXPECT_NEAR(rec.error_history[k], rec.error_history[1], 1e-12) << c.method << " step " << k;
    SolveRecordDestroy(&rec);
  }
}

// ---- coarse spaces ----

// 1^T Z 1: blocks, every column sums to 1 (64 columns at b = 4); bilinear kron(P1, P1) with
// 1^T P1 1 = 15 * 2 + 1.5 (the last coarse node has no fine node on its right).
TEST(TwolevelCoarseSpace, Structure)
{
  TestProblem t("constant", 32);
  struct {
    const char *options;
    PetscInt    columns;
    double      sum;
  } cases[] = {{"-tl_pc_twolevel_coarse blocks", 64, 64.0},
               {"-tl_pc_twolevel_coarse blocks -tl_pc_twolevel_block_size 8", 16, 16.0},
               {"-tl_pc_twolevel_coarse blocks -tl_pc_twolevel_block_size 0", 1, 1.0},
               {"-tl_pc_twolevel_coarse bilinear", 256, 31.5 * 31.5}};
  for (const auto &c : cases) {
    PC       pc;
    Mat      Z, Ac;
    PetscInt M, Nc;
    ASSERT_EQ(0, CreateTwolevel(t.p.A, c.options, &pc));
    ClearOptions();
    ASSERT_EQ(0, PCTwolevelGetCoarse(pc, &Z, &Ac, NULL));
    MatGetSize(Z, &M, &Nc);
    EXPECT_EQ(M, 1024) << c.options;
    EXPECT_EQ(Nc, c.columns) << c.options;
    Vec         one, s;
    PetscScalar sum;
    MatCreateVecs(Z, &s, &one);
    VecSet(one, 1.0);
    MatMultTranspose(Z, one, s);
    VecSum(s, &sum);
    EXPECT_NEAR(PetscRealPart(sum), c.sum, 1e-10) << c.options;
    PetscBool symmetric;
    MatIsSymmetric(Ac, 1e-10, &symmetric);
    EXPECT_TRUE(symmetric) << c.options;
    VecDestroy(&one);
    VecDestroy(&s);
    PCDestroy(&pc);
  }
}

// New values in the same nonzero pattern (MatShift): PCSetUp redoes A_c = Z^T A Z in place
// (MAT_REUSE_MATRIX) and refactors; the coarse-only correction is then the A-orthogonal
// projection for the new A: Z^T A' (v - C A' v) = 0.
TEST(TwolevelCoarseSpace, SetUpAgainAfterNewValues)
{
  TestProblem t("constant", 32);
  Mat         A, Z, Ac;
  PC          pc;
  PetscReal   before, after, ref;
  MatDuplicate(t.p.A, MAT_COPY_VALUES, &A);
  ASSERT_EQ(0, CreateTwolevel(A, "-tl_pc_twolevel_type coarse_only", &pc));
  ClearOptions();
  ASSERT_EQ(0, PCTwolevelGetCoarse(pc, &Z, &Ac, NULL));
  MatNorm(Ac, NORM_FROBENIUS, &before);
  MatShift(A, 1.0e4);
  ASSERT_EQ(0, PCSetUp(pc));
  ASSERT_EQ(0, PCTwolevelGetCoarse(pc, NULL, &Ac, NULL));
  MatNorm(Ac, NORM_FROBENIUS, &after);
  EXPECT_GT(std::fabs(after - before), 1e-3 * before);
  Vec v, e, t1, rc;
  MatCreateVecs(A, &v, &e);
  VecDuplicate(v, &t1);
  MatCreateVecs(Z, &rc, NULL);
  VecSetRandom(v, NULL);
  MatMult(A, v, t1);
  PCApply(pc, t1, e);
  VecAYPX(e, -1.0, v); // e = v - C A' v
  MatMult(A, v, t1);
  MatMultTranspose(Z, t1, rc);
  VecNorm(rc, NORM_2, &ref);
  MatMult(A, e, t1);
  MatMultTranspose(Z, t1, rc);
  VecNorm(rc, NORM_2, &after);
  EXPECT_LE(after / ref, 1e-12);
  for (Vec *x : {&v, &e, &t1, &rc}) VecDestroy(x);
  PCDestroy(&pc);
  MatDestroy(&A);
}

// ---- bad input: one clear error each ----

TEST(TwolevelBadInput, Errors)
{
  TestProblem t("constant", 30);
  TestProblem odd("constant", 31);
  PC          pc = NULL;
  // 4 does not divide 30.
  EXPECT_EQ(Quietly([&] { return CreateTwolevel(t.p.A, "-tl_pc_twolevel_block_size 4", &pc); }),
            PETSC_ERR_ARG_SIZ);
  ClearOptions();
  PCDestroy(&pc);
  // Bilinear needs an even grid.
  EXPECT_EQ(
      Quietly([&] { return CreateTwolevel(odd.p.A, "-tl_pc_twolevel_coarse bilinear", &pc); }),
      PETSC_ERR_ARG_SIZ);
  ClearOptions();
  PCDestroy(&pc);
  // Unknown values and out-of-range numbers.
  EXPECT_EQ(Quietly([&] { return CreateTwolevel(t.p.A, "-tl_pc_twolevel_type vcycle", &pc); }),
            PETSC_ERR_ARG_UNKNOWN_TYPE);
  ClearOptions();
  PCDestroy(&pc);
  EXPECT_EQ(Quietly([&] { return CreateTwolevel(t.p.A, "-tl_pc_twolevel_coarse linear", &pc); }),
            PETSC_ERR_ARG_UNKNOWN_TYPE);
  ClearOptions();
  PCDestroy(&pc);
  EXPECT_EQ(Quietly([&] { return CreateTwolevel(t.p.A, "-tl_pc_twolevel_block_size -2", &pc); }),
            PETSC_ERR_ARG_OUTOFRANGE);
  ClearOptions();
  PCDestroy(&pc);
  EXPECT_EQ(Quietly([&] { return CreateTwolevel(t.p.A, "-tl_pc_twolevel_omega 0", &pc); }),
            PETSC_ERR_ARG_OUTOFRANGE);
  ClearOptions();
  PCDestroy(&pc);
  // 5 divides 30: fine.
  EXPECT_EQ(CreateTwolevel(t.p.A, "-tl_pc_twolevel_block_size 5", &pc), 0);
  ClearOptions();
  PCDestroy(&pc);
}

} // namespace
