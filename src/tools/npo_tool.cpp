// npo_tool: NPO checkpoints and the NPO's linearised spectrum.
//
// Sample runs:
//   npo_tool -checkpoint tests/data/npo_weights.h5 -show
//   npo_tool -checkpoint tests/data/npo_weights.h5 -import npo_reference.h5
//   npo_tool -checkpoint tests/data/npo_weights.h5 -spectrum -n 32 -rhs file
//            -rhs_file tests/data/a_n32_seed42_const.h5
//   npo_tool -checkpoint F -timing -timing_sizes 32,64,128,256   (per application: CPU time,
//            flop rate against the sgemm peak, the yardstick's reference, CG iterations)
//
// Description:
//   -show shows a checkpoint (either format); -import writes it in the project's format with
//   its provenance; -spectrum linearises M by columns M(e_j) on the constant-coefficient
//   problem of size -n and prints the reference's metrics of eig(M_lin A) (run on one
//   process: dense, N^2 memory); -timing measures one application of M (CPU time) against the
//   hardware (the network's flops over the single-core sgemm peak), the yardstick
//   (benchmarks/npo_yardstick.json) and one unpreconditioned CG iteration on the same grid.
static const char help[] =
    "NPO checkpoints and linearised spectrum.\n"
    "  -checkpoint FILE   checkpoint to read (project or reference format)\n"
    "  -show              print hyperparameters, parameter count, provenance\n"
    "  -import OUT        write the checkpoint in the project's format\n"
    "  -spectrum          linearised spectrum of M A on the constant problem (-n, -rhs ...)\n"
    "  -timing            time per application of M (-n, or -timing_sizes 32,64,...):\n"
    "                     CPU time, flop rate against the sgemm peak, ratio to the yardstick\n"
    "                     (benchmarks/npo_yardstick.json, -bench_yardstick FILE), CG iterations\n"
    "  -timing_impl LIST  forward passes to time: native,torch (default both)\n"
    "  -timing_seconds S  CPU seconds per size and implementation (default 2)\n"
    "  -threads T         libtorch intra-op threads (default 1)\n\n";

#include <petscksp.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "core/name_list.h"
#include "io/output_file.h"
#include "npo_yardstick.h"
#include "preconditioners/npo/npo.h"
#include "preconditioners/npo/npo_gemm.h"
#include "preconditioners/npo/npo_net.h"
#include "preconditioners/npo/npo_spectrum.h"
#include "problems/problem.h"
#include "runtime/app.h"
#include "runtime/run_metadata.h"

static PetscErrorCode PrintInfo(NpoNet net)
{
  NpoNetInfo info;

  PetscFunctionBeginUser;
  PetscCall(NpoNetGetInfo(net, &info));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "checkpoint %s (%s format)\n  width %" PetscInt_FMT
                        ", num_coarse %" PetscInt_FMT ", num_heads %" PetscInt_FMT
                        ", ffn_mult %" PetscInt_FMT "\n  parameters %" PetscInt_FMT
                        ", checksum %016llx, trained on n = %" PetscInt_FMT
                        ", input_grid %" PetscInt_FMT " (0: unit-norm input)\n  provenance: %s\n",
                        info.path, info.format, info.hp.width, info.hp.num_coarse,
                        info.hp.num_heads, info.hp.ffn_mult, info.num_params, info.checksum,
                        info.train_grid, info.input_grid, info.provenance));
  PetscFunctionReturn(0);
}

static PetscErrorCode Import(NpoNet net, const char *out)
{
  NpoNetInfo info;
  char       date[64];
  time_t     now = time(NULL);

  PetscFunctionBeginUser;
  PetscCall(NpoNetGetInfo(net, &info));
  strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
  std::string prov = std::string(info.provenance) + " | converted from the " + info.format +
                     " format to poisson-npo by npo_tool on " + date + " (libtorch " +
                     NpoLibtorchVersion() + ")";
  PetscCall(NpoNetSetProvenance(net, info.train_grid, prov.c_str()));
  PetscCall(NpoNetSave(PETSC_COMM_WORLD, net, out));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "wrote %s\n", out));
  PetscFunctionReturn(0);
}

