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
  // Error-based stopping (-ksp_converged_error): the stopping criterion and the iteration
  // count are the error's; error_test is false, nerror 0 and final_relerror -1 when it is off.
  PetscBool  error_test;
  char       error_norm[4]; // "2" or "A"
  PetscInt   nerror;
  PetscReal *error_history;  // ||x_k - x*|| / ||x*||, k = 0 .. iterations
  PetscReal  final_relerror; // last entry of error_history
  // KSPRICHARDSON runs (richardson true): the scale alpha of x <- x + alpha C (b - A x), typed
  // in (-ksp_richardson_scale) or computed (-ksp_richardson_optimal_scale: optimal_scale true,
  // scale_lambda_min/max the extreme eigenvalues of C A it came from, else -1), and the
  // measured asymptotic rate (REPORTS.md section 0, "measured slope") of the error history,
  // or of the residual history without -ksp_converged_error: rate_window steps w. rate is -1
  // for other KSP types.
  PetscBool richardson, optimal_scale;
  PetscReal richardson_scale, scale_lambda_min, scale_lambda_max;
  PetscReal rate;
  PetscInt  rate_window;
  char      rate_source[16]; // "error" or "residual"
  // Cost (REPORTS.md section 11.5, docs/results-file.md): flops counted by PETSc
  // (PetscGetFlops, summed over the ranks) in the set-up and in the solve, the solve's flops
  // per iteration, and the model's flops and critical-path depth (span) per iteration from the
  // operator's nonzeros and the level structure of the PC's triangular factors; the model
  // values are NaN where a method's cost is not derived (see SolveCostModel).
  PetscReal flops_setup, flops_solve, flops_per_iteration;
  PetscReal flops_model_per_iteration, span_per_iteration;
} SolveRecord;

// prefix is "<method>_" for a named method, "" for plain unprefixed options.
PetscErrorCode SolveRun(const Problem *p, const char *method, const char *prefix,
                        PetscBool compare_direct, SolveRecord *rec);
PetscErrorCode SolveRecordDestroy(SolveRecord *rec);

// x* of the problem by a sparse direct solve (MUMPS Cholesky; PETSc's own Cholesky on one
// rank when MUMPS is missing), computed on the first call and kept with the problem's b
// (PetscObjectCompose), so every method of a run shares one factorization. Borrowed.
PetscErrorCode SolveDirectSolution(const Problem *p, Vec *xstar);

// Whether the method with options prefix `prefix` asks for -ksp_converged_error, and if so
// whether a direct solve of an n x n problem is possible on comm: a parallel direct solver
// (MUMPS) when there are several ranks, and an estimated Cholesky factor (nested dissection,
// ~93 N log2(n) bytes) that fits the memory of the nodes. Any failure is one user error.
// Cheap: call it for every method before any work.
PetscErrorCode SolveCheckErrorTest(MPI_Comm comm, const char *prefix, PetscInt n);

// The measured slope of REPORTS.md section 0 of a history h_0 .. h_k (k = n - 1 steps):
// (h_k / h_{k-w})^{1/w} with w = max(3, min(100, k / 2)), w at most k. -1 when k = 0 or an
// entry is 0 (the history ended on an exact solution); *window gets w.
PetscReal SolveMeasuredRate(const PetscReal *history, PetscInt n, PetscInt *window);

// The cost model of REPORTS.md section 11.5 for one PCG iteration of ksp (set up) on the n x n
// problem: A matvec 2 nnz(A) flops and span 1 + ceil(log2(longest row)), PCG vector work 12 N
// flops and span 2 ceil(log2 N) + 4, plus the PC's apply: none 0 / 0, jacobi N / 1, IC(0)
// 2 x 2 nnz(L) flops and 2 x 3 x (wavefronts of L, from levelizing its strictly lower DAG),
// also inside PCREDUNDANT. NaN for a KSP other than cg, a matrix-free operator, another PC
// type (its flops are measured, not modelled) or IC(k > 0).
PetscErrorCode SolveCostModel(KSP ksp, PetscReal *flops, PetscReal *span);

// The number of wavefronts (levels) of the lower-triangular solve with the pattern of the
// lower triangle of the sequential matrix A: level(i) = 1 + max level(j), j < i, a_ij != 0.
PetscErrorCode SolveLowerWavefronts(Mat A, PetscInt *levels);

// "converged" or the KSPConvergedReason name, e.g. "DIVERGED_ITS".
const char *SolveStatus(const SolveRecord *rec);
