// HODLR approximation of A^{-1}: tree, application, dense and scalable constructions.
//
// Why a low-rank off-diagonal block exists (docs/hodlr.md): with the strip tree, I1 and
// I2 are bands of grid rows meeting at row b. A source in I2 gives a potential that is
// discrete-harmonic in the rows above b, hence determined by its values on row b: rank
// A^{-1}(I1, I2) <= n, the separator width (exactly 32 at every level for n = 32, which
// the dense build reports). Its singular values decay only like 1/k^2 (the k-th Fourier
// mode along the separator couples the two sides with strength ~ 1/k^2), which matters
// for the scalable construction below.
//
// Scalable construction ("peeling"): Lin, Lu & Ying, "Fast construction of hierarchical
// matrix representation from matrix-vector multiplication", J. Comput. Phys. 230 (2011)
// 4071-4087, with the randomized range finder of Halko, Martinsson & Tropp, SIAM Rev. 53
// (2011) 217-288, Alg. 4.1 + 5.1. The matrix-vector products with A^{-1} are multi-column
// solves with one sparse Cholesky factor of A (MUMPS, nested-dissection ordering: fill
// O(N log N), solve O(N log N) per column in 2-D). Level by level, from the root:
//   1. Omega: independent random columns on I2 of every node of one colour at depth l at
//      once (zero elsewhere); Y = A^{-1} Omega - H_{<l} Omega. On I1 of a node, the
//      subtracted term removes the contributions of the other nodes' I2, which lie in the
//      coarser blocks already built (H_{<l}), leaving A^{-1}(I1, I2) Omega_2 up to the
//      truncation residual of those coarser blocks. Colours alternate along a level
//      (-pc_hodlr_colors, default 2), so two nodes sampled together are at least one node
//      apart; the residual, concentrated at the coarser interfaces (the high Fourier modes
//      along the separator, which decay away from it), then hardly pollutes the sample.
//      The colour of a node is (row-block index mod c, column-block index mod c), so c^2
//      groups once rows are split. With a single colour and r + 10 samples the n = 32
//      preconditioner was indefinite for r = 1, 2, 4 (adjacent nodes see the whole
//      residual); with 2 colours and r + 20 samples kappa(MA) is within 0.1 % of the dense
//      build at every rank.
//      Limitation: because the singular values decay like 1/k^2, the residual of r + p
//      samples grows relative to the finer blocks as n grows, and from n = 64 on the
//      peeled M can lose definiteness at r = 8 (the dense truncated SVD does not: for the
//      constant-coefficient operator it keeps whole Fourier modes). The PC's check catches
//      that and shifts M (hodlr.cpp); -pc_hodlr_min_sample ~ n/2 avoids it (n = 64: 48
//      samples give 53 CG iterations, the dense build 52) at O(n^2) more work per level.
//   2. Q = orthonormal basis of Y(I1) (thin SVD, numerically zero directions dropped).
//   3. Z = A^{-1} Q~ - H_{<l} Q~ with Q~ = Q on I1 of every node; Z(I2) = A^{-1}(I2, I1) Q =
//      B^T Q, so B ~ Q Q^T B = Q Z(I2)^T; the thin SVD Z(I2) = W S X^T gives
//      B ~ (Q X S) W^T, an SVD of the sampled block, truncated afterwards like the dense one.
// Every depth costs 2 c (r + p) solve columns (p = oversampling, default 20, c colours)
// and the leaves c max(leaf) more (unit vectors on every leaf of a colour at once, minus
// all off-diagonal blocks).
// The blocks are kept at the full sampled rank r + p while peeling, so the subtraction of
// the coarser levels is accurate even when the preconditioner uses r = 1; the truncation
// to the requested rank happens at the end (Truncate).
// Cost at fixed rank: factor O(N^{3/2}) flops (2-D nested dissection, the one super-linear
// term), solves O((r + p) log N + leaf) columns of O(N log N), subtractions
// O(N (r + p)^2 log^2 N); memory O(N (r + p) log N) for the blocks + the factor.
#include "preconditioners/hodlr/hodlr_matrix.h"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <type_traits>

