// poisson_bench: how close CG comes to the memory-bandwidth roofline, matrix-free against
// assembled, and time-to-solution of every method against GAMG.
//
// Sample runs:
//   build/bin/poisson_bench                                   # everything, results/bench.json
//   build/bin/poisson_bench -bench_parts stream,iteration -bench_sizes 1024
//   mpirun -n 2 build/bin/poisson_bench -bench_parts stream,iteration -o results/bench_np2.json
//
// Description:
//   stream     STREAM-style triad a = b + s c on arrays far larger than the caches, every rank
//              at once; the best of -bench_reps repetitions gives the bandwidth B (bytes/s).
//   iteration  plain CG (no preconditioner) for a fixed number of iterations on the constant
//              problem, -operator aij and stencil, at each -bench_sizes n. The bytes one
//              iteration must move are counted from PETSc's KSPCG loop (see BytesPerIteration),
//              so the roofline time is bytes / B; the measured time is reported as a fraction
//              of it and as the ratio stencil / aij.
//   tts        time-to-solution (setup + solve, relative residual -bench_tts_rtol) at
//              n = -bench_tts_n for each method of -bench_tts_methods, each in its own
//              poisson_solve process (so its memory high-water mark is its own, read from
//              wait4's rusage), as a ratio to GAMG measured in the same run. Only on one rank;
//              the solves use -bench_tts_ranks ranks through mpirun.
//   dst        (not in the default parts) one application of PC dst on the constant problem
//              at each -bench_dst_sizes n, on the bench's own ranks: best of -bench_reps
//              PCApply timings against one plain CG iteration (aij and stencil, as in
//              `iteration`) and against the roofline of the application's nine passes over
//              the N-vector (144 bytes per unknown, see DstBytesPerUnknown); the PC takes
//              options under the prefix bench_dst_ (-bench_dst_pc_dst_fftw_planner measure).
//   decoupling (not in the default parts) time-to-solution of the report-13 solvers against
//              GAMG and BoomerAMG in the same run: at each -bench_dec_sizes n, the constant
//              problem with -bench_dec_constant (default gamg,hypre,dst: dst is one
//              application) and the variable problem with -bench_dec_variable (default
//              gamg,hypre,dst_cg,adi_cg), each in its own poisson_solve process on
//              -bench_dec_ranks ranks (default 2), relative residual -bench_tts_rtol, the
//              right-hand side -bench_dec_rhs (default rod: the GRF needs an even n).
//              Only on one rank. -bench_dec_options adds options to every solve, as a list
//              name[=value],... without the dashes
//              (adi_cg_pc_adi_shifts=8,dst_cg_pc_dst_separable).
//   Every time-to-solution solve stops on the residual: -<method>_ksp_converged_error false
//   is passed, so no method file's error criterion puts a direct solve into a timed run.
static const char help[] = "Roofline and time-to-solution benchmark of the Poisson CG solvers.\n"
                           "  -bench_parts stream,iteration,tts[,dst,decoupling]\n"
                           "  -bench_sizes 1024,2048  -bench_iterations 50  -bench_reps 3\n"
                           "  -bench_tts_n 1024  -bench_tts_methods none,jacobi,...\n"
                           "  -bench_tts_rtol 1e-8  -bench_tts_ranks 1\n"
                           "  -bench_dst_sizes 1023,1024,2047,2048\n"
                           "  -bench_dec_sizes 1023,1024,2047,2048  -bench_dec_ranks 2\n"
                           "  -bench_dec_constant gamg,hypre,dst  -bench_dec_rhs rod\n"
                           "  -bench_dec_variable gamg,hypre,dst_cg,adi_cg\n"
                           "  -bench_dec_options adi_cg_pc_adi_shifts=8,dst_cg_pc_dst_separable\n"
                           "  -o results/bench.json\n\n";

#include <fcntl.h>
#include <hdf5.h>
#include <petscksp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "core/name_list.h"
#include "io/hdf5_query.h"
#include "io/output_file.h"
#include "problems/problem.h"
#include "runtime/app.h"
#include "runtime/run_metadata.h"

#ifndef POISSON_BIN_DIR
#define POISSON_BIN_DIR "build/bin"
#endif

