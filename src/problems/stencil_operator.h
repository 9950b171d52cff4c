// Matrix-free 5-point operator (-operator stencil): a MATSHELL applying A directly from DMDA
// local arrays with one ghost exchange, so CG moves only vector data (no matrix entries or
// column indices). Same operator as OperatorAssemble(), to round-off: the coefficient
// depends on the slow index only, so the stencil weights are two small 1-D tables.
#pragma once
#include <petscdm.h>

#include "problems/problem_options.h"

// MATSHELL with MatMult, MatMultAdd and MatGetDiagonal; it keeps a reference to da.
PetscErrorCode OperatorCreateStencil(const ProblemOptions *opts, DM da, Mat *A);
