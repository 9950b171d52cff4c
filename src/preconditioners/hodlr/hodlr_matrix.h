// A symmetric HODLR (hierarchically off-diagonal low-rank) matrix over the recursive
// bisection of a rows x cols grid, and its two constructions as an approximation of A^{-1}:
//
//   dense     the reference's construction: the exact dense inverse, each off-diagonal block
//             truncated by SVD (optimal at each rank), leaves dense. O(N^3); validation only.
//   scalable  randomized "peeling" from solves with a sparse Cholesky factor of A (never an
//             N x N dense matrix); see hodlr_matrix.cpp for the algorithm and its references.
//
// Tree ordering: the leaves are numbered depth-first, the nodes of a leaf in row-major order
// of its rectangle, so every tree node owns a contiguous range [start, start + size) of the
// tree ordering. perm[t] is the original (natural, k = i*cols + j) index of tree position t.
// A non-leaf node with children I1 = [start, start + s1), I2 = [start + s1, start + size)
// stores the block (I1, I2) as U V^T (U: s1 x k, V: s2 x k, column-major) and the symmetric
// block (I2, I1) as V U^T; a leaf stores its diagonal block densely.
#pragma once
#include <petscmat.h>

#include <vector>

struct HodlrNode {
  PetscInt                 start = 0, size = 0; // range in the tree ordering
  PetscInt                 s1 = 0;         // size of the first child (I1 = [start, start + s1))
  PetscInt                 i0, i1, j0, j1; // rectangle [i0, i1) x [j0, j1) of the grid
  PetscInt                 child[2] = {-1, -1}; // -1: leaf
  PetscInt                 level    = 0;        // depth, root = 0
  PetscInt                 kfull    = 0;        // columns of U, V kept from the construction
  PetscInt                 rank     = 0;        // columns used by the preconditioner (<= kfull)
  PetscInt                 numrank  = 0;        // numerical rank of the sampled/exact block
  std::vector<PetscScalar> U, V;  // s1 x kfull, s2 x kfull (column-major), singular values
  std::vector<PetscReal>   sigma; // folded into U; kept for the view and the tolerance
  std::vector<PetscScalar> D;     // leaf: dense size x size block
  bool                     IsLeaf() const
  {
    return child[0] < 0;
  }
};

struct HodlrOptions {
  PetscInt  rank              = 8;  // maximum rank of an off-diagonal block
  PetscReal tol               = 0;  // relative truncation sigma_k <= tol sigma_1 (0: off)
  PetscInt  leaf              = 64; // leaves hold at most this many unknowns
  PetscInt  oversample        = 20; // scalable build: extra random samples per block
  PetscInt  seed              = 0;  // scalable build: seed of the random test vectors
  PetscInt  colors            = 2;  // scalable build: nodes of a level sampled in this many groups
  PetscInt  min_sample        = 0;  // scalable build: at least this many samples per block
  char      factor_solver[64] = ""; // scalable build: sparse Cholesky package ("" = auto)
};

struct HodlrMatrix {
  PetscInt               N = 0, rows = 0, cols = 0, leaf = 0;
  PetscInt               nlevels = 0;           // depths that carry off-diagonal blocks
  std::vector<PetscInt>  perm;                  // tree position -> original index
  std::vector<HodlrNode> nodes;                 // nodes[0] is the root
  PetscReal              shift             = 0; // added identity (definiteness fallback)
  char                   factor_solver[64] = "";
  // Scalable build: seconds in the sparse factorization, the solve columns, the subtraction
  // of the coarser levels (H_{<l} Omega) and the rest (SVDs, leaves, truncation).
  PetscLogDouble factor_seconds = 0, solve_seconds = 0, subtract_seconds = 0, other_seconds = 0;
  PetscInt       solve_columns = 0; // columns solved with the factor

  // Builds the tree of the rows x cols grid (rows: slow index i, cols: fast index j):
  // strips of whole rows (the reference), or geometric (longer side) bisection.
  PetscErrorCode BuildTree(PetscInt rows, PetscInt cols, PetscInt leaf, bool geometric);
  // Y += alpha * H X on the tree ordering, X and Y N x m (column-major, leading dims ldx,
  // ldy). Off-diagonal blocks of depth < maxlevel only; `full` uses all kfull columns
  // (construction), otherwise the truncated rank; `leaves` adds the dense leaves.
  PetscErrorCode ApplyBlock(PetscInt m, PetscScalar alpha, const PetscScalar *X, PetscInt ldx,
                            PetscScalar *Y, PetscInt ldy, PetscInt maxlevel, bool full,
                            bool leaves) const;
  // y = M x in the ORIGINAL ordering (work: N scalars).
  PetscErrorCode Apply(const PetscScalar *x, PetscScalar *y, PetscScalar *work) const;
  // Numbers stored by the preconditioner: leaves size^2 + sum of rank (s1 + s2) (one factor
  // pair per symmetric pair of blocks).
  PetscInt Storage() const;
  // The reference's count, which keeps both off-diagonal blocks: leaves + 2 rank (s1 + s2)
  // (docs/hodlr.md, Storage).
  PetscInt StorageBothBlocks() const;
  // Sets rank of every block from its singular values: min(opts.rank, #sigma > tol sigma_1),
  // and releases the unused columns.
  PetscErrorCode Truncate(const HodlrOptions &opts);

  // Largest off-diagonal block dimension min(s1, s2) of the tree: no block has a larger rank,
  // so a requested rank above it is clamped to it (0 when the tree is one leaf).
  PetscInt MaxBlockRank() const;
  // Random samples per block of the scalable build: max(rank + oversample, min_sample), never
  // more than MaxBlockRank() (a block uses at most min(s1, s2) of them), computed in 64 bits.
  PetscInt SampleColumns(const HodlrOptions &opts) const;

  PetscErrorCode BuildDense(Mat A, const HodlrOptions &opts);
  PetscErrorCode BuildScalable(Mat A, const HodlrOptions &opts);
};