namespace {

struct IterationResult {
  PetscInt  n;
  PetscReal seconds[2]; // aij, stencil: per iteration
  PetscReal bytes[2];   // per iteration
};

struct TTSResult {
  std::string method, problem;
  PetscInt    n          = 0;
  PetscInt    iterations = -1;
  int         converged  = 0;
  double      setup = 0, solve = 0, maxrss_mb = 0, true_relres = -1;
  bool        ok = false;
};

struct DstResult {
  PetscInt        n;
  PetscReal       setup, apply, relres; // KSPSetUp (reading the operator, FFTW plans); one PCApply
  IterationResult cg;                   // one plain CG iteration, aij and stencil
};

// Triad a[i] = b[i] + s c[i]: 24 bytes per element counted (STREAM's convention: the
// write-allocate read of a is not counted, and the same convention is used below).
PetscErrorCode StreamTriad(MPI_Comm comm, PetscInt reps, PetscReal *bandwidth)
{
  const size_t        len = 16u << 20; // 16 Mi doubles = 128 MiB per array and rank
  std::vector<double> a(len, 0.0), b(len, 1.0), c(len, 2.0);
  PetscLogDouble      best = 1e30;
  PetscMPIInt         size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  for (PetscInt r = 0; r < reps + 1; r++) {
    PetscLogDouble t0, t1, tmax;
    PetscCallMPI(MPI_Barrier(comm));
    PetscCall(PetscTime(&t0));
    const double s = 3.0;
    for (size_t i = 0; i < len; i++) a[i] = b[i] + s * c[i];
    PetscCall(PetscTime(&t1));
    t1 -= t0;
    PetscCallMPI(MPI_Allreduce(&t1, &tmax, 1, MPI_DOUBLE, MPI_MAX, comm));
    if (r > 0) best = PetscMin(best, tmax); // the first pass faults the pages in
  }
  if (a[len / 2] != 7.0) SETERRQ(comm, PETSC_ERR_PLIB, "triad computed a wrong value");
  *bandwidth = 24.0 * (double)len * size / best;
  PetscFunctionReturn(0);
}

// Bytes one KSPCG iteration (unpreconditioned norm, PC none) moves per unknown, counted from
// PETSc 3.18's loop as -log_view reports it per iteration: 2 VecTDot (16 B each), 1 VecNorm
// (8), 1 VecCopy by PCNONE (16), 2 VecAXPY (24 each), 1 VecAYPX (24), and MatMult reading p
// and writing Ap (16): 144 bytes. AIJ adds its values (8 B) and column indices (4 B) per
// nonzero and one row pointer (4 B) per row; the stencil adds nothing per unknown.
PetscReal BytesPerIteration(PetscInt n, bool aij)
{
  const PetscReal N = (PetscReal)n * n, nnz = 5.0 * N - 4.0 * n;
  return 144.0 * N + (aij ? 12.0 * nnz + 4.0 * (N + 1) : 0.0);
}

// Bytes one PC dst application moves per unknown (PCApply_Dst, core/grid_lines): nine passes
// that each read and write the N-vector once (16 bytes): copy in, FFT batch along the rows,
// transpose, FFT batch along the columns, divide by the eigenvalues, FFT along the columns,
// transpose back, FFT along the rows, copy out. Each 1-D transform of a batch works on one
// cache-resident grid line; the VecScatter index lists are not counted.
PetscReal DstBytesPerUnknown()
{
  return 9 * 16.0;
}

PetscErrorCode TimeIterations(MPI_Comm comm, PetscInt n, PetscInt its, PetscInt reps,
                              IterationResult *res)
{
  PetscFunctionBeginUser;
  res->n = n;
  for (int k = 0; k < 2; k++) {
    ProblemOptions opts;
    Problem        p;
    KSP            ksp;
    PC             pc;
    Vec            x;
    PetscLogDouble best = 1e30;
    PetscCall(ProblemOptionsFromCommandLine(comm, "constant", &opts));
    opts.n = n;
    PetscCall(PetscStrncpy(opts.operator_type, k ? "stencil" : "aij", sizeof(opts.operator_type)));
    PetscCall(ProblemCreate(comm, &opts, &p));
    PetscCall(KSPCreate(comm, &ksp));
    PetscCall(KSPSetOperators(ksp, p.Aop, p.A));
    PetscCall(KSPSetType(ksp, KSPCG));
    PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
    PetscCall(KSPSetTolerances(ksp, 0.0, 0.0, PETSC_DEFAULT, its));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PCSetType(pc, PCNONE));
    PetscCall(KSPSetUp(ksp));
    PetscCall(VecDuplicate(p.b, &x));
    for (PetscInt r = 0; r < reps + 1; r++) {
      PetscLogDouble t0, t1;
      PetscInt       done;
      PetscCall(PetscBarrier((PetscObject)ksp));
      PetscCall(PetscTime(&t0));
      PetscCall(KSPSolve(ksp, p.b, x));
      PetscCall(PetscTime(&t1));
      PetscCall(KSPGetIterationNumber(ksp, &done));
      PetscCheck(done == its, comm, PETSC_ERR_PLIB, "expected %" PetscInt_FMT " iterations", its);
      if (r > 0) best = PetscMin(best, (t1 - t0) / its);
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &best, 1, MPI_DOUBLE, MPI_MAX, comm));
    res->seconds[k] = best;
    res->bytes[k]   = BytesPerIteration(n, k == 0);
    PetscCall(VecDestroy(&x));
    PetscCall(KSPDestroy(&ksp));
    PetscCall(ProblemDestroy(&p));
  }
  PetscFunctionReturn(0);
}

