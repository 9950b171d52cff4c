// Assembly of the 5-point operator with a coefficient depending on the slow axis only.
#pragma once
#include <petscdm.h>

#include "problems/problem_options.h"

// A = (kron(Tx, I) + kron(diag(a), d1)) / h^2 (docs/problems.md), where Tx is
// the tridiagonal matrix of x-face transmissibilities w_f, f = 0..n: the harmonic mean
// 2 a_{f-1} a_f / (a_{f-1} + a_f) on interior faces, the nodal value on boundary faces.
// With a = 1 this is the constant-coefficient Laplacian (d1 (x) I + I (x) d1)/h^2.
PetscErrorCode OperatorAssemble(const ProblemOptions *opts, DM da, Mat *A);

// The 1-D chain A1 = tridiag(-1, 2, -1)/h^2, h = 1/(n+1), on a 1-D DMDA of n nodes.
PetscErrorCode OperatorAssembleChain(const ProblemOptions *opts, DM da, Mat *A);
