// poisson_spectra: the spectra of A and of every preconditioned operator M^{-1}A, by SLEPc.
//
// Sample runs:
//   build/bin/poisson_spectra                             # constant + variable (contrast 100),
//                                                         # n = 32, every shipped method
//   build/bin/poisson_spectra -problem constant -methods bjacobi2 -spectrum_full
//   build/bin/poisson_spectra -problem constant -methods jacobi -kappa_sweep 8,16,32,64,128
//   mpirun -n 4 build/bin/poisson_spectra -problem variable -methods jacobi,icc -o spectra.h5
//   build/bin/poisson_spectra -methods jacobi -jacobi_eps_tol 1e-12 -A_eps_monitor
//   /usr/bin/python3 postprocess/plot_spectra.py poisson_spectra.h5   # the figures
//
// Description:
//   For each problem of -problem: the extremal eigenvalues of A (HEP; the smallest by
//   shift-and-invert) and, for each method of -methods (petsc_options/<name>.opts, prefix
//   "<name>_"; its KSP is set up on (A, A) exactly as poisson_solve does), of M^{-1}A in the
//   form its PC calls for (src/spectra/spectra.h): the symmetric pencil (A M^{-1} A, A) for an
//   SPD preconditioner, a nonsymmetric problem with complex eigenvalues otherwise. kappa =
//   lambda_max / lambda_min (max|lambda| / min|lambda| for the nonsymmetric ones). With
//   -spectrum_full also all N eigenvalues (N <= 4096, LAPACK on rank 0) and the clustering
//   metrics. -kappa_sweep gives kappa(A) of the constant problem against the closed form
//   cot^2(pi/(2(n+1))) and the fitted exponent p of kappa ~ n^p. With -iteration_radius each
//   method's spectral radius rho(I - s C A) as a stationary iteration instead of its kappa
//   (docs/ladder.md; nonlinear PCs refused). Everything goes to one HDF5 results file:
//   /<problem>/A, /<problem>/<method>, /kappa_sweep.
static const char help[] =
    "Spectra of A and of the preconditioned operators M^{-1}A (SLEPc).\n\n"
    "  -problem <list>        constant, variable, rod, chain (default: constant,variable)\n"
    "  -methods <list>        method files of -methods_dir (default: every shipped method with\n"
    "                         a distinct preconditioner)\n"
    "  -methods_dir <dir>     folder of the <method>.opts files\n"
    "  -o <file.h5>           results file (default poisson_spectra.h5)\n"
    "  -spectrum_full         also all N eigenvalues (N <= 4096) and the clustering metrics\n"
    "  -kappa_sweep <n,...>   kappa(A) of the constant problem at these n (e.g. 8,16,32,64,128)\n"
    "  -iteration_radius      per method rho(I - s C A) of its stationary iteration (s: the\n"
    "                         Richardson scale) instead of kappa; linear PCs only\n"
    "  -<method>_spectra_symmetric <bool>, -<method>_spectra_linear <bool>\n"
    "                         override the form chosen from the PC type\n"
    "  -eps_*, -A_eps_*, -<method>_eps_*, -A_max_eps_*, -<method>_min_eps_* ...\n"
    "                         SLEPc options: every eigenproblem, one target, one end\n"
    "  -n, -contrast, -rhs ...  problem options as for poisson_solve\n\n";

#include <petscdmda.h>

#include <string>
#include <vector>

#include "core/name_list.h"
#include "io/results_file.h"
#include "problems/operator.h"
#include "problems/problem.h"
#include "problems/problem_table.h"
#include "runtime/app.h"
#include "runtime/run_metadata.h"
#include "solve/method.h"
#include "spectra/spectra.h"

// ilu_fcg and icc_fcg share their preconditioner with ilu and icc, so their spectra are the same.
static const char *const default_problems = "constant,variable";
static const char *const default_methods  = "none,jacobi,icc,ilu,ilu0,bjacobi2,gamg,hypre";

typedef struct {
  std::vector<std::string> problems, methods;
  std::vector<PetscInt>    sweep;
  char                     methods_dir[PETSC_MAX_PATH_LEN];
  char                     output[PETSC_MAX_PATH_LEN];
  PetscBool                full, radius;
} SpectraOptions;

