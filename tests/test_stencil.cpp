// The matrix-free stencil operator (-operator stencil) against the assembled AIJ matrix:
// the same products (bit for bit in the default strip layout), diagonal, and the same CG
// iteration counts and residual histories (1e-10 relative).
#include <cmath>

#include "problems/problem.h"
#include "solve/method.h"
#include "solve/solve_run.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

Problem Make(const char *name, const char *op, PetscInt n = 32)
{
  Problem p;
  EXPECT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, name, n, "", &p, op));
  return p;
}

TEST(Stencil, ProductAndDiagonalEqualAIJ)
{
  for (const char *name : {"constant", "variable"}) {
    Problem   p = Make(name, "stencil", 40);
    Vec       y1, y2, d1, d2;
    PetscReal diff, ref;
    VecDuplicate(p.b, &y1), VecDuplicate(p.b, &y2), VecDuplicate(p.b, &d1), VecDuplicate(p.b, &d2);
    MatMult(p.A, p.b, y1);
    MatMult(p.Aop, p.b, y2);
    VecNorm(y1, NORM_INFINITY, &ref);
    VecAXPY(y2, -1.0, y1);
    VecNorm(y2, NORM_INFINITY, &diff);
    // In the default strip layout the stencil sums in MatMult_MPIAIJ's order: bit for bit.
    EXPECT_EQ(diff, 0.0) << name;
    MatMultAdd(p.Aop, p.b, y1, y2); // y2 = y1 + A b = 2 A b
    VecAXPY(y2, -2.0, y1);
    VecNorm(y2, NORM_INFINITY, &diff);
    EXPECT_LE(diff, 1e-14 * ref) << name;
    MatGetDiagonal(p.A, d1);
    MatGetDiagonal(p.Aop, d2);
    VecAXPY(d2, -1.0, d1);
    VecNorm(d2, NORM_INFINITY, &diff);
    EXPECT_EQ(diff, 0.0) << name;
    VecDestroy(&y1), VecDestroy(&y2), VecDestroy(&d1), VecDestroy(&d2);
    ProblemDestroy(&p);
  }
}

TEST(Stencil, SameIterationsAndHistoryAsAIJ)
{
  for (const char *name : {"constant", "variable"}) {
    for (const char *method : {"none", "jacobi", "icc"}) {
      SolveRecord rec[2];
      int         k = 0;
      for (const char *op : {"aij", "stencil"}) {
        Problem p = Make(name, op);
        ASSERT_EQ(0, SolveWithMethodFile(&p, method, &rec[k++]));
        ProblemDestroy(&p);
      }
      // Even plain CG on the variable problem, whose count moves with the summation order
      // (tests/data/README.md), must agree at every rank count: the products are identical.
      ASSERT_EQ(rec[0].iterations, rec[1].iterations) << name << " " << method;
      double worst = 0;
      for (PetscInt i = 0; i < rec[0].nhistory; i++)
        worst =
            std::max(worst, std::fabs(rec[0].history[i] - rec[1].history[i]) / rec[0].history[i]);
      EXPECT_LE(worst, 1e-10) << name << " " << method;
      SolveRecordDestroy(&rec[0]);
      SolveRecordDestroy(&rec[1]);
    }
  }
}

} // namespace
