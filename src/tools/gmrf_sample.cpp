// gmrf_sample: snapshots u ~ N(0, A^{-1}) of a problem's operator read as the precision matrix
// of a Gaussian Markov random field (REPORTS.md §10.1), written to HDF5 for PC vecchia's
// -pc_vecchia_snapshots (docs/vecchia.md).
//
// Sample runs:
//   build/bin/gmrf_sample -sampler exact -snapshots 50000 -seed 6 -o snap.h5
//   build/bin/poisson_solve -problem constant -methods vecchia_snapshots
//       -vecchia_snapshots_pc_vecchia_snapshots snap.h5          (one command line)
//   mpirun -n 2 build/bin/gmrf_sample -sampler langevin -chains 64 -snapshots 640 -o lan.h5
//   build/bin/gmrf_sample -problem chain -n 32 -sampler gibbs -snapshots 19968 -o gibbs.h5
//
// Samplers:
//   exact     u = L^{-T} z with A = L L^T a sparse Cholesky factor (PETSc, nested dissection:
//             never dense), one backward solve per snapshot. The factor is sequential: every
//             rank gathers the operator and computes the same factor, draws its share of each
//             round of snapshots (draw s uses stream s, whoever computes it), and rank 0 gathers
//             the rounds in order: the file does not depend on the rank count, bitwise, and the
//             draws take 1/P of the time. Each rank checks its first draw: u^T A u = z^T z.
//   langevin  Euler-Maruyama u <- u - dt A u + sqrt(2 dt) z, dt = dt_factor / lambda_max, on
//             -chains independent chains started at 0 (distributed: MatMult on every rank).
//             Thinning T = ceil(-1/log(1 - dt lambda_min)), burn-in 10 T steps, then all chains
//             are stored every T steps (§10.1). Its stationary covariance is
//             (A - (dt/2) A^2)^{-1}, not A^{-1}: the stiffest mode is inflated by
//             1/(1 - dt lambda_max/2) (4/3 at dt_factor 0.5).
//   gibbs     Gauss-Seidel sweeps in natural order with N(0, 1/A_ii) noise:
//             u_i <- -(sum_{j != i} A_ij u_j)/A_ii + z_i/sqrt(A_ii), -chains chains on rank 0.
//             Thinning T = ceil(-1/log(rho^2)), rho = 1 - lambda_min/max_i A_ii (= cos(pi h) for
//             the constant problem), burn-in 15 T sweeps.
//   lambda_min and lambda_max come from SLEPc (the spectra library); -thin and -burn_in
//   override the closed forms.
//
// Random numbers: z for (stream, k) is a Box-Muller normal of two counter-based uniforms
// (splitmix64 of the seed, the stream and the natural index k); the stream is the snapshot
// (exact) or step * chains + chain (langevin, gibbs). Every rank draws its own entries of the
// same field, so the draws do not depend on the rank count (langevin's trajectories agree to
// rounding: MatMult sums a row in a rank-dependent order).
//
// Output (-o F.h5, written as a temporary and renamed when complete): dataset /snapshots,
// count x N doubles in natural order k = i*n + j (DMDA x fastest), chunked and extendible
// along the first axis (written block by block as the sampler produces them); attributes of
// /snapshots: sampler, problem, n, N, count, seed, rng, and per sampler dt, dt_factor,
// chains, thinning, burn_in, lambda_min, lambda_max. With -accumulate (N <= 4096) only the
// average /covariance = U U^T / N_s (N x N, the same attributes) is written, accumulated by
// BLAS syrk in blocks; PC vecchia reads either dataset.
static const char help[] =
    "Snapshots u ~ N(0, A^{-1}) of a problem's operator (a Gaussian Markov random field).\n\n"
    "  -sampler exact|langevin|gibbs   exact: u = L^{-T} z (sparse Cholesky); langevin:\n"
    "                        Euler-Maruyama chains; gibbs: Gauss-Seidel sweeps with noise\n"
    "  -snapshots <N>        number of snapshots (default 1000)\n"
    "  -seed <S>             random stream (default 0)\n"
    "  -o <F.h5>             output file (dataset /snapshots, count x N)\n"
    "  -accumulate           write only /covariance = U U^T / N_s (N x N, N <= 4096)\n"
    "  -problem <name>       constant, variable, rod, or chain (1-D, A = tridiag(-1,2,-1)/h^2,\n"
    "                        n unknowns); default constant\n"
    "  -chains <C>           langevin, gibbs: independent chains (default 256)\n"
    "  -dt_factor <f>        langevin: dt = f / lambda_max, 0 < f < 2 (default 0.5)\n"
    "  -thin <T>, -burn_in <B>  langevin, gibbs: override the closed-form thinning / burn-in\n"
    "  -n, -contrast ...     problem options as for poisson_solve\n\n";