PetscErrorCode HodlrMatrix::BuildTree(PetscInt rows_, PetscInt cols_, PetscInt leaf_,
                                      bool geometric)
{
  PetscFunctionBegin;
  rows    = rows_;
  cols    = cols_;
  N       = rows * cols;
  leaf    = leaf_;
  nlevels = 0;
  shift   = 0;
  nodes.clear();
  perm.clear();
  perm.reserve(N);
  // Strips (the reference): halve the rows of the rectangle while it has more than one
  // (= bisection of the natural index range when the row counts are powers of two), then
  // halve the row. Geometric: halve the longer side (the rows on ties), so the boundaries
  // alternate. Either way down to at most `leaf` unknowns.
  std::function<PetscInt(PetscInt, PetscInt, PetscInt, PetscInt, PetscInt)> make =
      [&](PetscInt i0, PetscInt i1, PetscInt j0, PetscInt j1, PetscInt level) -> PetscInt {
    const PetscInt id = (PetscInt)nodes.size();
    nodes.emplace_back();
    nodes[id].i0    = i0;
    nodes[id].i1    = i1;
    nodes[id].j0    = j0;
    nodes[id].j1    = j1;
    nodes[id].level = level;
    nodes[id].start = (PetscInt)perm.size();
    nodes[id].size  = (i1 - i0) * (j1 - j0);
    if (nodes[id].size <= leaf) {
      for (PetscInt i = i0; i < i1; i++)
        for (PetscInt j = j0; j < j1; j++) perm.push_back(i * cols + j);
      return id;
    }
    PetscInt c0, c1;
    if (geometric ? i1 - i0 >= j1 - j0 : i1 - i0 > 1) {
      const PetscInt im = i0 + (i1 - i0) / 2;
      c0                = make(i0, im, j0, j1, level + 1);
      c1                = make(im, i1, j0, j1, level + 1);
    } else {
      const PetscInt jm = j0 + (j1 - j0) / 2;
      c0                = make(i0, i1, j0, jm, level + 1);
      c1                = make(i0, i1, jm, j1, level + 1);
    }
    nodes[id].child[0] = c0;
    nodes[id].child[1] = c1;
    nodes[id].s1       = nodes[c0].size;
    nlevels            = std::max(nlevels, level + 1);
    return id;
  };
  make(0, rows, 0, cols, 0);
  PetscFunctionReturn(0);
}