static PetscErrorCode Spectrum(NpoNet net)
{
  ProblemOptions opts;
  Problem        p;
  NpoSpectrum    s;
  PetscMPIInt    size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-spectrum runs on one process");
  PetscCall(ProblemOptionsFromCommandLine(PETSC_COMM_SELF, "constant", &opts));
  PetscCall(ProblemCreate(PETSC_COMM_SELF, &opts, &p));
  const PetscScalar *b;
  PetscCall(VecGetArrayRead(p.b, &b));
  PetscCall(NpoLinearizedSpectrum(net, p.A, opts.n, opts.n, b, &s, NULL, NULL));
  PetscCall(VecRestoreArrayRead(p.b, &b));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "linearised spectrum of M A, n = %" PetscInt_FMT " (N = %" PetscInt_FMT
                        ")\n"
                        "  Re(lambda) in [%.6g, %.6g], max |Im| %.6g, Re <= 0: %" PetscInt_FMT "\n"
                        "  |lambda| in [%.6g, %.6g], median %.6g\n"
                        "  spread max|lambda|/min|lambda| = %.4f\n"
                        "  fraction within [0.5, 2] x median = %.4f\n"
                        "  nonsymmetry ||M - M^T||_F/||M||_F = %.4f\n"
                        "  nonlinearity ||M_lin b - M(b)||/||M(b)|| = %.4f\n"
                        "  time: columns %.2f s, product + geev %.2f s\n",
                        opts.n, s.N, s.re_min, s.re_max, s.abs_im_max, s.num_nonpositive_real,
                        s.abs_min, s.abs_max, s.abs_median, s.spread, s.frac_in_band, s.nonsymmetry,
                        s.nonlinearity, s.seconds_columns, s.seconds_eig));
  PetscCall(ProblemDestroy(&p));
  PetscFunctionReturn(0);
}