#include <petscdmda.h>
#include <petscviewerhdf5.h>

#include <petscblaslapack.h> // after the PETSc headers it relies on
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/temp_files.h"
#include "problems/problem.h"
#include "runtime/app.h"
#include "spectra/spectra.h"
#include "tools/gmrf_random.h"

namespace {

typedef struct {
  char      sampler[32];
  char      problem[POISSON_NAME_LEN];
  char      out[PETSC_MAX_PATH_LEN];
  PetscInt  snapshots, seed, chains, thin, burn_in, n;
  PetscReal dt_factor;
  PetscBool accumulate;
} SampleOptions;

// ---------------------------------------------------------------- the output file (rank 0)

struct SnapshotWriter {
  PetscViewer         viewer     = NULL;
  hid_t               dset       = -1;
  hsize_t             rows       = 0;
  PetscInt            N          = 0;
  bool                accumulate = false; // S += u u^T instead of storing u
  std::vector<double> S;                  // N x N, lower triangle
  const char         *dataset                      = "/snapshots";
  char                tmp[PETSC_MAX_PATH_LEN + 64] = "";
  bool                done                         = false;
  ~SnapshotWriter()
  {
    if (dset >= 0) H5Dclose(dset);
    if (viewer) PetscViewerDestroy(&viewer);
    if (tmp[0] && !done) {
      std::remove(tmp);
      TempFileForget(tmp);
    }
  }
};

PetscErrorCode WriterOpen(SnapshotWriter *w, const char *path, PetscInt N, PetscInt count,
                          PetscBool accumulate)
{
  hid_t   fid, space, plist;
  hsize_t dims[2] = {0, (hsize_t)N}, maxdims[2] = {H5S_UNLIMITED, (hsize_t)N}, chunk[2];

  PetscFunctionBeginUser;
  w->N = N;
  if (accumulate) {
    w->accumulate = true;
    w->dataset    = "/covariance";
    w->S.assign((size_t)N * N, 0.0);
    PetscCall(TempFileName(path, w->tmp, sizeof(w->tmp)));
    PetscCall(TempFileRegister(w->tmp));
    PetscCall(PetscViewerHDF5Open(PETSC_COMM_SELF, w->tmp, FILE_MODE_WRITE, &w->viewer));
    PetscFunctionReturn(0);
  }
  chunk[0] = (hsize_t)PetscMax(1, PetscMin(count, (PetscInt)(1048576 / (8 * N))));
  chunk[1] = (hsize_t)N;
  PetscCall(TempFileName(path, w->tmp, sizeof(w->tmp)));
  PetscCall(TempFileRegister(w->tmp));
  PetscCall(PetscViewerHDF5Open(PETSC_COMM_SELF, w->tmp, FILE_MODE_WRITE, &w->viewer));
  PetscCall(PetscViewerHDF5GetFileId(w->viewer, &fid));
  space = H5Screate_simple(2, dims, maxdims);
  plist = H5Pcreate(H5P_DATASET_CREATE);
  PetscCheck(space >= 0 && plist >= 0 && H5Pset_chunk(plist, 2, chunk) >= 0, PETSC_COMM_SELF,
             PETSC_ERR_LIB, "HDF5: cannot set up the dataset /snapshots");
  w->dset = H5Dcreate2(fid, "snapshots", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, plist, H5P_DEFAULT);
  H5Pclose(plist);
  H5Sclose(space);
  PetscCheck(w->dset >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "cannot create the dataset /snapshots in '%s'", w->tmp);
  PetscFunctionReturn(0);
}

// Appends `nrows` snapshots (row-major, nrows x N).
PetscErrorCode WriterAppend(SnapshotWriter *w, const double *data, PetscInt nrows)
{
  hsize_t newdims[2] = {w->rows + (hsize_t)nrows, (hsize_t)w->N};
  hsize_t start[2] = {w->rows, 0}, cnt[2] = {(hsize_t)nrows, (hsize_t)w->N};
  hid_t   fspace, mspace;
  herr_t  status;

  PetscFunctionBeginUser;
  if (!nrows) PetscFunctionReturn(0);
  if (w->accumulate) { // S += U U^T, U = the rows as the columns of an N x nrows matrix
    PetscBLASInt      bn, bk;
    const PetscScalar one = 1.0;
    PetscCall(PetscBLASIntCast(w->N, &bn));
    PetscCall(PetscBLASIntCast(nrows, &bk));
    PetscCallBLAS("BLASsyrk",
                  BLASsyrk_("L", "N", &bn, &bk, &one, data, &bn, &one, w->S.data(), &bn));
    w->rows += (hsize_t)nrows;
    PetscFunctionReturn(0);
  }
  PetscCheck(H5Dset_extent(w->dset, newdims) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "cannot extend /snapshots of '%s'", w->tmp);
  fspace = H5Dget_space(w->dset);
  mspace = H5Screate_simple(2, cnt, NULL);
  status = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, cnt, NULL);
  if (status >= 0) status = H5Dwrite(w->dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, data);
  H5Sclose(mspace);
  H5Sclose(fspace);
  PetscCheck(status >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "writing snapshots to '%s' failed (disk full?)", w->tmp);
  w->rows += (hsize_t)nrows;
  PetscFunctionReturn(0);
}

