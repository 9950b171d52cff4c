// Problems and solves as the test suites build them (the MPI suites; not the CLI tests).
#pragma once
#include <string>

#include "problems/problem.h"
#include "solve/solve_run.h"

// Problem `name` at grid size n (contrast 100 for `variable`), operator form `operator_type`;
// the right-hand side is dataset b of `rhs_file` when one is given, else the GRF (seed 42).
PetscErrorCode CreateTestProblem(MPI_Comm comm, const char *name, PetscInt n,
                                 const std::string &rhs_file, Problem *p,
                                 const char *operator_type = "aij");

// One solve of p with the shipped method file petsc_options/<method>.opts (prefix
// "<method>_"), after inserting `extra` options (e.g. "-npo_fcg_pc_npo_checkpoint F").
PetscErrorCode SolveWithMethodFile(const Problem *p, const char *method, SolveRecord *rec,
                                   const std::string &extra = "");