// Time per application of M (through the PC, so gather mode is included under mpirun) on the
// constant problem of each size, for each forward-pass implementation, against one iteration
// of unpreconditioned CG on the same grid, against the yardstick (the reference's time on the
// machine of benchmarks/npo_yardstick.json, n = 32) and against the hardware: the network's
// flops per application (NpoForwardFlops, counted from the layer shapes) over the time, as a
// fraction of the measured single-core sgemm peak. Times are CPU time of this process (robust
// when other processes share the cores), each application timed alone; the median is reported,
// with the mean wall time for comparison.
static PetscErrorCode Timing(const char *checkpoint, PetscInt threads)
{
  PetscInt       sizes[16], nsizes = 16, n_default = 32;
  char           impls_text[64] = "native,torch";
  PetscReal      seconds        = 2.0;
  NpoYardstick   yard;
  const PetscInt its = 1000;
  PetscMPIInt    size;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n_default, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-timing_sizes", sizes, &nsizes, NULL));
  if (nsizes == 16 || nsizes == 0) {
    PetscBool set;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-timing_sizes", &set));
    if (!set) {
      sizes[0] = n_default;
      nsizes   = 1;
    }
  }
  PetscCall(
      PetscOptionsGetString(NULL, NULL, "-timing_impl", impls_text, sizeof(impls_text), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-timing_seconds", &seconds, NULL));
  PetscCheck(seconds > 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE,
             "-timing_seconds must be positive");
  // Checked before the minute of measuring starts, naming the option given.
  for (PetscInt is = 0; is < nsizes; is++)
    PetscCheck(sizes[is] >= 2, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE,
               "-timing_sizes: every grid size must be at least 2, got %" PetscInt_FMT, sizes[is]);
  const std::vector<std::string> impls = SplitNameList(impls_text);
  PetscCheck(!impls.empty(), PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG,
             "-timing_impl: give native, torch or both");
  for (const std::string &impl : impls)
    PetscCheck(impl == "native" || impl == "torch", PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG,
               "-timing_impl: unknown forward pass '%s' (native, torch)", impl.c_str());
  PetscCall(NpoYardstickRead(PETSC_COMM_WORLD, &yard));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));

  // The practical fp32 peak of one core: the best of 5 sgemm products of 1536 x 1536 matrices
  // through the BLAS in use (CPU time).
  const double peak = NpoSgemmPeak(1536, 5);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "%s\n%s; OPENBLAS_CORETYPE=%s, OPENBLAS_NUM_THREADS=%s, libtorch threads "
                        "%" PetscInt_FMT ", %d rank(s)\n"
                        "single-core fp32 peak (sgemm 1536^3, best of 5, CPU time): %.1f GFLOP/s\n"
                        "native matrix products: %s\n"
                        "yardstick %s: %s; reference (Python + PyTorch) %.3g ms per "
                        "application at n = 32, this project then %.3g ms; %s\n",
                        MachineDescription().c_str(), NpoLoadText().c_str(),
                        getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "(unset)",
                        getenv("OPENBLAS_NUM_THREADS") ? getenv("OPENBLAS_NUM_THREADS") : "(unset)",
                        threads, size, 1e-9 * peak, NpoGemmDescription().c_str(), yard.path.c_str(),
                        yard.machine.c_str(), yard.reference_apply_ms_n32,
                        yard.project_apply_ms_n32,
                        NpoYardstickSameCpu(&yard)
                            ? "same CPU model as this machine: the ratios compare code"
                            : "measured on another CPU model: the ratios mix code and machine"));

  for (PetscInt is = 0; is < nsizes; is++) {
    ProblemOptions opts;
    Problem        p;
    KSP            ksp;
    PC             pc;
    Vec            x, z;
    PetscLogDouble t0, t1;
    PetscInt       n;

    PetscCall(PetscOptionsSetValue(NULL, "-n", std::to_string((long long)sizes[is]).c_str()));
    PetscCall(ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "constant", &opts));
    PetscCall(ProblemCreate(PETSC_COMM_WORLD, &opts, &p));
    PetscCall(VecDuplicate(p.b, &x));
    PetscCall(VecDuplicate(p.b, &z));

    PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
    PetscCall(KSPSetOperators(ksp, p.A, p.A));
    PetscCall(KSPSetType(ksp, KSPCG));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PCSetType(pc, PCNONE));
    PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
    PetscCall(KSPSetTolerances(ksp, 0, 0, PETSC_DEFAULT, its));
    PetscCall(KSPSetUp(ksp));
    const double c0 = NpoCpuSeconds();
    PetscCall(KSPSolve(ksp, p.b, x));
    const double c1 = NpoCpuSeconds();
    PetscCall(KSPGetIterationNumber(ksp, &n));
    const double tcg = (c1 - c0) / n;
    PetscCall(KSPDestroy(&ksp));

    for (const std::string &impl : impls) {
      PetscCall(PCCreate(PETSC_COMM_WORLD, &pc));
      PetscCall(PCSetType(pc, "npo"));
      PetscCall(PCSetOperators(pc, p.A, p.A));
      PetscCall(PCNpoSetCheckpoint(pc, checkpoint));
      PetscCall(PetscOptionsSetValue(NULL, "-pc_npo_threads",
                                     std::to_string((long long)threads).c_str()));
      PetscCall(PetscOptionsSetValue(NULL, "-pc_npo_impl", impl.c_str()));
      PetscCall(PCSetFromOptions(pc));
      PetscCall(PCSetUp(pc));
      PetscCall(PCApply(pc, p.b, z)); // warm-up (buffers, caches, first-touch)
      PetscCall(PCApply(pc, p.b, z));
      std::vector<double> cpu;
      const double        start = NpoCpuSeconds();
      PetscCall(PetscTime(&t0));
      // At least 5 applications and `seconds` of CPU time (rank 0 decides, all follow).
      for (int done = 0; !done;) {
        const double a = NpoCpuSeconds();
        PetscCall(PCApply(pc, p.b, z));
        cpu.push_back(NpoCpuSeconds() - a);
        done = cpu.size() >= 5 && NpoCpuSeconds() - start >= seconds;
        PetscCallMPI(MPI_Bcast(&done, 1, MPI_INT, 0, PETSC_COMM_WORLD));
      }
      PetscCall(PetscTime(&t1));
      const double wall = (t1 - t0) / (double)cpu.size();
      std::sort(cpu.begin(), cpu.end());
      const double tm = cpu[cpu.size() / 2];
      NpoNetInfo   info;
      PetscCall(PetscOptionsClearValue(NULL, "-pc_npo_impl"));
      // The network's flops per application, counted from the layer shapes (npo_net.h).
      NpoNet net;
      PetscCall(NpoNetLoad(PETSC_COMM_WORLD, checkpoint, &net));
      PetscCall(NpoNetGetInfo(net, &info));
      PetscCall(NpoNetDestroy(&net));
      const double flops = NpoForwardFlops(&info.hp, opts.n, opts.n);
      PetscCall(
          PetscPrintf(PETSC_COMM_WORLD,
                      "n = %4" PetscInt_FMT " %-6s: %8.3f ms per application (CPU, median of "
                      "%d; wall %.3f), %.1f MFLOP: %5.1f GFLOP/s = %4.1f%% of the sgemm peak; "
                      "%.0f CG iterations (%.4g ms each)",
                      opts.n, impl.c_str(), 1e3 * tm, (int)cpu.size(), 1e3 * wall, 1e-6 * flops,
                      1e-9 * flops / tm, 100.0 * flops / tm / peak, tm / tcg, 1e3 * tcg));
      const auto ref = yard.reference_apply_ms.find((long long)opts.n);
      if (ref != yard.reference_apply_ms.end())
        PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                              "; speed-up over the reference's %.3g ms %.2f (above 1: faster)",
                              ref->second, 1e-3 * ref->second / tm));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));
      PetscCall(PCDestroy(&pc));
    }
    PetscCall(VecDestroy(&x));
    PetscCall(VecDestroy(&z));
    PetscCall(ProblemDestroy(&p));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s (at the end)\n", NpoLoadText().c_str()));
  PetscFunctionReturn(0);
}

