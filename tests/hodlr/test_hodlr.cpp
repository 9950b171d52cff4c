// PC hodlr (docs/hodlr.md) against the reference at n = 32, N = 1024.
//
// kappa(MA) comes from a dense LAPACK eigen-solve of the symmetric form L^T M L, A = L L^T
// (hodlr_spectrum.h). The spectral sweeps work on PETSC_COMM_SELF and give the same numbers
// at any rank count, so they run in the 1-rank job only (skipped, with a message, at 2 and
// 4 ranks); the solves, block Jacobi and the bad-input checks run at 1, 2 and 4 ranks.
#include <petscksp.h>

#include <cmath>
#include <string>

#include "core/view_text.h"
#include "preconditioners/hodlr/hodlr.h"
#include "preconditioners/hodlr/hodlr_spectrum.h"
#include "problems/problem.h"
#include "solve/method.h"
#include "solve/solve_run.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

const PetscInt  kRanks[]    = {1, 2, 4, 8, 16};
const PetscReal kRefKappa[] = {46.58, 23.42, 9.64, 3.85, 1.95}; // the reference (docs/hodlr.md)

#define SKIP_UNLESS_SERIAL()                                                                       \
  if (WorldSize() > 1)                                                                             \
  GTEST_SKIP() << "rank-independent dense check on PETSC_COMM_SELF: runs in the 1-rank job"

// The n = 32 constant-coefficient problem (the operator of the canonical case).
void CreateProblem(MPI_Comm comm, const char *name, Problem *p, const std::string &bfile = "")
{
  ASSERT_EQ(0, CreateTestProblem(comm, name, 32, bfile, p));
}

// A PC hodlr on A with the given build and rank (prefix "th_" so options can be added).
PC CreateHodlr(Mat A, PCHodlrBuildType build, PetscInt rank)
{
  PC pc;
  EXPECT_EQ(0, PCCreate(PetscObjectComm((PetscObject)A), &pc));
  EXPECT_EQ(0, PCSetType(pc, "hodlr"));
  EXPECT_EQ(0, PCSetOptionsPrefix(pc, "th_"));
  EXPECT_EQ(0, PCSetOperators(pc, A, A));
  EXPECT_EQ(0, PCHodlrSetBuildType(pc, build));
  EXPECT_EQ(0, PCHodlrSetRank(pc, rank));
  EXPECT_EQ(0, PCHodlrSetLeafSize(pc, 64));
  EXPECT_EQ(0, PCSetFromOptions(pc));
  EXPECT_EQ(0, PCSetUp(pc));
  return pc;
}

TEST(HodlrDense, ReproducesReferenceKappaStorageAndRanks)
{
  SKIP_UNLESS_SERIAL();
  Problem p;
  CreateProblem(PETSC_COMM_SELF, "rod", &p);
  for (int k = 0; k < 5; k++) {
    PC                 pc = CreateHodlr(p.A, PC_HODLR_BUILD_DENSE, kRanks[k]);
    HodlrDenseSpectrum s;
    PCHodlrInfo        info;
    ASSERT_EQ(0, HodlrComputeDenseSpectrum(pc, p.A, &s));
    ASSERT_EQ(0, PCHodlrGetInfo(pc, &info));
    EXPECT_NEAR(s.kappa, kRefKappa[k], 0.01 * kRefKappa[k]) << "rank " << kRanks[k];
    EXPECT_GT(s.lmin_M, 0.0) << "M must be SPD, rank " << kRanks[k];
    EXPECT_LT(s.asymmetry, 1e-12);
    EXPECT_EQ(info.levels, 4);              // 1024 -> 64-unknown leaves
    EXPECT_EQ(info.max_numerical_rank, 32); // separator width (docs/hodlr.md)
    EXPECT_EQ(info.max_rank, kRanks[k]);
    EXPECT_TRUE(info.spd_checked); // N <= 65536: checked by default
    EXPECT_NEAR(info.lambda_min, s.lmin_MA, 1e-6 * s.lmax_MA);
    if (kRanks[k] == 8) {
      const double N2 = 1024.0 * 1024.0;
      EXPECT_NEAR(N2 / info.storage_both_blocks, 8.0, 1e-12);           // the reference's count
      EXPECT_NEAR(N2 / info.storage, 1024.0 * 1024.0 / 98304.0, 1e-12); // 10.67: symmetric
    }
    PCDestroy(&pc);
  }
  ProblemDestroy(&p);
}

