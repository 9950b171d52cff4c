// nystrom_kernel: the favourable case of the Nystrom preconditioner.
//
// Build:  cmake --build build --target nystrom_kernel
// Sample runs:
//   build/bin/nystrom_kernel
//   build/bin/nystrom_kernel -n_points 4000 -kernel_mu 1e-3 -kernel_lengthscale 0.1
//   mpirun -n 2 build/bin/nystrom_kernel -kernel_type matern52 -pc_nystrom_rank 300
//
// Description: solves the kernel ridge system (K + mu I) x = b (kernel_problem.h: N scattered
// points in the unit square, an RBF or Matern kernel, b noisy samples of a smooth function) by
// plain CG and by CG preconditioned with PC nystrom, which sketches K (a MATSHELL around the
// dense K + mu I) and uses the regularization mu in Eq. 5.3 of arXiv:2110.02820. The fast
// spectral decay of K makes d_eff(mu) = tr(K (K + mu I)^{-1}) small, and Theorem 5.1 of the
// paper gives E kappa(P^{-1/2}(K + mu I)P^{-1/2}) < 28 for l = 2 ceil(1.5 d_eff) + 1.
// Without -pc_nystrom_rank the program sweeps l over d_eff/4, d_eff/2, d_eff and that value.
// Every solve uses the solve protocol (docs/protocol.md) (CG, unpreconditioned norm, rtol 1e-10,
// atol 0), with at most 10000 iterations. The condition numbers of the preconditioned operator come
// from SLEPc (Krylov-Schur on P^{-1/2}(K + mu I)P^{-1/2}, for l >= d_eff unless -kernel_kappa_all),
// those of K + mu I from LAPACK; kappa_cg is PETSc's estimate from the CG Lanczos coefficients.
// The KSPs have the options prefixes plain_ and nys_ (e.g. -nys_ksp_view).
#include <petscksp.h>

#include <new>
#include <vector>

#include "kernel/kernel_problem.h"
#include "preconditioners/nystrom/nystrom.h"
#include "runtime/app.h"
#include "solve/protocol.h"

static const char help[] =
    "Kernel ridge regression (K + mu I) x = b: plain CG against Nystrom-preconditioned CG.\n"
    "  -kernel_type <rbf|matern32|matern52>  kernel (default rbf)\n"
    "  -n_points <N>              number of scattered points (default 2000)\n"
    "  -kernel_lengthscale <s>    kernel length scale (default 0.2)\n"
    "  -kernel_mu <mu>            ridge regularization (default 1e-2)\n"
    "  -kernel_seed <s>           seed of the points and noise (default 1)\n"
    "  -pc_nystrom_rank <l>       one sketch size instead of the sweep\n"
    "  -pc_nystrom_seed <s>       seed of the Gaussian sketch (default 0)\n"
    "  -kernel_kappa <bool>       compute the condition numbers (default true)\n";

typedef struct {
  PetscInt           rank, retained, iterations;
  KSPConvergedReason reason;
  PetscReal          kappa;    // SLEPc, -1 if not computed
  PetscReal          kappa_cg; // estimate from the CG Lanczos coefficients
  PetscReal          setup_seconds, solve_seconds, lambda_1, lambda_l;
} KernelRun;