PetscErrorCode WriterAttrInt(SnapshotWriter *w, const char *name, PetscInt value)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerHDF5WriteAttribute(w->viewer, w->dataset, name, PETSC_INT, &value));
  PetscFunctionReturn(0);
}

PetscErrorCode WriterAttrReal(SnapshotWriter *w, const char *name, PetscReal value)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerHDF5WriteAttribute(w->viewer, w->dataset, name, PETSC_REAL, &value));
  PetscFunctionReturn(0);
}

PetscErrorCode WriterAttrString(SnapshotWriter *w, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerHDF5WriteAttribute(w->viewer, w->dataset, name, PETSC_STRING, value));
  PetscFunctionReturn(0);
}

// -accumulate: writes /covariance = S / count (N x N, full) before the attributes.
PetscErrorCode WriterWriteCovariance(SnapshotWriter *w)
{
  hid_t   fid, space, dset;
  hsize_t dims[2] = {(hsize_t)w->N, (hsize_t)w->N};
  herr_t  status;

  PetscFunctionBeginUser;
  if (!w->accumulate) PetscFunctionReturn(0);
  const double inv = 1.0 / (double)w->rows;
  for (PetscInt c = 0; c < w->N; c++)
    for (PetscInt r = c; r < w->N; r++) {
      const double x             = w->S[r + (size_t)c * w->N] * inv;
      w->S[r + (size_t)c * w->N] = x;
      w->S[c + (size_t)r * w->N] = x;
    }
  PetscCall(PetscViewerHDF5GetFileId(w->viewer, &fid));
  space  = H5Screate_simple(2, dims, NULL);
  dset   = H5Dcreate2(fid, "covariance", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT,
                      H5P_DEFAULT);
  status = dset >= 0 ? H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, w->S.data())
                     : -1;
  if (dset >= 0) H5Dclose(dset);
  H5Sclose(space);
  PetscCheck(status >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "writing /covariance to '%s' failed (disk full?)", w->tmp);
  PetscFunctionReturn(0);
}