TEST(HodlrScalable, WithinQuarterOfDenseAndExactAtSeparatorWidth)
{
  SKIP_UNLESS_SERIAL();
  Problem p;
  CreateProblem(PETSC_COMM_SELF, "rod", &p);
  for (int k = 0; k < 5; k++) {
    PC                 pcs = CreateHodlr(p.A, PC_HODLR_BUILD_SCALABLE, kRanks[k]);
    HodlrDenseSpectrum s;
    ASSERT_EQ(0, HodlrComputeDenseSpectrum(pcs, p.A, &s));
    // The dense build reproduces kRefKappa within 1 % (test above); the issue asks 25 %.
    EXPECT_LE(std::fabs(s.kappa - kRefKappa[k]), 0.25 * kRefKappa[k]) << "rank " << kRanks[k];
    EXPECT_LE(std::fabs(s.kappa - kRefKappa[k]), 0.02 * kRefKappa[k])
        << "observed within 0.1 %, rank " << kRanks[k];
    EXPECT_GT(s.lmin_M, 0.0) << "rank " << kRanks[k];
    EXPECT_LT(s.asymmetry, 1e-12);
    PCDestroy(&pcs);
  }
  PC                 pc = CreateHodlr(p.A, PC_HODLR_BUILD_SCALABLE, 32);
  HodlrDenseSpectrum s;
  ASSERT_EQ(0, HodlrComputeDenseSpectrum(pc, p.A, &s));
  EXPECT_LT(s.kappa, 1.01) << "full rank = separator width 32";
  PCDestroy(&pc);
  ProblemDestroy(&p);
}

TEST(HodlrScalable, ToleranceTruncatesBelowTheRankCap)
{
  SKIP_UNLESS_SERIAL();
  Problem p;
  CreateProblem(PETSC_COMM_SELF, "rod", &p);
  PetscOptionsSetValue(NULL, "-th_pc_hodlr_tol", "5e-2");
  PC          pc = CreateHodlr(p.A, PC_HODLR_BUILD_SCALABLE, 32);
  PCHodlrInfo info;
  ASSERT_EQ(0, PCHodlrGetInfo(pc, &info));
  PetscOptionsClearValue(NULL, "-th_pc_hodlr_tol");
  EXPECT_GT(info.max_rank, 1);
  EXPECT_LT(info.max_rank, 32);
  HodlrDenseSpectrum s;
  ASSERT_EQ(0, HodlrComputeDenseSpectrum(pc, p.A, &s));
  EXPECT_GT(s.lmin_M, 0.0);
  EXPECT_LT(s.kappa, 5.0);
  PCDestroy(&pc);
  ProblemDestroy(&p);
}

// One solve with a shipped method file.
PetscInt SolveWith(Problem *p, const char *method, PetscReal *relres = nullptr)
{
  SolveRecord rec;
  EXPECT_EQ(0, MethodLoad(PETSC_COMM_WORLD, MethodDefaultDirectory(), method));
  std::string prefix = std::string(method) + "_";
  EXPECT_EQ(0, SolveRun(p, method, prefix.c_str(), PETSC_FALSE, &rec));
  EXPECT_GT(rec.reason, 0) << method;
  EXPECT_LE(rec.true_relres, 1e-9) << method;
  if (relres) *relres = rec.final_relres;
  const PetscInt its = rec.iterations;
  SolveRecordDestroy(&rec);
  return its;
}

