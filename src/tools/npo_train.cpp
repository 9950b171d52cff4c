// npo_train: trains the NPO network (docs/npo.md, Training) and writes a checkpoint in the
// project's format; see npo_trainer.h for the training set, the losses and the schedule.
//
// Sample runs:
//   npo_train -o models/npo_n32.h5                        (the reference's settings)
//   npo_train -o multires.h5 -npo_train_init models/npo_n32.h5 -npo_train_grids 32,64
//             -npo_train_input_grid 32                    (models/README.md: npo_multires.h5)
//   npo_train -o models/npo_n32.h5 -npo_train_resume models/npo_n32.h5   (after a kill)
//
// The checkpoint is written every -npo_train_checkpoint_every epochs under a temporary name
// and renamed, so Ctrl-C or a kill leaves the previous one intact; it carries the Adam state
// and the training history (group /history: epoch, total, condition, residual, data, lr,
// elapsed), which postprocess/plot_training.py plots.
static const char help[] =
    "Trains the NPO network (docs/npo.md, Training).\n"
    "  -o FILE                       output checkpoint (default npo_trained.h5)\n"
    "  -npo_train_grids n1,n2,...    training grids (default 32)\n"
    "  -npo_train_epochs E           epochs (400)     -npo_train_batch B   batch size (32)\n"
    "  -npo_train_seed S             seed (0)         -npo_train_threads T libtorch threads (1)\n"
    "  -npo_train_num_rhs K          GRFs per grid (40), seeds from -npo_train_rhs_seed (100)\n"
    "  -npo_train_lr, _lr_start, _lr_final, _warmup   schedule (2e-3, 2e-4, 5e-5, 10)\n"
    "  -npo_train_{condition,residual,data} BOOL, -npo_train_*_weight W   the three losses\n"
    "  -npo_train_{width,num_coarse,num_heads,ffn_mult}   architecture (32, 64, 4, 4)\n"
    "  -npo_train_input_grid n0      input scaled to the RMS size of the n0 grid (0: unit norm)\n"
    "  -npo_train_resume FILE        continue from a checkpoint of the same run\n"
    "  -npo_train_stop_after E       stop after epoch E (the checkpoint is resumable)\n"
    "  -npo_train_init FILE          start from these weights (fresh optimizer: fine-tuning)\n"
    "  -npo_train_evaluate           only print the losses of the -npo_train_init network\n\n";

#include "npo_training/npo_trainer.h"
#include "preconditioners/npo/npo_net.h"
#include "runtime/app.h"

static PetscErrorCode Train(void)
{
  NpoTrainOptions opts;
  NpoTrainHistory history;

  PetscFunctionBeginUser;
  PetscCall(NpoTrainOptionsDefault(&opts));
  PetscCall(NpoTrainOptionsFromCommandLine(PETSC_COMM_WORLD, &opts));
  PetscBool help = PETSC_FALSE;
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) PetscFunctionReturn(0); // -help prints the options above and trains nothing
  PetscCall(NpoTrainRun(PETSC_COMM_WORLD, &opts, &history));
  if (!history.total.empty())
    PetscCall(PetscPrintf(
        PETSC_COMM_WORLD,
        "npo_train: %s %s: epoch %.0f, total loss %.4e (condition %.4e, "
        "residual %.4e, data %.4e); set-up %.1f s, training %.1f s\n",
        opts.evaluate ? "evaluated" : "wrote",
        opts.evaluate ? (opts.init[0] ? opts.init : "(initial network)") : opts.output,
        history.epoch.back(), history.total.back(), history.condition.back(),
        history.residual.back(), history.data.back(), history.setup, history.elapsed.back()));
  PetscFunctionReturn(0);
}

// A C++ exception anywhere (libtorch, the standard library) is one error line.
static PetscErrorCode Run(MPI_Comm comm, ResultsFile *)
{
  PetscFunctionBeginUser;
  NpoCallCXX(comm, PetscCall(Train()));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
