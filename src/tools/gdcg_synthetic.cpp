// gdcg_synthetic: steepest descent against CG on the synthetic coupled problems of report 13
// (REPORTS.md §13.7, docs/decoupling-ladder.md), dimension 400.
//
// Sample runs:
//   build/bin/gdcg_synthetic                                  # rho 1e2,1e4,1e6; w 1e-3,1e-2,1e-1
//   build/bin/gdcg_synthetic -rho 1e2,1e4 -gd_cap 200000 -o synthetic.h5
//   /usr/bin/python3 postprocess/plot_synthetic.py gdcg_synthetic.h5   # the figure
//
// Description:
//   Rank-1 problem A = I + rho v v^T (a MATSHELL): CG and GD (KSP sd) on a random b and on the
//   worst case b = v + w_perp, stopping on the relative 2-norm error -eps against the
//   Sherman-Morrison solution. CG needs 2 iterations at every rho; GD on the worst b contracts
//   by exactly (kappa-1)/(kappa+1) per step, ceil(ln(1/eps)/ln((kappa+1)/(kappa-1))) steps. A GD
//   run is capped at -gd_cap steps; a capped run reports its measured rate and the count
//   extrapolated from it beside the closed form. Three-cluster problem A = Q diag(lambda) Q^T
//   (a dense matrix): CG iterations against the cluster width. Everything goes to one HDF5 file
//   (groups /rank1/rho_<rho>, /clusters/w_<w>) and a table on stdout.
static const char help[] =
    "Steepest descent vs CG on synthetic spectra: the rank-1 problem I + rho v v^T and three\n"
    "eigenvalue clusters (report 13, dimension 400).\n\n"
    "  -rho <list>        rank-1 weights (default 1e2,1e4,1e6)\n"
    "  -widths <list>     relative cluster widths (default 1e-3,1e-2,1e-1)\n"
    "  -N <int>           rank-1 dimension (default 400; the clusters are 300+80+20)\n"
    "  -eps <real>        relative 2-norm error to stop at (default 1e-10)\n"
    "  -gd_cap <int>      most GD steps run (default 120000); beyond, the count is extrapolated\n"
    "  -cg_max_it <int>   most CG iterations (default 2000)\n"
    "  -seed_v, -seed_b   seeds of v and of the random b (default 1, 2)\n"
    "  -o <file.h5>       results file (default gdcg_synthetic.h5)\n\n";

#include <petscksp.h>

#include <cstdio>
#include <string>
#include <vector>

#include "io/results_file.h"
#include "runtime/app.h"
#include "runtime/run_metadata.h"
#include "synthetic/synthetic.h"

#define MAX_LIST 16