// One application of PC dst on the constant problem (assembled operator, the rods' b): the KSP
// set-up (reading the operator, FFTW plans), the best of reps PCApply after a warm-up, and the
// relative residual of y = M^{-1} b (M^{-1} = A^{-1}: ~kappa(A) eps).
PetscErrorCode TimeDst(MPI_Comm comm, PetscInt n, PetscInt reps, DstResult *res)
{
  ProblemOptions opts;
  Problem        p;
  KSP            ksp;
  PC             pc;
  Vec            y, r;
  PetscLogDouble t0, t1, best = 1e30;
  PetscReal      rnorm, bnorm;

  PetscFunctionBeginUser;
  res->n = n;
  PetscCall(ProblemOptionsFromCommandLine(comm, "constant", &opts));
  opts.n = n;
  PetscCall(PetscStrncpy(opts.operator_type, "aij", sizeof(opts.operator_type)));
  PetscCall(PetscStrncpy(opts.rhs, "rod", sizeof(opts.rhs))); // the GRF needs an even n
  PetscCall(ProblemCreate(comm, &opts, &p));
  PetscCall(KSPCreate(comm, &ksp));
  PetscCall(KSPSetOptionsPrefix(ksp, "bench_dst_"));
  PetscCall(KSPSetOperators(ksp, p.A, p.A));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, "dst"));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(PetscBarrier((PetscObject)ksp));
  PetscCall(PetscTime(&t0));
  PetscCall(KSPSetUp(ksp));
  PetscCall(PetscBarrier((PetscObject)ksp));
  PetscCall(PetscTime(&t1));
  res->setup = t1 - t0;
  PetscCall(VecDuplicate(p.b, &y));
  PetscCall(VecDuplicate(p.b, &r));
  for (PetscInt k = 0; k < reps + 1; k++) {
    PetscCall(PetscBarrier((PetscObject)ksp));
    PetscCall(PetscTime(&t0));
    PetscCall(PCApply(pc, p.b, y));
    PetscCall(PetscBarrier((PetscObject)ksp));
    PetscCall(PetscTime(&t1));
    if (k > 0) best = PetscMin(best, t1 - t0); // the first pass faults the buffers in
  }
  res->apply = best;
  PetscCall(MatMult(p.A, y, r));
  PetscCall(VecAYPX(r, -1.0, p.b));
  PetscCall(VecNorm(r, NORM_2, &rnorm));
  PetscCall(VecNorm(p.b, NORM_2, &bnorm));
  res->relres = rnorm / bnorm;
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&y));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(ProblemDestroy(&p));
  PetscFunctionReturn(0);
}

// "3*683": the prime factors of m (FFTW's RODFT00 of size n runs a transform of length
// 2(n+1), so the factors of n + 1 set its speed).
std::string Factors(PetscInt m)
{
  std::string f;
  for (PetscInt q = 2; q * q <= m; q++) {
    int e = 0;
    while (m % q == 0) m /= q, e++;
    if (e) f += (f.empty() ? "" : "*") + std::to_string(q) + (e > 1 ? "^" + std::to_string(e) : "");
  }
  if (m > 1) f += (f.empty() ? "" : "*") + std::to_string(m);
  return f;
}