PetscErrorCode HodlrMatrix::ApplyBlock(PetscInt m, PetscScalar alpha, const PetscScalar *X,
                                       PetscInt ldx, PetscScalar *Y, PetscInt ldy,
                                       PetscInt maxlevel, bool full, bool leaves) const
{
  const PetscScalar        one = 1.0, zero = 0.0;
  PetscBLASInt             bm, bldx, bldy, bs1, bs2, bk, bn;
  std::vector<PetscScalar> T;

  PetscFunctionBegin;
  if (m <= 0) PetscFunctionReturn(0);
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(ldx, &bldx));
  PetscCall(PetscBLASIntCast(ldy, &bldy));
  for (const HodlrNode &nd : nodes) {
    if (nd.IsLeaf()) {
      if (!leaves) continue;
      PetscCall(PetscBLASIntCast(nd.size, &bn));
      BLASgemm_("N", "N", &bn, &bm, &bn, &alpha, nd.D.data(), &bn, X + nd.start, &bldx, &one,
                Y + nd.start, &bldy);
      continue;
    }
    if (nd.level >= maxlevel) continue;
    const PetscInt k = full ? nd.kfull : nd.rank;
    if (!k) continue;
    const PetscInt s2 = nd.size - nd.s1;
    PetscCall(PetscBLASIntCast(nd.s1, &bs1));
    PetscCall(PetscBLASIntCast(s2, &bs2));
    PetscCall(PetscBLASIntCast(k, &bk));
    T.resize((size_t)k * m);
    // Y(I1) += alpha U (V^T X(I2));  Y(I2) += alpha V (U^T X(I1))
    BLASgemm_("T", "N", &bk, &bm, &bs2, &one, nd.V.data(), &bs2, X + nd.start + nd.s1, &bldx, &zero,
              T.data(), &bk);
    BLASgemm_("N", "N", &bs1, &bm, &bk, &alpha, nd.U.data(), &bs1, T.data(), &bk, &one,
              Y + nd.start, &bldy);
    BLASgemm_("T", "N", &bk, &bm, &bs1, &one, nd.U.data(), &bs1, X + nd.start, &bldx, &zero,
              T.data(), &bk);
    BLASgemm_("N", "N", &bs2, &bm, &bk, &alpha, nd.V.data(), &bs2, T.data(), &bk, &one,
              Y + nd.start + nd.s1, &bldy);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode HodlrMatrix::Apply(const PetscScalar *x, PetscScalar *y, PetscScalar *work) const
{
  PetscScalar *xt = work, *yt = work + N;

  PetscFunctionBegin;
  for (PetscInt t = 0; t < N; t++) xt[t] = x[perm[t]];
  std::fill(yt, yt + N, 0.0);
  PetscCall(ApplyBlock(1, 1.0, xt, N, yt, N, nlevels, false, true));
  for (PetscInt t = 0; t < N; t++) y[perm[t]] = yt[t] + shift * xt[t];
  PetscFunctionReturn(0);
}

PetscInt HodlrMatrix::Storage() const
{
  PetscInt s = 0;
  for (const HodlrNode &nd : nodes) s += nd.IsLeaf() ? nd.size * nd.size : nd.rank * nd.size;
  return s;
}

PetscInt HodlrMatrix::StorageBothBlocks() const
{
  PetscInt s = 0;
  for (const HodlrNode &nd : nodes) s += nd.IsLeaf() ? nd.size * nd.size : 2 * nd.rank * nd.size;
  return s;
}

PetscErrorCode HodlrMatrix::Truncate(const HodlrOptions &opts)
{
  PetscFunctionBegin;
  for (HodlrNode &nd : nodes) {
    if (nd.IsLeaf()) continue;
    PetscInt k = std::min(opts.rank, nd.kfull);
    if (opts.tol > 0 && !nd.sigma.empty()) {
      PetscInt kt = 0;
      while (kt < k && nd.sigma[kt] > opts.tol * nd.sigma[0]) kt++;
      k = kt;
    }
    nd.rank  = k;
    nd.kfull = k;
    nd.U.resize((size_t)nd.s1 * k);
    nd.V.resize((size_t)(nd.size - nd.s1) * k);
    nd.U.shrink_to_fit();
    nd.V.shrink_to_fit();
  }
  PetscFunctionReturn(0);
}

// Thin SVD of the m x n column-major matrix a (destroyed): u (m x min), s, vt (min x n).
// jobu/jobvt as in LAPACK's dgesvd ("S" or "N").
// LAPACK's divide-and-conquer SVD, which PETSc 3.18 does not wrap: for the full thin SVD of
// a large block it is far faster than gesvd, whose bidiagonal QR (dbdsqr) applies its
// rotations one at a time (the dense build at n = 128, blocks of 8192 x 8192, spent hours
// there).
extern "C" void dgesdd_(const char *jobz, const PetscBLASInt *m, const PetscBLASInt *n, double *a,
                        const PetscBLASInt *lda, double *s, double *u, const PetscBLASInt *ldu,
                        double *vt, const PetscBLASInt *ldvt, double *work,
                        const PetscBLASInt *lwork, PetscBLASInt *iwork, PetscBLASInt *info);
static_assert(std::is_same<PetscScalar, double>::value, "PC hodlr needs real double scalars");

// A = U diag(s) V^T, thin: jobu/jobvt "S" (min(m, n) vectors) or "N" (none); a is destroyed.
static PetscErrorCode ThinSVD(const char *jobu, const char *jobvt, PetscInt m, PetscInt n,
                              PetscScalar *a, PetscReal *s, PetscScalar *u, PetscScalar *vt)
{
  PetscBLASInt             bm, bn, bmn, lwork = -1, info;
  PetscScalar              wq;
  std::vector<PetscScalar> work;
  PetscScalar              dummy = 0;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(std::min(m, n), &bmn));
  if (!u) u = &dummy;
  if (!vt) vt = &dummy;
  PetscBLASInt ldu = jobu[0] == 'N' ? 1 : bm, ldvt = jobvt[0] == 'N' ? 1 : bmn;
  if (jobu[0] == 'S' && jobvt[0] == 'S') { // both factors: divide and conquer
    std::vector<PetscBLASInt> iwork(8 * (size_t)std::max<PetscBLASInt>(bmn, 1));
    dgesdd_("S", &bm, &bn, a, &bm, s, u, &ldu, vt, &ldvt, &wq, &lwork, iwork.data(), &info);
    lwork = (PetscBLASInt)wq;
    work.resize(std::max<PetscBLASInt>(lwork, 1));
    dgesdd_("S", &bm, &bn, a, &bm, s, u, &ldu, vt, &ldvt, work.data(), &lwork, iwork.data(), &info);
    PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK gesdd failed, info %d",
               (int)info);
    PetscFunctionReturn(0);
  }
  LAPACKgesvd_(jobu, jobvt, &bm, &bn, a, &bm, s, u, &ldu, vt, &ldvt, &wq, &lwork, &info);
  lwork = (PetscBLASInt)wq;
  work.resize(std::max<PetscBLASInt>(lwork, 1));
  LAPACKgesvd_(jobu, jobvt, &bm, &bn, a, &bm, s, u, &ldu, vt, &ldvt, work.data(), &lwork, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK gesvd failed, info %d", (int)info);
  PetscFunctionReturn(0);
}