// Iterations measured with the shipped method files (seeded, deterministic; +-1 for the
// summation order of the parallel dot products at 2 and 4 ranks, where the operator is
// gathered and every rank builds the same HODLR).
TEST(HodlrSolve, MethodFilesOnCanonicalBAndRods)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  const char    *methods[] = {"hodlr1", "hodlr2", "hodlr4", "hodlr8", "hodlr16"};
  const PetscInt its_b[]   = {57, 44, 32, 20, 12};
  const PetscInt its_rod[] = {54, 43, 30, 19, 12};
  Problem        pb, prod;
  CreateProblem(PETSC_COMM_WORLD, "constant", &pb, file);
  CreateProblem(PETSC_COMM_WORLD, "rod", &prod);
  for (int k = 0; k < 5; k++) {
    // At 2 and 4 ranks every rank builds the whole HODLR: keep that job short.
    if (WorldSize() > 1 && k != 0 && k != 3) continue;
    EXPECT_NEAR(SolveWith(&pb, methods[k]), its_b[k], 1) << methods[k];
    EXPECT_NEAR(SolveWith(&prod, methods[k]), its_rod[k], 1) << methods[k];
  }
  // The reference construction (dense build) at r = 8 on the same problems.
  EXPECT_NEAR(SolveWith(&pb, "hodlr8_dense"), 20, 1);
  EXPECT_NEAR(SolveWith(&prod, "hodlr8_dense"), 19, 1);
  ProblemDestroy(&pb);
  ProblemDestroy(&prod);
}

// Block Jacobi: each rank compresses its own strip (the sub-matrix has no DMDA: the grid
// width comes from its bandwidth). More ranks, weaker coupling: iterations rise.
TEST(HodlrSolve, BlockJacobiAndASMSubdomains)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  Problem p;
  CreateProblem(PETSC_COMM_WORLD, "constant", &p, file);
  PetscOptionsSetValue(NULL, "-bjh_ksp_type", "cg");
  PetscOptionsSetValue(NULL, "-bjh_ksp_norm_type", "unpreconditioned");
  PetscOptionsSetValue(NULL, "-bjh_pc_type", "bjacobi");
  PetscOptionsSetValue(NULL, "-bjh_sub_pc_type", "hodlr");
  PetscOptionsSetValue(NULL, "-bjh_sub_pc_hodlr_rank", "8");
  SolveRecord rec;
  ASSERT_EQ(0, SolveRun(&p, "bjh", "bjh_", PETSC_FALSE, &rec));
  EXPECT_GT(rec.reason, 0);
  EXPECT_LE(rec.true_relres, 1e-9);
  const int      np       = WorldSize();
  const PetscInt expect[] = {0, 20, 32, 0, 44}; // by number of ranks (1 block = pc hodlr)
  if (np == 1 || np == 2 || np == 4) {
    EXPECT_NEAR(rec.iterations, expect[np], 1) << np << " ranks";
  }
  if (np > 1) {
    EXPECT_GT(rec.iterations, 20) << "block Jacobi loses the coupling between ranks";
  }
  EXPECT_LT(rec.iterations, 116) << "better than plain CG";
  SolveRecordDestroy(&rec);

  // Symmetric (basic) ASM, overlap 1: the overlapping strips are again whole grid rows.
  PetscOptionsSetValue(NULL, "-bjh_pc_type", "asm");
  PetscOptionsSetValue(NULL, "-bjh_pc_asm_type", "basic");
  ASSERT_EQ(0, SolveRun(&p, "bjh", "bjh_", PETSC_FALSE, &rec));
  EXPECT_GT(rec.reason, 0);
  EXPECT_LE(rec.true_relres, 1e-9);
  const PetscInt expect_asm[] = {0, 20, 27, 0, 32};
  if (np == 1 || np == 2 || np == 4) {
    EXPECT_NEAR(rec.iterations, expect_asm[np], 1) << np << " ranks (ASM)";
  }
  PetscOptionsClearValue(NULL, "-bjh_pc_asm_type");
  SolveRecordDestroy(&rec);
  PetscOptionsClearValue(NULL, "-bjh_ksp_type");
  PetscOptionsClearValue(NULL, "-bjh_ksp_norm_type");
  PetscOptionsClearValue(NULL, "-bjh_pc_type");
  PetscOptionsClearValue(NULL, "-bjh_sub_pc_type");
  PetscOptionsClearValue(NULL, "-bjh_sub_pc_hodlr_rank");
  ProblemDestroy(&p);
}

