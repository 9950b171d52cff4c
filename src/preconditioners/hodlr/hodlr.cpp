// PC type "hodlr": M ~ A^{-1} as a symmetric HODLR matrix over the recursive bisection of the
// grid (docs/hodlr.md). Leaves of at most -pc_hodlr_leaf_size unknowns are dense
// blocks of A^{-1}; every off-diagonal block of the tree is kept at rank <= -pc_hodlr_rank.
//
// Options (prefix as usual, e.g. -sub_pc_hodlr_rank under block Jacobi):
//   -pc_hodlr_rank <8>            maximum rank of an off-diagonal block
//   -pc_hodlr_leaf_size <64>      unknowns per leaf (clipped to N unless given explicitly)
//   -pc_hodlr_tol <0>             also drop singular values <= tol * sigma_1 of each block
//   -pc_hodlr_build <scalable>    dense: the reference's truncated SVD of the exact inverse
//                                 (N <= 16384); scalable: randomized peeling with sparse
//                                 Cholesky solves (hodlr_matrix.cpp)
//   -pc_hodlr_geometric <false>   tree by geometric bisection (longer side) instead of the
//                                 reference's strips of whole grid rows
//   -pc_hodlr_oversample <20>     scalable: extra random samples per block
//   -pc_hodlr_colors <2>          scalable: colours per grid direction for the peeling
//   -pc_hodlr_min_sample <0>      scalable: at least this many samples per block
//   -pc_hodlr_seed <0>            scalable: seed of the random test vectors
//   -pc_hodlr_factor_solver_type  scalable: sparse Cholesky package (default mumps)
//   -pc_hodlr_grid_width <w>      grid width (fast index j) when the matrix has no DMDA
//   -pc_hodlr_check_spd <true>    estimate lambda_min(MA) with SLEPc after the build
//
// The tree (hodlr_matrix.cpp, BuildTree): by default the reference's bisection of the
// natural index range, i.e. strips of whole grid rows halved until one row, then halves of
// the row. At n = 32 with 64-unknown leaves this reproduces the reference's kappa(MA) to
// 4 digits (46.58/23.42/9.64/3.85/1.95) and its numerical rank 32 (= the separator, a
// whole grid row) at every level. A geometric tree that alternates the split direction
// (-pc_hodlr_geometric) gives kappa 2.64 at r = 8 but an indefinite M at r = 1 (dense
// build), so it is an option, not the default.
//
// Grid geometry: the tree needs the rows x cols shape of the grid, natural ordering
// k = i*cols + j. It comes from (1) the DMDA attached to the matrix (MatGetDM; 2-D, one
// dof), else (2) -pc_hodlr_grid_width, else (3) the matrix bandwidth max |col - row|, which
// is the grid width for a 5-point stencil in natural ordering. (3) is what block Jacobi and
// ASM sub-blocks use: with the project's strip decomposition each block is a band of whole
// grid rows, rows_local x n, whose bandwidth is n.
//
// Parallel: -pc_type bjacobi -sub_pc_type hodlr (or asm) compresses each rank's block. With
// -pc_type hodlr on P > 1 ranks the whole operator is gathered on every rank (needs the
// strip layout, where PETSc's ordering is the natural one), every rank builds the same
// HODLR redundantly and applies it to the gathered vector: the iterations equal the serial
// ones but the setup does not speed up with P (use block Jacobi for that).
//
// Definiteness: M is symmetric by construction (the (2,1) block is V U^T, leaves
// symmetrized). Truncation can in principle lose definiteness; the check estimates
// lambda_min(MA) (Krylov-Schur, SLEPc; MA is similar to A^{1/2} M A^{1/2}, so its
// eigenvalues are real and positive iff M is SPD). If it is <= 0, lambda_min(M) is computed
// too and M is replaced by M + sigma I, sigma = 2 |lambda_min(M)| (reported by PCView), so
// lambda_min(M + sigma I) = |lambda_min(M)| > 0; if
// that estimate fails, setup stops with an error asking for a larger rank. Cost: the MA
// check took 4 Krylov-Schur restarts (about 100 applications of M and A) at n = 128; the
// lambda_min(M) estimate, needed only after a failure, 33 restarts (M's lowest eigenvalues
// cluster). -pc_hodlr_check_spd 0 skips both.
#include "preconditioners/hodlr/hodlr.h"

