// Rank-independent Gaussian sketch.
//
// The global rows are cut into fixed blocks of NYSTROM_SKETCH_BLOCK rows (a constant, not a
// function of the number of ranks). Block c is drawn, row by row and l entries per row, from
// its own PETSc RANDER48 stream whose seed is a hash of (seed, c); a rank draws the blocks that
// overlap its rows and keeps its part. The entries of the N x l matrix are therefore the same
// at every rank count, and the cost per rank is O((N/P + 2 * block) * l) instead of the
// O(N * l) of drawing the whole matrix everywhere (what SLEPc's reproducible BVSetRandom does).
// Normal deviates come from uniform pairs by the Box-Muller transform.
#include "preconditioners/nystrom/nystrom_sketch.h"

#include <cmath>
#include <vector>

#define NYSTROM_SKETCH_BLOCK 1024

// Seed of block c of the stream `seed` (splitmix64 finalizer, so that neighbouring blocks get
// unrelated 32-bit seeds; RANDER48 uses the low 32 bits of its seed).
static unsigned long NystromBlockSeed(PetscInt seed, PetscInt block)
{
  unsigned long long z = (unsigned long long)seed * 0x9E3779B97F4A7C15ULL +
                         (unsigned long long)(block + 1) * 0xD1B54A32D192ED03ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return (unsigned long)(z & 0xffffffffULL);
}

PetscErrorCode NystromGaussianSketch(BV omega, PetscInt seed)
{
  PetscInt               nloc, N, l, lo, hi;
  Vec                    col;
  PetscRandom            rnd;
  PetscScalar           *a;
  std::vector<PetscReal> z;
  const PetscReal        two_pi = 2.0 * PETSC_PI;

  PetscFunctionBeginUser;
  PetscCall(BVGetSizes(omega, &nloc, &N, &l));
  PetscCall(BVGetColumn(omega, 0, &col));
  PetscCall(VecGetOwnershipRange(col, &lo, &hi));
  PetscCall(BVRestoreColumn(omega, 0, &col));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRANDER48));
  PetscCall(PetscRandomSetInterval(rnd, 0.0, 1.0));
  PetscCallCXX(z.resize((size_t)NYSTROM_SKETCH_BLOCK * l));
  // BVGetArray: this rank's rows of every column, column-major, leading dimension nloc.
  PetscCall(BVGetArray(omega, &a));
  for (PetscInt c = lo / NYSTROM_SKETCH_BLOCK; hi > lo && c * NYSTROM_SKETCH_BLOCK < hi; c++) {
    const PetscInt r0 = c * NYSTROM_SKETCH_BLOCK, r1 = PetscMin(N, r0 + NYSTROM_SKETCH_BLOCK);
    const PetscInt cnt = (r1 - r0) * l;

    PetscCall(PetscRandomSetSeed(rnd, NystromBlockSeed(seed, c)));
    PetscCall(PetscRandomSeed(rnd));
    for (PetscInt k = 0; k < cnt; k += 2) {
      PetscReal u1, u2;
      PetscCall(PetscRandomGetValueReal(rnd, &u1));
      PetscCall(PetscRandomGetValueReal(rnd, &u2));
      const PetscReal radius = PetscSqrtReal(-2.0 * PetscLogReal(1.0 - u1)); // 1 - u1 in (0, 1]
      z[k]                   = radius * PetscCosReal(two_pi * u2);
      if (k + 1 < cnt) z[k + 1] = radius * PetscSinReal(two_pi * u2);
    }
    for (PetscInt i = PetscMax(r0, lo); i < PetscMin(r1, hi); i++)
      for (PetscInt j = 0; j < l; j++) a[(i - lo) + j * nloc] = z[(i - r0) * l + j];
  }
  PetscCall(BVRestoreArray(omega, &a));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}