TEST(HodlrView, ReportsLevelsRanksStorageAndSetupTime)
{
  Problem p;
  CreateProblem(PETSC_COMM_WORLD, "rod", &p);
  PC    pc = CreateHodlr(p.A, PC_HODLR_BUILD_SCALABLE, 8);
  char *buf;
  ASSERT_EQ(0, PetscObjectViewText((PetscObject)pc, &buf));
  const std::string text(buf);
  PetscFree(buf);
  EXPECT_NE(text.find("levels 4"), std::string::npos) << text;
  EXPECT_NE(text.find("level 3: 8 block pair(s) up to 64 rows, rank kept 8-8"), std::string::npos)
      << text;
  EXPECT_NE(text.find("N^2 / 8.00"), std::string::npos) << text;
  EXPECT_NE(text.find("setup"), std::string::npos) << text;
  EXPECT_NE(text.find("SPD check: lambda_min(MA)"), std::string::npos) << text;
  PCDestroy(&pc);
  ProblemDestroy(&p);
}

// Bad input: a one-line user error with the PETSc code of an out-of-range argument.
TEST(HodlrBadInput, RankLeafAndDenseLimit)
{
  Problem p;
  CreateProblem(PETSC_COMM_WORLD, "rod", &p);
  PC pc;
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  ASSERT_EQ(0, PCCreate(PETSC_COMM_WORLD, &pc));
  ASSERT_EQ(0, PCSetType(pc, "hodlr"));
  ASSERT_EQ(0, PCSetOperators(pc, p.A, p.A));
  EXPECT_EQ(PETSC_ERR_ARG_OUTOFRANGE, PCHodlrSetRank(pc, 0));
  EXPECT_EQ(PETSC_ERR_ARG_OUTOFRANGE, PCHodlrSetLeafSize(pc, 0));
  PetscOptionsSetValue(NULL, "-bad_pc_hodlr_rank", "-3");
  PCSetOptionsPrefix(pc, "bad_");
  EXPECT_EQ(PETSC_ERR_ARG_OUTOFRANGE, PCSetFromOptions(pc));
  PetscOptionsClearValue(NULL, "-bad_pc_hodlr_rank");
  EXPECT_EQ(0, PCHodlrSetLeafSize(pc, 1025)); // N = 1024: refused at setup
  EXPECT_EQ(PETSC_ERR_ARG_OUTOFRANGE, PCSetUp(pc));
  PCDestroy(&pc);
  ProblemDestroy(&p);

  // n = 129: N = 16641 > 16384, refused before any dense work.
  ProblemOptions opts;
  ASSERT_EQ(0, ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "rod", &opts));
  opts.n = 129;
  ASSERT_EQ(0, ProblemCreate(PETSC_COMM_WORLD, &opts, &p));
  ASSERT_EQ(0, PCCreate(PETSC_COMM_WORLD, &pc));
  ASSERT_EQ(0, PCSetType(pc, "hodlr"));
  ASSERT_EQ(0, PCSetOperators(pc, p.A, p.A));
  ASSERT_EQ(0, PCHodlrSetBuildType(pc, PC_HODLR_BUILD_DENSE));
  EXPECT_EQ(PETSC_ERR_ARG_OUTOFRANGE, PCSetUp(pc));
  PCDestroy(&pc);
  ProblemDestroy(&p);
  PetscPopErrorHandler();
}

// A setter on another PC type is a no-op (composed functions).
TEST(HodlrApi, SettersIgnoredByOtherTypes)
{
  PC pc;
  ASSERT_EQ(0, PCCreate(PETSC_COMM_WORLD, &pc));
  ASSERT_EQ(0, PCSetType(pc, PCJACOBI));
  EXPECT_EQ(0, PCHodlrSetRank(pc, 4));
  EXPECT_EQ(0, PCHodlrSetBuildType(pc, PC_HODLR_BUILD_DENSE));
  PCDestroy(&pc);
}

} // namespace
