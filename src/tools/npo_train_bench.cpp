// npo_train_bench: the training time per epoch of npo_train against the yardstick
// (benchmarks/npo_yardstick.json: the reference's Python + PyTorch and this project measured
// on one machine, the reference's settings) and against the hardware (the training's flops per
// epoch over the single-core sgemm peak). A benchmark, not a test: it runs the first K epochs
// of a training run (the reference's settings unless -npo_train_* options say otherwise), takes
// the mean time per epoch after the first (wall and CPU time), and extrapolates to the run's
// full epoch count. The reference's 216 s (400 epochs on another machine) is printed for
// information only.
//
// Sample run (the figure in models/README.md and results/bench_npo_train.*):
//   OPENBLAS_NUM_THREADS=1 build/bin/npo_train_bench -bench_epochs 10
//   (writes results/bench_npo_train.json; -bench_output FILE elsewhere)
static const char help[] =
    "Training time per epoch of npo_train against the yardstick and the sgemm peak.\n"
    "  -bench_epochs K        epochs actually run (default 10, at least 2)\n"
    "  -bench_output FILE     JSON record (default results/bench_npo_train.json)\n"
    "  -bench_yardstick FILE  yardstick (default benchmarks/npo_yardstick.json)\n"
    "  -npo_train_*           the training run to time (default: the reference's settings)\n\n";

#include <cstdlib>
#include <sstream>
#include <string>

#include "io/output_file.h"
#include "npo_training/npo_trainer.h"
#include "npo_yardstick.h"
#include "preconditioners/npo/npo_net.h"
#include "runtime/app.h"
#include "runtime/run_metadata.h"

