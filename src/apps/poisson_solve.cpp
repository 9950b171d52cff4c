// poisson_solve: PCG / FCG on the 2-D Poisson problems with any set of methods.
//
// Sample runs:
//   build/bin/poisson_solve                      # the canonical study (n = 32, GRF seed 42,
//                                                # every shipped method, constant + variable)
//   build/bin/poisson_solve -problem constant -rhs_file tests/data/a_n32_seed42_const.h5
//   build/bin/poisson_solve -methods jacobi,icc -jacobi_ksp_rtol 1e-8 -o results/run.h5
//   mpirun -n 2 build/bin/poisson_solve -problem constant -n 2048 -methods gamg
//   build/bin/poisson_solve -problem variable -options_file petsc_options/jacobi.opts
//
// Description:
//   For each problem of -problem and each method of -methods (a method is the options file
//   petsc_options/<name>.opts, applied with the options prefix "<name>_"), builds a KSP,
//   solves A x = b from a zero initial guess, prints one table row and stores the residual
//   history, the solution and the solve's figures in one HDF5 results file. Without
//   -methods, plain unprefixed -ksp_type / -pc_type options (or -options_file) define a
//   single method, as for any PETSc program. A method that does not converge is a result:
//   it is reported with its KSPConvergedReason, and the other methods still run.
static const char help[] =
    "PCG on the 2-D Poisson equation: classical, randomized, hierarchical and neural\n"
    "preconditioners in one KSPCG / KSPFCG harness.\n\n"
    "  -problem <list>      problems to solve (default: constant,variable; names below)\n"
    "  -methods <list>      method files of -methods_dir, e.g. none,jacobi,ilu\n"
    "  -methods_dir <dir>   folder of the <method>.opts files\n"
    "  -o <file.h5>         results file (default results/canonical.h5 for the default study)\n"
    "  -compare_direct      also report the error against a direct (MUMPS) solve\n"
    "  -[<method>_]ksp_converged_error [-[<method>_]ksp_converged_error_norm 2|A]\n"
    "                       stop on ||x_k - x*||/||x*|| <= rtol, x* from one direct solve\n"
    "  -[<method>_]ksp_richardson_optimal_scale\n"
    "                       Richardson scale 2/(lambda_min + lambda_max) of C A (SLEPc)\n"
    "  -n, -contrast, -rhs grf|file|rod|random, -rhs_file, -rhs_dataset, -grf_seed, -grf_alpha,\n"
    "  -grf_tau             problem options (see -help below)\n\n";

#include <petscksp.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/name_list.h"
#include "io/results_file.h"
#include "krylov/optimal_scale/optimal_scale.h"
#include "problems/problem.h"
#include "problems/problem_table.h"
#include "runtime/app.h"
#include "runtime/run_metadata.h"
#include "solve/method.h"
#include "solve/solve_run.h"

// The canonical study (docs/results.md): every shipped method, on the constant and the variable
// (contrast 100) problem at n = 32 with the GRF right-hand side.
static const char *const canonical_problems = "constant,variable";
static const char *const canonical_methods  = "none,jacobi,icc,ilu,ilu_fcg,bjacobi2,gamg,hypre,"
                                              "nystrom16,nystrom64,nystrom128,nystrom256,"
                                              "hodlr1,hodlr2,hodlr4,hodlr8,hodlr16,"
                                              "npo_fcg,npo_cg";

typedef struct {
  std::vector<std::string> problems, methods;
  PetscBool                single_unprefixed; // plain -ksp_type/-pc_type, no -methods
  char                     methods_dir[PETSC_MAX_PATH_LEN];
  char                     output[PETSC_MAX_PATH_LEN];
  PetscBool                compare_direct;
} RunOptions;

