// PC type "hodlr": hierarchical off-diagonal low-rank approximate inverse (docs/hodlr.md).
// See hodlr.cpp for the options and hodlr_matrix.cpp for the constructions.
#pragma once
#include <petscpc.h>

typedef enum { PC_HODLR_BUILD_DENSE, PC_HODLR_BUILD_SCALABLE } PCHodlrBuildType;
PETSC_EXTERN const char *const PCHodlrBuildTypes[];

// Largest N accepted by the dense (reference) build: its A^{-1} takes 8 N^2 bytes.
#define PC_HODLR_DENSE_MAX_N 16384

// What the last setup produced (for tests, benchmarks and reports).
typedef struct {
  PetscInt  N, rows, cols, leaf, levels;
  PetscInt  storage;             // numbers kept (one factor pair per symmetric block pair)
  PetscInt  storage_both_blocks; // the reference's count: both off-diagonal blocks
  PetscInt  max_rank;            // largest rank kept by a block
  PetscInt  max_numerical_rank;  // largest numerical rank of a block (sampled, scalable)
  PetscReal setup_seconds;       // build + definiteness check
  PetscReal build_seconds;       // build only
  // Scalable build, parts of build_seconds: sparse factorization, solve columns, subtraction
  // of the coarser levels, the rest (SVDs, leaves); 0 for the dense build.
  PetscReal factor_seconds, solve_seconds, subtract_seconds, other_seconds;
  PetscInt  solve_columns; // columns solved with the factor
  PetscBool spd_checked;   // lambda_min(MA) was estimated (SLEPc)
  PetscReal lambda_min;    // that estimate
  PetscReal shift;         // identity shift added when definiteness was lost (0 otherwise)
} PCHodlrInfo;

PETSC_EXTERN PetscErrorCode PCCreate_Hodlr(PC pc);
PETSC_EXTERN PetscErrorCode PCHodlrSetRank(PC pc, PetscInt rank);
PETSC_EXTERN PetscErrorCode PCHodlrSetLeafSize(PC pc, PetscInt leaf);
PETSC_EXTERN PetscErrorCode PCHodlrSetTolerance(PC pc, PetscReal tol);
PETSC_EXTERN PetscErrorCode PCHodlrSetBuildType(PC pc, PCHodlrBuildType build);
PETSC_EXTERN PetscErrorCode PCHodlrGetInfo(PC pc, PCHodlrInfo *info);
// The HODLR matrix of the last setup (hodlr_matrix.h), borrowed: valid until the PC is set up
// again, reset or destroyed. For exporters (src/tools/race_export.cpp writes its blocks).
struct HodlrMatrix;
PETSC_EXTERN PetscErrorCode PCHodlrGetMatrix(PC pc, const struct HodlrMatrix **H);
