// The Gaussian test matrix of the Nystrom sketch, independent of the number of MPI ranks.
#pragma once
#include <slepcbv.h>

// Fills every column of omega (N x l, any row distribution) with independent standard normal
// entries that depend only on (seed, N, l) and the PETSc global row numbering, never on the
// number of ranks or the row distribution.
PetscErrorCode NystromGaussianSketch(BV omega, PetscInt seed);