#include "core/grid_shape.h"

#include <petsc/private/pcimpl.h>
#include <petscdmda.h>
#include <slepceps.h>

#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "preconditioners/hodlr/hodlr_matrix.h"

const char *const PCHodlrBuildTypes[] = {"dense", "scalable", "PCHodlrBuildType", "PC_HODLR_BUILD_",
                                         NULL};

struct PC_Hodlr {
  HodlrOptions             opts;
  PetscBool                leaf_set   = PETSC_FALSE;
  PCHodlrBuildType         build      = PC_HODLR_BUILD_SCALABLE;
  PetscInt                 grid_width = 0;           // 0: infer
  PetscBool                geometric  = PETSC_FALSE; // tree: strips (reference) or geometric
  PetscBool                check_spd  = PETSC_TRUE;  // estimate lambda_min(MA) after the build
  const char              *geometry   = "";          // where the grid shape came from
  HodlrMatrix             *H          = nullptr;
  Mat                      Aseq       = nullptr; // sequential operator used by the build
  PetscBool                gathered   = PETSC_FALSE;
  VecScatter               scatter    = nullptr;
  Vec                      xall = nullptr, yall = nullptr;
  std::vector<PetscScalar> work;
  PetscReal                setup_seconds = 0, build_seconds = 0, lambda_min = 0, lambda_min_M = 0;
  PetscBool                spd_checked = PETSC_FALSE;
};

static PetscErrorCode PCReset_Hodlr(PC pc)
{
  PC_Hodlr *h = (PC_Hodlr *)pc->data;

  PetscFunctionBegin;
  delete h->H;
  h->H = nullptr;
  if (h->gathered) PetscCall(MatDestroy(&h->Aseq));
  h->Aseq     = nullptr;
  h->gathered = PETSC_FALSE;
  PetscCall(VecScatterDestroy(&h->scatter));
  PetscCall(VecDestroy(&h->xall));
  PetscCall(VecDestroy(&h->yall));
  h->work.clear();
  h->work.shrink_to_fit();
  h->spd_checked = PETSC_FALSE;
  PetscFunctionReturn(0);
}

// The grid shape rows x cols with rows * cols = N (see the header comment).
static PetscErrorCode HodlrGridShape(PC pc, PetscInt *rows, PetscInt *cols)
{
  PC_Hodlr *h = (PC_Hodlr *)pc->data;
  GridShape shape;

  PetscFunctionBegin;
  PetscCall(GridShapeFromPC(pc, h->grid_width, "-pc_hodlr_grid_width", &shape));
  PetscCheck(!h->gathered || !shape.da || shape.da_procs_x == 1, PetscObjectComm((PetscObject)pc),
             PETSC_ERR_ARG_INCOMP,
             "PC hodlr on several ranks needs the DMDA split in strips of whole grid rows "
             "(-da_processors_x 1), or use -pc_type bjacobi -sub_pc_type hodlr");
  *rows       = shape.rows;
  *cols       = shape.cols;
  h->geometry = shape.source;
  PetscFunctionReturn(0);
}

struct HodlrShellCtx {
  const HodlrMatrix        *H;
  Mat                       A; // NULL: the operator is M itself, else M A
  Vec                       t;
  std::vector<PetscScalar> *work;
};

static PetscErrorCode HodlrShellMult(Mat S, Vec x, Vec y)
{
  HodlrShellCtx     *ctx;
  const PetscScalar *xa;
  PetscScalar       *ya;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(S, &ctx));
  if (ctx->A) {
    PetscCall(MatMult(ctx->A, x, ctx->t));
    x = ctx->t;
  }
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArray(y, &ya));
  PetscCall(ctx->H->Apply(xa, ya, ctx->work->data()));
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecRestoreArray(y, &ya));
  PetscFunctionReturn(0);
}