static PetscErrorCode Tool(void)
{
  char      checkpoint[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "";
  PetscBool info = PETSC_FALSE, import = PETSC_FALSE, spectrum = PETSC_FALSE, timing = PETSC_FALSE;
  PetscInt  threads = 1;
  NpoNet    net     = NULL;

  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "npo_tool options", NULL);
  PetscCall(PetscOptionsString("-checkpoint", "NPO checkpoint (project or reference format)", NULL,
                               checkpoint, checkpoint, sizeof(checkpoint), NULL));
  PetscCall(PetscOptionsBool("-show", "Show the checkpoint", NULL, info, &info, NULL));
  PetscCall(PetscOptionsString("-import", "Write the checkpoint in the project format", NULL, out,
                               out, sizeof(out), &import));
  PetscCall(
      PetscOptionsBool("-spectrum", "Linearised spectrum of M A", NULL, spectrum, &spectrum, NULL));
  PetscCall(PetscOptionsBool("-timing", "Time one application of M vs one CG iteration", NULL,
                             timing, &timing, NULL));
  PetscCall(PetscOptionsBoundedInt("-threads", "libtorch intra-op threads", NULL, threads, &threads,
                                   NULL, 1));
  PetscOptionsEnd();
  PetscCheck(checkpoint[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "give -checkpoint FILE");
  PetscCheck(threads <= NpoMaxThreads(), PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE,
             "-threads %" PetscInt_FMT " exceeds the %" PetscInt_FMT " cores of this machine",
             threads, NpoMaxThreads());
  // The output must be a regular file or absent, in a writable folder (never /dev/null).
  if (import) PetscCall(OutputPathCheck(PETSC_COMM_WORLD, out, "-import"));
  PetscCall(NpoSetThreads(threads));
  PetscCall(NpoNetLoad(PETSC_COMM_WORLD, checkpoint, &net));
  if (info || !(import || spectrum || timing)) PetscCall(PrintInfo(net));
  if (import) PetscCall(Import(net, out));
  if (spectrum) PetscCall(Spectrum(net));
  if (timing) PetscCall(Timing(checkpoint, threads));
  PetscCall(NpoNetDestroy(&net));
  PetscFunctionReturn(0);
}

// A C++ exception anywhere (libtorch, the standard library) is one error line.
static PetscErrorCode Run(MPI_Comm comm, ResultsFile *)
{
  PetscFunctionBeginUser;
  NpoCallCXX(comm, PetscCall(Tool()));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