// One method in its own poisson_solve process; the high-water mark comes from wait4(). The
// child's argv is built here and run by execv/execvp, never through a shell (a method name is
// a single argument, whatever it holds; RunBench also checks the names).
TTSResult TimeToSolution(const std::string &problem, const std::string &method, PetscInt n,
                         PetscReal rtol, int ranks, const std::vector<std::string> &extra = {})
{
  TTSResult         r;
  const std::string out = "/tmp/poisson_bench_" + std::to_string(getpid()) + "_" + method + ".h5";
  char              tol[32];
  snprintf(tol, sizeof(tol), "%g", (double)rtol);
  std::vector<std::string> args;
  if (ranks > 1) args = {"mpirun", "--oversubscribe", "-n", std::to_string(ranks)};
  for (const std::string &a :
       {std::string(POISSON_BIN_DIR) + "/poisson_solve", std::string("-problem"), problem,
        std::string("-n"), std::to_string(n), std::string("-methods"), method,
        "-" + method + "_ksp_rtol", std::string(tol), "-" + method + "_ksp_max_it",
        std::string("100000"), "-" + method + "_ksp_converged_error", std::string("false"),
        std::string("-o"), out})
    args.push_back(a);
  for (const std::string &a : extra) args.push_back(a);
  std::vector<char *> argv;
  for (std::string &a : args) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  // The child is its own MPI job: the variables through which mpirun tells a process its place
  // in the current job (OMPI_*, PMIX_*, PMI_*, ...) would make it try to join ours and fail or
  // hang. OMPI_ALLOW_RUN_AS_ROOT* are kept.
  std::vector<char *> envp;
  for (char **e = environ; *e; e++) {
    const std::string v(*e);
    auto              starts = [&](const char *p) { return v.compare(0, strlen(p), p) == 0; };
    if ((starts("OMPI_") && !starts("OMPI_ALLOW_RUN_AS_ROOT")) || starts("PMIX_") ||
        starts("PMI_") || starts("ORTE_") || starts("OPAL_") || starts("HYDI_") ||
        starts("HYDRA_") || starts("MPIR_") || starts("MPI_LOCALRANKID") ||
        starts("MPI_LOCALNRANKS"))
      continue;
    envp.push_back(*e);
  }
  envp.push_back(nullptr);
  r.method  = method;
  r.problem = problem;
  r.n       = n;
  pid_t pid = fork();
  if (pid == 0) { // only async-signal-safe calls until exec
    const int null = open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, STDOUT_FILENO) < 0) _exit(127);
    if (ranks > 1)
      execvpe(argv[0], argv.data(), envp.data());
    else
      execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  int           status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) return r;
  const std::string g   = "/" + problem + "/" + method;
  const double      its = HDF5FileAttribute(out.c_str(), g.c_str(), "iterations");
  if (std::isnan(its)) return r;
  r.iterations  = (PetscInt)its;
  r.converged   = (int)HDF5FileAttribute(out.c_str(), g.c_str(), "converged");
  r.setup       = HDF5FileAttribute(out.c_str(), g.c_str(), "setup_seconds");
  r.solve       = HDF5FileAttribute(out.c_str(), g.c_str(), "solve_seconds");
  r.true_relres = HDF5FileAttribute(out.c_str(), g.c_str(), "true_relres");
  r.maxrss_mb   = ru.ru_maxrss / 1024.0;
  r.ok          = r.iterations >= 0;
  std::remove(out.c_str());
  return r;
}

} // namespace