// Number of singular values above numpy.linalg.matrix_rank's threshold
// sigma_1 max(m, n) eps.
static PetscInt NumericalRank(const std::vector<PetscReal> &s, PetscInt m, PetscInt n)
{
  if (s.empty() || s[0] <= 0) return 0;
  const PetscReal thr = s[0] * std::max(m, n) * PETSC_MACHINE_EPSILON;
  PetscInt        k   = 0;
  while (k < (PetscInt)s.size() && s[k] > thr) k++;
  return k;
}

PetscErrorCode HodlrMatrix::BuildDense(Mat A, const HodlrOptions &opts)
{
  Mat                      Ad;
  const PetscScalar       *a;
  PetscInt                 lda;
  PetscBLASInt             bN, info;
  std::vector<PetscScalar> W((size_t)N * N);

  PetscFunctionBegin;
  PetscCall(MatConvert(A, MATSEQDENSE, MAT_INITIAL_MATRIX, &Ad));
  PetscCall(MatDenseGetLDA(Ad, &lda));
  PetscCall(MatDenseGetArrayRead(Ad, &a));
  for (PetscInt s = 0; s < N; s++)
    for (PetscInt t = 0; t < N; t++) W[t + (size_t)s * N] = a[perm[t] + (size_t)perm[s] * lda];
  PetscCall(MatDenseRestoreArrayRead(Ad, &a));
  PetscCall(MatDestroy(&Ad));
  // The exact inverse by Cholesky (LAPACK potrf + potri), permuted to the tree ordering.
  PetscCall(PetscBLASIntCast(N, &bN));
  LAPACKpotrf_("L", &bN, W.data(), &bN, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "PC hodlr: the operator is not symmetric positive definite (Cholesky pivot %d)",
             (int)info);
  LAPACKpotri_("L", &bN, W.data(), &bN, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK potri failed, info %d", (int)info);
  for (PetscInt s = 0; s < N; s++)
    for (PetscInt t = s + 1; t < N; t++) W[s + (size_t)t * N] = W[t + (size_t)s * N];

  for (HodlrNode &nd : nodes) {
    if (nd.IsLeaf()) {
      nd.D.resize((size_t)nd.size * nd.size);
      for (PetscInt c = 0; c < nd.size; c++)
        for (PetscInt t = 0; t < nd.size; t++)
          nd.D[t + (size_t)c * nd.size] = W[nd.start + t + (size_t)(nd.start + c) * N];
      continue;
    }
    // Truncated SVD of the block (I1, I2): optimal at each rank (Eckart-Young).
    const PetscInt           s1 = nd.s1, s2 = nd.size - nd.s1, mn = std::min(s1, s2);
    std::vector<PetscScalar> B((size_t)s1 * s2), Ub((size_t)s1 * mn), VT((size_t)mn * s2);
    for (PetscInt c = 0; c < s2; c++)
      for (PetscInt t = 0; t < s1; t++)
        B[t + (size_t)c * s1] = W[nd.start + t + (size_t)(nd.start + s1 + c) * N];
    nd.sigma.resize(mn);
    PetscCall(ThinSVD("S", "S", s1, s2, B.data(), nd.sigma.data(), Ub.data(), VT.data()));
    nd.numrank = NumericalRank(nd.sigma, s1, s2);
    nd.kfull   = std::min(mn, opts.rank);
    nd.U.resize((size_t)s1 * nd.kfull);
    nd.V.resize((size_t)s2 * nd.kfull);
    for (PetscInt c = 0; c < nd.kfull; c++) {
      for (PetscInt t = 0; t < s1; t++)
        nd.U[t + (size_t)c * s1] = Ub[t + (size_t)c * s1] * nd.sigma[c];
      for (PetscInt t = 0; t < s2; t++) nd.V[t + (size_t)c * s2] = VT[c + (size_t)t * mn];
    }
    nd.rank = nd.kfull;
  }
  PetscCall(Truncate(opts));
  PetscFunctionReturn(0);
}

// Y = A^{-1} X for m columns given and returned in the tree ordering, through the factor F
// (original ordering), in batches of at most `batch` columns to bound the work memory.
static PetscErrorCode SolveColumns(Mat F, const std::vector<PetscInt> &perm, PetscInt m,
                                   const PetscScalar *X, PetscScalar *Y)
{
  const PetscInt           N = (PetscInt)perm.size(), batch = 32;
  std::vector<PetscScalar> bo((size_t)N * std::min(m, batch)), xo(bo.size());

  PetscFunctionBegin;
  for (PetscInt c0 = 0; c0 < m; c0 += batch) {
    const PetscInt nb = std::min(batch, m - c0);
    Mat            B, Xm;
    for (PetscInt c = 0; c < nb; c++)
      for (PetscInt t = 0; t < N; t++) bo[perm[t] + (size_t)c * N] = X[t + (size_t)(c0 + c) * N];
    PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, N, nb, bo.data(), &B));
    PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, N, nb, xo.data(), &Xm));
    PetscCall(MatMatSolve(F, B, Xm));
    PetscCall(MatDestroy(&B));
    PetscCall(MatDestroy(&Xm));
    for (PetscInt c = 0; c < nb; c++)
      for (PetscInt t = 0; t < N; t++) Y[t + (size_t)(c0 + c) * N] = xo[perm[t] + (size_t)c * N];
  }
  PetscFunctionReturn(0);
}