// The solve protocol (docs/protocol.md), up to 10000 iterations here, then the user's options.
static PetscErrorCode KernelKSPCreate(MPI_Comm comm, const char *prefix, Mat A, Mat P, KSP *ksp)
{
  PetscFunctionBeginUser;
  PetscCall(KSPCreate(comm, ksp));
  PetscCall(KSPSetOptionsPrefix(*ksp, prefix));
  PetscCall(KSPSetOperators(*ksp, A, P));
  PetscCall(KSPSetSolveProtocol(*ksp));
  PetscCall(KSPSetTolerances(*ksp, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  PetscCall(KSPSetComputeSingularValues(*ksp, PETSC_TRUE));
  PetscFunctionReturn(0);
}

// Sets the KSP up, solves K x = b from zero (timed) and records iterations, reason, solve
// seconds and CG's own kappa estimate in run.
static PetscErrorCode SetUpAndSolve(KSP ksp, Vec b, KernelRun *run)
{
  Vec            x;
  PetscLogDouble t0, t1;
  PetscReal      emax, emin;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(b, &x));
  PetscCall(KSPSetUp(ksp));
  PetscCall(PetscTime(&t0));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(PetscTime(&t1));
  PetscCall(KSPGetIterationNumber(ksp, &run->iterations));
  PetscCall(KSPGetConvergedReason(ksp, &run->reason));
  PetscCall(KSPComputeExtremeSingularValues(ksp, &emax, &emin));
  run->kappa_cg      = emax / emin;
  run->solve_seconds = (PetscReal)(t1 - t0);
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

static PetscErrorCode SolvePlain(const KernelProblem *kp, KernelRun *run)
{
  KSP ksp;
  PC  pc;

  PetscFunctionBeginUser;
  PetscCall(KernelKSPCreate(PetscObjectComm((PetscObject)kp->A), "plain_", kp->A, kp->A, &ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(SetUpAndSolve(ksp, kp->b, run));
  run->rank          = 0;
  run->setup_seconds = 0.0;
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(0);
}

static PetscErrorCode SolveNystrom(const KernelProblem *kp, PetscInt rank, PetscBool kappa,
                                   KernelRun *run)
{
  KSP              ksp;
  PC               pc;
  PetscInt         l;
  const PetscReal *lambda;
  PetscReal        lmin, lmax;

  PetscFunctionBeginUser;
  // Amat = K + mu I (dense), Pmat = K (shell): the PC sketches K and adds mu itself.
  PetscCall(KernelKSPCreate(PetscObjectComm((PetscObject)kp->A), "nys_", kp->A, kp->K, &ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, "nystrom"));
  PetscCall(PCNystromSetRank(pc, rank));
  PetscCall(PCNystromSetMu(pc, kp->opts.mu));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(SetUpAndSolve(ksp, kp->b, run));
  PetscCall(PCNystromGetEigenvalues(pc, &l, &run->retained, &lambda));
  PetscCall(PCNystromGetSetupInfo(pc, NULL, NULL, &run->setup_seconds));
  run->rank     = l;
  run->lambda_1 = lambda[0];
  run->lambda_l = lambda[l - 1];
  run->kappa    = -1.0;
  if (kappa) {
    PetscCall(SymmetricPreconditionedExtremes(pc, kp->A, &lmin, &lmax));
    run->kappa = lmax / lmin;
  }
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunKernel(MPI_Comm comm)
{
  KernelOptions          opts;
  KernelProblem          kp;
  KernelSpectrum         spec;
  KernelRun              plain;
  std::vector<KernelRun> runs;
  std::vector<PetscInt>  ranks;
  PetscInt               rank = 0;
  PetscBool              rank_set, kappa = PETSC_TRUE, kappa_all = PETSC_FALSE;
  PetscMPIInt            size;

  PetscFunctionBeginUser;
  PetscCall(KernelOptionsFromCommandLine(comm, &opts));
  PetscOptionsBegin(comm, NULL, "nystrom_kernel options", NULL);
  PetscCall(PetscOptionsInt("-pc_nystrom_rank", "One sketch size l instead of the sweep", NULL,
                            rank, &rank, &rank_set));
  PetscCall(PetscOptionsBool("-kernel_kappa", "Compute condition numbers with SLEPc", NULL, kappa,
                             &kappa, NULL));
  PetscCall(PetscOptionsBool("-kernel_kappa_all",
                             "Also for l < d_eff, where the eigensolver is slow (wide spectrum)",
                             NULL, kappa_all, &kappa_all, NULL));
  PetscOptionsEnd();
  PetscCheck(!rank_set || (rank >= 1 && rank <= opts.n_points), comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-pc_nystrom_rank must be in [1, %" PetscInt_FMT "], got %" PetscInt_FMT,
             opts.n_points, rank);
  PetscCallMPI(MPI_Comm_size(comm, &size));

  PetscCall(KernelProblemCreate(comm, &opts, &kp));
  PetscCall(KernelSpectrumCompute(&kp, &spec));
  PetscCall(PetscPrintf(comm,
                        "kernel ridge system (K + mu I) x = b: %s kernel, N = %" PetscInt_FMT
                        " points in the unit square, lengthscale %g, mu = %g, %d rank%s\n",
                        opts.kernel, opts.n_points, (double)opts.lengthscale, (double)opts.mu, size,
                        size > 1 ? "s" : ""));
  PetscCall(PetscPrintf(comm,
                        "eigenvalues of K: lambda_1 = %.6g, lambda_N = %.3g; d_eff(mu) = %.2f; "
                        "l = 2 ceil(1.5 d_eff) + 1 = %" PetscInt_FMT "; kappa(K + mu I) = %.4g\n\n",
                        (double)spec.lambda_max, (double)spec.lambda_min, (double)spec.d_eff,
                        spec.rank_theory, (double)spec.kappa));

  if (rank_set)
    ranks.push_back(rank);
  else {
    const PetscInt d = (PetscInt)PetscCeilReal(spec.d_eff);
    for (PetscInt l : {(d + 3) / 4, (d + 1) / 2, d, spec.rank_theory})
      if (l >= 1 && (ranks.empty() || l > ranks.back()))
        ranks.push_back(PetscMin(l, opts.n_points));
  }

  PetscCall(SolvePlain(&kp, &plain));
  for (PetscInt l : ranks) {
    KernelRun r;
    // Below d_eff the preconditioned spectrum is wide and its lower end sits in a huge
    // cluster: Krylov-Schur needs thousands of products there, so by default only the CG
    // estimate is shown.
    PetscCall(
        SolveNystrom(&kp, l, (PetscBool)(kappa && (kappa_all || rank_set || l >= spec.d_eff)), &r));
    runs.push_back(r);
  }

  PetscCall(PetscPrintf(comm, "%-12s %6s %9s %6s %11s %11s %12s %12s %9s %9s  %s\n", "method", "l",
                        "retained", "its", "kappa", "kappa_cg", "lambda_hat_1", "lambda_hat_l",
                        "setup s", "solve s", "status"));
  PetscCall(PetscPrintf(comm,
                        "%-12s %6s %9s %6" PetscInt_FMT " %11.4g %11.4g %12s %12s %9s %9.3f  %s\n",
                        "CG", "-", "-", plain.iterations, (double)spec.kappa,
                        (double)plain.kappa_cg, "-", "-", "-", (double)plain.solve_seconds,
                        plain.reason > 0 ? "converged" : KSPConvergedReasons[plain.reason]));
  for (const KernelRun &r : runs) {
    char kap[32];
    if (r.kappa > 0)
      PetscCall(PetscSNPrintf(kap, sizeof(kap), r.kappa < 1e3 ? "%.4f" : "%.4g", (double)r.kappa));
    else
      PetscCall(PetscStrncpy(kap, "-", sizeof(kap)));
    PetscCall(PetscPrintf(comm,
                          "%-12s %6" PetscInt_FMT " %9" PetscInt_FMT " %6" PetscInt_FMT
                          " %11s %11.4g %12.4g %12.4g %9.3f %9.3f  %s%s\n",
                          "Nystrom PCG", r.rank, r.retained, r.iterations, kap, (double)r.kappa_cg,
                          (double)r.lambda_1, (double)r.lambda_l, (double)r.setup_seconds,
                          (double)r.solve_seconds,
                          r.reason > 0 ? "converged" : KSPConvergedReasons[r.reason],
                          r.rank == spec.rank_theory ? "  (l of Theorem 5.1)" : ""));
  }
  PetscCall(KernelProblemDestroy(&kp));
  PetscFunctionReturn(0);
}

// A C++ exception (std::bad_alloc of a container) is one error line, not a crash.
static PetscErrorCode Run(MPI_Comm comm, ResultsFile *)
{
  PetscFunctionBeginUser;
  try {
    PetscCall(RunKernel(comm));
  } catch (const std::bad_alloc &) {
    SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE,
            "out of memory: the problem is too large for this machine");
  } catch (const std::exception &e) {
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s", e.what());
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
