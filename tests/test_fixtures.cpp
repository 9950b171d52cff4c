#include "test_fixtures.h"

#include "solve/method.h"

PetscErrorCode CreateTestProblem(MPI_Comm comm, const char *name, PetscInt n,
                                 const std::string &rhs_file, Problem *p, const char *operator_type)
{
  ProblemOptions opts;

  PetscFunctionBeginUser;
  PetscCall(ProblemOptionsFromCommandLine(comm, name, &opts));
  opts.n = n;
  PetscCall(PetscStrncpy(opts.operator_type, operator_type, sizeof(opts.operator_type)));
  if (!rhs_file.empty()) {
    PetscCall(PetscStrncpy(opts.rhs, "file", sizeof(opts.rhs)));
    PetscCall(PetscStrncpy(opts.rhs_file, rhs_file.c_str(), sizeof(opts.rhs_file)));
  }
  PetscCall(ProblemCreate(comm, &opts, p));
  PetscFunctionReturn(0);
}

PetscErrorCode SolveWithMethodFile(const Problem *p, const char *method, SolveRecord *rec,
                                   const std::string &extra)
{
  const std::string prefix = std::string(method) + "_";

  PetscFunctionBeginUser;
  PetscCall(MethodLoad(PetscObjectComm((PetscObject)p->A), MethodDefaultDirectory(), method));
  if (!extra.empty()) PetscCall(PetscOptionsInsertString(NULL, extra.c_str()));
  PetscCall(SolveRun(p, method, prefix.c_str(), PETSC_FALSE, rec));
  PetscFunctionReturn(0);
}
