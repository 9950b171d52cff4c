// Training of the NPO network (docs/npo.md, Training; Li, Xiao, Lai & Wang,
// arXiv:2502.01337, Sec. 3.5): the training set is built with PETSc, the network is trained
// with libtorch (npo_trainer.cpp). No libtorch in this header.
//
// Training set, for each training grid n (-npo_train_grids, default 32): Â = h²A of the
// constant-coefficient problem; num_rhs GRF right-hand sides b (RhsGRFField, seeds
// rhs_seed, rhs_seed+1, ...); the residuals r_k of plain CG on Âx = b (zero initial guess) at
// iterations k = 1, 2, 4, ..., cg_max_it, taken from a KSP monitor; every sample v is
// normalised to ‖v‖ = 1 and its target Â⁻¹v comes from one sparse Cholesky factorisation.
// Losses on a batch (z = net(v), Âz exact: the 5-point stencil as a 3x3 convolution with zero
// padding, which is h²A with its zero Dirichlet boundary):
//   condition  mean over CG residuals r of ‖r − Âz‖²/‖r‖²
//   residual   mean over GRF samples  b of ‖Âz − b‖²/‖b‖²
//   data       mean over all samples  v of ‖z − Â⁻¹v‖²/‖Â⁻¹v‖²
//   total      w_c condition + w_r residual + w_d data (switched off terms are left out).
// Adam; learning rate linear warm-up from lr_start to lr over `warmup` epochs, then cosine
// decay to lr_final at the last epoch; samples shuffled per epoch (seeded by seed and epoch,
// batches never mix grids).
#pragma once
#include <petscsys.h>

#include <string>
#include <vector>

#include "preconditioners/npo/npo_net.h"

#define NPO_TRAIN_MAX_GRIDS 8

typedef struct {
  PetscInt           grids[NPO_TRAIN_MAX_GRIDS]; // training grids n (n x n interior nodes)
  PetscInt           ngrids;
  PetscInt           num_rhs, rhs_seed; // GRF right-hand sides: seeds rhs_seed .. + num_rhs - 1
  PetscReal          grf_alpha, grf_tau;
  PetscInt           cg_max_it; // CG residuals at iterations 1, 2, 4, ... <= cg_max_it
  PetscInt           epochs, batch, seed;
  PetscReal          lr, lr_start, lr_final; // peak, warm-up start, cosine end
  PetscInt           warmup;                 // warm-up epochs
  PetscBool          use_condition, use_residual, use_data;
  PetscReal          w_condition, w_residual, w_data;
  NpoHyperparameters hp;
  PetscInt           threads;          // libtorch intra-op threads
  PetscInt           print_every;      // progress line every this many epochs
  PetscInt           checkpoint_every; // checkpoint written every this many epochs (and at end)
  PetscInt           stop_after;       // stop (checkpoint written) after this epoch; 0 = run all
  char               output[PETSC_MAX_PATH_LEN]; // -o: checkpoint file
  char               resume[PETSC_MAX_PATH_LEN]; // -npo_train_resume: checkpoint to continue
  PetscBool          quiet;                      // no progress lines
  char               init[PETSC_MAX_PATH_LEN];   // -npo_train_init: start from these weights
  PetscInt           input_grid; // input normalisation grid n0 (npo_net.h), 0 = unit norm
  PetscBool          evaluate;   // -npo_train_evaluate: only report the losses of the initial
                                 // network on the training set (no training, nothing written)
  PetscBool no_output;           // train but write no checkpoint (npo_train_bench)
} NpoTrainOptions;

// One value per epoch done (resumed runs include the epochs of the run they continue).
struct NpoTrainHistory {
  std::vector<double> epoch, total, condition, residual, data, lr, elapsed;
  PetscInt            num_samples = 0; // samples of the training set (all grids)
  double              wall        = 0; // wall time of this run's epochs (s)
  double              setup       = 0; // wall time of building the training set (s)
};

// The reference's settings: grid 32, 40 GRFs from seed 100, CG residuals up to 64, 400 epochs,
// batch 32, seed 0, lr 2e-3 after 10 warm-up epochs from 2e-4, cosine to 5e-5, all three losses
// with weight 1, the reference's architecture (width 32, 64 coarse queries, 4 heads, ffn 4).
PetscErrorCode NpoTrainOptionsDefault(NpoTrainOptions *opts);
// Reads the -npo_train_* options (and -o) into opts (on top of its current values).
PetscErrorCode NpoTrainOptionsFromCommandLine(MPI_Comm comm, NpoTrainOptions *opts);
// Builds the training set, trains, writes the checkpoint opts->output (atomically, every
// checkpoint_every epochs and at the end) with the training state and history. One process.
// Bad options (zero epochs, a batch larger than the set, a real option that is NaN, Inf or out
// of its range, more threads than cores, a run too large for the memory, an output that is
// not a regular file or not writable, a resume file of another run) raise
// PETSC_ERR_ARG_OUTOFRANGE / PETSC_ERR_FILE_OPEN / PETSC_ERR_ARG_WRONG before any work; a
// corrupt resume file (NaN weights, counters, Adam moments or history inconsistent)
// PETSC_ERR_FILE_UNEXPECTED. A loss that becomes NaN or Inf stops the run with
// PETSC_ERR_NOT_CONVERGED before the step: nothing is written for the diverged state, and the
// checkpoint written last (at an earlier multiple of checkpoint_every), if any, is kept.
PetscErrorCode NpoTrainRun(MPI_Comm comm, const NpoTrainOptions *opts, NpoTrainHistory *history);