static PetscErrorCode RunOptionsFromCommandLine(MPI_Comm comm, RunOptions *ro)
{
  char      problems[1024], methods[4096];
  PetscBool has_methods, has_output, has_ksp, has_pc;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(problems, canonical_problems, sizeof(problems)));
  PetscCall(PetscStrncpy(methods, canonical_methods, sizeof(methods)));
  PetscCall(PetscStrncpy(ro->methods_dir, MethodDefaultDirectory(), sizeof(ro->methods_dir)));
  PetscCall(PetscStrncpy(ro->output, "results/canonical.h5", sizeof(ro->output)));
  ro->compare_direct = PETSC_FALSE;
  PetscOptionsBegin(comm, NULL, "poisson_solve options", NULL);
  const std::string problem_help =
      std::string("Problems to solve, comma-separated (") + ProblemListNames() + ")";
  PetscCall(PetscOptionsString("-problem", problem_help.c_str(), NULL, problems, problems,
                               sizeof(problems), NULL));
  PetscCall(PetscOptionsString("-methods", "Methods (comma-separated names of -methods_dir files)",
                               NULL, methods, methods, sizeof(methods), &has_methods));
  PetscCall(PetscOptionsString("-methods_dir", "Folder of the <method>.opts files", NULL,
                               ro->methods_dir, ro->methods_dir, sizeof(ro->methods_dir), NULL));
  PetscCall(PetscOptionsString("-o", "Results file (HDF5)", NULL, ro->output, ro->output,
                               sizeof(ro->output), &has_output));
  PetscCall(PetscOptionsBool("-compare_direct", "Report the error against a direct solve", NULL,
                             ro->compare_direct, &ro->compare_direct, NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasName(NULL, NULL, "-ksp_type", &has_ksp));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-pc_type", &has_pc));
  ro->single_unprefixed = (PetscBool)(!has_methods && (has_ksp || has_pc));
  ro->problems          = SplitNameList(problems);
  ro->methods = ro->single_unprefixed ? std::vector<std::string>{""} : SplitNameList(methods);
  if (!has_output && (has_methods || ro->single_unprefixed))
    PetscCall(PetscStrncpy(ro->output, "poisson_solve.h5", sizeof(ro->output)));
  PetscCheck(!ro->problems.empty(), comm, PETSC_ERR_USER_INPUT, "-problem lists no problem");
  PetscCheck(!ro->methods.empty(), comm, PETSC_ERR_USER_INPUT, "-methods lists no method");
  // Validate every name before any work, so a typo costs nothing.
  for (const std::string &p : ro->problems) PetscCall(ProblemCheckName(comm, p.c_str()));
  if (!ro->single_unprefixed)
    for (const std::string &m : ro->methods)
      PetscCall(MethodCheck(comm, ro->methods_dir, m.c_str()));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteSolve(ResultsFile *rf, const Problem *p, const SolveRecord *r)
{
  char        group[3 * POISSON_NAME_LEN];
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(rf->comm, &rank));
  PetscCall(PetscSNPrintf(group, sizeof(group), "/%s/%s", p->opts.problem, r->method));
  PetscCall(
      ResultsFileWriteArray(rf, group, "residual_history", rank ? 0 : r->nhistory, r->history));
  PetscCall(ResultsFileWriteVec(rf, group, "solution", r->x));
  PetscCall(ResultsFileWriteString(rf, group, "method", r->method));
  PetscCall(ResultsFileWriteInt(rf, group, "iterations", r->iterations));
  PetscCall(ResultsFileWriteInt(rf, group, "converged", r->reason > 0 ? 1 : 0));
  PetscCall(ResultsFileWriteString(rf, group, "reason", KSPConvergedReasons[r->reason]));
  PetscCall(ResultsFileWriteReal(rf, group, "final_relres", r->final_relres));
  PetscCall(ResultsFileWriteReal(rf, group, "true_relres", r->true_relres));
  PetscCall(ResultsFileWriteReal(rf, group, "direct_relerror", r->direct_relerror));
  PetscCall(ResultsFileWriteReal(rf, group, "setup_seconds", r->setup_seconds));
  PetscCall(ResultsFileWriteReal(rf, group, "solve_seconds", r->solve_seconds));
  PetscCall(ResultsFileWriteString(rf, group, "ksp_type", r->ksp_type));
  PetscCall(ResultsFileWriteString(rf, group, "pc_type", r->pc_type));
  PetscCall(ResultsFileWriteString(rf, group, "options", r->options));
  PetscCall(ResultsFileWriteString(rf, group, "ksp_view", r->ksp_view));
  // Cost (REPORTS.md section 11.5): PETSc's flop counts and the model's flops and span
  PetscCall(ResultsFileWriteReal(rf, group, "flops_setup", r->flops_setup));
  PetscCall(ResultsFileWriteReal(rf, group, "flops_solve", r->flops_solve));
  PetscCall(ResultsFileWriteReal(rf, group, "flops_per_iteration", r->flops_per_iteration));
  PetscCall(
      ResultsFileWriteReal(rf, group, "flops_model_per_iteration", r->flops_model_per_iteration));
  PetscCall(ResultsFileWriteReal(rf, group, "span_per_iteration", r->span_per_iteration));
  if (r->error_test) { // -ksp_converged_error: the error criterion's history and last value
    PetscCall(
        ResultsFileWriteArray(rf, group, "error_history", rank ? 0 : r->nerror, r->error_history));
    PetscCall(ResultsFileWriteReal(rf, group, "final_relerror", r->final_relerror));
    PetscCall(ResultsFileWriteString(rf, group, "error_norm", r->error_norm));
  }
  if (r->richardson) { // the stationary iteration's damping and measured asymptotic rate
    PetscCall(ResultsFileWriteReal(rf, group, "richardson_scale", r->richardson_scale));
    PetscCall(ResultsFileWriteInt(rf, group, "optimal_scale", r->optimal_scale ? 1 : 0));
    PetscCall(ResultsFileWriteReal(rf, group, "scale_lambda_min", r->scale_lambda_min));
    PetscCall(ResultsFileWriteReal(rf, group, "scale_lambda_max", r->scale_lambda_max));
    PetscCall(ResultsFileWriteReal(rf, group, "rate", r->rate));
    PetscCall(ResultsFileWriteInt(rf, group, "rate_window", r->rate_window));
    PetscCall(ResultsFileWriteString(rf, group, "rate_source", r->rate_source));
  }
  PetscFunctionReturn(0);
}

