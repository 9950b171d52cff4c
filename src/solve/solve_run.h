// One solve of one problem with one method, following the solve protocol (docs/protocol.md):
// zero initial guess, ||r_k||_2 / ||b||_2 <= 1e-10 in the unpreconditioned norm, at most
// 2000 iterations (set as KSP defaults before KSPSetFromOptions, so any option overrides).
#pragma once
#include <petscksp.h>

#include "problems/problem.h"

typedef struct {
  char               method[POISSON_NAME_LEN];
  char               ksp_type[64], pc_type[64];
  PetscInt           iterations; // A-products in the loop (KSPGetIterationNumber)
  KSPConvergedReason reason;
  PetscReal          final_relres;    // last recorded residual norm / ||b||
  PetscReal          true_relres;     // ||b - A x|| / ||b||
  PetscReal          direct_relerror; // ||x - x_direct|| / ||x_direct||, -1 if not asked
  PetscReal          setup_seconds, solve_seconds;
  PetscInt           nhistory;
  PetscReal         *history; // relative residual norms, history[0] = 1
  Vec                x;
  char              *ksp_view; // KSPView() text
  char              *options;  // the options this method's KSP read, prefix removed
} SolveRecord;

// prefix is "<method>_" for a named method, "" for plain unprefixed options.
PetscErrorCode SolveRun(const Problem *p, const char *method, const char *prefix,
                        PetscBool compare_direct, SolveRecord *rec);
PetscErrorCode SolveRecordDestroy(SolveRecord *rec);

// "converged" or the KSPConvergedReason name, e.g. "DIVERGED_ITS".
const char *SolveStatus(const SolveRecord *rec);