static PetscErrorCode WriteRun(ResultsFile *rf, const char *group, const char *name,
                               const SyntheticRun &r)
{
  PetscMPIInt rank;
  std::string n(name);

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(rf->comm, &rank));
  PetscCall(ResultsFileWriteArray(rf, group, (n + "_error").c_str(),
                                  rank ? 0 : (PetscInt)r.error.size(), r.error.data()));
  PetscCall(ResultsFileWriteInt(rf, group, (n + "_iterations").c_str(), r.iterations));
  PetscCall(ResultsFileWriteInt(rf, group, (n + "_converged").c_str(), r.converged ? 1 : 0));
  PetscCall(ResultsFileWriteReal(rf, group, (n + "_final_error").c_str(), r.error.back()));
  PetscCall(ResultsFileWriteReal(rf, group, (n + "_rate").c_str(), r.rate));
  PetscCall(ResultsFileWriteInt(rf, group, (n + "_predicted").c_str(), r.predicted));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(MPI_Comm comm, ResultsFile *rf)
{
  PetscReal rho[MAX_LIST] = {1e2, 1e4, 1e6}, widths[MAX_LIST] = {1e-3, 1e-2, 1e-1}, eps = 1e-10;
  PetscInt  nrho = MAX_LIST, nwidths = MAX_LIST, N = 400, gd_cap = 120000, cg_max_it = 2000;
  PetscInt  seed_v = 1, seed_b = 2;
  PetscBool set_rho, set_w;
  char      output[PETSC_MAX_PATH_LEN] = "gdcg_synthetic.h5";
  PetscBool help_asked                 = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "gdcg_synthetic options", NULL);
  PetscCall(PetscOptionsRealArray("-rho", "Rank-1 weights", NULL, rho, &nrho, &set_rho));
  PetscCall(
      PetscOptionsRealArray("-widths", "Relative cluster widths", NULL, widths, &nwidths, &set_w));
  PetscCall(PetscOptionsInt("-N", "Rank-1 dimension", NULL, N, &N, NULL));
  PetscCall(PetscOptionsReal("-eps", "Relative error to stop at", NULL, eps, &eps, NULL));
  PetscCall(PetscOptionsInt("-gd_cap", "Most GD steps run", NULL, gd_cap, &gd_cap, NULL));
  PetscCall(PetscOptionsInt("-cg_max_it", "Most CG iterations", NULL, cg_max_it, &cg_max_it, NULL));
  PetscCall(PetscOptionsInt("-seed_v", "Seed of v", NULL, seed_v, &seed_v, NULL));
  PetscCall(PetscOptionsInt("-seed_b", "Seed of the random b", NULL, seed_b, &seed_b, NULL));
  PetscCall(
      PetscOptionsString("-o", "Results file (HDF5)", NULL, output, output, sizeof(output), NULL));
  PetscOptionsEnd();
  if (!set_rho) nrho = 3;
  if (!set_w) nwidths = 3;
  PetscCall(PetscOptionsHasHelp(NULL, &help_asked));
  if (help_asked) PetscFunctionReturn(0);
  PetscCheck(N >= 2 && N <= 100000000, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-N must lie in [2, 1e8], got %" PetscInt_FMT, N);
  PetscCheck(eps > 0 && eps < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-eps must lie in (0, 1)");
  PetscCheck(gd_cap >= 1 && cg_max_it >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-gd_cap and -cg_max_it must be at least 1");
  for (PetscInt k = 0; k < nrho; k++)
    PetscCheck(rho[k] > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-rho values must be > 0");
  for (PetscInt k = 0; k < nwidths; k++)
    PetscCheck(widths[k] >= 0 && widths[k] < 2, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-widths values must lie in [0, 2)");

  PetscCall(ResultsFileOpen(comm, output, rf));
  PetscCall(ResultsFileWriteRunMetadata(rf, "gdcg_synthetic", {"rank1", "clusters"}, {"cg", "sd"}));
  PetscCall(PetscPrintf(comm,
                        "\nrank-1 problem A = I + rho v v^T, N = %" PetscInt_FMT
                        ", relative 2-norm error %g, GD capped at %" PetscInt_FMT "\n",
                        N, (double)eps, gd_cap));
  PetscCall(PetscPrintf(comm, "%10s %10s %8s %8s %12s %12s %12s %12s %10s\n", "rho", "kappa",
                        "CG rand", "CG worst", "CG error", "GD worst", "GD extrap.", "closed form",
                        "GD random"));
  for (PetscInt k = 0; k < nrho; k++) {
    SyntheticProblem worst, random;
    SyntheticRun     cg_w, cg_r, gd_w, gd_r;
    char             group[64];
    PetscCall(SyntheticRank1Create(comm, N, rho[k], SYNTHETIC_RHS_WORST, (unsigned)seed_v,
                                   (unsigned)seed_b, &worst));
    PetscCall(SyntheticRank1Create(comm, N, rho[k], SYNTHETIC_RHS_RANDOM, (unsigned)seed_v,
                                   (unsigned)seed_b, &random));
    PetscCall(SyntheticSolve(&worst, "cg", eps, cg_max_it, &cg_w));
    PetscCall(SyntheticSolve(&random, "cg", eps, cg_max_it, &cg_r));
    PetscCall(SyntheticSolve(&worst, "sd", eps, gd_cap, &gd_w));
    PetscCall(SyntheticSolve(&random, "sd", eps, gd_cap, &gd_r));
    const PetscInt closed = SyntheticGDWorstCaseSteps(worst.kappa, eps);
    PetscCall(PetscPrintf(comm,
                          "%10.3g %10.4g %8" PetscInt_FMT " %8" PetscInt_FMT
                          " %12.2e %11" PetscInt_FMT "%s %12" PetscInt_FMT " %12" PetscInt_FMT
                          " %10" PetscInt_FMT "%s\n",
                          (double)rho[k], (double)worst.kappa, cg_r.iterations, cg_w.iterations,
                          (double)PetscMax(cg_w.error.back(), cg_r.error.back()), gd_w.iterations,
                          gd_w.converged ? " " : "+", gd_w.predicted, closed, gd_r.iterations,
                          gd_r.converged ? "" : "+"));
    snprintf(group, sizeof(group), "/rank1/rho_%g", (double)rho[k]); // PetscSNPrintf: "100."
    PetscCall(ResultsFileWriteReal(rf, group, "rho", rho[k]));
    PetscCall(ResultsFileWriteReal(rf, group, "kappa", worst.kappa));
    PetscCall(ResultsFileWriteInt(rf, group, "N", N));
    PetscCall(ResultsFileWriteInt(rf, group, "gd_worst_closed_form", closed));
    PetscCall(ResultsFileWriteReal(rf, group, "gd_worst_rate_theory",
                                   (worst.kappa - 1) / (worst.kappa + 1)));
    PetscCall(WriteRun(rf, group, "cg_worst", cg_w));
    PetscCall(WriteRun(rf, group, "cg_random", cg_r));
    PetscCall(WriteRun(rf, group, "gd_worst", gd_w));
    PetscCall(WriteRun(rf, group, "gd_random", gd_r));
    PetscCall(SyntheticDestroy(&worst));
    PetscCall(SyntheticDestroy(&random));
  }
  PetscCall(PetscPrintf(comm, "(+: capped at -gd_cap; 'GD extrap.' is the count extrapolated from "
                              "the measured rate)\n"));

  PetscCall(PetscPrintf(comm, "\nthree clusters 1, 1e3, 1e6 (x 300, 80, 20), N = 400\n"));
  PetscCall(PetscPrintf(comm, "%10s %12s %8s %12s\n", "width", "kappa", "CG its", "CG error"));
  for (PetscInt k = 0; k < nwidths; k++) {
    SyntheticProblem p;
    SyntheticRun     cg;
    char             group[64];
    PetscMPIInt      rank;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    PetscCall(SyntheticClustersCreate(comm, widths[k], &p));
    PetscCall(SyntheticSolve(&p, "cg", eps, cg_max_it, &cg));
    PetscCall(PetscPrintf(comm, "%10.3g %12.6g %8" PetscInt_FMT "%s %12.2e\n", (double)widths[k],
                          (double)p.kappa, cg.iterations, cg.converged ? " " : "+",
                          (double)cg.error.back()));
    snprintf(group, sizeof(group), "/clusters/w_%g", (double)widths[k]);
    PetscCall(ResultsFileWriteReal(rf, group, "width", widths[k]));
    PetscCall(ResultsFileWriteReal(rf, group, "kappa", p.kappa));
    PetscCall(ResultsFileWriteArray(
        rf, group, "eigenvalues", rank ? 0 : (PetscInt)p.eigenvalues.size(), p.eigenvalues.data()));
    PetscCall(WriteRun(rf, group, "cg", cg));
    PetscCall(SyntheticDestroy(&p));
  }
  PetscCall(ResultsFileCommit(rf));
  PetscCall(PetscPrintf(comm, "\nresults written to %s\n", output));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