static PetscErrorCode SpectraOptionsFromCommandLine(MPI_Comm comm, SpectraOptions *so)
{
  char       problems[1024], methods[4096], sweep_text[1024] = "";
  PetscInt64 sweep[64];
  PetscInt   nsweep = 0;
  PetscBool  has_sweep;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(problems, default_problems, sizeof(problems)));
  PetscCall(PetscStrncpy(methods, default_methods, sizeof(methods)));
  PetscCall(PetscStrncpy(so->methods_dir, MethodDefaultDirectory(), sizeof(so->methods_dir)));
  PetscCall(PetscStrncpy(so->output, "poisson_spectra.h5", sizeof(so->output)));
  so->full   = PETSC_FALSE;
  so->radius = PETSC_FALSE;
  PetscOptionsBegin(comm, NULL, "poisson_spectra options", NULL);
  PetscCall(PetscOptionsString("-problem", "Problems (comma-separated)", NULL, problems, problems,
                               sizeof(problems), NULL));
  PetscCall(PetscOptionsString("-methods", "Methods (comma-separated names of -methods_dir files)",
                               NULL, methods, methods, sizeof(methods), NULL));
  PetscCall(PetscOptionsString("-methods_dir", "Folder of the <method>.opts files", NULL,
                               so->methods_dir, so->methods_dir, sizeof(so->methods_dir), NULL));
  PetscCall(PetscOptionsString("-o", "Results file (HDF5)", NULL, so->output, so->output,
                               sizeof(so->output), NULL));
  PetscCall(PetscOptionsBool("-spectrum_full", "All N eigenvalues (N <= 4096) and their metrics",
                             NULL, so->full, &so->full, NULL));
  PetscCall(PetscOptionsBool("-iteration_radius",
                             "Per method rho(I - s C A) of its stationary iteration (not kappa)",
                             NULL, so->radius, &so->radius, NULL));
  // Read as text and parsed here: PETSc's integer-array parser raises a malformed entry on each
  // process alone (one error line per rank).
  PetscCall(PetscOptionsString("-kappa_sweep", "kappa(A) of the constant problem at these n", NULL,
                               sweep_text, sweep_text, sizeof(sweep_text), &has_sweep));
  PetscOptionsEnd();
  so->problems = SplitNameList(problems);
  so->methods  = SplitNameList(methods);
  if (has_sweep) PetscCall(ParseIntegerList(comm, "-kappa_sweep", sweep_text, sweep, 64, &nsweep));
  for (PetscInt k = 0; k < nsweep; k++) {
    PetscCheck(sweep[k] >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-kappa_sweep values must be at least 2, got %" PetscInt64_FMT, sweep[k]);
    PetscCall(ProblemCheckSize(comm, sweep[k], "-kappa_sweep"));
    so->sweep.push_back((PetscInt)sweep[k]);
  }
  PetscCheck(!so->problems.empty() || !so->sweep.empty(), comm, PETSC_ERR_USER_INPUT,
             "-problem lists no problem");
  // Validate every name and size before any work, so a typo costs nothing.
  for (const std::string &p : so->problems) {
    ProblemOptions popts;
    PetscCall(ProblemOptionsFromCommandLine(comm, p.c_str(), &popts));
    PetscCheck(!so->full || popts.n * popts.n <= SPECTRA_FULL_MAX_N, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-spectrum_full is limited to N = n*n <= %d (a dense eigenproblem on one rank); "
               "problem %s has n = %" PetscInt_FMT " (N = %" PetscInt_FMT
               "): drop -spectrum_full for the extremal eigenvalues",
               SPECTRA_FULL_MAX_N, p.c_str(), popts.n, popts.n * popts.n);
  }
  for (const std::string &m : so->methods) PetscCall(MethodCheck(comm, so->methods_dir, m.c_str()));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintHeader(MPI_Comm comm, const Problem *p)
{
  PetscFunctionBeginUser;
  PetscCall(ProblemPrintSummary(comm, p, PETSC_FALSE));
  PetscCall(PetscPrintf(comm, "%-12s %-5s %-22s %13s %13s %12s %6s %9s\n", "target", "form", "pc",
                        "lambda_min", "lambda_max", "kappa", "its", "max resid"));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintRow(MPI_Comm comm, const SpectrumResult *r)
{
  PetscReal worst = 0;

  PetscFunctionBeginUser;
  for (PetscReal e : r->residual) worst = PetscMax(worst, e);
  PetscCall(
      PetscPrintf(comm, "%-12s %-5s %-22s %13.6e %13.6e %12.6g %6" PetscInt_FMT " %9.2e\n",
                  r->target.c_str(), r->symmetric ? (r->pc_type.empty() ? "HEP" : "GHEP") : "NHEP",
                  r->pc_type.empty() ? "-" : r->pc_type.c_str(), (double)r->lambda_min,
                  (double)r->lambda_max, (double)r->kappa, r->its_max + r->its_min, (double)worst));
  if (!r->symmetric)
    PetscCall(PetscPrintf(comm, "%-12s       extreme moduli at %.6g%+.6gi and %.6g%+.6gi\n", "",
                          (double)r->min_re, (double)r->min_im, (double)r->max_re,
                          (double)r->max_im));
  if (r->full.computed) {
    const SpectrumFull *f = &r->full;
    PetscCall(PetscPrintf(
        comm,
        "%-12s       all %zu: kappa %.6g, |lambda| spread %.6g, %.1f %% within "
        "[0.5, 2] x median, %.1f %% right half-plane, %" PetscInt_FMT " equal to 1\n",
        "", f->re.size(), (double)f->kappa, (double)f->spread, 100.0 * (double)f->frac_median_band,
        100.0 * (double)f->frac_right_half, f->unit_count));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode RunProblem(MPI_Comm comm, ResultsFile *rf, const SpectraOptions *so,
                                 const std::string &pname)
{
  ProblemOptions popts;
  Problem        p;
  SpectrumResult res;
  char           group[3 * POISSON_NAME_LEN];
  PetscBool      constant_operator;

  PetscFunctionBeginUser;
  PetscCall(ProblemOptionsFromCommandLine(comm, pname.c_str(), &popts));
  PetscCall(ProblemCreate(comm, &popts, &p));
  constant_operator = (PetscBool)(ProblemContrast(&popts) == 1.0);
  PetscCall(ProblemWrite(rf, &p, PETSC_FALSE));
  PetscCall(PrintHeader(comm, &p));

  PetscCall(SpectrumOfOperator(p.A, so->full, &res));
  PetscCall(PrintRow(comm, &res));
  PetscCall(PetscSNPrintf(group, sizeof(group), "/%s/A", popts.problem));
  PetscCall(SpectrumWrite(rf, group, &res));
  if (constant_operator) {
    PetscReal lmin, lmax, kappa;
    SpectraClosedForm(popts.n, &lmin, &lmax, &kappa);
    if (ProblemDimension(&popts) == 1) { // the chain: mu_k/h^2, half the 2-D extremes; same kappa
      lmin /= 2;
      lmax /= 2;
    }
    PetscCall(ResultsFileWriteReal(rf, group, "kappa_closed_form", kappa));
    PetscCall(ResultsFileWriteReal(rf, group, "lambda_min_closed_form", lmin));
    PetscCall(ResultsFileWriteReal(rf, group, "lambda_max_closed_form", lmax));
    PetscCall(PetscPrintf(comm, "%-12s       closed form kappa %.10g (relative difference %.2e)\n",
                          "", (double)kappa, (double)PetscAbsReal(res.kappa / kappa - 1)));
  }

  if (so->radius)
    PetscCall(PetscPrintf(comm, "\n%-22s %-12s %-11s %13s %12s %10s %6s %8s\n", "method", "pc",
                          "ksp", "scale s", "rho(I-sCA)", "imag", "its", "seconds"));
  for (const std::string &m : so->methods) {
    PetscCall(MethodLoad(comm, so->methods_dir, m.c_str()));
    if (so->radius) {
      IterationRadiusResult r;
      PetscCall(IterationRadiusOfMethod(p.A, m.c_str(), &r));
      PetscCall(PetscPrintf(comm,
                            "%-22s %-12s %-11s %13.10g %12.10f %10.2e %6" PetscInt_FMT " %8.2f\n",
                            m.c_str(), r.pc_type.c_str(), r.ksp_type.c_str(), (double)r.scale,
                            (double)r.rho, (double)r.rho_im, r.its, (double)r.seconds));
      PetscCall(PetscSNPrintf(group, sizeof(group), "/%s/%s", popts.problem, m.c_str()));
      PetscCall(IterationRadiusWrite(rf, group, &r));
      continue;
    }
    PetscCall(SpectrumOfMethod(p.A, m.c_str(), so->full, &res));
    PetscCall(PrintRow(comm, &res));
    PetscCall(PetscSNPrintf(group, sizeof(group), "/%s/%s", popts.problem, m.c_str()));
    PetscCall(SpectrumWrite(rf, group, &res));
  }
  PetscCall(ProblemDestroy(&p));
  PetscFunctionReturn(0);
}

// kappa(A) of the constant problem for each n of the sweep, against cot^2(pi/(2(n+1))).
static PetscErrorCode RunSweep(MPI_Comm comm, ResultsFile *rf, const SpectraOptions *so)
{
  std::vector<PetscInt>  ns;
  std::vector<PetscReal> kappa, closed, relerr, lmin, lmax, nreal;
  PetscMPIInt            rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscPrintf(comm, "\nkappa(A) of the constant problem against cot^2(pi/(2(n+1)))\n"));
  PetscCall(PetscPrintf(comm, "%8s %20s %20s %10s %6s %8s\n", "n", "kappa", "closed form",
                        "rel diff", "its", "seconds"));
  for (PetscInt n : so->sweep) {
    ProblemOptions o;
    DM             da;
    Mat            A;
    SpectrumResult res;
    PetscReal      k;
    // Only the operator is needed: the problem's DMDA layout, no right-hand side.
    PetscCall(PetscMemzero(&o, sizeof(o)));
    PetscCall(PetscStrncpy(o.problem, "constant", sizeof(o.problem)));
    o.n        = n;
    o.contrast = 1.0;
    PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, n, n, 1,
                           PETSC_DECIDE, 1, 1, NULL, NULL, &da));
    PetscCall(DMSetFromOptions(da));
    PetscCall(DMSetUp(da));
    PetscCall(OperatorAssemble(&o, da, &A));
    PetscCall(SpectrumOfOperator(A, PETSC_FALSE, &res));
    SpectraClosedForm(n, NULL, NULL, &k);
    ns.push_back(n);
    nreal.push_back((PetscReal)n);
    kappa.push_back(res.kappa);
    closed.push_back(k);
    relerr.push_back(PetscAbsReal(res.kappa / k - 1));
    lmin.push_back(res.lambda_min);
    lmax.push_back(res.lambda_max);
    PetscCall(PetscPrintf(comm,
                          "%8" PetscInt_FMT " %20.12f %20.12f %10.2e %6" PetscInt_FMT " %8.2f\n", n,
                          (double)res.kappa, (double)k, (double)relerr.back(),
                          res.its_max + res.its_min, (double)res.seconds));
    PetscCall(MatDestroy(&A));
    PetscCall(DMDestroy(&da));
  }
  const PetscReal p = SpectraFitExponent(ns, kappa), pc = SpectraFitExponent(ns, closed);
  PetscCall(PetscPrintf(comm, "fitted exponent kappa ~ n^p: p = %.4f (closed form: %.4f)\n",
                        (double)p, (double)pc));
  auto write = [&](const char *name, const std::vector<PetscReal> &v) -> PetscErrorCode {
    PetscFunctionBeginUser;
    PetscCall(
        ResultsFileWriteArray(rf, "/kappa_sweep", name, rank ? 0 : (PetscInt)v.size(), v.data()));
    PetscFunctionReturn(0);
  };
  PetscCall(write("n", nreal));
  PetscCall(write("kappa", kappa));
  PetscCall(write("kappa_closed_form", closed));
  PetscCall(write("relative_difference", relerr));
  PetscCall(write("lambda_min", lmin));
  PetscCall(write("lambda_max", lmax));
  PetscCall(ResultsFileWriteReal(rf, "/kappa_sweep", "p", p));
  PetscCall(ResultsFileWriteReal(rf, "/kappa_sweep", "p_closed_form", pc));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunSpectra(MPI_Comm comm, ResultsFile *rf)
{
  SpectraOptions so;

  PetscFunctionBeginUser;
  PetscCall(MethodSnapshotUserOptions());
  PetscCall(SpectraOptionsFromCommandLine(comm, &so));
  PetscCall(ResultsFileOpen(comm, so.output, rf));
  PetscCall(ResultsFileWriteRunMetadata(rf, "poisson_spectra", so.problems, so.methods));
  for (const std::string &p : so.problems) PetscCall(RunProblem(comm, rf, &so, p));
  if (!so.sweep.empty()) PetscCall(RunSweep(comm, rf, &so));
  PetscCall(ResultsFileCommit(rf));
  PetscCall(PetscPrintf(comm, "\nresults written to %s\n", so.output));
  PetscCall(MethodFreeUserOptions());
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, RunSpectra);
}
