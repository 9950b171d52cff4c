// NPO checkpoint files (HDF5), read into and written from plain arrays; no libtorch here.
//
// Two layouts are accepted, told apart by their contents:
//
// 1. The project's own format ("poisson-npo", format_version 1):
//      /                    attributes format = "poisson-npo", format_version = 1,
//                           width, num_coarse, num_heads, ffn_mult (hyperparameters),
//                           n_grid (training grid, 0 = unknown), n_params, provenance,
//                           input_grid (optional; absent = 0, the unit-norm input),
//                           libtorch_version (of the writer)
//      /parameters/<name>   float32 datasets, <name> = torch parameter name
//                           (e.g. "restrict.in_proj_weight"), torch shapes
// 2. The reference's export (tests/data/npo_weights.h5): /state_dict/<name> float32 datasets
//    and root attributes width, num_coarse, num_heads, ffn_mult, n_grid, note,
//    torch_version_used_here. Imported as is.
//
// Anything else (no such file, not HDF5, truncated, neither layout) is a clear error.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "preconditioners/npo/npo_net.h"

struct NpoTensor {
  std::string          name;
  std::vector<int64_t> shape;
  std::vector<float>   values;
};

struct NpoCheckpoint {
  NpoHyperparameters     hp{};
  PetscInt               train_grid = 0;
  PetscInt               input_grid = 0; // input normalisation grid (npo_net.h: NpoNetApply)
  std::string            format;         // "poisson-npo" or "reference-state_dict"
  std::string            provenance;     // free text
  std::vector<NpoTensor> tensors;        // in name order
  // Optional training state, written by npo_train for -npo_train_resume and ignored by the PC:
  // group /train_state (float32 tensors, e.g. the Adam moments), group /history (float64
  // arrays, one per quantity, one value per epoch), root attributes train_epoch, train_step
  // and train_options (the options that determine the run). Present when train_epoch > 0.
  std::vector<NpoTensor>                                   train_state;
  std::vector<std::pair<std::string, std::vector<double>>> history;
  long long                                                train_epoch = 0, train_step = 0;
  std::string                                              train_options;
};

#define NPO_FORMAT_NAME "poisson-npo"
#define NPO_FORMAT_VERSION 1
#define NPO_REFERENCE_FORMAT_NAME "reference-state_dict"

// Reads a checkpoint of either layout (errors raised on comm, see npo_net.h). The sizes of the
// arrays are checked against the available memory before they are allocated.
PetscErrorCode NpoCheckpointRead(MPI_Comm comm, const char *path, NpoCheckpoint *ck);
// Writes the project's layout (collective; rank 0 writes). The target must be absent or a
// regular file (never a device such as /dev/null, a folder or a FIFO): PETSC_ERR_FILE_OPEN.
// The file is built in memory by HDF5 (every call checked), written to "<path>.tmp.<pid>"
// (every write, the fsync and the close checked) and renamed to path only then; any failure
// (a full disk) removes the temporary, leaves an existing path untouched and raises
// PETSC_ERR_FILE_WRITE with the reason.
PetscErrorCode NpoCheckpointWrite(MPI_Comm comm, const char *path, const NpoCheckpoint &ck,
                                  const char *libtorch_version);
