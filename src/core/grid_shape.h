// The rows x cols shape of the 2-D field a preconditioner acts on, shared by the PC types
// that need geometry (hodlr's cluster tree, npo's convolutions). Natural ordering
// k = i*cols + j, j fastest.
#pragma once
#include <petscdmda.h>
#include <petscpc.h>

typedef struct {
  PetscInt    rows, cols;
  const char *source;     // where the shape came from, for PCView
  DM          da;         // the operator's 2-D DMDA (borrowed), NULL if the shape is not from one
  PetscInt    da_procs_x; // processes of da along x: 1 = strips, PETSc order = natural order
} GridShape;

// Shape of the field of pc's preconditioning matrix, from the first that applies:
//   1. `width` > 0 (the PC's option `option`, e.g. "-pc_hodlr_grid_width"), which must divide N;
//   2. the DMDA attached to the matrix (MatGetDM) or to the PC (PCGetDM): 2-D, one dof;
//   3. the matrix bandwidth max |col - row|: the grid width of a 5-point stencil in natural
//      ordering, and of a block Jacobi / ASM block of whole grid rows (a bandwidth of 0 or 1
//      is a single column of N unknowns);
//   4. a square, when the bandwidth does not divide N.
// Collective on pc. Raises PETSC_ERR_ARG_SIZ, naming `option`, when no shape fits.
PetscErrorCode GridShapeFromPC(PC pc, PetscInt width, const char *option, GridShape *shape);