// Smallest eigenvalue of M A (A != NULL, nonsymmetric solver) or of M (symmetric), SLEPc
// Krylov-Schur. *found = false if it did not converge.
static PetscErrorCode HodlrSmallestEigenvalue(PC_Hodlr *h, Mat A, PetscInt max_it,
                                              PetscReal *lambda, PetscBool *found)
{
  HodlrShellCtx  ctx;
  Mat            S;
  EPS            eps;
  PetscInt       nconv;
  PetscScalar    kr, ki;
  const PetscInt N = h->H->N;

  PetscFunctionBegin;
  ctx.H    = h->H;
  ctx.A    = A;
  ctx.work = &h->work;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N, &ctx.t));
  PetscCall(MatCreateShell(PETSC_COMM_SELF, N, N, N, N, &ctx, &S));
  PetscCall(MatShellSetOperation(S, MATOP_MULT, (void (*)(void))HodlrShellMult));
  PetscCall(EPSCreate(PETSC_COMM_SELF, &eps));
  PetscCall(EPSSetOperators(eps, S, NULL));
  PetscCall(EPSSetProblemType(eps, A ? EPS_NHEP : EPS_HEP));
  PetscCall(EPSSetWhichEigenpairs(eps, EPS_SMALLEST_REAL));
  PetscCall(EPSSetDimensions(eps, 1, PetscMin(N, 24), PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(eps, 1e-6, max_it));
  PetscCall(EPSSolve(eps));
  PetscCall(EPSGetConverged(eps, &nconv));
  {
    PetscInt its;
    PetscCall(EPSGetIterationNumber(eps, &its));
    PetscCall(PetscInfo(eps,
                        "HODLR definiteness check on %s: %" PetscInt_FMT " restarts, %" PetscInt_FMT
                        " converged\n",
                        A ? "MA" : "M", its, nconv));
  }
  *found = nconv > 0 ? PETSC_TRUE : PETSC_FALSE;
  if (nconv) {
    PetscCall(EPSGetEigenvalue(eps, 0, &kr, &ki));
    *lambda = PetscRealPart(kr);
  }
  PetscCall(EPSDestroy(&eps));
  PetscCall(MatDestroy(&S));
  PetscCall(VecDestroy(&ctx.t));
  PetscFunctionReturn(0);
}

// The sparse Cholesky packages PETSc may offer for a sequential AIJ matrix.
static const char *const hodlr_factor_candidates[] = {MATSOLVERPETSC,   MATSOLVERMUMPS,
                                                      MATSOLVERCHOLMOD, MATSOLVERMKL_PARDISO,
                                                      MATSOLVERPASTIX,  MATSOLVERSTRUMPACK};

// -pc_hodlr_factor_solver_type names a package that can factor A by Cholesky in this PETSc
// (empty: automatic); otherwise a user error listing those that can.
static PetscErrorCode HodlrCheckFactorSolver(PC pc, Mat A, const char *name)
{
  PetscBool   avail = PETSC_FALSE;
  std::string known;

  PetscFunctionBegin;
  if (!name[0]) PetscFunctionReturn(0);
  PetscCall(MatGetFactorAvailable(A, name, MAT_FACTOR_CHOLESKY, &avail));
  if (avail) PetscFunctionReturn(0);
  for (const char *c : hodlr_factor_candidates) {
    PetscCall(MatGetFactorAvailable(A, c, MAT_FACTOR_CHOLESKY, &avail));
    if (avail) known += (known.empty() ? "" : ", ") + std::string(c);
  }
  SETERRQ(PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_UNKNOWN_TYPE,
          "unknown -%spc_hodlr_factor_solver_type '%s': no Cholesky factorization of this "
          "matrix from that package (available: %s)",
          ((PetscObject)pc)->prefix ? ((PetscObject)pc)->prefix : "", name, known.c_str());
}

