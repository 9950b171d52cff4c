// PC type "gridhalves": block Jacobi with two blocks, the halves of the 2-D grid split along
// one axis (docs/decoupling-ladder.md). With -pc_gridhalves_axis x (the default) the halves
// are the grid columns j <= n/2 - 1 and j >= n/2 (DMDA x = reference j), which are not
// contiguous in natural order, so PCBJACOBI cannot express them; -pc_gridhalves_axis y gives
// the row halves of PCBJACOBI with 2 blocks (petsc_options/bjacobi2.opts).
//
// M = blockdiag(A_LL, A_RR)^{-1}: each half's submatrix (MatCreateSubMatrix, parallel on the
// PC's communicator) is solved by its own KSP, options prefix "<pc prefix>sub_", default
// preonly + Cholesky (MUMPS; PETSc's own on one rank when MUMPS is missing), so the sub-solves
// are exact and M is SPD. Works at any rank count and DMDA layout (the grid position of each
// row comes from the DMDA's application ordering when there is one).
#pragma once
#include <petscksp.h>

typedef enum { PC_GRIDHALVES_X, PC_GRIDHALVES_Y } PCGridHalvesAxis;
PETSC_EXTERN const char *const PCGridHalvesAxes[];

PETSC_EXTERN PetscErrorCode PCCreate_GridHalves(PC pc);
PETSC_EXTERN PetscErrorCode PCGridHalvesSetAxis(PC pc, PCGridHalvesAxis axis);
// The two sub-KSPs (after PCSetUp; borrowed).
PETSC_EXTERN PetscErrorCode PCGridHalvesGetSubKSP(PC pc, KSP sub[2]);
