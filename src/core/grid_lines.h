// A field on a rows x cols grid (natural ordering k = i*cols + j, j fastest) held by whole grid
// lines, for the PC types that work line by line (dst: sine transforms, adi: tridiagonal
// solves) on a distributed operator without gathering it:
//
//   row layout     every rank owns whole grid rows i in [r0, r0 + nr), each row contiguous
//                  (local index (i - r0)*cols + j); global index i*cols + j (natural order)
//   column layout  every rank owns whole grid columns j in [c0, c0 + nc), each column
//                  contiguous (local index (j - c0)*rows + i); global index j*rows + i
//
// Moving between the operator's layout and the row layout is a VecScatter (nothing at all for
// the DMDA strips the project uses: PETSc's order is then the natural order by whole rows);
// the transpose between the row and the column layout is a VecScatter (an all-to-all). The
// two buffers are plain arrays, allocated by the caller's allocator (fftw_malloc for FFTW's
// aligned plans), that the caller hands to FFTW or LAPACK.
#pragma once
#include <petscpc.h>

#include "core/grid_shape.h"

typedef struct {
  MPI_Comm     comm;
  PetscInt     rows, cols;
  PetscInt     r0, nr;       // this rank's grid rows in the row layout
  PetscInt     c0, nc;       // this rank's grid columns in the column layout
  PetscScalar *row, *col;    // the two local buffers (nr*cols and nc*rows entries)
  Vec          rowv, colv;   // MPI vectors on those buffers
  Vec          opv;          // a vector in the operator's layout (template, work)
  VecScatter   to_rows;      // operator layout -> row layout; NULL: same layout, plain copy
  VecScatter   transpose;    // row layout -> column layout
  PetscBool    natural_rows; // the operator's own layout is the row layout
  const char  *layout;       // for PCView: "DMDA strips (natural order)", ...
  void (*dealloc)(void *);   // frees row and col
} GridLines;

// Builds the layouts and scatters for the operator of pc (Pmat) with the given grid shape.
// alloc/free allocate the two buffers (e.g. fftw_malloc/fftw_free; NULL: PetscMalloc).
PetscErrorCode GridLinesCreate(PC pc, const GridShape             *shape, void *(*alloc)(size_t),
                               void (*dealloc)(void *), GridLines *g);
PetscErrorCode GridLinesDestroy(GridLines *g);

// x (operator layout) -> row buffer, and row buffer -> y (operator layout).
PetscErrorCode GridLinesToRows(GridLines *g, Vec x);
PetscErrorCode GridLinesFromRows(GridLines *g, Vec y);
// row buffer -> column buffer, and back.
PetscErrorCode GridLinesRowsToColumns(GridLines *g);
PetscErrorCode GridLinesColumnsToRows(GridLines *g);

// The constant-coefficient 5-point operator cx*Dxx + cy*Dyy + c0*I, with Dxx = tridiag(-1, 2,
// -1) along grid rows (j), Dyy along grid columns (i), homogeneous Dirichlet boundary: the
// operators that the 2-D sine transform diagonalises.
typedef struct {
  PetscReal cx, cy, c0; // read from the operator's column at an interior grid point
  PetscBool five_point; // that column has no entries outside the 5-point stencil
  PetscBool constant;   // the operator equals the fitted stencil on a probe vector
  PetscReal defect;     // ||A x - S x|| / ||A x|| on the probe x (S: the fitted stencil)
  PetscInt  pi, pj;     // the grid point whose column was read
} GridStencilFit;

// Reads the stencil of pc's Pmat at an interior point (one MatMult with a unit vector) and
// checks it everywhere against a pseudo-random probe (one more MatMult), tolerance
// GRID_STENCIL_TOL. Uses the buffers of g (their content is lost). Works for any Mat with
// MatMult (assembled or MATSHELL). Collective.
#define GRID_STENCIL_TOL 1e-10
PetscErrorCode GridLinesFitStencil(PC pc, GridLines *g, GridStencilFit *fit);

// Eigenvalues of tridiag(-1, 2, -1) of size n: mu_k = 4 sin^2((k+1) pi / (2(n+1))), k = 0..n-1.
PetscReal GridD1Eigenvalue(PetscInt n, PetscInt k);

// The coefficient c of c * L_h standing in for a variable-coefficient 5-point operator P, where
// L_h is the unit 5-point Laplacian of the rows x cols grid with h = 1/(n+1) per axis (diagonal
// d0 = 2/hx^2 + 2/hy^2), from the local coefficients a_k = P_kk / d0: their mean, harmonic mean,
// or midrange (min + max)/2. The spectrum of L_h^{-1} P lies in [min, max] of the face
// coefficients, so the midrange is the optimal damping of the stationary iteration.
// *available = false when P has no MatGetDiagonal (a MATSHELL without it); *min_diagonal is the
// smallest P_kk (the caller refuses a nonpositive one). Collective.
typedef enum {
  GRID_COEFFICIENT_MEAN,
  GRID_COEFFICIENT_HARMONIC,
  GRID_COEFFICIENT_MIDRANGE
} GridCoefficientType;
PetscErrorCode GridDiagonalCoefficient(Mat P, PetscInt rows, PetscInt cols,
                                       GridCoefficientType type, PetscBool *available,
                                       PetscReal *coefficient, PetscReal *min_diagonal);

// The operators A = diag(c) (x) Dxx + T (x) I: grid row i couples along j with weight c_i (a
// coefficient depending on the slow index only, as the project's variable problem), T is a
// symmetric tridiagonal matrix coupling the grid rows (the same for every column). With
// D = diag(c) (x) I, D^{-1}(diag(c) (x) Dxx) = I (x) Dxx and D^{-1}(T (x) I) = C^{-1}T (x) I
// commute: the structure ADI with D-weighted shifts needs. The constant operator is the case
// c_i = cx, T = cy Dyy + c0 I.
typedef struct {
  PetscReal *c;         // rows entries: the x-weight of each grid row
  PetscReal *td, *te;   // T: diagonal (rows), off-diagonal T_{i,i+1} (rows - 1)
  PetscBool  separable; // the operator equals this structure on a probe (GRID_STENCIL_TOL)
  PetscReal  defect;    // ||A x - S x|| / ||A x||
} GridSeparableFit;

// Reads c and T from three products of the operator with unit vectors on every third grid row
// of the middle column, then checks the operator against them on the pseudo-random probe.
// Needs cols >= 2 (else separable = false). Allocates c, td, te (GridSeparableFitFree).
// Collective.
PetscErrorCode GridLinesFitSeparable(PC pc, GridLines *g, GridSeparableFit *fit);
PetscErrorCode GridSeparableFitFree(GridSeparableFit *fit);
