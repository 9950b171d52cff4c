// Linearised spectrum of the NPO-preconditioned operator (docs/npo.md; the reference's
// npo_spectrum experiment). M is nonlinear, so it is linearised by columns,
// M_lin[:, j] = M(e_j) (= net(e_j), since ||e_j|| = 1), and the complex eigenvalues of
// M_lin A come from LAPACK geev (dense, small N only).
#pragma once
#include <petscmat.h>

#include "preconditioners/npo/npo_net.h"

typedef struct {
  PetscInt       N;
  PetscReal      re_min, re_max, abs_im_max;
  PetscInt       num_nonpositive_real; // eigenvalues with Re <= 0
  PetscReal      abs_min, abs_max, abs_median;
  PetscReal      spread;       // max |lambda| / min |lambda|
  PetscReal      frac_in_band; // fraction with 0.5 median < |lambda| < 2 median
  PetscReal      nonsymmetry;  // ||M_lin - M_lin^T||_F / ||M_lin||_F
  PetscReal      nonlinearity; // ||M_lin b - M(b)|| / ||M(b)|| (b given), else -1
  PetscLogDouble seconds_columns, seconds_eig;
} NpoSpectrum;

// A: sequential operator of the rows x cols grid (N = rows*cols unknowns, natural order).
// b: optional right-hand side (N values) for the nonlinearity measure. wr, wi: optional
// arrays of N values receiving the eigenvalues. Needs three dense N x N matrices: a grid whose
// matrices do not fit in the available memory is refused (PETSC_ERR_ARG_OUTOFRANGE) before
// anything is allocated.
PetscErrorCode NpoLinearizedSpectrum(NpoNet net, Mat A, PetscInt rows, PetscInt cols,
                                     const PetscReal *b, NpoSpectrum *s, PetscReal *wr,
                                     PetscReal *wi);
