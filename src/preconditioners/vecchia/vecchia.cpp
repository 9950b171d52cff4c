// PC type "vecchia" (REPORTS.md §10.3, docs/vecchia.md), laid out like nystrom.cpp.
//
// Setup, with A = pc->pmat read as a precision matrix, Sigma = A^{-1}:
//   1. the grid rows x cols (core/grid_shape: DMDA, -pc_vecchia_grid_width, bandwidth) and the
//      natural order k = i*cols + j; parents of k: W = k-1 (j > 0), then S = k-cols (i > 0);
//   2. the four moments each node needs, Sigma_kk, Sigma_kW, Sigma_kS and Sigma_WS:
//        exact      MUMPS selected inversion (MatMumpsGetInverseTranspose: only the requested
//                   4N entries of A^{-1}, A^{-1} is never formed), or with -pc_vecchia_exact_solver
//                   petsc one solve per column with a PETSc sparse Cholesky factor (nested
//                   dissection), O(N nnz(L)): meant for small N and cross-checks;
//        snapshots  uncentred second moments (1/N_s) sum u u^T of the first N_s rows of the
//                   dataset "snapshots" (count x N, natural order) of an HDF5 file, read on rank
//                   0 with PetscViewerHDF5 in blocks of rows, broadcast; or, from a file
//                   without /snapshots, the needed entries of its "covariance" (N x N, the
//                   average U U^T / count of gmrf_sample -accumulate);
//   3. the 1x1 / 2x2 regressions of §10.3 for c_k and d2_k; the build is refused (one error
//      naming the first node) when a d2_k is not positive (d2_k <= 64 eps Sigma_kk counts as
//      zero) or a parent block Sigma[P,P] is not positive definite.
// Apply: M^{-1} r = G^{-1} diag(d2) G^{-T} r, G unit lower triangular with G[k,P] = -c_k: one
// backward sweep (G^T y = r), a scaling, one forward sweep (G z = y); 10 N flops.
// M = B^T B with B = diag(d)^{-1} G, so PCApplySymmetricLeft is B^{-T} = diag(d) G^{-T} and
// PCApplySymmetricRight is B^{-1} = G^{-1} diag(d).
//
// Parallel: inside block Jacobi (-sub_pc_type vecchia) each block is a sequential PC on its own
// operator block (strips of whole grid rows: the width comes from the bandwidth). With
// -pc_type vecchia on P > 1 ranks the operator is gathered on every rank (in natural order
// through the DMDA's AO); rank 0 computes the 4N moments (one factorization, or the file) and
// broadcasts them, every rank fits the same G and d2 and applies them to the gathered vector:
// the iterations equal the serial ones. docs/vecchia.md says what a distributed version
// would need.
#include <petsc/private/pcimpl.h>
#include <petscdmda.h>
#include <petsctime.h>
#include <petscviewerhdf5.h>

#include <cmath>
#include <vector>

#include "core/grid_shape.h"
#include "preconditioners/vecchia/vecchia.h"

const char *const PCVecchiaSources[] = {"exact", "snapshots", "PCVecchiaSource", "PC_VECCHIA_",
                                        NULL};

#define VECCHIA_READ_BLOCK 512 // snapshots read per HDF5 hyperslab
#define VECCHIA_MSG_LEN 1024

typedef struct {
  // settings
  PCVecchiaSource source;
  PetscBool       source_set; // -pc_vecchia_source given explicitly
  char            snapshots[PETSC_MAX_PATH_LEN];
  PetscInt        count; // snapshots to use, 0 = all
  char            exact_solver[32];
  PetscInt        grid_width;
  // built by PCSetUp
  PetscInt               N, rows, cols;
  const char            *geometry;
  std::vector<PetscReal> cw, cs, d2; // natural order
  std::vector<PetscReal> d;          // sqrt(d2)
  std::vector<PetscReal> work;       // N
  PetscInt               used;       // snapshots used (0: exact)
  char                   solver_used[32];
  PetscReal              setup_seconds;
  // gathered mode (P > 1 ranks with -pc_type vecchia)
  PetscBool             gathered;
  Mat                   Aseq;
  VecScatter            scatter;
  Vec                   xall;
  std::vector<PetscInt> perm;  // natural -> PETSc index of the gathered vector (empty: same)
  std::vector<PetscInt> natof; // local row -> natural index (gathered mode)
} PC_Vecchia;

static PetscErrorCode PCReset_Vecchia(PC pc)
{
  PC_Vecchia *v = (PC_Vecchia *)pc->data;

  PetscFunctionBegin;
  if (v->gathered) PetscCall(MatDestroy(&v->Aseq));
  v->Aseq = NULL;
  PetscCall(VecScatterDestroy(&v->scatter));
  PetscCall(VecDestroy(&v->xall));
  v->gathered = PETSC_FALSE;
  v->cw.clear();
  v->cs.clear();
  v->d2.clear();
  v->d.clear();
  v->work.clear();
  v->perm.clear();
  v->natof.clear();
  v->N = v->rows = v->cols = 0;
  v->used                  = 0;
  PetscFunctionReturn(0);
}

// The four moments of every node, natural order: Sigma_kk, Sigma_{k,W}, Sigma_{k,S}, Sigma_{W,S}
// (zero where the parent does not exist).
typedef struct {
  std::vector<PetscReal> kk, kw, ks, ws;
} Moments;

static void MomentsResize(Moments *m, PetscInt N)
{
  m->kk.assign(N, 0.0);
  m->kw.assign(N, 0.0);
  m->ks.assign(N, 0.0);
  m->ws.assign(N, 0.0);
}

// ---------------------------------------------------------------- exact moments

// PETSc index of natural node k in the sequential operator.
static inline PetscInt Pidx(const PC_Vecchia *v, PetscInt k)
{
  return v->perm.empty() ? k : v->perm[k];
}