PetscInt HodlrMatrix::MaxBlockRank() const
{
  PetscInt k = 0;
  for (const HodlrNode &nd : nodes)
    if (!nd.IsLeaf()) k = std::max(k, std::min(nd.s1, nd.size - nd.s1));
  return k;
}

PetscInt HodlrMatrix::SampleColumns(const HodlrOptions &opts) const
{
  const PetscInt64 m =
      std::max((PetscInt64)opts.rank + opts.oversample, (PetscInt64)opts.min_sample);
  return (PetscInt)std::min(m, (PetscInt64)MaxBlockRank());
}

PetscErrorCode HodlrMatrix::BuildScalable(Mat A, const HodlrOptions &opts)
{
  Mat           F;
  IS            rperm, cperm;
  MatFactorInfo info;
  PetscBool     has_mumps;
  PetscRandom   rnd;

  PetscLogDouble t_start, t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t_start));
  factor_seconds = solve_seconds = subtract_seconds = 0;
  solve_columns                                     = 0;
  // Timed wrappers of the three costs of the construction (the split PCView reports).
  auto solve = [&](PetscInt m, const PetscScalar *X, PetscScalar *Y) -> PetscErrorCode {
    PetscLogDouble a, b;
    PetscFunctionBegin;
    PetscCall(PetscTime(&a));
    PetscCall(SolveColumns(F, perm, m, X, Y));
    PetscCall(PetscTime(&b));
    solve_seconds += b - a;
    solve_columns += m;
    PetscFunctionReturn(0);
  };
  auto subtract = [&](PetscInt m, const PetscScalar *X, PetscScalar *Y,
                      PetscInt maxlevel) -> PetscErrorCode {
    PetscLogDouble a, b;
    PetscFunctionBegin;
    PetscCall(PetscTime(&a));
    PetscCall(ApplyBlock(m, -1.0, X, N, Y, N, maxlevel, true, false));
    PetscCall(PetscTime(&b));
    subtract_seconds += b - a;
    PetscFunctionReturn(0);
  };
  // 0. One sparse Cholesky factorization of A; every product with A^{-1} is a solve with it.
  if (opts.factor_solver[0])
    PetscCall(PetscStrncpy(factor_solver, opts.factor_solver, sizeof(factor_solver)));
  else {
    PetscCall(MatGetFactorAvailable(A, MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, &has_mumps));
    PetscCall(PetscStrncpy(factor_solver, has_mumps ? MATSOLVERMUMPS : MATSOLVERPETSC,
                           sizeof(factor_solver)));
  }
  PetscCall(PetscStrcmp(factor_solver, MATSOLVERMUMPS, &has_mumps));
  PetscCall(MatGetFactor(A, factor_solver, MAT_FACTOR_CHOLESKY, &F));
  PetscCheck(F, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "PC hodlr: no Cholesky factorization from package '%s'", factor_solver);
  // MUMPS chooses its own fill-reducing ordering (METIS/SCOTCH/AMD); PETSc's needs ours.
  PetscCall(MatGetOrdering(A, has_mumps ? MATORDERINGNATURAL : MATORDERINGND, &rperm, &cperm));
  PetscCall(MatFactorInfoInitialize(&info));
  PetscCall(PetscTime(&t0));
  PetscCall(MatCholeskyFactorSymbolic(F, A, rperm, &info));
  PetscCall(MatCholeskyFactorNumeric(F, A, &info));
  PetscCall(PetscTime(&t1));
  factor_seconds = t1 - t0;
  PetscCall(ISDestroy(&rperm));
  PetscCall(ISDestroy(&cperm));

  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)(0x5eed + opts.seed)));
  PetscCall(PetscRandomSeed(rnd));

  const PetscInt           m = SampleColumns(opts);
  std::vector<PetscScalar> X((size_t)N * m), Y((size_t)N * m);
  std::vector<PetscInt>    color(nodes.size(), 0);
  const PetscInt           cdir = std::max<PetscInt>(opts.colors, 1), ncolors = cdir * cdir;
  // Colour of each selected node: (row-block index mod c, column-block index mod c), the
  // indices counting the distinct rectangle origins of the selection, so that two nodes of
  // one colour are at least c - 1 nodes apart in both grid directions.
  auto paint = [&](const std::function<bool(const HodlrNode &)> &sel) {
    std::map<PetscInt, PetscInt> irank, jrank;
    for (const HodlrNode &nd : nodes)
      if (sel(nd)) {
        irank[nd.i0] = 0;
        jrank[nd.j0] = 0;
      }
    PetscInt k = 0;
    for (auto &e : irank) e.second = k++;
    k = 0;
    for (auto &e : jrank) e.second = k++;
    for (size_t id = 0; id < nodes.size(); id++)
      if (sel(nodes[id]))
        color[id] = (irank[nodes[id].i0] % cdir) * cdir + jrank[nodes[id].j0] % cdir;
  };
  auto used = [&](const std::function<bool(const HodlrNode &)> &in) {
    for (const HodlrNode &nd : nodes)
      if (in(nd)) return true;
    return false;
  };
  for (PetscInt l = 0; l < nlevels; l++) {
    paint([&](const HodlrNode &nd) { return !nd.IsLeaf() && nd.level == l; });
    for (PetscInt col = 0; col < ncolors; col++) {
      auto in = [&](const HodlrNode &nd) {
        return !nd.IsLeaf() && nd.level == l && color[&nd - nodes.data()] == col;
      };
      if (!used(in)) continue;
      // 1. Random test vectors (uniform on [-1, 1], sub-Gaussian) on I2 of every node at depth l.
      std::fill(X.begin(), X.end(), 0.0);
      for (HodlrNode &nd : nodes) {
        if (!in(nd)) continue;
        const PetscInt s2 = nd.size - nd.s1, k = std::min({m, nd.s1, s2});
        for (PetscInt c = 0; c < k; c++)
          for (PetscInt t = nd.start + nd.s1; t < nd.start + nd.size; t++)
            PetscCall(PetscRandomGetValue(rnd, &X[t + (size_t)c * N]));
      }
      PetscCall(solve(m, X.data(), Y.data()));
      PetscCall(subtract(m, X.data(), Y.data(), l));
      // 2. Orthonormal basis Q of the sample A^{-1}(I1, I2) Omega of each block, kept in U.
      std::fill(X.begin(), X.end(), 0.0);
      for (HodlrNode &nd : nodes) {
        if (!in(nd)) continue;
        const PetscInt           s1 = nd.s1, s2 = nd.size - s1, k = std::min({m, s1, s2});
        std::vector<PetscScalar> Yb((size_t)s1 * k), Q((size_t)s1 * k);
        std::vector<PetscReal>   s(k);
        for (PetscInt c = 0; c < k; c++)
          for (PetscInt t = 0; t < s1; t++)
            Yb[t + (size_t)c * s1] = Y[nd.start + t + (size_t)c * N];
        PetscCall(ThinSVD("S", "N", s1, k, Yb.data(), s.data(), Q.data(), NULL));
        PetscInt q = 0; // directions above rounding: the block may have rank < k
        while (q < k && s[q] > 1e-13 * s[0]) q++;
        nd.U.assign(Q.begin(), Q.begin() + (size_t)s1 * q);
        nd.kfull = q;
        for (PetscInt c = 0; c < q; c++)
          for (PetscInt t = 0; t < s1; t++) X[nd.start + t + (size_t)c * N] = Q[t + (size_t)c * s1];
      }
      PetscCall(solve(m, X.data(), Y.data()));
      PetscCall(subtract(m, X.data(), Y.data(), l));
      // 3. Z = B^T Q = W S X^T  =>  B ~ Q Z^T = (Q X S) W^T.
      for (HodlrNode &nd : nodes) {
        if (!in(nd)) continue;
        const PetscInt s1 = nd.s1, s2 = nd.size - s1, q = nd.kfull, mn = std::min(s2, q);
        if (!q) {
          nd.U.clear();
          nd.V.clear();
          nd.sigma.clear();
          nd.rank = nd.numrank = 0;
          continue;
        }
        std::vector<PetscScalar> Z((size_t)s2 * q), Wm((size_t)s2 * mn), XT((size_t)mn * q),
            U((size_t)s1 * mn);
        for (PetscInt c = 0; c < q; c++)
          for (PetscInt t = 0; t < s2; t++)
            Z[t + (size_t)c * s2] = Y[nd.start + s1 + t + (size_t)c * N];
        nd.sigma.resize(mn);
        PetscCall(ThinSVD("S", "S", s2, q, Z.data(), nd.sigma.data(), Wm.data(), XT.data()));
        PetscBLASInt bs1, bq, bmn;
        PetscScalar  one = 1.0, zero = 0.0;
        PetscCall(PetscBLASIntCast(s1, &bs1));
        PetscCall(PetscBLASIntCast(q, &bq));
        PetscCall(PetscBLASIntCast(mn, &bmn));
        BLASgemm_("N", "T", &bs1, &bmn, &bq, &one, nd.U.data(), &bs1, XT.data(), &bmn, &zero,
                  U.data(), &bs1);
        for (PetscInt c = 0; c < mn; c++)
          for (PetscInt t = 0; t < s1; t++) U[t + (size_t)c * s1] *= nd.sigma[c];
        nd.U.swap(U);
        nd.V.swap(Wm);
        nd.kfull   = mn;
        nd.rank    = mn;
        nd.numrank = NumericalRank(nd.sigma, s1, s2);
      }
    }
  }

  // 4. Leaves: unit vectors on every leaf at once; A^{-1}(L, L) = sample minus all blocks.
  PetscInt mleaf = 0;
  for (const HodlrNode &nd : nodes)
    if (nd.IsLeaf()) mleaf = std::max(mleaf, nd.size);
  for (HodlrNode &nd : nodes)
    if (nd.IsLeaf()) nd.D.assign((size_t)nd.size * nd.size, 0.0);
  const PetscInt batch = std::min<PetscInt>(mleaf, 32);
  X.assign((size_t)N * batch, 0.0);
  Y.assign((size_t)N * batch, 0.0);
  paint([](const HodlrNode &nd) { return nd.IsLeaf(); });
  for (PetscInt col = 0; col < ncolors; col++)
    for (PetscInt c0 = 0; c0 < mleaf; c0 += batch) {
      const PetscInt nb = std::min(batch, mleaf - c0);
      auto           in = [&](const HodlrNode &nd) {
        return nd.IsLeaf() && color[&nd - nodes.data()] == col;
      };
      if (!used(in)) continue;
      std::fill(X.begin(), X.end(), 0.0);
      for (const HodlrNode &nd : nodes)
        if (in(nd))
          for (PetscInt c = c0; c < std::min(c0 + nb, nd.size); c++)
            X[nd.start + c + (size_t)(c - c0) * N] = 1.0;
      PetscCall(solve(nb, X.data(), Y.data()));
      PetscCall(subtract(nb, X.data(), Y.data(), nlevels));
      for (HodlrNode &nd : nodes)
        if (in(nd))
          for (PetscInt c = c0; c < std::min(c0 + nb, nd.size); c++)
            for (PetscInt t = 0; t < nd.size; t++)
              nd.D[t + (size_t)c * nd.size] = Y[nd.start + t + (size_t)(c - c0) * N];
    }
  for (HodlrNode &nd : nodes) // symmetrize the leaves (rounding of the solves)
    if (nd.IsLeaf())
      for (PetscInt c = 0; c < nd.size; c++)
        for (PetscInt t = c + 1; t < nd.size; t++) {
          const PetscScalar v =
              0.5 * (nd.D[t + (size_t)c * nd.size] + nd.D[c + (size_t)t * nd.size]);
          nd.D[t + (size_t)c * nd.size] = nd.D[c + (size_t)t * nd.size] = v;
        }
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(MatDestroy(&F));
  PetscCall(Truncate(opts));
  PetscCall(PetscTime(&t1));
  other_seconds = (t1 - t_start) - factor_seconds - solve_seconds - subtract_seconds;
  PetscFunctionReturn(0);
}