// Closes the file and renames the temporary to `path`.
PetscErrorCode WriterFinish(SnapshotWriter *w, const char *path)
{
  PetscFunctionBeginUser;
  if (w->dset >= 0) H5Dclose(w->dset);
  w->dset = -1;
  PetscCall(PetscViewerDestroy(&w->viewer));
  PetscCheck(!std::rename(w->tmp, path), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "cannot rename '%s' to '%s'", w->tmp, path);
  TempFileForget(w->tmp);
  w->done = true;
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------- operators

// The 1-D chain A1 = tridiag(-1, 2, -1)/h^2, h = 1/(n+1).
PetscErrorCode ChainOperator(MPI_Comm comm, PetscInt n, Mat *A)
{
  const PetscReal h = 1.0 / (n + 1), s = 1.0 / (h * h);
  PetscInt        lo, hi;

  PetscFunctionBeginUser;
  PetscCall(MatCreateAIJ(comm, PETSC_DECIDE, PETSC_DECIDE, n, n, 3, NULL, 2, NULL, A));
  PetscCall(MatGetOwnershipRange(*A, &lo, &hi));
  for (PetscInt i = lo; i < hi; i++) {
    PetscCall(MatSetValue(*A, i, i, 2.0 * s, INSERT_VALUES));
    if (i > 0) PetscCall(MatSetValue(*A, i, i - 1, -s, INSERT_VALUES));
    if (i < n - 1) PetscCall(MatSetValue(*A, i, i + 1, -s, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

// The whole operator on rank 0, or with all on every rank (others get an empty request).
PetscErrorCode GatherOnRanks(Mat A, PetscBool all, Mat *Aseq)
{
  PetscMPIInt rank;
  PetscInt    N;
  IS          is;
  Mat        *sub;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)A), &rank));
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(ISCreateStride(PETSC_COMM_SELF, rank && !all ? 0 : N, 0, 1, &is));
  PetscCall(MatCreateSubMatrices(A, 1, &is, &is, MAT_INITIAL_MATRIX, &sub));
  *Aseq = sub[0];
  PetscCall(PetscFree(sub));
  PetscCall(ISDestroy(&is));
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------- samplers

struct Progress {
  PetscInt       total, next;
  PetscLogDouble t0;
  const char    *what;
  Progress(PetscInt total_, const char *what_) : total(total_), next(total_ / 10), what(what_)
  {
    PetscTime(&t0);
  }
  // Prints "<what>: k / total (pct), s" at every 10 % of long runs.
  PetscErrorCode Report(MPI_Comm comm, PetscInt k)
  {
    PetscFunctionBeginUser;
    if (total < 20000 || k < next) PetscFunctionReturn(0);
    PetscLogDouble t;
    PetscCall(PetscTime(&t));
    PetscCall(PetscPrintf(comm, "  %s: %" PetscInt_FMT " / %" PetscInt_FMT " (%.0f %%), %.1f s\n",
                          what, k, total, 100.0 * k / total, (double)(t - t0)));
    next = k + total / 10;
    PetscFunctionReturn(0);
  }
};

#define SAMPLE_BLOCK 256 // snapshots buffered before each write

PetscErrorCode SampleExact(MPI_Comm comm, Mat A, const SampleOptions *o, SnapshotWriter *w)
{
  PetscMPIInt   rank, size;
  PetscInt      N;
  Mat           Aseq, F;
  IS            rperm, cperm;
  MatFactorInfo info;
  Vec           z, u, Au;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MatGetSize(A, &N, NULL));
  // Every rank factors the same gathered operator the same way (bitwise the same factor) and
  // draws its share of each round of snapshots; rank 0 gathers the rounds in order and writes.
  PetscCall(GatherOnRanks(A, PETSC_TRUE, &Aseq));
  PetscCall(MatGetFactor(Aseq, MATSOLVERPETSC, MAT_FACTOR_CHOLESKY, &F));
  PetscCall(MatGetOrdering(Aseq, MATORDERINGND, &rperm, &cperm));
  PetscCall(MatFactorInfoInitialize(&info));
  PetscCall(MatCholeskyFactorSymbolic(F, Aseq, rperm, &info));
  PetscCall(MatCholeskyFactorNumeric(F, Aseq, &info));
  PetscCall(ISDestroy(&rperm));
  PetscCall(ISDestroy(&cperm));
  PetscCall(MatCreateVecs(Aseq, &u, &z));
  PetscCall(VecDuplicate(u, &Au));
  const PetscInt           round = (PetscInt)SAMPLE_BLOCK * size;
  std::vector<double>      mine((size_t)SAMPLE_BLOCK * N), all(rank ? 0 : (size_t)round * N);
  std::vector<PetscMPIInt> counts(size), displs(size);
  Progress                 progress(o->snapshots, "exact");
  PetscBool                checked = PETSC_FALSE;
  for (PetscInt first = 0; first < o->snapshots; first += round) {
    const PetscInt nr = PetscMin(round, o->snapshots - first);
    const PetscInt lo = first + nr * rank / size, hi = first + nr * (rank + 1) / size;
    for (PetscInt s = lo; s < hi; s++) {
      PetscScalar *za;
      PetscCall(VecGetArray(z, &za));
      for (PetscInt k = 0; k < N; k++) za[k] = Normal((uint64_t)o->seed, (uint64_t)s, (uint64_t)k);
      PetscCall(VecRestoreArray(z, &za));
      PetscCall(MatBackwardSolve(F, z, u)); // u = L^{-T} z
      if (!checked) {                       // u^T A u = z^T L^{-1} A L^{-T} z = z^T z
        PetscScalar uAu, zz;
        PetscCall(MatMult(Aseq, u, Au));
        PetscCall(VecDot(u, Au, &uAu));
        PetscCall(VecDot(z, z, &zz));
        PetscCheck(PetscAbsScalar(uAu - zz) <= 1e-8 * PetscAbsScalar(zz), PETSC_COMM_SELF,
                   PETSC_ERR_PLIB, "exact sampler: u^T A u = %g but z^T z = %g",
                   (double)PetscRealPart(uAu), (double)PetscRealPart(zz));
        checked = PETSC_TRUE;
      }
      const PetscScalar *ua;
      PetscCall(VecGetArrayRead(u, &ua));
      for (PetscInt k = 0; k < N; k++) mine[(size_t)(s - lo) * N + k] = PetscRealPart(ua[k]);
      PetscCall(VecRestoreArrayRead(u, &ua));
    }
    for (PetscMPIInt r = 0; r < size; r++) {
      const PetscInt rlo = first + nr * r / size, rhi = first + nr * (r + 1) / size;
      PetscCall(PetscMPIIntCast((rhi - rlo) * N, &counts[r]));
      PetscCall(PetscMPIIntCast((rlo - first) * N, &displs[r]));
    }
    PetscCallMPI(MPI_Gatherv(mine.data(), counts[rank], MPI_DOUBLE, all.data(), counts.data(),
                             displs.data(), MPI_DOUBLE, 0, comm));
    PetscErrorCode ierr = 0;
    if (rank == 0) { // a write failure must reach every rank, not leave them in the next round
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      ierr = WriterAppend(w, all.data(), nr);
      PetscCall(PetscPopErrorHandler());
    }
    PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
    PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE,
               "writing snapshots %" PetscInt_FMT "..%" PetscInt_FMT " to %s failed (disk full?)",
               first, first + nr - 1, o->out);
    PetscCall(progress.Report(comm, first + nr));
  }
  PetscCall(VecDestroy(&z));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&Au));
  PetscCall(MatDestroy(&F));
  PetscCall(MatDestroy(&Aseq));
  PetscFunctionReturn(0);
}

