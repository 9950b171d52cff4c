// npo_tool: NPO checkpoints and the NPO's linearised spectrum.
//
// Sample runs:
//   npo_tool -checkpoint tests/data/npo_weights.h5 -show
//   npo_tool -checkpoint tests/data/npo_weights.h5 -import npo_reference.h5
//   npo_tool -checkpoint tests/data/npo_weights.h5 -spectrum -n 32 -rhs file
//            -rhs_file tests/data/a_n32_seed42_const.h5
//   npo_tool -checkpoint F -timing -n 256      (one network application vs one CG iteration)
//
// Description:
//   -show shows a checkpoint (either format); -import writes it in the project's format with
//   its provenance; -spectrum linearises M by columns M(e_j) on the constant-coefficient
//   problem of size -n and prints the reference's metrics of eig(M_lin A) (run on one
//   process: dense, N^2 memory); -timing compares the wall time of one application of M with
//   one unpreconditioned CG iteration (KSPCG, -ksp_max_it fixed) on the same grid.
static const char help[] =
    "NPO checkpoints and linearised spectrum.\n"
    "  -checkpoint FILE   checkpoint to read (project or reference format)\n"
    "  -show              print hyperparameters, parameter count, provenance\n"
    "  -import OUT        write the checkpoint in the project's format\n"
    "  -spectrum          linearised spectrum of M A on the constant problem (-n, -rhs ...)\n"
    "  -timing            time per application of M vs one CG iteration (-n)\n"
    "  -threads T         libtorch intra-op threads (default 1)\n\n";

#include <petscksp.h>

#include <ctime>
#include <string>
#include <vector>

#include "io/output_file.h"
#include "preconditioners/npo/npo.h"
#include "preconditioners/npo/npo_net.h"
#include "preconditioners/npo/npo_spectrum.h"
#include "problems/problem.h"
#include "runtime/app.h"

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

// Wall time of one application of M (through the PC, so gather mode is included under
// mpirun) against one iteration of unpreconditioned CG on the same problem.
static PetscErrorCode Timing(const char *checkpoint, PetscInt threads)
{
  ProblemOptions opts;
  Problem        p;
  KSP            ksp;
  PC             pc;
  Vec            x, z;
  PetscLogDouble t0, t1, tcg, tm;
  const PetscInt its = 1000, apps = 20;
  PetscInt       n;

  PetscFunctionBeginUser;
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
  PetscCall(PetscTime(&t0));
  PetscCall(KSPSolve(ksp, p.b, x));
  PetscCall(PetscTime(&t1));
  PetscCall(KSPGetIterationNumber(ksp, &n));
  tcg = (t1 - t0) / n;
  PetscCall(KSPDestroy(&ksp));

  PetscCall(PCCreate(PETSC_COMM_WORLD, &pc));
  PetscCall(PCSetType(pc, "npo"));
  PetscCall(PCSetOperators(pc, p.A, p.A));
  PetscCall(PCNpoSetCheckpoint(pc, checkpoint));
  PetscCall(
      PetscOptionsSetValue(NULL, "-pc_npo_threads", std::to_string((long long)threads).c_str()));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PCSetUp(pc));
  PetscCall(PCApply(pc, p.b, z)); // warm-up
  PetscCall(PetscTime(&t0));
  for (PetscInt k = 0; k < apps; k++) PetscCall(PCApply(pc, p.b, z));
  PetscCall(PetscTime(&t1));
  tm = (t1 - t0) / apps;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "n = %" PetscInt_FMT
                        ": one application of M %.4g ms, one CG iteration %.4g ms, "
                        "ratio %.1f\n",
                        opts.n, 1e3 * tm, 1e3 * tcg, tm / tcg));
  PetscCall(PCDestroy(&pc));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&z));
  PetscCall(ProblemDestroy(&p));
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