static PetscErrorCode PCSetUp_Hodlr(PC pc)
{
  PC_Hodlr      *h    = (PC_Hodlr *)pc->data;
  MPI_Comm       comm = PetscObjectComm((PetscObject)pc);
  PetscMPIInt    size;
  PetscInt       N, rows = 0, cols = 0;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  PetscCall(PCReset_Hodlr(pc));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(MatGetSize(pc->pmat, &N, NULL));
  if (size == 1)
    h->Aseq = pc->pmat;
  else {
    // The whole operator on every rank (see the header comment).
    IS   all;
    Mat *sub;
    Vec  x;
    PetscCall(ISCreateStride(PETSC_COMM_SELF, N, 0, 1, &all));
    PetscCall(MatCreateSubMatrices(pc->pmat, 1, &all, &all, MAT_INITIAL_MATRIX, &sub));
    h->Aseq     = sub[0];
    h->gathered = PETSC_TRUE;
    PetscCall(PetscFree(sub));
    PetscCall(ISDestroy(&all));
    PetscCall(MatCreateVecs(pc->pmat, &x, NULL));
    PetscCall(VecScatterCreateToAll(x, &h->scatter, &h->xall));
    PetscCall(VecDuplicate(h->xall, &h->yall));
    PetscCall(VecDestroy(&x));
  }
  PetscCall(HodlrGridShape(pc, &rows, &cols));
  if (h->leaf_set)
    PetscCheck(h->opts.leaf <= N, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-pc_hodlr_leaf_size %" PetscInt_FMT
               " is larger than the operator (N = %" PetscInt_FMT ")",
               h->opts.leaf, N);
  const PetscInt leaf = PetscMin(h->opts.leaf, N);
  if (h->build == PC_HODLR_BUILD_DENSE)
    PetscCheck(N <= PC_HODLR_DENSE_MAX_N, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-pc_hodlr_build dense forms the exact dense inverse and is limited to N <= %d "
               "(got N = %" PetscInt_FMT "); use -pc_hodlr_build scalable",
               PC_HODLR_DENSE_MAX_N, N);

  PetscCallCXX(h->H = new HodlrMatrix());
  PetscCall(h->H->BuildTree(rows, cols, leaf, h->geometric ? true : false));
  // A rank above the largest off-diagonal block is that block's full rank (Truncate keeps at
  // most min(s1, s2) columns); the scalable build draws at most that many samples per block.
  if (h->opts.rank > h->H->MaxBlockRank())
    PetscCall(PetscInfo(pc,
                        "-pc_hodlr_rank %" PetscInt_FMT " clamped to %" PetscInt_FMT
                        ", the largest off-diagonal block's size\n",
                        h->opts.rank, h->H->MaxBlockRank()));
  if (h->build == PC_HODLR_BUILD_SCALABLE) {
    PetscCall(HodlrCheckFactorSolver(pc, h->Aseq, h->opts.factor_solver));
    // The sample and product blocks X, Y (N x m doubles each) must fit.
    const double bytes = 2.0 * 8.0 * (double)N * (double)h->H->SampleColumns(h->opts);
    const double pages = (double)sysconf(_SC_PHYS_PAGES), page = (double)sysconf(_SC_PAGESIZE);
    PetscCheck(pages <= 0 || page <= 0 || bytes <= pages * page, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "PC hodlr: rank %" PetscInt_FMT " (+ oversampling %" PetscInt_FMT
               ", min sample %" PetscInt_FMT
               ") needs %.1f GiB of random samples at N = %" PetscInt_FMT
               ", more than this machine's %.1f GiB: use a smaller -pc_hodlr_rank",
               h->opts.rank, h->opts.oversample, h->opts.min_sample, bytes / 1073741824.0, N,
               pages * page / 1073741824.0);
  }
  if (h->build == PC_HODLR_BUILD_DENSE)
    PetscCall(h->H->BuildDense(h->Aseq, h->opts));
  else
    PetscCall(h->H->BuildScalable(h->Aseq, h->opts));
  h->work.resize(2 * (size_t)N);

  // Definiteness (see the header comment).
  PetscCall(PetscTime(&t1));
  h->build_seconds = t1 - t0;
  if (h->check_spd) {
    PetscBool found;
    PetscCall(HodlrSmallestEigenvalue(h, h->Aseq, 500, &h->lambda_min, &found));
    h->spd_checked = found;
    if (found && h->lambda_min <= 0) {
      PetscReal lm;
      PetscCall(HodlrSmallestEigenvalue(h, NULL, 5000, &lm, &found));
      PetscCheck(found && lm < 0, comm, PETSC_ERR_NOT_CONVERGED,
                 "PC hodlr: the truncated HODLR at rank %" PetscInt_FMT
                 " is not positive definite (lambda_min(MA) = %g) and its shift could not be "
                 "estimated; use a larger -pc_hodlr_rank",
                 h->opts.rank, (double)h->lambda_min);
      h->H->shift = -2.0 * lm;
      PetscCall(PetscInfo(pc, "HODLR lost definiteness: lambda_min(M) = %g, shifted by %g\n",
                          (double)lm, (double)h->H->shift));
      // lambda_min(M + shift I) = |lambda_min(M)| > 0; no re-check (at N = 2^20 it did not
      // converge in 100 restarts: the shifted spectrum of MA has no isolated bottom).
      h->lambda_min_M = lm;
    }
  }
  PetscCall(PetscTime(&t1));
  h->setup_seconds = t1 - t0;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApply_Hodlr(PC pc, Vec x, Vec y)
{
  PC_Hodlr          *h = (PC_Hodlr *)pc->data;
  const PetscScalar *xa;
  PetscScalar       *ya;

  PetscFunctionBegin;
  if (!h->gathered) {
    PetscCall(VecGetArrayRead(x, &xa));
    PetscCall(VecGetArray(y, &ya));
    PetscCall(h->H->Apply(xa, ya, h->work.data()));
    PetscCall(VecRestoreArrayRead(x, &xa));
    PetscCall(VecRestoreArray(y, &ya));
  } else {
    PetscInt           rs, re;
    const PetscScalar *yall;
    PetscCall(VecScatterBegin(h->scatter, x, h->xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(h->scatter, x, h->xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(h->xall, &xa));
    PetscCall(VecGetArray(h->yall, &ya));
    PetscCall(h->H->Apply(xa, ya, h->work.data()));
    PetscCall(VecRestoreArrayRead(h->xall, &xa));
    PetscCall(VecRestoreArray(h->yall, &ya));
    PetscCall(VecGetOwnershipRange(y, &rs, &re));
    PetscCall(VecGetArrayRead(h->yall, &yall));
    PetscCall(VecGetArray(y, &ya));
    for (PetscInt i = rs; i < re; i++) ya[i - rs] = yall[i];
    PetscCall(VecRestoreArray(y, &ya));
    PetscCall(VecRestoreArrayRead(h->yall, &yall));
  }
  PetscCall(PetscLogFlops(2.0 * h->H->Storage()));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCHodlrGetInfo_Hodlr(PC pc, PCHodlrInfo *info)
{
  PC_Hodlr *h = (PC_Hodlr *)pc->data;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(info, sizeof(*info)));
  PetscCheck(h->H, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER, "PC hodlr is not set up");
  info->N                   = h->H->N;
  info->rows                = h->H->rows;
  info->cols                = h->H->cols;
  info->leaf                = h->H->leaf;
  info->levels              = h->H->nlevels;
  info->storage             = h->H->Storage();
  info->storage_both_blocks = h->H->StorageBothBlocks();
  for (const HodlrNode &nd : h->H->nodes) {
    info->max_rank           = PetscMax(info->max_rank, nd.rank);
    info->max_numerical_rank = PetscMax(info->max_numerical_rank, nd.numrank);
  }
  info->setup_seconds    = h->setup_seconds;
  info->build_seconds    = h->build_seconds;
  info->factor_seconds   = h->H->factor_seconds;
  info->solve_seconds    = h->H->solve_seconds;
  info->subtract_seconds = h->H->subtract_seconds;
  info->other_seconds    = h->H->other_seconds;
  info->solve_columns    = h->H->solve_columns;
  info->spd_checked      = h->spd_checked;
  info->lambda_min       = h->lambda_min;
  info->shift            = h->H->shift;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCHodlrGetMatrix_Hodlr(PC pc, const HodlrMatrix **H)
{
  PC_Hodlr *h = (PC_Hodlr *)pc->data;

  PetscFunctionBegin;
  PetscCheck(h->H, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER, "PC hodlr is not set up");
  *H = h->H;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCView_Hodlr(PC pc, PetscViewer viewer)
{
  PC_Hodlr *h = (PC_Hodlr *)pc->data;
  PetscBool isascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  HODLR approximate inverse, build %s, rank <= %" PetscInt_FMT ", tol %g\n",
      PCHodlrBuildTypes[h->build], h->opts.rank, (double)h->opts.tol));
  if (!h->H) PetscFunctionReturn(0);
  const HodlrMatrix &H = *h->H;
  if (h->opts.rank > H.MaxBlockRank())
    PetscCall(PetscViewerASCIIPrintf(
        viewer, "  rank clamped to %" PetscInt_FMT ", the largest off-diagonal block's size\n",
        H.MaxBlockRank()));
  if (h->build == PC_HODLR_BUILD_SCALABLE)
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  sparse Cholesky %s, oversampling %" PetscInt_FMT
                                     ", %" PetscInt_FMT " colours per grid direction\n",
                                     H.factor_solver, h->opts.oversample, h->opts.colors));
  PetscCall(PetscViewerASCIIPrintf(
      viewer,
      "  grid %" PetscInt_FMT " x %" PetscInt_FMT " (N = %" PetscInt_FMT
      ", shape from %s), %s tree, leaf size %" PetscInt_FMT ", levels %" PetscInt_FMT "%s\n",
      H.rows, H.cols, H.N, h->geometry, h->geometric ? "geometric" : "strip", H.leaf, H.nlevels,
      h->gathered ? ", gathered on every rank" : ""));
  for (PetscInt l = 0; l < H.nlevels; l++) {
    PetscInt nb = 0, rmin = PETSC_MAX_INT, rmax = 0, nmin = PETSC_MAX_INT, nmax = 0, bmax = 0;
    for (const HodlrNode &nd : H.nodes) {
      if (nd.IsLeaf() || nd.level != l) continue;
      nb++;
      rmin = PetscMin(rmin, nd.rank);
      rmax = PetscMax(rmax, nd.rank);
      nmin = PetscMin(nmin, nd.numrank);
      nmax = PetscMax(nmax, nd.numrank);
      bmax = PetscMax(bmax, nd.s1);
    }
    PetscCall(PetscViewerASCIIPrintf(
        viewer,
        "    level %" PetscInt_FMT ": %" PetscInt_FMT " block pair(s) up to %" PetscInt_FMT
        " rows, rank kept %" PetscInt_FMT "-%" PetscInt_FMT ", numerical rank %s %" PetscInt_FMT
        "-%" PetscInt_FMT "\n",
        l, nb, bmax, rmin, rmax, h->build == PC_HODLR_BUILD_DENSE ? "" : "(sampled)", nmin, nmax));
  }
  const PetscReal N2 = (PetscReal)H.N * (PetscReal)H.N;
  PetscCall(PetscViewerASCIIPrintf(viewer,
                                   "  storage %" PetscInt_FMT
                                   " numbers = N^2 / %.2f (both off-diagonal "
                                   "blocks counted: %" PetscInt_FMT " = N^2 / %.2f)\n",
                                   H.Storage(), (double)(N2 / H.Storage()), H.StorageBothBlocks(),
                                   (double)(N2 / H.StorageBothBlocks())));
  PetscCall(PetscViewerASCIIPrintf(viewer,
                                   "  setup %.3f s (build %.3f s, definiteness check %.3f s)\n",
                                   (double)h->setup_seconds, (double)h->build_seconds,
                                   (double)(h->setup_seconds - h->build_seconds)));
  if (h->build == PC_HODLR_BUILD_SCALABLE)
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  build: factor %.3f s, %" PetscInt_FMT
                                     " solve columns %.3f s, subtraction of coarser levels %.3f s, "
                                     "SVDs and leaves %.3f s\n",
                                     (double)H.factor_seconds, H.solve_columns,
                                     (double)H.solve_seconds, (double)H.subtract_seconds,
                                     (double)H.other_seconds));
  if (h->spd_checked)
    PetscCall(PetscViewerASCIIPrintf(viewer, "  SPD check: lambda_min(MA) = %.4g%s\n",
                                     (double)h->lambda_min,
                                     H.shift > 0 ? " (before the shift)" : ""));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer, "  SPD check: not run\n"));
  if (H.shift > 0)
    PetscCall(PetscViewerASCIIPrintf(
        viewer, "  identity shift %g = 2 |lambda_min(M)| (definiteness lost by the truncation)\n",
        (double)H.shift));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCHodlrSetRank_Hodlr(PC pc, PetscInt rank)
{
  PC_Hodlr *h = (PC_Hodlr *)pc->data;

  PetscFunctionBegin;
  PetscCheck(rank >= 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "-pc_hodlr_rank must be at least 1, got %" PetscInt_FMT, rank);
  h->opts.rank = rank;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCHodlrSetLeafSize_Hodlr(PC pc, PetscInt leaf)
{
  PC_Hodlr *h = (PC_Hodlr *)pc->data;

  PetscFunctionBegin;
  PetscCheck(leaf >= 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "-pc_hodlr_leaf_size must be at least 1, got %" PetscInt_FMT, leaf);
  h->opts.leaf = leaf;
  h->leaf_set  = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCHodlrSetTolerance_Hodlr(PC pc, PetscReal tol)
{
  PC_Hodlr *h = (PC_Hodlr *)pc->data;

  PetscFunctionBegin;
  PetscCheck(tol >= 0 && tol < 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "-pc_hodlr_tol must be in [0, 1), got %g", (double)tol);
  h->opts.tol = tol;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCHodlrSetBuildType_Hodlr(PC pc, PCHodlrBuildType build)
{
  PC_Hodlr *h = (PC_Hodlr *)pc->data;

  PetscFunctionBegin;
  h->build = build;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetFromOptions_Hodlr(PC pc, PetscOptionItems *PetscOptionsObject)
{
  PC_Hodlr        *h = (PC_Hodlr *)pc->data;
  PetscInt         ival;
  PetscReal        rval;
  PetscBool        flg;
  PCHodlrBuildType build = h->build;

  PetscFunctionBegin;
  {
    // PETSc's enum parser reports an unknown value with a traceback (PETSC_ERR_USER): check the
    // text first and raise a user error that lists the values.
    char      text[64];
    PetscBool set, found;
    PetscInt  idx;
    PetscCall(PetscOptionsGetString(((PetscObject)pc)->options, ((PetscObject)pc)->prefix,
                                    "-pc_hodlr_build", text, sizeof(text), &set));
    if (set) {
      PetscCall(PetscEListFind(2, PCHodlrBuildTypes, text, &idx, &found));
      PetscCheck(found, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_UNKNOWN_TYPE,
                 "unknown -%spc_hodlr_build '%s' (known: dense, scalable)",
                 ((PetscObject)pc)->prefix ? ((PetscObject)pc)->prefix : "", text);
    }
  }
  PetscOptionsHeadBegin(PetscOptionsObject, "HODLR approximate inverse options");
  PetscCall(PetscOptionsInt("-pc_hodlr_rank", "Maximum rank of the off-diagonal blocks",
                            "PCHodlrSetRank", h->opts.rank, &ival, &flg));
  if (flg) PetscCall(PCHodlrSetRank(pc, ival));
  PetscCall(PetscOptionsInt("-pc_hodlr_leaf_size", "Unknowns per leaf (dense diagonal block)",
                            "PCHodlrSetLeafSize", h->opts.leaf, &ival, &flg));
  if (flg) PetscCall(PCHodlrSetLeafSize(pc, ival));
  PetscCall(PetscOptionsReal("-pc_hodlr_tol",
                             "Relative truncation tolerance sigma_k/sigma_1 (0: rank only)",
                             "PCHodlrSetTolerance", h->opts.tol, &rval, &flg));
  if (flg) PetscCall(PCHodlrSetTolerance(pc, rval));
  PetscCall(PetscOptionsEnum(
      "-pc_hodlr_build", "Construction: dense (reference, N <= 16384) or scalable",
      "PCHodlrSetBuildType", PCHodlrBuildTypes, (PetscEnum)h->build, (PetscEnum *)&build, &flg));
  if (flg) PetscCall(PCHodlrSetBuildType(pc, build));
  PetscCall(
      PetscOptionsBool("-pc_hodlr_geometric",
                       "Tree by geometric (longer side) bisection instead of strips of grid rows",
                       NULL, h->geometric, &h->geometric, NULL));
  PetscCall(PetscOptionsInt("-pc_hodlr_oversample",
                            "Scalable build: extra random samples per block", NULL,
                            h->opts.oversample, &h->opts.oversample, NULL));
  PetscCheck(h->opts.oversample >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "-pc_hodlr_oversample must be >= 0");
  PetscCall(PetscOptionsInt("-pc_hodlr_colors",
                            "Scalable build: groups of nodes sampled separately per level", NULL,
                            h->opts.colors, &h->opts.colors, NULL));
  PetscCheck(h->opts.colors >= 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "-pc_hodlr_colors must be >= 1");
  PetscCall(PetscOptionsInt("-pc_hodlr_min_sample", "Scalable build: minimum samples per block",
                            NULL, h->opts.min_sample, &h->opts.min_sample, NULL));
  PetscCall(PetscOptionsInt("-pc_hodlr_seed", "Scalable build: seed of the random test vectors",
                            NULL, h->opts.seed, &h->opts.seed, NULL));
  PetscCall(PetscOptionsString(
      "-pc_hodlr_factor_solver_type", "Scalable build: sparse Cholesky package", NULL,
      h->opts.factor_solver, h->opts.factor_solver, sizeof(h->opts.factor_solver), NULL));
  PetscCall(PetscOptionsInt("-pc_hodlr_grid_width",
                            "Grid width (fast index) when the matrix has no DMDA (0: infer)", NULL,
                            h->grid_width, &h->grid_width, NULL));
  PetscCheck(h->grid_width >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "-pc_hodlr_grid_width must be >= 0");
  PetscCall(PetscOptionsBool("-pc_hodlr_check_spd", "Estimate lambda_min(MA) after setup", NULL,
                             h->check_spd, &h->check_spd, NULL));
  PetscOptionsHeadEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode PCDestroy_Hodlr(PC pc)
{
  PetscFunctionBegin;
  PetscCall(PCReset_Hodlr(pc));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrSetRank_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrSetLeafSize_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrSetTolerance_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrSetBuildType_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrGetInfo_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrGetMatrix_C", NULL));
  delete (PC_Hodlr *)pc->data;
  pc->data = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode PCHodlrSetRank(PC pc, PetscInt rank)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCHodlrSetRank_C", (PC, PetscInt), (pc, rank));
  PetscFunctionReturn(0);
}

PetscErrorCode PCHodlrSetLeafSize(PC pc, PetscInt leaf)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCHodlrSetLeafSize_C", (PC, PetscInt), (pc, leaf));
  PetscFunctionReturn(0);
}

PetscErrorCode PCHodlrSetTolerance(PC pc, PetscReal tol)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCHodlrSetTolerance_C", (PC, PetscReal), (pc, tol));
  PetscFunctionReturn(0);
}

PetscErrorCode PCHodlrSetBuildType(PC pc, PCHodlrBuildType build)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCHodlrSetBuildType_C", (PC, PCHodlrBuildType), (pc, build));
  PetscFunctionReturn(0);
}

PetscErrorCode PCHodlrGetInfo(PC pc, PCHodlrInfo *info)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCHodlrGetInfo_C", (PC, PCHodlrInfo *), (pc, info));
  PetscFunctionReturn(0);
}

PetscErrorCode PCHodlrGetMatrix(PC pc, const HodlrMatrix **H)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCHodlrGetMatrix_C", (PC, const HodlrMatrix **), (pc, H));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCCreate_Hodlr(PC pc)
{
  PetscFunctionBegin;
  PetscCallCXX(pc->data = (void *)new PC_Hodlr());
  pc->ops->setup          = PCSetUp_Hodlr;
  pc->ops->apply          = PCApply_Hodlr;
  pc->ops->applytranspose = PCApply_Hodlr; // M is symmetric
  pc->ops->view           = PCView_Hodlr;
  pc->ops->setfromoptions = PCSetFromOptions_Hodlr;
  pc->ops->reset          = PCReset_Hodlr;
  pc->ops->destroy        = PCDestroy_Hodlr;
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrSetRank_C", PCHodlrSetRank_Hodlr));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrSetLeafSize_C",
                                       PCHodlrSetLeafSize_Hodlr));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrSetTolerance_C",
                                       PCHodlrSetTolerance_Hodlr));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrSetBuildType_C",
                                       PCHodlrSetBuildType_Hodlr));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCHodlrGetInfo_C", PCHodlrGetInfo_Hodlr));
  PetscCall(
      PetscObjectComposeFunction((PetscObject)pc, "PCHodlrGetMatrix_C", PCHodlrGetMatrix_Hodlr));
  PetscFunctionReturn(0);
}