static PetscErrorCode RunBench(MPI_Comm comm, ResultsFile *)
{
  char      parts[256] = "stream,iteration,tts", sizes[1024] = "1024,2048";
  char      methods[1024]              = "gamg,none,jacobi,icc,hypre";
  char      output[PETSC_MAX_PATH_LEN] = "results/bench.json";
  char      dst_sizes[1024] = "1023,1024,2047,2048", dec_sizes[1024] = "1023,1024,2047,2048";
  char      dec_constant[1024] = "gamg,hypre,dst", dec_variable[1024] = "gamg,hypre,dst_cg,adi_cg";
  char      dec_options[4096] = "", dec_rhs[64] = "rod";
  PetscInt  its = 50, reps = 3, tts_n = 1024, tts_ranks = 1, dec_ranks = 2;
  PetscReal tts_rtol = 1e-8, bandwidth = 0;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscOptionsBegin(comm, NULL, "poisson_bench options", NULL);
  PetscCall(PetscOptionsString("-bench_parts", "stream,iteration,tts", NULL, parts, parts,
                               sizeof(parts), NULL));
  PetscCall(PetscOptionsString("-bench_sizes", "Grid sizes n of the iteration part", NULL, sizes,
                               sizes, sizeof(sizes), NULL));
  PetscCall(
      PetscOptionsInt("-bench_iterations", "CG iterations per timing", NULL, its, &its, NULL));
  PetscCall(PetscOptionsInt("-bench_reps", "Repetitions (best is kept)", NULL, reps, &reps, NULL));
  PetscCall(PetscOptionsInt("-bench_tts_n", "Grid size of the time-to-solution part", NULL, tts_n,
                            &tts_n, NULL));
  PetscCall(PetscOptionsString("-bench_tts_methods", "Methods (gamg first: the reference)", NULL,
                               methods, methods, sizeof(methods), NULL));
  PetscCall(PetscOptionsReal("-bench_tts_rtol", "Relative residual of time-to-solution", NULL,
                             tts_rtol, &tts_rtol, NULL));
  PetscCall(PetscOptionsInt("-bench_tts_ranks", "Ranks of each time-to-solution solve", NULL,
                            tts_ranks, &tts_ranks, NULL));
  PetscCall(PetscOptionsString("-bench_dst_sizes", "Grid sizes n of the dst part", NULL, dst_sizes,
                               dst_sizes, sizeof(dst_sizes), NULL));
  PetscCall(PetscOptionsString("-bench_dec_sizes", "Grid sizes n of the decoupling part", NULL,
                               dec_sizes, dec_sizes, sizeof(dec_sizes), NULL));
  PetscCall(PetscOptionsInt("-bench_dec_ranks", "Ranks of each decoupling solve", NULL, dec_ranks,
                            &dec_ranks, NULL));
  PetscCall(PetscOptionsString("-bench_dec_constant", "Methods on the constant problem", NULL,
                               dec_constant, dec_constant, sizeof(dec_constant), NULL));
  PetscCall(PetscOptionsString("-bench_dec_variable", "Methods on the variable problem", NULL,
                               dec_variable, dec_variable, sizeof(dec_variable), NULL));
  PetscCall(PetscOptionsString("-bench_dec_options", "Options added to every decoupling solve",
                               NULL, dec_options, dec_options, sizeof(dec_options), NULL));
  PetscCall(PetscOptionsString("-bench_dec_rhs", "Right-hand side of the decoupling solves", NULL,
                               dec_rhs, dec_rhs, sizeof(dec_rhs), NULL));
  PetscCall(
      PetscOptionsString("-o", "JSON results file", NULL, output, output, sizeof(output), NULL));
  PetscOptionsEnd();
  // Every value is checked before any work, the output path first.
  PetscCall(OutputPathCheck(comm, output, "-o"));
  PetscCheck(its > 0 && reps > 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-bench_iterations and -bench_reps must be positive");
  const std::vector<std::string> want = SplitNameList(parts);
  for (const std::string &p : want)
    PetscCheck(p == "stream" || p == "iteration" || p == "tts" || p == "dst" || p == "decoupling",
               comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
               "unknown -bench_parts entry '%s' (known: stream, iteration, tts, dst, decoupling)",
               p.c_str());
  PetscCheck(!want.empty(), comm, PETSC_ERR_USER_INPUT, "-bench_parts lists no part");
  auto has = [&](const char *p) { return std::find(want.begin(), want.end(), p) != want.end(); };
  auto sizes_of = [&](const char *option, const char *list,
                      std::vector<PetscInt> *out) -> PetscErrorCode {
    PetscInt64 values[64];
    PetscInt   count;
    PetscFunctionBeginUser;
    PetscCall(ParseIntegerList(comm, option, list, values, 64, &count));
    for (PetscInt k = 0; k < count; k++) {
      PetscCall(ProblemCheckSize(comm, values[k], option));
      out->push_back((PetscInt)values[k]);
    }
    PetscFunctionReturn(0);
  };
  auto methods_of = [&](const char *option, const char *list,
                        std::vector<std::string> *out) -> PetscErrorCode {
    PetscFunctionBeginUser;
    *out = SplitNameList(list);
    PetscCheck(!out->empty(), comm, PETSC_ERR_USER_INPUT, "%s lists no method", option);
    for (const std::string &m : *out) {
      bool good = isalpha((unsigned char)m[0]);
      for (char c : m) good = good && (isalnum((unsigned char)c) || c == '_');
      PetscCheck(good, comm, PETSC_ERR_ARG_WRONG,
                 "%s: method name '%s' must start with a letter and hold only letters, digits "
                 "and '_'",
                 option, m.c_str());
    }
    PetscFunctionReturn(0);
  };
  std::vector<PetscInt> ns, dst_ns, dec_ns;
  if (has("iteration")) PetscCall(sizes_of("-bench_sizes", sizes, &ns));
  if (has("dst")) PetscCall(sizes_of("-bench_dst_sizes", dst_sizes, &dst_ns));
  if (has("tts") || has("decoupling")) {
    PetscCheck(size == 1, comm, PETSC_ERR_ARG_WRONG,
               "the tts and decoupling parts launch their own solves: run poisson_bench on one "
               "rank and set -bench_tts_ranks / -bench_dec_ranks");
    PetscCheck(tts_rtol > 0 && tts_rtol < 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-bench_tts_rtol must be in (0, 1), got %g", (double)tts_rtol);
  }
  std::vector<std::string> ms, dec_const, dec_var, dec_extra;
  if (has("tts")) {
    PetscCall(ProblemCheckSize(comm, tts_n, "-bench_tts_n"));
    PetscCheck(tts_ranks >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-bench_tts_ranks must be at least 1, got %" PetscInt_FMT, tts_ranks);
    PetscCall(methods_of("-bench_tts_methods", methods, &ms));
  }
  if (has("decoupling")) {
    PetscCall(sizes_of("-bench_dec_sizes", dec_sizes, &dec_ns));
    PetscCheck(dec_ranks >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-bench_dec_ranks must be at least 1, got %" PetscInt_FMT, dec_ranks);
    PetscCall(methods_of("-bench_dec_constant", dec_constant, &dec_const));
    PetscCall(methods_of("-bench_dec_variable", dec_variable, &dec_var));
    // name[=value],...: PETSc would read a value starting with '-' as an option of its own.
    dec_extra = {"-rhs", dec_rhs};
    for (const std::string &item : SplitNameList(dec_options)) {
      const size_t      eq   = item.find('=');
      const std::string name = item.substr(0, eq);
      bool              good = !name.empty() && isalpha((unsigned char)name[0]);
      for (char c : item) good = good && c != '"' && c != '\\' && !isspace((unsigned char)c);
      for (char c : name) good = good && (isalnum((unsigned char)c) || c == '_');
      PetscCheck(good && (eq == std::string::npos || eq + 1 < item.size()), comm,
                 PETSC_ERR_ARG_WRONG,
                 "-bench_dec_options: '%s' is not name or name=value (a list such as "
                 "adi_cg_pc_adi_shifts=8,dst_cg_pc_dst_separable)",
                 item.c_str());
      dec_extra.push_back("-" + name);
      if (eq != std::string::npos) dec_extra.push_back(item.substr(eq + 1));
    }
  }

  std::ostringstream json;
  json << "{\n  \"machine\": \"" << MachineDescription() << "\",\n  \"ranks\": " << size << ",\n";
  PetscCall(PetscPrintf(comm, "machine: %s; %d rank(s)\n", MachineDescription().c_str(), size));

  // The parts that launch solves come first: a forked child starts with this process's
  // resident set as its high-water mark (and execve keeps it), so they run while it is small.
  if (has("tts")) {
    std::vector<TTSResult> rows;
    PetscCall(PetscPrintf(comm,
                          "\ntime-to-solution, constant problem n = %" PetscInt_FMT
                          " (N = %" PetscInt_FMT "), rtol %g, %" PetscInt_FMT " rank(s)\n",
                          tts_n, tts_n * tts_n, (double)tts_rtol, tts_ranks));
    PetscCall(PetscPrintf(comm, "%-12s %6s %10s %10s %10s %10s %12s\n", "method", "its", "setup s",
                          "solve s", "total s", "/ gamg", "max RSS MB"));
    double gamg_total = -1;
    for (const std::string &m : ms) {
      TTSResult r = TimeToSolution("constant", m, tts_n, tts_rtol, (int)tts_ranks);
      rows.push_back(r);
      if (!r.ok) {
        PetscCall(PetscPrintf(comm, "%-12s failed (see: poisson_solve -methods %s)\n", m.c_str(),
                              m.c_str()));
        continue;
      }
      const double total = r.setup + r.solve;
      if (m == "gamg") gamg_total = total;
      PetscCall(PetscPrintf(comm, "%-12s %6" PetscInt_FMT " %10.3f %10.3f %10.3f %10.3f %12.0f%s\n",
                            m.c_str(), r.iterations, r.setup, r.solve, total,
                            gamg_total > 0 ? total / gamg_total : -1.0, r.maxrss_mb,
                            r.converged ? "" : "  (not converged)"));
    }
    json << "  \"tts\": {\"n\": " << tts_n << ", \"rtol\": " << tts_rtol
         << ", \"ranks\": " << tts_ranks << ", \"methods\": [\n";
    for (size_t k = 0; k < rows.size(); k++) {
      const TTSResult &r = rows[k];
      json << "    {\"method\": \"" << r.method << "\", \"ok\": " << (r.ok ? "true" : "false")
           << ", \"iterations\": " << r.iterations << ", \"converged\": " << r.converged
           << ", \"setup_seconds\": " << r.setup << ", \"solve_seconds\": " << r.solve
           << ", \"over_gamg\": " << (gamg_total > 0 ? (r.setup + r.solve) / gamg_total : -1)
           << ", \"maxrss_MB\": " << r.maxrss_mb << "}" << (k + 1 < rows.size() ? "," : "") << "\n";
    }
    json << "  ]},\n";
  }
  if (has("decoupling")) {
    std::vector<std::string> entries;
    PetscCall(PetscPrintf(
        comm,
        "\ntime-to-solution of the report-13 solvers against GAMG and BoomerAMG, "
        "rtol %g (residual criterion), right-hand side %s, %" PetscInt_FMT " rank(s)%s%s\n",
        (double)tts_rtol, dec_rhs, dec_ranks, dec_options[0] ? ", options " : "", dec_options));
    PetscCall(PetscPrintf(comm, "%6s %-9s %-12s %6s %9s %9s %9s %8s %8s %10s %9s\n", "n", "problem",
                          "method", "its", "setup s", "solve s", "total s", "/ gamg", "/ hypre",
                          "true res", "RSS MB"));
    json << "  \"decoupling\": {\"rtol\": " << tts_rtol << ", \"rhs\": \"" << dec_rhs
         << "\", \"ranks\": " << dec_ranks << ", \"options\": \"" << dec_options
         << "\", \"runs\": [\n";
    for (PetscInt n : dec_ns) {
      for (const char *problem : {"constant", "variable"}) {
        const std::vector<std::string> &list = problem[0] == 'c' ? dec_const : dec_var;
        std::vector<TTSResult>          block;
        double                          ref[2] = {-1, -1}; // gamg, hypre totals
        for (const std::string &m : list) {
          TTSResult r = TimeToSolution(problem, m, n, tts_rtol, (int)dec_ranks, dec_extra);
          if (r.ok && m == "gamg") ref[0] = r.setup + r.solve;
          if (r.ok && m == "hypre") ref[1] = r.setup + r.solve;
          block.push_back(r);
        }
        for (const TTSResult &r : block) {
          if (!r.ok) {
            PetscCall(PetscPrintf(comm,
                                  "%6" PetscInt_FMT " %-9s %-12s failed (see: poisson_solve "
                                  "-problem %s -n %" PetscInt_FMT " -methods %s)\n",
                                  n, problem, r.method.c_str(), problem, n, r.method.c_str()));
            continue;
          }
          const double total = r.setup + r.solve;
          PetscCall(PetscPrintf(comm,
                                "%6" PetscInt_FMT " %-9s %-12s %6" PetscInt_FMT
                                " %9.3f %9.3f %9.3f %8.3f %8.3f %10.1e %9.0f%s\n",
                                n, problem, r.method.c_str(), r.iterations, r.setup, r.solve, total,
                                ref[0] > 0 ? total / ref[0] : -1.0,
                                ref[1] > 0 ? total / ref[1] : -1.0, r.true_relres, r.maxrss_mb,
                                r.converged ? "" : "  (not converged)"));
        }
        for (const TTSResult &r : block) {
          const double       total = r.setup + r.solve;
          std::ostringstream e;
          e << "    {\"n\": " << n << ", \"problem\": \"" << problem << "\", \"method\": \""
            << r.method << "\", \"ok\": " << (r.ok ? "true" : "false")
            << ", \"iterations\": " << r.iterations << ", \"converged\": " << r.converged
            << ", \"setup_seconds\": " << r.setup << ", \"solve_seconds\": " << r.solve
            << ", \"total_seconds\": " << total
            << ", \"over_gamg\": " << (r.ok && ref[0] > 0 ? total / ref[0] : -1)
            << ", \"over_hypre\": " << (r.ok && ref[1] > 0 ? total / ref[1] : -1)
            << ", \"true_relres\": " << r.true_relres << ", \"maxrss_MB\": " << r.maxrss_mb << "}";
          entries.push_back(e.str());
        }
      }
    }
    for (size_t k = 0; k < entries.size(); k++)
      json << entries[k] << (k + 1 < entries.size() ? "," : "") << "\n";
    json << "  ]},\n";
  }
  if (has("stream") || has("iteration") || has("dst")) {
    PetscCall(StreamTriad(comm, reps, &bandwidth));
    PetscCall(PetscPrintf(comm, "\nSTREAM triad bandwidth: %.2f GB/s (all ranks together)\n",
                          bandwidth / 1e9));
    json << "  \"triad_bandwidth_GBs\": " << bandwidth / 1e9 << ",\n";
  }
  if (has("iteration")) {
    PetscCall(PetscPrintf(comm,
                          "\nbytes per CG iteration and unknown (KSPCG, PC none): vectors 144"
                          " (2 dots 32, norm 8, PC copy 16, 2 axpy 48, aypx 24, MatMult x/y 16)"
                          "; AIJ adds 12 per nonzero + 4 per row (~64), stencil adds 0\n"));
    PetscCall(PetscPrintf(comm, "%6s %12s %12s %12s %9s | %12s %12s %9s | %14s\n", "n", "aij s/it",
                          "roofline", "fraction", "", "stencil s/it", "roofline", "fraction",
                          "stencil/aij"));
    json << "  \"bytes_per_unknown\": {\"vectors\": 144, \"aij_extra_per_nonzero\": 12, "
            "\"aij_extra_per_row\": 4},\n  \"iteration\": [\n";
    for (size_t k = 0; k < ns.size(); k++) {
      IterationResult r;
      PetscCall(TimeIterations(comm, ns[k], its, reps, &r));
      const PetscReal roof[2] = {r.bytes[0] / bandwidth, r.bytes[1] / bandwidth};
      PetscCall(PetscPrintf(
          comm, "%6" PetscInt_FMT " %12.4e %12.4e %11.1f%% %9s | %12.4e %12.4e %8.1f%% | %14.3f\n",
          r.n, r.seconds[0], roof[0], 100 * roof[0] / r.seconds[0], "", r.seconds[1], roof[1],
          100 * roof[1] / r.seconds[1], r.seconds[1] / r.seconds[0]));
      json << "    {\"n\": " << r.n << ", \"aij_seconds\": " << r.seconds[0]
           << ", \"aij_bytes\": " << r.bytes[0]
           << ", \"aij_roofline_fraction\": " << roof[0] / r.seconds[0]
           << ", \"stencil_seconds\": " << r.seconds[1] << ", \"stencil_bytes\": " << r.bytes[1]
           << ", \"stencil_roofline_fraction\": " << roof[1] / r.seconds[1]
           << ", \"stencil_over_aij\": " << r.seconds[1] / r.seconds[0] << "}"
           << (k + 1 < ns.size() ? "," : "") << "\n";
    }
    json << "  ],\n";
  }
  if (has("dst")) {
    PetscCall(PetscPrintf(comm,
                          "\none PC dst application (constant problem, rod b) against one plain CG "
                          "iteration and against its roofline (%.0f bytes per unknown: 9 passes "
                          "over the N-vector)\n",
                          (double)DstBytesPerUnknown()));
    PetscCall(PetscPrintf(comm, "%6s %-10s %9s %10s %9s | %11s %11s | %8s %8s | %10s %8s\n", "n",
                          "n+1", "setup s", "apply s", "relres", "CG aij s", "CG stenc s",
                          "/CG aij", "/CG sten", "roofline s", "fraction"));
    json << "  \"dst_bytes_per_unknown\": " << DstBytesPerUnknown() << ",\n  \"dst\": [\n";
    for (size_t k = 0; k < dst_ns.size(); k++) {
      DstResult r;
      PetscCall(TimeDst(comm, dst_ns[k], reps, &r));
      PetscCall(TimeIterations(comm, dst_ns[k], its, reps, &r.cg));
      const PetscReal   N    = (PetscReal)r.n * r.n;
      const PetscReal   roof = DstBytesPerUnknown() * N / bandwidth;
      const std::string f    = Factors(r.n + 1);
      PetscCall(PetscPrintf(comm,
                            "%6" PetscInt_FMT " %-10s %9.4f %10.4e %9.1e | %11.4e %11.4e | %8.2f "
                            "%8.2f | %10.4e %7.1f%%\n",
                            r.n, f.c_str(), r.setup, r.apply, r.relres, r.cg.seconds[0],
                            r.cg.seconds[1], r.apply / r.cg.seconds[0], r.apply / r.cg.seconds[1],
                            roof, 100 * roof / r.apply));
      json << "    {\"n\": " << r.n << ", \"n_plus_1_factors\": \"" << f
           << "\", \"setup_seconds\": " << r.setup << ", \"apply_seconds\": " << r.apply
           << ", \"relres\": " << r.relres << ", \"cg_aij_seconds\": " << r.cg.seconds[0]
           << ", \"cg_stencil_seconds\": " << r.cg.seconds[1]
           << ", \"apply_over_cg_aij\": " << r.apply / r.cg.seconds[0]
           << ", \"apply_over_cg_stencil\": " << r.apply / r.cg.seconds[1]
           << ", \"roofline_seconds\": " << roof << ", \"roofline_fraction\": " << roof / r.apply
           << "}" << (k + 1 < dst_ns.size() ? "," : "") << "\n";
    }
    json << "  ],\n";
  }
  json << "  \"complete\": true\n}\n";
  PetscCall(TextFileWriteAtomic(comm, output, json.str()));
  PetscCall(PetscPrintf(comm, "\nwritten to %s\n", output));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, RunBench);
}