// The method column is as wide as the longest method name, at least 14.
static int MethodColumnWidth(const std::vector<std::string> &methods)
{
  size_t w = 14;
  for (const std::string &m : methods) w = std::max(w, m.size());
  return (int)w;
}

static PetscErrorCode PrintHeader(MPI_Comm comm, const Problem *p, int w)
{
  PetscFunctionBeginUser;
  PetscCall(ProblemPrintSummary(comm, p, PETSC_TRUE));
  PetscCall(PetscPrintf(comm, "%-*s %-16s %6s %13s %13s %10s %10s  %s\n", w, "method", "ksp/pc",
                        "its", "final relres", "true relres", "setup s", "solve s", "status"));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintRow(MPI_Comm comm, const SolveRecord *r, int w)
{
  char kp[160];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(kp, sizeof(kp), "%s/%s", r->ksp_type, r->pc_type));
  PetscCall(PetscPrintf(comm, "%-*s %-16s %6" PetscInt_FMT " %13.3e %13.3e %10.3e %10.3e  %s\n", w,
                        r->method, kp, r->iterations, (double)r->final_relres,
                        (double)r->true_relres, (double)r->setup_seconds, (double)r->solve_seconds,
                        SolveStatus(r)));
  if (r->direct_relerror >= 0)
    PetscCall(PetscPrintf(comm, "%-*s relative error against the direct solve: %.3e\n", w, "",
                          (double)r->direct_relerror));
  if (r->error_test)
    PetscCall(PetscPrintf(comm, "%-*s stopped on the relative %s-norm error: %.3e\n", w, "",
                          r->error_norm, (double)r->final_relerror));
  if (r->optimal_scale)
    PetscCall(PetscPrintf(
        comm, "%-*s optimal Richardson scale %.10g from lambda(CA) in [%.10g, %.10g]\n", w, "",
        (double)r->richardson_scale, (double)r->scale_lambda_min, (double)r->scale_lambda_max));
  if (r->richardson)
    PetscCall(PetscPrintf(comm,
                          "%-*s measured rate %.8g (%s history, last %" PetscInt_FMT " steps)\n", w,
                          "", (double)r->rate, r->rate_source, r->rate_window));
  PetscFunctionReturn(0);
}

