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
static const char help[] = "Roofline and time-to-solution benchmark of the Poisson CG solvers.\n"
                           "  -bench_parts stream,iteration,tts\n"
                           "  -bench_sizes 1024,2048  -bench_iterations 50  -bench_reps 3\n"
                           "  -bench_tts_n 1024  -bench_tts_methods none,jacobi,...\n"
                           "  -bench_tts_rtol 1e-8  -bench_tts_ranks 1\n"
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
  std::string method;
  PetscInt    iterations = -1;
  int         converged  = 0;
  double      setup = 0, solve = 0, maxrss_mb = 0;
  bool        ok = false;
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

// One method in its own poisson_solve process; the high-water mark comes from wait4(). The
// child's argv is built here and run by execv/execvp, never through a shell (a method name is
// a single argument, whatever it holds; RunBench also checks the names).
TTSResult TimeToSolution(const std::string &method, PetscInt n, PetscReal rtol, int ranks)
{
  TTSResult         r;
  const std::string out = "/tmp/poisson_bench_" + std::to_string(getpid()) + "_" + method + ".h5";
  char              tol[32];
  snprintf(tol, sizeof(tol), "%g", (double)rtol);
  std::vector<std::string> args;
  if (ranks > 1) args = {"mpirun", "--oversubscribe", "-n", std::to_string(ranks)};
  for (const std::string &a :
       {std::string(POISSON_BIN_DIR) + "/poisson_solve", std::string("-problem"),
        std::string("constant"), std::string("-n"), std::to_string(n), std::string("-methods"),
        method, "-" + method + "_ksp_rtol", std::string(tol), "-" + method + "_ksp_max_it",
        std::string("100000"), std::string("-o"), out})
    args.push_back(a);
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
  const std::string g   = "/constant/" + method;
  const double      its = HDF5FileAttribute(out.c_str(), g.c_str(), "iterations");
  if (std::isnan(its)) return r;
  r.iterations = (PetscInt)its;
  r.converged  = (int)HDF5FileAttribute(out.c_str(), g.c_str(), "converged");
  r.setup      = HDF5FileAttribute(out.c_str(), g.c_str(), "setup_seconds");
  r.solve      = HDF5FileAttribute(out.c_str(), g.c_str(), "solve_seconds");
  r.maxrss_mb  = ru.ru_maxrss / 1024.0;
  r.ok         = r.iterations >= 0;
  std::remove(out.c_str());
  return r;
}

} // namespace

static PetscErrorCode RunBench(MPI_Comm comm, ResultsFile *)
{
  char        parts[256] = "stream,iteration,tts", sizes[1024] = "1024,2048";
  char        methods[1024]              = "gamg,none,jacobi,icc,hypre";
  char        output[PETSC_MAX_PATH_LEN] = "results/bench.json";
  PetscInt    its = 50, reps = 3, tts_n = 1024, tts_ranks = 1;
  PetscReal   tts_rtol = 1e-8, bandwidth = 0;
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
  PetscCall(
      PetscOptionsString("-o", "JSON results file", NULL, output, output, sizeof(output), NULL));
  PetscOptionsEnd();
  // Every value is checked before any work, the output path first.
  PetscCall(OutputPathCheck(comm, output, "-o"));
  PetscCheck(its > 0 && reps > 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-bench_iterations and -bench_reps must be positive");
  const std::vector<std::string> want = SplitNameList(parts);
  for (const std::string &p : want)
    PetscCheck(p == "stream" || p == "iteration" || p == "tts", comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
               "unknown -bench_parts entry '%s' (known: stream, iteration, tts)", p.c_str());
  PetscCheck(!want.empty(), comm, PETSC_ERR_USER_INPUT, "-bench_parts lists no part");
  auto has = [&](const char *p) { return std::find(want.begin(), want.end(), p) != want.end(); };
  std::vector<PetscInt> ns;
  if (has("iteration")) {
    PetscInt64 values[64];
    PetscInt   count;
    PetscCall(ParseIntegerList(comm, "-bench_sizes", sizes, values, 64, &count));
    for (PetscInt k = 0; k < count; k++) {
      PetscCall(ProblemCheckSize(comm, values[k], "-bench_sizes"));
      ns.push_back((PetscInt)values[k]);
    }
  }
  std::vector<std::string> ms;
  if (has("tts")) {
    PetscCheck(size == 1, comm, PETSC_ERR_ARG_WRONG,
               "the tts part launches its own solves: run poisson_bench on one rank and set "
               "-bench_tts_ranks");
    PetscCall(ProblemCheckSize(comm, tts_n, "-bench_tts_n"));
    PetscCheck(tts_ranks >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-bench_tts_ranks must be at least 1, got %" PetscInt_FMT, tts_ranks);
    PetscCheck(tts_rtol > 0 && tts_rtol < 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-bench_tts_rtol must be in (0, 1), got %g", (double)tts_rtol);
    ms = SplitNameList(methods);
    PetscCheck(!ms.empty(), comm, PETSC_ERR_USER_INPUT, "-bench_tts_methods lists no method");
    for (const std::string &m : ms) {
      bool good = isalpha((unsigned char)m[0]);
      for (char c : m) good = good && (isalnum((unsigned char)c) || c == '_');
      PetscCheck(good, comm, PETSC_ERR_ARG_WRONG,
                 "-bench_tts_methods: method name '%s' must start with a letter and hold only "
                 "letters, digits and '_'",
                 m.c_str());
    }
  }

  std::ostringstream json;
  json << "{\n  \"machine\": \"" << MachineDescription() << "\",\n  \"ranks\": " << size << ",\n";
  PetscCall(PetscPrintf(comm, "machine: %s; %d rank(s)\n", MachineDescription().c_str(), size));

  if (has("stream") || has("iteration")) {
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
      TTSResult r = TimeToSolution(m, tts_n, tts_rtol, (int)tts_ranks);
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
  json << "  \"complete\": true\n}\n";
  PetscCall(TextFileWriteAtomic(comm, output, json.str()));
  PetscCall(PetscPrintf(comm, "\nwritten to %s\n", output));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, RunBench);
}