static PetscErrorCode RunBench(MPI_Comm comm)
{
  NpoTrainOptions opts;
  NpoTrainHistory h;
  PetscInt        epochs                     = 10;
  char            output[PETSC_MAX_PATH_LEN] = "results/bench_npo_train.json";
  PetscBool       help_asked                 = PETSC_FALSE;

  PetscFunctionBeginUser;
  NpoYardstick yard;
  PetscCall(NpoTrainOptionsDefault(&opts));
  PetscCall(NpoTrainOptionsFromCommandLine(comm, &opts));
  PetscOptionsBegin(comm, NULL, "npo_train_bench options", NULL);
  PetscCall(PetscOptionsInt("-bench_epochs", "Epochs actually run", NULL, epochs, &epochs, NULL));
  PetscCall(PetscOptionsString("-bench_output", "JSON record", NULL, output, output, sizeof(output),
                               NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasHelp(NULL, &help_asked));
  if (help_asked) PetscFunctionReturn(0);
  PetscCheck(epochs >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-bench_epochs must be at least 2 (the rate is the mean of epochs 2..K), got "
             "%" PetscInt_FMT,
             epochs);
  PetscCheck(epochs <= opts.epochs, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-bench_epochs %" PetscInt_FMT " exceeds the run's -npo_train_epochs %" PetscInt_FMT,
             epochs, opts.epochs);
  // The JSON record must be writable now, not after the timed run.
  if (output[0]) PetscCall(OutputPathCheck(comm, output, "-bench_output"));
  PetscCall(NpoYardstickRead(comm, &yard));

  // The run stops after `epochs` epochs and writes no checkpoint.
  opts.stop_after       = epochs;
  opts.checkpoint_every = epochs;
  opts.quiet            = PETSC_TRUE;
  opts.no_output        = PETSC_TRUE;
  const double peak     = NpoSgemmPeak(1536, 5);
  PetscCall(PetscPrintf(comm,
                        "npo_train_bench: %" PetscInt_FMT " of %" PetscInt_FMT
                        " epochs, %" PetscInt_FMT " libtorch thread(s); %s; OPENBLAS_CORETYPE=%s\n"
                        "  %s; single-core fp32 peak (sgemm 1536^3, best of 5, CPU time) %.1f "
                        "GFLOP/s\n",
                        epochs, opts.epochs, opts.threads, MachineDescription().c_str(),
                        getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "(unset)",
                        NpoLoadText().c_str(), 1e-9 * peak));
  const double cpu0 = NpoCpuSeconds();
  PetscCall(NpoTrainRun(comm, &opts, &h));
  const double cpu_total = NpoCpuSeconds() - cpu0;
  PetscCheck((PetscInt)h.elapsed.size() == epochs, comm, PETSC_ERR_PLIB,
             "expected %" PetscInt_FMT " epochs, the run recorded %d", epochs,
             (int)h.elapsed.size());

  // Epoch 1 carries one-off costs (allocations, first-touch); the mean of the rest is the rate.
  const double first     = h.elapsed[0];
  const double per_epoch = (h.elapsed.back() - first) / (double)(epochs - 1);
  const double estimate  = h.setup + first + per_epoch * (double)(opts.epochs - 1);
  // CPU time per epoch: the whole run's CPU time less the set-up's share (its wall time; the
  // set-up is serial), over the epochs. Robust when other processes share the cores.
  const double cpu_per_epoch = (cpu_total - h.setup) / (double)epochs;
  // Flops per epoch: every sample's forward pass (NpoForwardFlops) and its backward pass,
  // counted as twice the forward (the gradients with respect to the activations and to the
  // weights, each a product of the forward's shapes); the loss terms are O(N) and left out.
  double flops = 0;
  for (PetscInt g = 0; g < opts.ngrids; g++)
    flops += 3.0 * NpoForwardFlops(&opts.hp, opts.grids[g], opts.grids[g]);
  flops *= (double)h.num_samples / (double)opts.ngrids;
  const double vs_ref     = yard.reference_train_seconds_per_epoch / per_epoch;
  const double vs_ref_cpu = yard.reference_train_seconds_per_epoch / cpu_per_epoch;
  PetscCall(PetscPrintf(
      comm,
      "  training set %d samples built in %.2f s\n"
      "  epoch 1 %.2f s, then %.3f s per epoch wall (mean of epochs 2..%" PetscInt_FMT
      "), %.3f s per epoch CPU (all %" PetscInt_FMT " epochs)\n"
      "  %.1f GFLOP per epoch (forward + backward = 3 x forward): %.1f GFLOP/s (CPU) = %.1f%% of "
      "the sgemm peak\n"
      "  yardstick (%s): reference %.2f s per epoch, this project then %.2f s; speed-up over "
      "the reference now %.2f by wall time, %.2f by CPU time (above 1: faster) -- a "
      "same-machine comparison only when run on the yardstick's machine\n"
      "  estimated %" PetscInt_FMT "-epoch run: %.0f s (for information: the reference's own "
      "%.0f s were measured on another machine)\n"
      "  %s (at the end)\n",
      (int)h.num_samples, h.setup, first, per_epoch, epochs, cpu_per_epoch, epochs, 1e-9 * flops,
      1e-9 * flops / cpu_per_epoch, 100.0 * flops / cpu_per_epoch / peak, yard.machine.c_str(),
      yard.reference_train_seconds_per_epoch, yard.project_train_seconds_per_epoch, vs_ref,
      vs_ref_cpu, opts.epochs, estimate, yard.reference_train_seconds_other_machine,
      NpoLoadText().c_str()));

  if (output[0]) {
    std::ostringstream json;
    json << "{\n  \"machine\": \"" << MachineDescription() << "\",\n  \"threads\": " << opts.threads
         << ",\n  \"samples\": " << h.num_samples << ",\n  \"setup_seconds\": " << h.setup
         << ",\n  \"epochs_run\": " << epochs << ",\n  \"first_epoch_seconds\": " << first
         << ",\n  \"seconds_per_epoch\": " << per_epoch
         << ",\n  \"cpu_seconds_per_epoch\": " << cpu_per_epoch
         << ",\n  \"gflop_per_epoch\": " << 1e-9 * flops
         << ",\n  \"sgemm_peak_gflops\": " << 1e-9 * peak
         << ",\n  \"fraction_of_peak\": " << flops / cpu_per_epoch / peak
         << ",\n  \"epochs\": " << opts.epochs << ",\n  \"estimated_seconds\": " << estimate
         << ",\n  \"yardstick_reference_seconds_per_epoch\": "
         << yard.reference_train_seconds_per_epoch << ",\n  \"speedup_over_reference\": " << vs_ref
         << ",\n  \"speedup_over_reference_cpu\": " << vs_ref_cpu << ",\n  \"load\": \""
         << NpoLoadText() << "\"\n}\n";
    // Atomic: a full disk is an error and leaves no file (io/output_file.h).
    PetscCall(TextFileWriteAtomic(comm, output, json.str()));
    PetscCall(PetscPrintf(comm, "  written to %s\n", output));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(MPI_Comm comm, ResultsFile *)
{
  PetscFunctionBeginUser;
  NpoCallCXX(comm, PetscCall(RunBench(comm)));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
