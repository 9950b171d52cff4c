#include <fftw3.h>

#include <cmath>
#include <vector>

#include "problems/rhs.h"

// Standard normal pairs by the Box-Muller transform of two rand48 uniforms; the pair is
// used as the real and imaginary part of one complex white-noise value.
static PetscErrorCode NormalPair(PetscRandom rng, PetscReal *z0, PetscReal *z1)
{
  PetscReal u1, u2;

  PetscFunctionBeginUser;
  PetscCall(PetscRandomGetValueReal(rng, &u1));
  PetscCall(PetscRandomGetValueReal(rng, &u2));
  const PetscReal r = std::sqrt(-2.0 * std::log(1.0 - u1)); // 1 - u1 in (0, 1]
  *z0               = r * std::cos(2.0 * PETSC_PI * u2);
  *z1               = r * std::sin(2.0 * PETSC_PI * u2);
  PetscFunctionReturn(0);
}

PetscErrorCode RhsGRFField(PetscInt n, PetscInt seed, PetscReal alpha, PetscReal tau,
                           PetscReal *field)
{
  const size_t  N = (size_t)n * n;
  PetscRandom   rng;
  fftw_complex *data;
  fftw_plan     plan;

  PetscFunctionBeginUser;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rng));
  PetscCall(PetscRandomSetType(rng, PETSCRAND48));
  PetscCall(PetscRandomSetSeed(rng, (unsigned long)seed));
  PetscCall(PetscRandomSeed(rng));
  data = fftw_alloc_complex(N);
  PetscCheck(data, PETSC_COMM_SELF, PETSC_ERR_MEM, "FFTW could not allocate %zu values", N);
  plan = fftw_plan_dft_2d((int)n, (int)n, data, data, FFTW_BACKWARD, FFTW_ESTIMATE);
  // Integer wavenumbers in FFT order: 0, 1, ..., n/2 - 1, -n/2, ..., -1.
  auto wavenumber = [n](PetscInt m) { return (PetscReal)(m < n / 2 ? m : m - n); };
  for (PetscInt i = 0; i < n; i++) {
    for (PetscInt j = 0; j < n; j++) {
      const PetscReal kx = wavenumber(i), ky = wavenumber(j);
      const PetscReal S  = std::pow(kx * kx + ky * ky + tau * tau, -0.5 * alpha);
      PetscReal       re = 0.0, im = 0.0;
      PetscCall(NormalPair(rng, &re, &im));
      data[i * n + j][0] = re * S;
      data[i * n + j][1] = im * S;
    }
  }
  fftw_execute(plan); // unnormalised inverse DFT; the scale drops out below
  PetscReal mean = 0.0;
  for (size_t k = 0; k < N; k++) mean += data[k][0];
  mean /= (PetscReal)N;
  PetscReal ss = 0.0;
  for (size_t k = 0; k < N; k++) ss += (data[k][0] - mean) * (data[k][0] - mean);
  const PetscReal sd = std::sqrt(ss / (PetscReal)(N - 1));
  for (size_t k = 0; k < N; k++) field[k] = (data[k][0] - mean) / sd;
  fftw_destroy_plan(plan);
  fftw_free(data);
  PetscCall(PetscRandomDestroy(&rng));
  PetscFunctionReturn(0);
}

// Puts a full natural-ordered array held on rank 0 into the global DMDA vector b.
static PetscErrorCode ScatterNaturalFromRankZero(DM da, const PetscReal *field, Vec b)
{
  Vec        natural, seq;
  VecScatter toall;

  PetscFunctionBeginUser;
  PetscCall(DMDACreateNaturalVector(da, &natural));
  PetscCall(VecScatterCreateToZero(natural, &toall, &seq));
  PetscInt nloc;
  PetscCall(VecGetLocalSize(seq, &nloc));
  if (nloc) {
    PetscScalar *s;
    PetscCall(VecGetArray(seq, &s));
    for (PetscInt k = 0; k < nloc; k++) s[k] = field[k];
    PetscCall(VecRestoreArray(seq, &s));
  }
  PetscCall(VecScatterBegin(toall, seq, natural, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(toall, seq, natural, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(DMDANaturalToGlobalBegin(da, natural, INSERT_VALUES, b));
  PetscCall(DMDANaturalToGlobalEnd(da, natural, INSERT_VALUES, b));
  PetscCall(VecScatterDestroy(&toall));
  PetscCall(VecDestroy(&seq));
  PetscCall(VecDestroy(&natural));
  PetscFunctionReturn(0);
}

PetscErrorCode RhsRandom(const ProblemOptions *opts, DM da, Vec b)
{
  PetscMPIInt            rank;
  std::vector<PetscReal> field;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)da), &rank));
  if (rank == 0) {
    PetscRandom rng;
    PetscInt    N;
    PetscCall(VecGetSize(b, &N));
    field.resize((size_t)N);
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rng));
    PetscCall(PetscRandomSetType(rng, PETSCRAND48));
    PetscCall(PetscRandomSetSeed(rng, (unsigned long)opts->grf_seed));
    PetscCall(PetscRandomSeed(rng));
    for (PetscInt k = 0; k < N; k += 2) { // Box-Muller: two normals per two uniforms
      PetscReal u1, u2;
      do PetscCall(PetscRandomGetValueReal(rng, &u1));
      while (u1 <= 0.0);
      PetscCall(PetscRandomGetValueReal(rng, &u2));
      const PetscReal r = PetscSqrtReal(-2.0 * PetscLogReal(u1)), t = 2.0 * PETSC_PI * u2;
      field[k] = r * PetscCosReal(t);
      if (k + 1 < N) field[k + 1] = r * PetscSinReal(t);
    }
    PetscCall(PetscRandomDestroy(&rng));
  }
  PetscCall(ScatterNaturalFromRankZero(da, field.data(), b));
  PetscFunctionReturn(0);
}

PetscErrorCode RhsGRF(const ProblemOptions *opts, DM da, Vec b)
{
  PetscMPIInt            rank;
  std::vector<PetscReal> field;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)da), &rank));
  if (rank == 0) {
    field.resize((size_t)opts->n * opts->n);
    PetscCall(RhsGRFField(opts->n, opts->grf_seed, opts->grf_alpha, opts->grf_tau, field.data()));
  }
  PetscCall(ScatterNaturalFromRankZero(da, field.data(), b));
  PetscFunctionReturn(0);
}
