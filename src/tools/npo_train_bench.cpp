// npo_train_bench: the training wall time of npo_train against the reference's 216 s
// (docs/npo.md, Training). A benchmark, not a test: it runs the first K epochs of
// a training run (the reference's settings unless -npo_train_* options say otherwise), takes
// the mean time per epoch after the first, and extrapolates to the run's full epoch count.
//
// Sample run (the figure in models/README.md and results/bench_npo_train.*):
//   OPENBLAS_NUM_THREADS=1 build/bin/npo_train_bench -bench_epochs 10
//   (writes results/bench_npo_train.json; -bench_output FILE elsewhere)
static const char help[] =
    "Training wall time of npo_train against the reference's 216 s.\n"
    "  -bench_epochs K        epochs actually run (default 10, at least 2)\n"
    "  -bench_output FILE     JSON record (default results/bench_npo_train.json)\n"
    "  -npo_train_*           the training run to time (default: the reference's settings)\n\n";

#include <sstream>
#include <string>

#include "io/output_file.h"
#include "npo_training/npo_trainer.h"
#include "preconditioners/npo/npo_net.h"
#include "runtime/app.h"
#include "runtime/run_metadata.h"

#define NPO_REFERENCE_TRAINING_SECONDS 216.0 // the reference: 400 epochs on one CPU (docs/npo.md)

static PetscErrorCode RunBench(MPI_Comm comm)
{
  NpoTrainOptions opts;
  NpoTrainHistory h;
  PetscInt        epochs                     = 10;
  char            output[PETSC_MAX_PATH_LEN] = "results/bench_npo_train.json";
  PetscBool       help_asked                 = PETSC_FALSE;

  PetscFunctionBeginUser;
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

  // The run stops after `epochs` epochs and writes no checkpoint.
  opts.stop_after       = epochs;
  opts.checkpoint_every = epochs;
  opts.quiet            = PETSC_TRUE;
  opts.no_output        = PETSC_TRUE;
  PetscCall(PetscPrintf(comm,
                        "npo_train_bench: %" PetscInt_FMT " of %" PetscInt_FMT
                        " epochs, %" PetscInt_FMT " libtorch thread(s); %s\n",
                        epochs, opts.epochs, opts.threads, MachineDescription().c_str()));
  PetscCall(NpoTrainRun(comm, &opts, &h));
  PetscCheck((PetscInt)h.elapsed.size() == epochs, comm, PETSC_ERR_PLIB,
             "expected %" PetscInt_FMT " epochs, the run recorded %d", epochs,
             (int)h.elapsed.size());

  // Epoch 1 carries one-off costs (allocations, first-touch); the mean of the rest is the rate.
  const double first     = h.elapsed[0];
  const double per_epoch = (h.elapsed.back() - first) / (double)(epochs - 1);
  const double estimate  = h.setup + first + per_epoch * (double)(opts.epochs - 1);
  const double ratio     = estimate / NPO_REFERENCE_TRAINING_SECONDS;
  PetscCall(PetscPrintf(comm,
                        "  training set %d samples built in %.2f s\n"
                        "  epoch 1 %.2f s, then %.3f s per epoch (mean of epochs 2..%" PetscInt_FMT
                        ")\n"
                        "  estimated %" PetscInt_FMT "-epoch run: %.0f s = %.2f x the reference's "
                        "%.0f s\n",
                        (int)h.num_samples, h.setup, first, per_epoch, epochs, opts.epochs,
                        estimate, ratio, NPO_REFERENCE_TRAINING_SECONDS));

  if (output[0]) {
    std::ostringstream json;
    json << "{\n  \"machine\": \"" << MachineDescription() << "\",\n  \"threads\": " << opts.threads
         << ",\n  \"samples\": " << h.num_samples << ",\n  \"setup_seconds\": " << h.setup
         << ",\n  \"epochs_run\": " << epochs << ",\n  \"first_epoch_seconds\": " << first
         << ",\n  \"seconds_per_epoch\": " << per_epoch << ",\n  \"epochs\": " << opts.epochs
         << ",\n  \"estimated_seconds\": " << estimate
         << ",\n  \"reference_seconds\": " << NPO_REFERENCE_TRAINING_SECONDS
         << ",\n  \"over_reference\": " << ratio << "\n}\n";
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