static PetscErrorCode ExactMomentsMumps(PC_Vecchia *v, Mat F, Moments *m)
{
  const PetscInt N = v->N, cols = v->cols;
  Mat            R;

  PetscFunctionBegin;
  // The requested entries: row P(k) holds (k,k), (k,W), (k,S); row P(W) holds (W,S).
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, N, N, 8, NULL, &R));
  for (PetscInt k = 0; k < N; k++) {
    const PetscInt j = k % cols, pk = Pidx(v, k);
    PetscCall(MatSetValue(R, pk, pk, 1.0, INSERT_VALUES));
    if (j > 0) PetscCall(MatSetValue(R, pk, Pidx(v, k - 1), 1.0, INSERT_VALUES));
    if (k >= cols) PetscCall(MatSetValue(R, pk, Pidx(v, k - cols), 1.0, INSERT_VALUES));
    if (j > 0 && k >= cols)
      PetscCall(MatSetValue(R, Pidx(v, k - 1), Pidx(v, k - cols), 1.0, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(R, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(R, MAT_FINAL_ASSEMBLY));
  PetscCall(MatMumpsGetInverseTranspose(F, R)); // R <- entries of A^{-T} = A^{-1} on its pattern
  for (PetscInt k = 0; k < N; k++) {
    const PetscInt j = k % cols, pk = Pidx(v, k);
    PetscCall(MatGetValues(R, 1, &pk, 1, &pk, &m->kk[k]));
    if (j > 0) {
      const PetscInt pw = Pidx(v, k - 1);
      PetscCall(MatGetValues(R, 1, &pk, 1, &pw, &m->kw[k]));
    }
    if (k >= cols) {
      const PetscInt ps = Pidx(v, k - cols);
      PetscCall(MatGetValues(R, 1, &pk, 1, &ps, &m->ks[k]));
    }
    if (j > 0 && k >= cols) {
      const PetscInt pw = Pidx(v, k - 1), ps = Pidx(v, k - cols);
      PetscCall(MatGetValues(R, 1, &pw, 1, &ps, &m->ws[k]));
    }
  }
  PetscCall(MatDestroy(&R));
  PetscFunctionReturn(0);
}

// Column k of A^{-1} gives Sigma_kk, Sigma_{k-1,k}, Sigma_{k-cols,k} and, for node m = k+cols
// (whose S parent is k and W parent m-1), Sigma_{m-1,k}.
static PetscErrorCode ExactMomentsSolves(PC_Vecchia *v, Mat F, Moments *m)
{
  const PetscInt     N = v->N, cols = v->cols;
  Vec                e, x;
  const PetscScalar *xa;

  PetscFunctionBegin;
  PetscCall(MatCreateVecs(v->Aseq, &x, &e));
  for (PetscInt k = 0; k < N; k++) {
    const PetscInt j = k % cols, pk = Pidx(v, k);
    PetscCall(VecZeroEntries(e));
    PetscCall(VecSetValue(e, pk, 1.0, INSERT_VALUES));
    PetscCall(VecAssemblyBegin(e));
    PetscCall(VecAssemblyEnd(e));
    PetscCall(MatSolve(F, e, x));
    PetscCall(VecGetArrayRead(x, &xa));
    m->kk[k] = xa[pk];
    if (j > 0) m->kw[k] = xa[Pidx(v, k - 1)];
    if (k >= cols) m->ks[k] = xa[Pidx(v, k - cols)];
    if (j > 0 && k + cols < N) m->ws[k + cols] = xa[Pidx(v, k + cols - 1)];
    PetscCall(VecRestoreArrayRead(x, &xa));
  }
  PetscCall(VecDestroy(&e));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

// The exact solver: -pc_vecchia_exact_solver, else MUMPS when PETSc has it (every rank).
static PetscErrorCode ExactSolverChoice(PC pc)
{
  PC_Vecchia *v = (PC_Vecchia *)pc->data;
  PetscBool   mumps, has_mumps;

  PetscFunctionBegin;
  PetscCall(MatGetFactorAvailable(v->Aseq, MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, &has_mumps));
  if (!v->exact_solver[0])
    PetscCall(PetscStrncpy(v->solver_used, has_mumps ? "mumps" : "petsc", sizeof(v->solver_used)));
  else
    PetscCall(PetscStrncpy(v->solver_used, v->exact_solver, sizeof(v->solver_used)));
  PetscCall(PetscStrcmp(v->solver_used, "mumps", &mumps));
  PetscCheck(!mumps || has_mumps, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_INCOMP,
             "PC vecchia: -pc_vecchia_exact_solver mumps, but PETSc has no MUMPS Cholesky for this "
             "matrix type; use -pc_vecchia_exact_solver petsc");
  PetscFunctionReturn(0);
}

static PetscErrorCode ExactMoments(PC pc, Moments *m)
{
  PC_Vecchia   *v = (PC_Vecchia *)pc->data;
  Mat           F;
  IS            rperm, cperm;
  MatFactorInfo info;
  PetscBool     mumps;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(v->solver_used, "mumps", &mumps));
  PetscCall(
      MatGetFactor(v->Aseq, mumps ? MATSOLVERMUMPS : MATSOLVERPETSC, MAT_FACTOR_CHOLESKY, &F));
  PetscCall(MatGetOrdering(v->Aseq, mumps ? MATORDERINGNATURAL : MATORDERINGND, &rperm, &cperm));
  PetscCall(MatFactorInfoInitialize(&info));
  PetscCall(MatCholeskyFactorSymbolic(F, v->Aseq, rperm, &info));
  PetscCall(MatCholeskyFactorNumeric(F, v->Aseq, &info));
  PetscCall(ISDestroy(&rperm));
  PetscCall(ISDestroy(&cperm));
  MomentsResize(m, v->N);
  if (mumps)
    PetscCall(ExactMomentsMumps(v, F, m));
  else
    PetscCall(ExactMomentsSolves(v, F, m));
  PetscCall(MatDestroy(&F));
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------- snapshot moments

// Closes HDF5 handles on every exit path.
struct H5Handles {
  hid_t dset = -1, fspace = -1, mspace = -1, type = -1;
  ~H5Handles()
  {
    if (type >= 0) H5Tclose(type);
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    if (dset >= 0) H5Dclose(dset);
  }
};

// Rank 0: the dataset /covariance (N x N, the average U U^T / count that gmrf_sample
// -accumulate writes, attribute count) of the open file: the four moments of every node are
// read off it, one block of rows at a time.
static PetscErrorCode ReadCovarianceDataset(const PC_Vecchia *v, PetscViewer viewer, hid_t fid,
                                            Moments *m, PetscInt *used, PetscErrorCode *code,
                                            char *msg, size_t len)
{
  const PetscInt N = v->N, cols = v->cols;
  const char    *file = v->snapshots;
  H5Handles      h; // closed on return, before the file
  hsize_t        dims[2];
  PetscBool      has_count;
  PetscInt       count = 0;

  PetscFunctionBegin;
  h.dset    = H5Dopen2(fid, "/covariance", H5P_DEFAULT);
  h.fspace  = h.dset >= 0 ? H5Dget_space(h.dset) : -1;
  h.type    = h.dset >= 0 ? H5Dget_type(h.dset) : -1;
  int ndims = h.fspace >= 0 ? H5Sget_simple_extent_ndims(h.fspace) : -1;
  PetscCall(PetscViewerHDF5HasAttribute(viewer, "/covariance", "count", &has_count));
  if (has_count)
    PetscCall(
        PetscViewerHDF5ReadAttribute(viewer, "/covariance", "count", PETSC_INT, NULL, &count));
  if (ndims != 2 || H5Sget_simple_extent_dims(h.fspace, dims, NULL) < 0 || h.type < 0 ||
      H5Tget_class(h.type) != H5T_FLOAT || dims[0] != dims[1] || !has_count) {
    *code = PETSC_ERR_FILE_UNEXPECTED;
    PetscCall(PetscSNPrintf(msg, len,
                            "PC vecchia: /covariance of '%s' must be a square dataset of floating "
                            "point values with an integer attribute count",
                            file));
    PetscFunctionReturn(0);
  }
  if ((PetscInt)dims[0] != N) {
    *code = PETSC_ERR_ARG_SIZ;
    PetscCall(PetscSNPrintf(msg, len,
                            "PC vecchia: the covariance in '%s' is %llu x %llu, the operator has N "
                            "= %" PetscInt_FMT ": snapshots of another grid",
                            file, (unsigned long long)dims[0], (unsigned long long)dims[0], N));
    PetscFunctionReturn(0);
  }
  if (count < 3 || (v->count > 0 && v->count != count)) {
    *code = PETSC_ERR_ARG_OUTOFRANGE;
    if (count < 3)
      PetscCall(PetscSNPrintf(msg, len,
                              "PC vecchia: the covariance in '%s' averages %" PetscInt_FMT
                              " snapshots, too few for the regressions (at least 3)",
                              file, count));
    else
      PetscCall(PetscSNPrintf(msg, len,
                              "PC vecchia: '%s' holds the average of all its %" PetscInt_FMT
                              " snapshots; -pc_vecchia_count must be 0 or %" PetscInt_FMT,
                              file, count, count));
    PetscFunctionReturn(0);
  }
  MomentsResize(m, N);
  std::vector<double> buf((size_t)VECCHIA_READ_BLOCK * N);
  for (PetscInt first = 0; first < N && !*code; first += VECCHIA_READ_BLOCK) {
    const PetscInt rows_now = PetscMin((PetscInt)VECCHIA_READ_BLOCK, N - first);
    hsize_t        start[2] = {(hsize_t)first, 0}, cnt[2] = {(hsize_t)rows_now, (hsize_t)N};
    if (h.mspace >= 0) H5Sclose(h.mspace);
    h.mspace = H5Screate_simple(2, cnt, NULL);
    if (h.mspace < 0 || H5Sselect_hyperslab(h.fspace, H5S_SELECT_SET, start, NULL, cnt, NULL) < 0 ||
        H5Dread(h.dset, H5T_NATIVE_DOUBLE, h.mspace, h.fspace, H5P_DEFAULT, buf.data()) < 0) {
      *code = PETSC_ERR_FILE_READ;
      PetscCall(PetscSNPrintf(msg, len, "PC vecchia: reading /covariance of '%s' failed", file));
      break;
    }
    for (PetscInt r = first; r < first + rows_now; r++) {
      const double *row = buf.data() + (size_t)(r - first) * N;
      for (PetscInt c = 0; c < N; c++)
        if (!std::isfinite(row[c])) {
          *code = PETSC_ERR_FILE_UNEXPECTED;
          PetscCall(PetscSNPrintf(
              msg, len,
              "PC vecchia: /covariance of '%s' has a non-finite value at (%" PetscInt_FMT
              ", %" PetscInt_FMT ")",
              file, r, c));
          PetscFunctionReturn(0);
        }
      m->kk[r] = row[r];
      if (r % cols) m->kw[r] = row[r - 1];
      if (r >= cols) m->ks[r] = row[r - cols];
      const PetscInt k = r + 1; // row r = W parent of node k: Sigma_{W,S}
      if (k < N && k % cols && k >= cols) m->ws[k] = row[k - cols];
    }
  }
  *used = count;
  PetscFunctionReturn(0);
}

// Rank 0: the dataset /snapshots of the open file fid (see ReadSnapshotMoments).
static PetscErrorCode ReadSnapshotDataset(const PC_Vecchia *v, hid_t fid, Moments *m,
                                          PetscInt *used, PetscErrorCode *code, char *msg,
                                          size_t len)
{
  const PetscInt N = v->N, cols = v->cols;
  const char    *file = v->snapshots;
  H5Handles      h; // closed on return, before the file
  hsize_t        dims[2];
  PetscInt       count;

  PetscFunctionBegin;
  h.dset    = H5Dopen2(fid, "/snapshots", H5P_DEFAULT);
  h.fspace  = h.dset >= 0 ? H5Dget_space(h.dset) : -1;
  h.type    = h.dset >= 0 ? H5Dget_type(h.dset) : -1;
  int ndims = h.fspace >= 0 ? H5Sget_simple_extent_ndims(h.fspace) : -1;
  if (ndims != 2 || H5Sget_simple_extent_dims(h.fspace, dims, NULL) < 0 || h.type < 0 ||
      H5Tget_class(h.type) != H5T_FLOAT) {
    *code = PETSC_ERR_FILE_UNEXPECTED;
    PetscCall(PetscSNPrintf(msg, len,
                            "PC vecchia: /snapshots of '%s' must be a 2-D dataset of floating "
                            "point values (count x N)",
                            file));
    PetscFunctionReturn(0);
  }
  if ((PetscInt)dims[1] != N) {
    const PetscInt s = (PetscInt)std::llround(std::sqrt((double)dims[1]));
    *code            = PETSC_ERR_ARG_SIZ;
    PetscCall(PetscSNPrintf(msg, len,
                            "PC vecchia: the snapshot file '%s' holds fields of %llu unknowns%s, "
                            "the operator has N = %" PetscInt_FMT " (%" PetscInt_FMT
                            " x %" PetscInt_FMT "): snapshots of another grid",
                            file, (unsigned long long)dims[1],
                            s * s == (PetscInt)dims[1] ? " (a square grid)" : "", N, v->rows,
                            cols));
    PetscFunctionReturn(0);
  }
  count = v->count > 0 ? v->count : (PetscInt)dims[0];
  if (count > (PetscInt)dims[0] || count < 3) {
    *code = PETSC_ERR_ARG_OUTOFRANGE;
    if (count > (PetscInt)dims[0])
      PetscCall(PetscSNPrintf(msg, len,
                              "PC vecchia: -pc_vecchia_count %" PetscInt_FMT
                              " asks for more snapshots than '%s' holds (%llu)",
                              count, file, (unsigned long long)dims[0]));
    else
      PetscCall(PetscSNPrintf(msg, len,
                              "PC vecchia: %" PetscInt_FMT
                              " snapshots are too few for the regressions (a node and its two "
                              "parents need at least 3 for a positive definite 3 x 3 covariance)",
                              count));
    PetscFunctionReturn(0);
  }
  MomentsResize(m, N);
  std::vector<double> buf((size_t)VECCHIA_READ_BLOCK * N);
  for (PetscInt first = 0; first < count && !*code; first += VECCHIA_READ_BLOCK) {
    const PetscInt rows_now = PetscMin((PetscInt)VECCHIA_READ_BLOCK, count - first);
    hsize_t        start[2] = {(hsize_t)first, 0}, cnt[2] = {(hsize_t)rows_now, (hsize_t)N};
    if (h.mspace >= 0) H5Sclose(h.mspace);
    h.mspace = H5Screate_simple(2, cnt, NULL);
    if (h.mspace < 0 || H5Sselect_hyperslab(h.fspace, H5S_SELECT_SET, start, NULL, cnt, NULL) < 0 ||
        H5Dread(h.dset, H5T_NATIVE_DOUBLE, h.mspace, h.fspace, H5P_DEFAULT, buf.data()) < 0) {
      *code = PETSC_ERR_FILE_READ;
      PetscCall(PetscSNPrintf(msg, len,
                              "PC vecchia: reading snapshots %" PetscInt_FMT "..%" PetscInt_FMT
                              " of '%s' failed (truncated or corrupt file?)",
                              first, first + rows_now - 1, file));
      break;
    }
    for (PetscInt s = 0; s < rows_now && !*code; s++) {
      const double *u = buf.data() + (size_t)s * N;
      for (PetscInt k = 0; k < N; k++) {
        if (!std::isfinite(u[k])) {
          *code = PETSC_ERR_FILE_UNEXPECTED;
          PetscCall(PetscSNPrintf(msg, len,
                                  "PC vecchia: snapshot %" PetscInt_FMT " of '%s' has a "
                                  "non-finite value (%.4e) at unknown %" PetscInt_FMT,
                                  first + s, file, u[k], k));
          break;
        }
        const PetscInt j = k % cols;
        m->kk[k] += u[k] * u[k];
        if (j > 0) m->kw[k] += u[k] * u[k - 1];
        if (k >= cols) {
          m->ks[k] += u[k] * u[k - cols];
          if (j > 0) m->ws[k] += u[k - 1] * u[k - cols];
        }
      }
    }
  }
  if (*code) PetscFunctionReturn(0);
  const PetscReal inv = 1.0 / (PetscReal)count;
  for (PetscInt k = 0; k < N; k++) {
    m->kk[k] *= inv;
    m->kw[k] *= inv;
    m->ks[k] *= inv;
    m->ws[k] *= inv;
  }
  *used = count;
  PetscFunctionReturn(0);
}

// Rank 0: reads the first `want` (0 = all) snapshots and accumulates the moments. A problem
// with the file is reported in (code, msg) with a zero return; the return value is a PETSc
// error that is not the file's fault.
static PetscErrorCode ReadSnapshotMoments(const PC_Vecchia *v, Moments *m, PetscInt *used,
                                          PetscErrorCode *code, char *msg, size_t len)
{
  const char *file = v->snapshots;
  PetscBool   exists, has;
  PetscViewer viewer;
  hid_t       fid;

  PetscFunctionBegin;
  *code = 0;
  PetscCall(PetscTestFile(file, 'r', &exists));
  if (!exists) {
    *code = PETSC_ERR_FILE_OPEN;
    PetscCall(PetscSNPrintf(msg, len, "PC vecchia: cannot read the snapshot file '%s'", file));
    PetscFunctionReturn(0);
  }
  if (H5Fis_hdf5(file) <= 0) {
    *code = PETSC_ERR_FILE_UNEXPECTED;
    PetscCall(
        PetscSNPrintf(msg, len, "PC vecchia: the snapshot file '%s' is not an HDF5 file", file));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscViewerHDF5Open(PETSC_COMM_SELF, file, FILE_MODE_READ, &viewer));
  PetscCall(PetscViewerHDF5HasDataset(viewer, "/snapshots", &has));
  if (!has) {
    PetscBool has_cov;
    PetscCall(PetscViewerHDF5HasDataset(viewer, "/covariance", &has_cov));
    if (has_cov) {
      PetscCall(PetscViewerHDF5GetFileId(viewer, &fid));
      PetscCall(ReadCovarianceDataset(v, viewer, fid, m, used, code, msg, len));
      PetscCall(PetscViewerDestroy(&viewer));
      PetscFunctionReturn(0);
    }
    *code = PETSC_ERR_FILE_UNEXPECTED;
    PetscCall(PetscSNPrintf(msg, len,
                            "PC vecchia: the snapshot file '%s' has neither a dataset /snapshots "
                            "(count x N doubles) nor /covariance (N x N), as gmrf_sample writes",
                            file));
    PetscCall(PetscViewerDestroy(&viewer));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscViewerHDF5GetFileId(viewer, &fid));
  PetscCall(ReadSnapshotDataset(v, fid, m, used, code, msg, len));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscFunctionReturn(0);
}

// Every rank of the PC: rank 0 reads, the moments (or the error) are broadcast.
static PetscErrorCode SnapshotMoments(PC pc, Moments *m)
{
  PC_Vecchia    *v    = (PC_Vecchia *)pc->data;
  MPI_Comm       comm = PetscObjectComm((PetscObject)pc);
  PetscMPIInt    rank;
  char           msg[VECCHIA_MSG_LEN] = "";
  PetscErrorCode code = 0, ierr = 0;
  PetscInt       used = 0;

  PetscFunctionBegin;
  PetscCheck(v->snapshots[0], comm, PETSC_ERR_ARG_WRONG,
             "PC vecchia: -pc_vecchia_source snapshots needs a file, -pc_vecchia_snapshots F.h5");
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    // A PETSc failure on rank 0 alone must not leave the other ranks waiting in the broadcast.
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = ReadSnapshotMoments(v, m, &used, &code, msg, sizeof(msg));
    PetscCall(PetscPopErrorHandler());
    if (ierr) {
      code = PETSC_ERR_FILE_READ;
      PetscCall(PetscSNPrintf(msg, sizeof(msg),
                              "PC vecchia: reading the snapshot file '%s' failed (PETSc error %d)",
                              v->snapshots, (int)ierr));
    }
  }
  int c = (int)code;
  PetscCallMPI(MPI_Bcast(&c, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, VECCHIA_MSG_LEN, MPI_CHAR, 0, comm));
  PetscCheck(!c, comm, (PetscErrorCode)c, "%s", msg);
  if (rank != 0) MomentsResize(m, v->N);
  for (std::vector<PetscReal> *a : {&m->kk, &m->kw, &m->ks, &m->ws})
    PetscCallMPI(MPI_Bcast(a->data(), (PetscMPIInt)v->N, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(&used, 1, MPIU_INT, 0, comm));
  v->used = used;
  PetscFunctionReturn(0);
}

// The exact moments on every rank of the PC. Gathered (P > 1 ranks): rank 0 factors and
// inverts, the 4N moments (or the error) are broadcast, instead of P redundant factorizations.
static PetscErrorCode ExactMomentsAll(PC pc, Moments *m)
{
  PC_Vecchia    *v    = (PC_Vecchia *)pc->data;
  MPI_Comm       comm = PetscObjectComm((PetscObject)pc);
  PetscMPIInt    rank;
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCall(ExactSolverChoice(pc));
  if (!v->gathered) {
    PetscCall(ExactMoments(pc, m));
    PetscFunctionReturn(0);
  }
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) { // a failure on rank 0 alone must not leave the others in the broadcast
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = ExactMoments(pc, m);
    PetscCall(PetscPopErrorHandler());
  }
  int c = (int)ierr;
  PetscCallMPI(MPI_Bcast(&c, 1, MPI_INT, 0, comm));
  PetscCheck(!c, comm, PETSC_ERR_ARG_WRONG,
             "PC vecchia: the sparse Cholesky factorization or selected inversion of the operator "
             "failed (PETSc error %d): is it symmetric positive definite?",
             c);
  if (rank != 0) MomentsResize(m, v->N);
  for (std::vector<PetscReal> *a : {&m->kk, &m->kw, &m->ks, &m->ws})
    PetscCallMPI(MPI_Bcast(a->data(), (PetscMPIInt)v->N, MPIU_REAL, 0, comm));
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------- fit

static PetscErrorCode VecchiaFit(PC pc, const Moments *m)
{
  PC_Vecchia     *v = (PC_Vecchia *)pc->data;
  const PetscInt  N = v->N, cols = v->cols;
  const PetscReal tiny = 64.0 * PETSC_MACHINE_EPSILON;
  PetscInt        bad = -1, nbad = 0;
  PetscReal       badval = 0.0;

  PetscFunctionBegin;
  v->cw.assign(N, 0.0);
  v->cs.assign(N, 0.0);
  v->d2.assign(N, 0.0);
  v->d.assign(N, 0.0);
  for (PetscInt k = 0; k < N; k++) {
    const PetscInt  j = k % cols;
    const PetscBool w = (PetscBool)(j > 0), s = (PetscBool)(k >= cols);
    PetscReal       d2 = m->kk[k];
    PetscBool       ok = (PetscBool)(std::isfinite(d2) && d2 > 0.0);
    if (w && s) {
      const PetscReal a = m->kk[k - 1], b = m->kk[k - cols], c = m->ws[k];
      const PetscReal det = a * b - c * c;
      ok                  = (PetscBool)(ok && det > tiny * PetscAbsReal(a * b));
      if (ok) {
        v->cw[k] = (b * m->kw[k] - c * m->ks[k]) / det;
        v->cs[k] = (a * m->ks[k] - c * m->kw[k]) / det;
        d2       = m->kk[k] - (m->kw[k] * v->cw[k] + m->ks[k] * v->cs[k]);
      }
    } else if (w || s) {
      const PetscInt  p   = w ? k - 1 : k - cols;
      const PetscReal skp = w ? m->kw[k] : m->ks[k];
      ok                  = (PetscBool)(ok && m->kk[p] > 0.0);
      if (ok) {
        const PetscReal c      = skp / m->kk[p];
        (w ? v->cw : v->cs)[k] = c;
        d2                     = m->kk[k] - skp * c;
      }
    }
    ok = (PetscBool)(ok && std::isfinite(d2) && d2 > tiny * PetscAbsReal(m->kk[k]));
    if (!ok) {
      if (bad < 0) {
        bad    = k;
        badval = d2;
      }
      nbad++;
      continue;
    }
    v->d2[k] = d2;
    v->d[k]  = PetscSqrtReal(d2);
  }
  PetscCheck(
      bad < 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_WRONG,
      "PC vecchia: refusing to build: the innovation variance d^2 is not positive at %" PetscInt_FMT
      " of %" PetscInt_FMT " nodes, first at node %" PetscInt_FMT " (i = %" PetscInt_FMT
      ", j = %" PetscInt_FMT ", d^2 = %.4e, Sigma_kk = %.4e): the %s covariance is not positive "
      "definite on a node and its parents%s",
      nbad, N, bad, bad / cols, bad % cols, (double)badval, (double)m->kk[bad],
      v->source == PC_VECCHIA_EXACT ? "exact" : "snapshot",
      v->source == PC_VECCHIA_EXACT ? " (is the operator symmetric positive definite?)"
                                    : " (degenerate or too few snapshots?)");
  PetscFunctionReturn(0);
}

// ---------------------------------------------------------------- setup and apply

static PetscErrorCode PCSetUp_Vecchia(PC pc)
{
  PC_Vecchia    *v    = (PC_Vecchia *)pc->data;
  MPI_Comm       comm = PetscObjectComm((PetscObject)pc);
  PetscMPIInt    size;
  PetscLogDouble t0, t1;
  GridShape      shape;
  Moments        m;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  PetscCall(PCReset_Vecchia(pc));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MatGetSize(pc->pmat, &v->N, NULL));
  PetscCall(GridShapeFromPC(pc, v->grid_width, "-pc_vecchia_grid_width", &shape));
  v->rows     = shape.rows;
  v->cols     = shape.cols;
  v->geometry = shape.source;
  if (size == 1)
    v->Aseq = pc->pmat;
  else {
    // The whole operator on every rank, and the natural <-> PETSc maps of the DMDA.
    IS       all;
    Mat     *sub;
    Vec      x;
    PetscInt rs, re;
    PetscCall(ISCreateStride(PETSC_COMM_SELF, v->N, 0, 1, &all));
    PetscCall(MatCreateSubMatrices(pc->pmat, 1, &all, &all, MAT_INITIAL_MATRIX, &sub));
    v->Aseq     = sub[0];
    v->gathered = PETSC_TRUE;
    PetscCall(PetscFree(sub));
    PetscCall(ISDestroy(&all));
    PetscCall(MatCreateVecs(pc->pmat, &x, NULL));
    PetscCall(VecScatterCreateToAll(x, &v->scatter, &v->xall));
    PetscCall(VecGetOwnershipRange(x, &rs, &re));
    PetscCall(VecDestroy(&x));
    std::vector<PetscInt> natof_all(v->N);
    for (PetscInt k = 0; k < v->N; k++) natof_all[k] = k;
    if (shape.da && shape.da_procs_x > 1) {
      AO ao;
      v->perm.resize(v->N);
      for (PetscInt k = 0; k < v->N; k++) v->perm[k] = k;
      PetscCall(DMDAGetAO(shape.da, &ao));
      PetscCall(AOApplicationToPetsc(ao, v->N, v->perm.data()));
      for (PetscInt k = 0; k < v->N; k++) natof_all[v->perm[k]] = k;
    }
    v->natof.assign(natof_all.begin() + rs, natof_all.begin() + re);
  }
  PetscCall(PetscStrncpy(v->solver_used, "", sizeof(v->solver_used)));
  if (v->source == PC_VECCHIA_EXACT)
    PetscCall(ExactMomentsAll(pc, &m));
  else
    PetscCall(SnapshotMoments(pc, &m));
  PetscCall(VecchiaFit(pc, &m));
  v->work.assign(v->N, 0.0);
  PetscCall(PetscTime(&t1));
  v->setup_seconds = (PetscReal)(t1 - t0);
  PetscFunctionReturn(0);
}

// y <- G^{-T} y (backward sweep), in place, natural order.
static void SweepBackward(const PC_Vecchia *v, PetscScalar *y)
{
  const PetscInt cols = v->cols;
  for (PetscInt k = v->N - 1; k >= 0; k--) {
    const PetscScalar yk = y[k];
    if (k % cols) y[k - 1] += v->cw[k] * yk;
    if (k >= cols) y[k - cols] += v->cs[k] * yk;
  }
}

// z <- G^{-1} z (forward sweep), in place, natural order.
static void SweepForward(const PC_Vecchia *v, PetscScalar *z)
{
  const PetscInt cols = v->cols;
  for (PetscInt k = 0; k < v->N; k++) {
    PetscScalar zk = z[k];
    if (k % cols) zk += v->cw[k] * z[k - 1];
    if (k >= cols) zk += v->cs[k] * z[k - cols];
    z[k] = zk;
  }
}

typedef enum { VECCHIA_FULL, VECCHIA_LEFT, VECCHIA_RIGHT } VecchiaPart;

// In natural order, in place: FULL G^{-1} D^2 G^{-T}, LEFT D G^{-T}, RIGHT G^{-1} D.
static void ApplyNatural(const PC_Vecchia *v, VecchiaPart part, PetscScalar *t)
{
  if (part != VECCHIA_RIGHT) SweepBackward(v, t);
  const std::vector<PetscReal> &s = part == VECCHIA_FULL ? v->d2 : v->d;
  for (PetscInt k = 0; k < v->N; k++) t[k] *= s[k];
  if (part != VECCHIA_LEFT) SweepForward(v, t);
}

static PetscErrorCode VecchiaApplyPart(PC pc, VecchiaPart part, Vec x, Vec y)
{
  PC_Vecchia        *v = (PC_Vecchia *)pc->data;
  const PetscScalar *xa;
  PetscScalar       *ya;
  PetscScalar       *t = v->work.data();

  PetscFunctionBegin;
  if (!v->gathered) {
    PetscCall(VecGetArrayRead(x, &xa));
    for (PetscInt k = 0; k < v->N; k++) t[k] = xa[k];
    PetscCall(VecRestoreArrayRead(x, &xa));
    ApplyNatural(v, part, t);
    PetscCall(VecGetArray(y, &ya));
    for (PetscInt k = 0; k < v->N; k++) ya[k] = t[k];
    PetscCall(VecRestoreArray(y, &ya));
  } else {
    PetscCall(VecScatterBegin(v->scatter, x, v->xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(v->scatter, x, v->xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(v->xall, &xa));
    for (PetscInt k = 0; k < v->N; k++) t[k] = xa[Pidx(v, k)];
    PetscCall(VecRestoreArrayRead(v->xall, &xa));
    ApplyNatural(v, part, t);
    PetscCall(VecGetArray(y, &ya));
    for (size_t i = 0; i < v->natof.size(); i++) ya[i] = t[v->natof[i]];
    PetscCall(VecRestoreArray(y, &ya));
  }
  PetscCall(PetscLogFlops((part == VECCHIA_FULL ? 9.0 : 5.0) * v->N));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApply_Vecchia(PC pc, Vec x, Vec y)
{
  PetscFunctionBegin;
  PetscCall(VecchiaApplyPart(pc, VECCHIA_FULL, x, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApplySymmetricLeft_Vecchia(PC pc, Vec x, Vec y)
{
  PetscFunctionBegin;
  PetscCall(VecchiaApplyPart(pc, VECCHIA_LEFT, x, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApplySymmetricRight_Vecchia(PC pc, Vec x, Vec y)
{
  PetscFunctionBegin;
  PetscCall(VecchiaApplyPart(pc, VECCHIA_RIGHT, x, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCView_Vecchia(PC pc, PetscViewer viewer)
{
  PC_Vecchia *v = (PC_Vecchia *)pc->data;
  PetscBool   iascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (!iascii) PetscFunctionReturn(0);
  char line[PETSC_MAX_PATH_LEN + 160] = "";
  if (v->source == PC_VECCHIA_SNAPSHOTS && v->count > 0)
    PetscCall(
        PetscSNPrintf(line, sizeof(line), " '%s', first %" PetscInt_FMT, v->snapshots, v->count));
  else if (v->source == PC_VECCHIA_SNAPSHOTS)
    PetscCall(PetscSNPrintf(line, sizeof(line), " '%s'", v->snapshots));
  PetscCall(PetscViewerASCIIPrintf(viewer,
                                   "  Vecchia, IC(0) pattern (parents W, then previous row), "
                                   "M = G^T diag(1/d^2) G; source %s%s\n",
                                   PCVecchiaSources[v->source], line));
  if (!pc->setupcalled || v->d2.empty()) PetscFunctionReturn(0);
  PetscReal lo = PETSC_MAX_REAL, hi = 0.0;
  for (PetscReal x : v->d2) {
    lo = PetscMin(lo, x);
    hi = PetscMax(hi, x);
  }
  const PetscInt c = (v->rows / 2) * v->cols + v->cols / 2;
  PetscCall(PetscViewerASCIIPrintf(viewer, "  grid %" PetscInt_FMT " x %" PetscInt_FMT " (%s)%s\n",
                                   v->rows, v->cols, v->geometry ? v->geometry : "",
                                   v->gathered ? ", operator gathered on every rank" : ""));
  if (v->source == PC_VECCHIA_EXACT)
    PetscCall(PetscViewerASCIIPrintf(viewer, "  exact covariance entries: %s\n",
                                     !strcmp(v->solver_used, "mumps")
                                         ? "MUMPS selected inversion"
                                         : "PETSc Cholesky, one solve per column"));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer, "  snapshots used: %" PetscInt_FMT "\n", v->used));
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  centre node: c_W = %.4f, c_S = %.4f, d^2 = %.4g; d^2 in [%.4g, %.4g]\n",
      (double)v->cw[c], (double)v->cs[c], (double)v->d2[c], (double)lo, (double)hi));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  setup time %.3f s\n", (double)v->setup_seconds));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetFromOptions_Vecchia(PC pc, PetscOptionItems *PetscOptionsObject)
{
  PC_Vecchia *v          = (PC_Vecchia *)pc->data;
  char        source[32] = "", solver[32], file[PETSC_MAX_PATH_LEN] = "";
  PetscBool   set_source, set_file, set_solver;
  PetscInt    count = v->count, width = v->grid_width;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(solver, v->exact_solver, sizeof(solver)));
  PetscOptionsHeadBegin(PetscOptionsObject, "Vecchia (IC(0) pattern) options");
  PetscCall(PetscOptionsString("-pc_vecchia_source", "Covariance source: exact or snapshots",
                               "PCVecchiaSetSource", PCVecchiaSources[v->source], source,
                               sizeof(source), &set_source));
  PetscCall(PetscOptionsString(
      "-pc_vecchia_snapshots", "HDF5 file: /snapshots (count x N) or /covariance (N x N)",
      "PCVecchiaSetSnapshots", v->snapshots, file, sizeof(file), &set_file));
  PetscCall(PetscOptionsInt("-pc_vecchia_count", "Use the first N snapshots (0: all)",
                            "PCVecchiaSetSnapshots", count, &count, NULL));
  PetscCall(PetscOptionsString("-pc_vecchia_exact_solver",
                               "Exact covariance entries: mumps (selected inversion) or petsc "
                               "(one Cholesky solve per column); default mumps if available",
                               "", solver, solver, sizeof(solver), &set_solver));
  PetscCall(PetscOptionsInt("-pc_vecchia_grid_width",
                            "Grid width when the operator has no DMDA (0: from the bandwidth)", "",
                            width, &width, NULL));
  PetscOptionsHeadEnd();
  if (set_source) {
    PetscInt k = 0;
    while (k < 2 && strcmp(source, PCVecchiaSources[k])) k++;
    PetscCheck(k < 2, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_UNKNOWN_TYPE,
               "PC vecchia: unknown -pc_vecchia_source '%s' (allowed: exact, snapshots)", source);
    PetscCheck(!(set_file && k == PC_VECCHIA_EXACT), PetscObjectComm((PetscObject)pc),
               PETSC_ERR_ARG_INCOMP,
               "PC vecchia: -pc_vecchia_snapshots given with -pc_vecchia_source exact");
    PetscCall(PCVecchiaSetSource(pc, (PCVecchiaSource)k));
  }
  if (set_solver) {
    PetscCheck(!solver[0] || !strcmp(solver, "mumps") || !strcmp(solver, "petsc"),
               PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_UNKNOWN_TYPE,
               "PC vecchia: unknown -pc_vecchia_exact_solver '%s' (allowed: mumps, petsc)", solver);
    if (strcmp(solver, v->exact_solver)) pc->setupcalled = 0;
    PetscCall(PetscStrncpy(v->exact_solver, solver, sizeof(v->exact_solver)));
  }
  PetscCheck(width >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "PC vecchia: -pc_vecchia_grid_width must be >= 0, got %" PetscInt_FMT, width);
  if (width != v->grid_width) pc->setupcalled = 0;
  v->grid_width = width;
  PetscCall(PCVecchiaSetSnapshots(pc, set_file ? file : NULL, count));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCVecchiaSetSource_Vecchia(PC pc, PCVecchiaSource source)
{
  PC_Vecchia *v = (PC_Vecchia *)pc->data;

  PetscFunctionBegin;
  if (source != v->source) pc->setupcalled = 0;
  v->source     = source;
  v->source_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCVecchiaSetSnapshots_Vecchia(PC pc, const char *file, PetscInt count)
{
  PC_Vecchia *v = (PC_Vecchia *)pc->data;

  PetscFunctionBegin;
  PetscCheck(count >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "PC vecchia: -pc_vecchia_count must be >= 0 (0: all), got %" PetscInt_FMT, count);
  if (count != v->count) pc->setupcalled = 0;
  v->count = count;
  if (file) {
    if (strcmp(file, v->snapshots)) pc->setupcalled = 0;
    PetscCall(PetscStrncpy(v->snapshots, file, sizeof(v->snapshots)));
    // A file alone selects the snapshot source.
    if (!v->source_set && file[0]) {
      if (v->source != PC_VECCHIA_SNAPSHOTS) pc->setupcalled = 0;
      v->source = PC_VECCHIA_SNAPSHOTS;
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PCVecchiaGetFactor_Vecchia(PC pc, PetscInt *rows, PetscInt *cols,
                                                 const PetscReal **c_w, const PetscReal **c_s,
                                                 const PetscReal **d2)
{
  PC_Vecchia *v = (PC_Vecchia *)pc->data;

  PetscFunctionBegin;
  PetscCheck(!v->d2.empty(), PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER,
             "PC vecchia: call PCSetUp() first");
  if (rows) *rows = v->rows;
  if (cols) *cols = v->cols;
  if (c_w) *c_w = v->cw.data();
  if (c_s) *c_s = v->cs.data();
  if (d2) *d2 = v->d2.data();
  PetscFunctionReturn(0);
}

static PetscErrorCode PCVecchiaGetSetupInfo_Vecchia(PC pc, PetscInt *snapshots, PetscReal *seconds)
{
  PC_Vecchia *v = (PC_Vecchia *)pc->data;

  PetscFunctionBegin;
  if (snapshots) *snapshots = v->used;
  if (seconds) *seconds = v->setup_seconds;
  PetscFunctionReturn(0);
}

static const char *const vecchia_methods[] = {"PCVecchiaSetSource_C", "PCVecchiaSetSnapshots_C",
                                              "PCVecchiaGetFactor_C", "PCVecchiaGetSetupInfo_C"};

static PetscErrorCode PCDestroy_Vecchia(PC pc)
{
  PetscFunctionBegin;
  PetscCall(PCReset_Vecchia(pc));
  for (const char *name : vecchia_methods)
    PetscCall(PetscObjectComposeFunction((PetscObject)pc, name, NULL));
  delete (PC_Vecchia *)pc->data;
  pc->data = NULL;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCCreate_Vecchia(PC pc)
{
  PC_Vecchia *v = new PC_Vecchia(); // std::vector members: C++ construction

  PetscFunctionBegin;
  v->source = PC_VECCHIA_EXACT;
  pc->data  = (void *)v;

  pc->ops->setup               = PCSetUp_Vecchia;
  pc->ops->apply               = PCApply_Vecchia;
  pc->ops->applytranspose      = PCApply_Vecchia; // M^{-1} is symmetric
  pc->ops->applysymmetricleft  = PCApplySymmetricLeft_Vecchia;
  pc->ops->applysymmetricright = PCApplySymmetricRight_Vecchia;
  pc->ops->view                = PCView_Vecchia;
  pc->ops->setfromoptions      = PCSetFromOptions_Vecchia;
  pc->ops->reset               = PCReset_Vecchia;
  pc->ops->destroy             = PCDestroy_Vecchia;

  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCVecchiaSetSource_C",
                                       PCVecchiaSetSource_Vecchia));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCVecchiaSetSnapshots_C",
                                       PCVecchiaSetSnapshots_Vecchia));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCVecchiaGetFactor_C",
                                       PCVecchiaGetFactor_Vecchia));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCVecchiaGetSetupInfo_C",
                                       PCVecchiaGetSetupInfo_Vecchia));
  PetscFunctionReturn(0);
}

// ---- public interface: no-ops on PCs of another type (PetscTryMethod) ----

PetscErrorCode PCVecchiaSetSource(PC pc, PCVecchiaSource source)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCVecchiaSetSource_C", (PC, PCVecchiaSource), (pc, source));
  PetscFunctionReturn(0);
}

PetscErrorCode PCVecchiaSetSnapshots(PC pc, const char *file, PetscInt count)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCVecchiaSetSnapshots_C", (PC, const char *, PetscInt), (pc, file, count));
  PetscFunctionReturn(0);
}

PetscErrorCode PCVecchiaGetFactor(PC pc, PetscInt *rows, PetscInt *cols, const PetscReal **c_w,
                                  const PetscReal **c_s, const PetscReal **d2)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(
      pc, "PCVecchiaGetFactor_C",
      (PC, PetscInt *, PetscInt *, const PetscReal **, const PetscReal **, const PetscReal **),
      (pc, rows, cols, c_w, c_s, d2));
  PetscFunctionReturn(0);
}

PetscErrorCode PCVecchiaGetSetupInfo(PC pc, PetscInt *snapshots, PetscReal *seconds)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCVecchiaGetSetupInfo_C", (PC, PetscInt *, PetscReal *),
                 (pc, snapshots, seconds));
  PetscFunctionReturn(0);
}