// -help: the options of every problem and method (each method's KSP and PC read their
// options once, so PETSc prints them with the method's prefix); nothing is solved or written.
static PetscErrorCode PrintStudyHelp(MPI_Comm comm, const RunOptions *ro)
{
  PetscFunctionBeginUser;
  for (const std::string &pname : ro->problems) {
    ProblemOptions popts;
    PetscCall(ProblemOptionsFromCommandLine(comm, pname.c_str(), &popts));
  }
  for (const std::string &m : ro->methods) {
    KSP         ksp;
    std::string prefix = m.empty() ? "" : m + "_";
    if (!m.empty()) PetscCall(MethodLoad(comm, ro->methods_dir, m.c_str()));
    PetscCall(KSPCreate(comm, &ksp));
    PetscCall(KSPSetOptionsPrefix(ksp, prefix.c_str()));
    PetscCall(KSPSetFromOptions(ksp));
    {
      PetscBool optimal;
      PetscCall(KSPRichardsonOptimalScaleFromOptions(ksp, &optimal)); // listed by -help
    }
    PetscCall(KSPDestroy(&ksp));
  }
  PetscCall(
      PetscPrintf(comm, "\n-help: options listed, nothing solved (%s not written)\n", ro->output));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunStudy(MPI_Comm comm, ResultsFile *rf)
{
  RunOptions ro;
  PetscBool  help = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(MethodSnapshotUserOptions());
  PetscCall(RunOptionsFromCommandLine(comm, &ro));
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) {
    PetscCall(PrintStudyHelp(comm, &ro));
    PetscCall(MethodFreeUserOptions());
    PetscFunctionReturn(0);
  }
  // -<method>_ksp_converged_error needs a direct solve of every problem: check that it is
  // possible before any work (SolveRun checks again, for the runs of other programs).
  for (const std::string &pname : ro.problems) {
    ProblemOptions popts;
    PetscCall(ProblemOptionsFromCommandLine(comm, pname.c_str(), &popts));
    for (const std::string &m : ro.methods) {
      if (!m.empty()) PetscCall(MethodLoad(comm, ro.methods_dir, m.c_str()));
      PetscCall(SolveCheckErrorTest(comm, m.empty() ? "" : (m + "_").c_str(), popts.n));
    }
  }
  PetscCall(ResultsFileOpen(comm, ro.output, rf));
  PetscCall(ResultsFileWriteRunMetadata(rf, "poisson_solve", ro.problems, ro.methods));
  for (const std::string &pname : ro.problems) {
    ProblemOptions popts;
    Problem        p;
    PetscCall(ProblemOptionsFromCommandLine(comm, pname.c_str(), &popts));
    PetscCall(ProblemCreate(comm, &popts, &p));
    PetscCall(ProblemWrite(rf, &p, PETSC_TRUE));
    PetscCall(PrintHeader(comm, &p, MethodColumnWidth(ro.methods)));
    for (const std::string &m : ro.methods) {
      SolveRecord rec;
      std::string prefix = m.empty() ? "" : m + "_";
      if (!m.empty()) PetscCall(MethodLoad(comm, ro.methods_dir, m.c_str()));
      PetscCall(
          SolveRun(&p, m.empty() ? "default" : m.c_str(), prefix.c_str(), ro.compare_direct, &rec));
      if (m.empty()) // name an unprefixed run after its solver, e.g. cg_jacobi
        PetscCall(
            PetscSNPrintf(rec.method, sizeof(rec.method), "%s_%s", rec.ksp_type, rec.pc_type));
      PetscCall(PrintRow(comm, &rec, MethodColumnWidth(ro.methods)));
      PetscCall(WriteSolve(rf, &p, &rec));
      PetscCall(SolveRecordDestroy(&rec));
    }
    PetscCall(ProblemDestroy(&p));
  }
  PetscCall(ResultsFileCommit(rf));
  PetscCall(PetscPrintf(comm, "\nresults written to %s\n", ro.output));
  PetscCall(MethodFreeUserOptions());
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, RunStudy);
}