PetscErrorCode SampleLangevin(MPI_Comm comm, Mat A, const SampleOptions *o, PetscReal dt,
                              PetscInt thin, PetscInt burn, SnapshotWriter *w)
{
  PetscMPIInt      rank;
  PetscInt         N, lo, hi, C = o->chains, stored = 0;
  std::vector<Vec> u(C);
  Vec              Au, seq;
  VecScatter       tozero;
  const PetscReal  sq = PetscSqrtReal(2.0 * dt);

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(MatCreateVecs(A, &Au, NULL));
  PetscCall(VecGetOwnershipRange(Au, &lo, &hi));
  for (Vec &v : u) {
    PetscCall(VecDuplicate(Au, &v));
    PetscCall(VecZeroEntries(v));
  }
  PetscCall(VecScatterCreateToZero(Au, &tozero, &seq));
  const PetscInt      rounds = (o->snapshots + C - 1) / C, steps = burn + rounds * thin;
  std::vector<double> block(rank ? 0 : (size_t)C * N);
  Progress            progress(steps * C, "langevin chain steps");
  for (PetscInt step = 1; step <= steps; step++) {
    for (PetscInt c = 0; c < C; c++) {
      PetscScalar *ua;
      PetscCall(MatMult(A, u[c], Au));
      PetscCall(VecAXPY(u[c], -dt, Au));
      PetscCall(VecGetArray(u[c], &ua));
      for (PetscInt k = lo; k < hi; k++)
        ua[k - lo] += sq * Normal((uint64_t)o->seed, (uint64_t)step * C + c, (uint64_t)k);
      PetscCall(VecRestoreArray(u[c], &ua));
    }
    PetscCall(progress.Report(comm, step * C));
    if (step <= burn || (step - burn) % thin) continue;
    const PetscInt take = PetscMin(C, o->snapshots - stored);
    for (PetscInt c = 0; c < take; c++) {
      PetscCall(VecScatterBegin(tozero, u[c], seq, INSERT_VALUES, SCATTER_FORWARD));
      PetscCall(VecScatterEnd(tozero, u[c], seq, INSERT_VALUES, SCATTER_FORWARD));
      if (rank == 0) {
        const PetscScalar *s;
        PetscCall(VecGetArrayRead(seq, &s));
        for (PetscInt k = 0; k < N; k++) block[(size_t)c * N + k] = PetscRealPart(s[k]);
        PetscCall(VecRestoreArrayRead(seq, &s));
      }
    }
    if (rank == 0) PetscCall(WriterAppend(w, block.data(), take));
    stored += take;
  }
  for (Vec &v : u) PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&Au));
  PetscCall(VecDestroy(&seq));
  PetscCall(VecScatterDestroy(&tozero));
  PetscFunctionReturn(0);
}

