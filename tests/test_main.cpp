// GoogleTest main for tests that run under MPI (ctest runs each suite at 1, 2 and 4 ranks).
// Every rank runs every test; rank 0 prints the usual report, other ranks report only
// failures, and the exit code is nonzero when a test failed on any rank.
#include <gtest/gtest.h>

#include "runtime/app.h"

namespace {
class FailuresOnly : public testing::EmptyTestEventListener {
  void OnTestPartResult(const testing::TestPartResult &r) override
  {
    if (r.failed()) {
      int rank;
      MPI_Comm_rank(MPI_COMM_WORLD, &rank);
      fprintf(stderr, "[rank %d] %s:%d: %s\n", rank, r.file_name() ? r.file_name() : "?",
              r.line_number(), r.summary());
    }
  }
};
} // namespace

int main(int argc, char **argv)
{
  testing::InitGoogleTest(&argc, argv);
  if (PoissonInitialize(&argc, &argv, NULL)) return 1;
  PetscMPIInt rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank) {
    testing::TestEventListeners &l = testing::UnitTest::GetInstance()->listeners();
    delete l.Release(l.default_result_printer());
    l.Append(new FailuresOnly);
  }
  int local = RUN_ALL_TESTS(), global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  if (PoissonFinalize()) return 1;
  return global ? 1 : 0;
}
