// Right-hand sides (docs/problems.md). Each fills the global DMDA vector b; all are
// independent of the number of MPI ranks.
#pragma once
#include <petscdmda.h>

#include "problems/problem_options.h"

// One row per right-hand side (-rhs <name>).
typedef struct {
  const char *name;
  PetscErrorCode (*fill)(const ProblemOptions *, DM, Vec);
} RhsEntry;

const RhsEntry *RhsFind(const char *name);
const char     *RhsListNames(void); // "grf, file, rod, random"

// Spectral Gaussian random field: S = (kx^2 + ky^2 + tau^2)^(-alpha/2) on integer FFT
// wavenumbers, complex white noise xi from PetscRandom (rand48, seeded), F = Re(IFFT2(xi S))
// via FFTW on rank 0, then b = (F - mean F) / std(F, ddof = 1), so ||b|| = sqrt(N - 1).
PetscErrorCode RhsGRF(const ProblemOptions *opts, DM da, Vec b);

// The GRF field as a plain row-major n x n array (F[i*n + j], j fastest), computed on the
// calling process alone. Used by RhsGRF on rank 0 and by tests.
PetscErrorCode RhsGRFField(PetscInt n, PetscInt seed, PetscReal alpha, PetscReal tau,
                           PetscReal *field);

// Dataset opts->rhs_dataset of HDF5 file opts->rhs_file: n*n values, either an (N,) vector or
// an (n, n) array F[i, j] (row-major, j fastest: the reference's ordering, which is the DMDA
// natural ordering and the one results files store b and solutions in). Floating-point and
// integer datasets are accepted (converted to double). Rank 0 checks the file with the HDF5 C
// API before PETSc reads it (io/hdf5_query.h), so a missing, truncated or non-HDF5 file, a
// missing dataset, strings, compounds (complex numbers), any other shape and NaN/Inf values
// are one user error on every rank.
PetscErrorCode RhsFromFile(const ProblemOptions *opts, DM da, Vec b);

// Hot and cold rods: +1 on (i = 3..8, j = 4), -1 on (i = 23..28, j = 27) at n = 32,
// positions scaled by n/32 on other grids.
PetscErrorCode RhsRods(const ProblemOptions *opts, DM da, Vec b);

// Independent standard normal entries (Box-Muller on PETSc's rand48 stream seeded with
// -grf_seed), drawn on rank 0 in the natural order, so b does not depend on the rank count.
// Any problem; the default of the 1-D chain.
PetscErrorCode RhsRandom(const ProblemOptions *opts, DM da, Vec b);