PetscErrorCode SampleGibbs(MPI_Comm comm, Mat A, const SampleOptions *o, PetscInt thin,
                           PetscInt burn, SnapshotWriter *w)
{
  PetscMPIInt rank;
  PetscInt    N, C = o->chains;
  Mat         Aseq;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(GatherOnRanks(A, PETSC_FALSE, &Aseq));
  if (rank == 0) {
    // The rows as (column, value) lists without the diagonal, and 1/A_ii.
    std::vector<PetscInt>  start(N + 1, 0), col;
    std::vector<PetscReal> val, inv_diag(N), sd(N);
    for (PetscInt i = 0; i < N; i++) {
      PetscInt           nc;
      const PetscInt    *cj;
      const PetscScalar *v;
      PetscReal          d = 0.0;
      PetscCall(MatGetRow(Aseq, i, &nc, &cj, &v));
      for (PetscInt q = 0; q < nc; q++) {
        if (cj[q] == i)
          d = PetscRealPart(v[q]);
        else {
          col.push_back(cj[q]);
          val.push_back(PetscRealPart(v[q]));
        }
      }
      PetscCall(MatRestoreRow(Aseq, i, &nc, &cj, &v));
      PetscCheck(d > 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
                 "gibbs sampler: A_ii = %g <= 0 at row %" PetscInt_FMT " (not a precision matrix)",
                 (double)d, i);
      start[i + 1] = (PetscInt)col.size();
      inv_diag[i]  = 1.0 / d;
      sd[i]        = 1.0 / PetscSqrtReal(d);
    }
    std::vector<double> u((size_t)C * N, 0.0);
    const PetscInt      rounds = (o->snapshots + C - 1) / C, sweeps = burn + rounds * thin;
    PetscInt            stored = 0;
    Progress            progress(sweeps * C, "gibbs chain sweeps");
    for (PetscInt sweep = 1; sweep <= sweeps; sweep++) {
      for (PetscInt c = 0; c < C; c++) {
        double        *x      = u.data() + (size_t)c * N;
        const uint64_t stream = (uint64_t)sweep * C + c;
        for (PetscInt i = 0; i < N; i++) {
          double s = 0.0;
          for (PetscInt q = start[i]; q < start[i + 1]; q++) s += val[q] * x[col[q]];
          x[i] = -s * inv_diag[i] + sd[i] * Normal((uint64_t)o->seed, stream, (uint64_t)i);
        }
      }
      PetscCall(progress.Report(PETSC_COMM_SELF, sweep * C));
      if (sweep <= burn || (sweep - burn) % thin) continue;
      const PetscInt take = PetscMin(C, o->snapshots - stored);
      PetscCall(WriterAppend(w, u.data(), take));
      stored += take;
    }
  }
  PetscCall(MatDestroy(&Aseq));
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------- the program

PetscErrorCode ReadOptions(MPI_Comm comm, SampleOptions *o)
{
  PetscBool has_out;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  PetscCall(PetscStrncpy(o->sampler, "exact", sizeof(o->sampler)));
  PetscCall(PetscStrncpy(o->problem, "constant", sizeof(o->problem)));
  o->snapshots = 1000;
  o->chains    = 256;
  o->dt_factor = 0.5;
  o->n         = 32;
  PetscOptionsBegin(comm, NULL, "gmrf_sample options", NULL);
  PetscCall(PetscOptionsString("-sampler", "exact, langevin or gibbs", NULL, o->sampler, o->sampler,
                               sizeof(o->sampler), NULL));
  PetscCall(PetscOptionsString("-problem", "constant, variable, rod or chain", NULL, o->problem,
                               o->problem, sizeof(o->problem), NULL));
  PetscCall(PetscOptionsInt("-snapshots", "Number of snapshots", NULL, o->snapshots, &o->snapshots,
                            NULL));
  PetscCall(PetscOptionsInt("-seed", "Random stream", NULL, o->seed, &o->seed, NULL));
  PetscCall(PetscOptionsInt("-chains", "Independent chains (langevin, gibbs)", NULL, o->chains,
                            &o->chains, NULL));
  PetscCall(PetscOptionsReal("-dt_factor", "langevin: dt = dt_factor / lambda_max", NULL,
                             o->dt_factor, &o->dt_factor, NULL));
  PetscCall(PetscOptionsInt("-thin", "Thinning interval (0: closed form)", NULL, o->thin, &o->thin,
                            NULL));
  PetscCall(PetscOptionsInt("-burn_in", "Burn-in steps or sweeps (0: closed form)", NULL,
                            o->burn_in, &o->burn_in, NULL));
  PetscCall(
      PetscOptionsString("-o", "Output file", NULL, o->out, o->out, sizeof(o->out), &has_out));
  PetscCall(PetscOptionsBool("-accumulate",
                             "Write only the average /covariance = U U^T / N_s (N x N) instead "
                             "of the snapshots",
                             NULL, o->accumulate, &o->accumulate, NULL));
  PetscOptionsEnd();
  PetscCheck(!strcmp(o->sampler, "exact") || !strcmp(o->sampler, "langevin") ||
                 !strcmp(o->sampler, "gibbs"),
             comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown -sampler '%s' (allowed: exact, langevin, gibbs)", o->sampler);
  PetscCheck(has_out && o->out[0], comm, PETSC_ERR_USER_INPUT,
             "-o F.h5 (the output file) is required");
  PetscCheck(o->snapshots >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-snapshots must be at least 1, got %" PetscInt_FMT, o->snapshots);
  PetscCheck(o->seed >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-seed must be nonnegative, got %" PetscInt_FMT, o->seed);
  PetscCheck(o->chains >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-chains must be at least 1, got %" PetscInt_FMT, o->chains);
  PetscCheck(o->dt_factor > 0.0 && o->dt_factor < 2.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-dt_factor must lie in (0, 2) (Euler-Maruyama is unstable from dt lambda_max = 2 "
             "on), got %g",
             (double)o->dt_factor);
  PetscCheck(o->thin >= 0 && o->burn_in >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-thin and -burn_in must be nonnegative");
  PetscFunctionReturn(0);
}

PetscErrorCode Run(MPI_Comm comm, ResultsFile *)
{
  SampleOptions  o;
  ProblemOptions popts;
  Problem        p;
  Mat            A;
  PetscBool      chain;
  PetscMPIInt    rank;
  PetscInt       N, n;
  SnapshotWriter w;
  PetscReal      lmin = 0.0, lmax = 0.0, dt = 0.0;
  PetscInt       thin = 0, burn = 0;
  PetscLogDouble t0, t1;

  PetscFunctionBeginUser;
  PetscCall(PetscTime(&t0));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(ReadOptions(comm, &o));
  {
    // The output folder must be writable: checked on rank 0 for every rank before any work.
    std::string dir(o.out);
    size_t      slash = dir.rfind('/');
    dir               = slash == std::string::npos ? "." : (slash ? dir.substr(0, slash) : "/");
    int ok            = rank == 0 ? access(dir.c_str(), W_OK) == 0 : 0;
    PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
    PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "-o %s: the folder '%s' is not writable", o.out,
               dir.c_str());
  }
  PetscCall(TempFilesInstallSignalCleanup());
  PetscCall(PetscStrcmp(o.problem, "chain", &chain));
  if (chain) {
    PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &o.n, NULL));
    PetscCheck(o.n >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "-n must be at least 2");
    PetscCall(ChainOperator(comm, o.n, &A));
    n = o.n;
  } else {
    PetscCall(ProblemOptionsFromCommandLine(comm, o.problem, &popts));
    PetscCall(ProblemCreate(comm, &popts, &p));
    PetscInt px;
    PetscCall(DMDAGetInfo(p.da, NULL, NULL, NULL, NULL, &px, NULL, NULL, NULL, NULL, NULL, NULL,
                          NULL, NULL));
    PetscCheck(px == 1, comm, PETSC_ERR_ARG_INCOMP,
               "gmrf_sample needs the DMDA split in strips of whole grid rows (-da_processors_x "
               "1): PETSc's order is then the natural one the snapshots are written in");
    A = p.A;
    PetscCall(PetscObjectReference((PetscObject)A));
    PetscCall(ProblemDestroy(&p));
    n = popts.n;
  }
  PetscCall(MatGetSize(A, &N, NULL));
  if (strcmp(o.sampler, "exact")) {
    SpectrumResult res;
    PetscCall(SpectrumOfOperator(A, PETSC_FALSE, &res));
    lmin = res.lambda_min;
    lmax = res.lambda_max;
    if (!strcmp(o.sampler, "langevin")) {
      dt   = o.dt_factor / lmax;
      thin = o.thin ? o.thin : (PetscInt)std::ceil(-1.0 / std::log(1.0 - dt * lmin));
      burn = o.burn_in ? o.burn_in : 10 * thin;
    } else {
      PetscReal dmax;
      Vec       d;
      PetscCall(MatCreateVecs(A, &d, NULL));
      PetscCall(MatGetDiagonal(A, d));
      PetscCall(VecMax(d, NULL, &dmax));
      PetscCall(VecDestroy(&d));
      const PetscReal rho = 1.0 - lmin / dmax;
      thin                = o.thin ? o.thin : (PetscInt)std::ceil(-1.0 / std::log(rho * rho));
      burn                = o.burn_in ? o.burn_in : 15 * thin;
    }
  }
  PetscCall(PetscPrintf(comm,
                        "gmrf_sample: %s sampler, problem %s, N = %" PetscInt_FMT ", %" PetscInt_FMT
                        " snapshots, seed %" PetscInt_FMT "\n",
                        o.sampler, o.problem, N, o.snapshots, o.seed));
  if (thin)
    PetscCall(PetscPrintf(comm,
                          "  lambda_min %.6g, lambda_max %.6g, %" PetscInt_FMT
                          " chains, thinning %" PetscInt_FMT ", burn-in %" PetscInt_FMT "%s\n",
                          (double)lmin, (double)lmax, o.chains, thin, burn,
                          dt > 0 ? " (steps)" : " (sweeps)"));
  PetscCheck(!o.accumulate || N <= 4096, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-accumulate keeps an N x N matrix: N = %" PetscInt_FMT " exceeds 4096", N);
  if (rank == 0) PetscCall(WriterOpen(&w, o.out, N, o.snapshots, o.accumulate));
  if (!strcmp(o.sampler, "exact"))
    PetscCall(SampleExact(comm, A, &o, &w));
  else if (!strcmp(o.sampler, "langevin"))
    PetscCall(SampleLangevin(comm, A, &o, dt, thin, burn, &w));
  else
    PetscCall(SampleGibbs(comm, A, &o, thin, burn, &w));
  if (rank == 0) {
    PetscCall(WriterWriteCovariance(&w));
    PetscCall(WriterAttrString(&w, "sampler", o.sampler));
    PetscCall(WriterAttrString(&w, "problem", o.problem));
    PetscCall(WriterAttrInt(&w, "n", n));
    PetscCall(WriterAttrInt(&w, "N", N));
    PetscCall(WriterAttrInt(&w, "count", o.snapshots));
    PetscCall(WriterAttrInt(&w, "seed", o.seed));
    PetscCall(WriterAttrString(&w, "rng", "splitmix64 counter-based uniforms, Box-Muller"));
    PetscCall(WriterAttrString(&w, "ordering", "natural, k = i*n + j"));
    if (thin) {
      PetscCall(WriterAttrInt(&w, "chains", o.chains));
      PetscCall(WriterAttrInt(&w, "thinning", thin));
      PetscCall(WriterAttrInt(&w, "burn_in", burn));
      PetscCall(WriterAttrReal(&w, "lambda_min", lmin));
      PetscCall(WriterAttrReal(&w, "lambda_max", lmax));
    }
    if (dt > 0) {
      PetscCall(WriterAttrReal(&w, "dt", dt));
      PetscCall(WriterAttrReal(&w, "dt_factor", o.dt_factor));
    }
    PetscCall(WriterFinish(&w, o.out));
  }
  PetscCallMPI(MPI_Barrier(comm));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscPrintf(comm, "  wrote %s (%s, %" PetscInt_FMT " x %" PetscInt_FMT "), %.2f s\n",
                        o.out, o.accumulate ? "/covariance" : "/snapshots",
                        o.accumulate ? N : o.snapshots, N, (double)(t1 - t0)));
  PetscFunctionReturn(0);
}

} // namespace

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
