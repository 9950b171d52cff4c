// Spectra with SLEPc (docs/spectra.md): the extremal eigenvalues of A and of every
// preconditioned operator M^{-1}A, computed on the same PETSc objects the solver uses, and for
// small N the whole spectrum through LAPACK.
//
// The forms used (x an eigenvector, M^{-1} the action of the method's PC):
//
//   A                  HEP   A x = lambda x. Largest end: Krylov-Schur on A. Smallest end:
//                            shift-and-invert about 0 (ST sinvert, the same exact Cholesky as
//                            below), so lambda_min converges in a few iterations at any n.
//   SPD, linear PC     GHEP  (A M^{-1} A) x = lambda A x. Multiplying M^{-1}A x = lambda x by A
//                            gives a symmetric pencil with A SPD, so the eigenvalues are real
//                            and SLEPc's symmetric Lanczos (Krylov-Schur) applies in the
//                            A-inner product, the very inner product of CG. The ST operator
//                            B^{-1}K = A^{-1}(A M^{-1} A) = M^{-1}A (ST shift, sigma = 0) needs a
//                            solve with A: an exact sparse Cholesky (redundant on every rank up
//                            to N = 16384, MUMPS above), factored once per end. (A shell ST
//                            applying M^{-1}A directly would avoid the solve, but SLEPc 3.18's
//                            GHEP asks the ST for its bilinear form, which STSHELL lacks.) For
//                            very large N pass e.g. -<method>_st_ksp_type cg
//                            -<method>_st_pc_type gamg -<method>_st_ksp_rtol 1e-12 instead.
//   other linear PC    NHEP  M^{-1}A x = lambda x as a general nonsymmetric problem (e.g.
//                            SuperLU's ILUTP, whose asymmetric dropping makes M nonsymmetric);
//                            the complex eigenvalues are reported; kappa = max|lambda| /
//                            min|lambda| (the |lambda| spread).
//   nonlinear PC       NHEP  on the linearized operator M_lin A, M_lin = [M(e_1) ... M(e_N)]
//                            (docs/npo.md: "columns M(e_j)"), formed densely, so N is limited
//                            to SPECTRA_FULL_MAX_N.
//
// Which form a method gets follows its PC type (a table below: none, jacobi, icc, bjacobi,
// hypre, gamg, cholesky, lu, nystrom, hodlr are SPD; ilu is SPD with PETSc's own ILU(k) of
// the symmetric A, which is L D L^T, and nonsymmetric with an external package such as
// SuperLU's ILUTP; redundant follows its inner PC, twolevel its fine PC; npo is nonlinear;
// unknown types are treated as linear nonsymmetric). The options -<method>_spectra_symmetric
// <bool> and -<method>_spectra_linear <bool> override the table.
//
// Options. Every EPS reads its options in three layers, later ones winning:
//   -eps_* -st_* ...                   every eigenproblem of the run
//   -<target>_eps_* ...                one target: "A_" for the operator, "<method>_"
//   -<target>_max_eps_*, -<target>_min_eps_*   one end of one target
// so e.g. -eps_tol 1e-12, -jacobi_eps_ncv 40, -A_min_st_pc_type cholesky all
// work. Defaults: Krylov-Schur, nev 1, ncv min(N, 48), at most 5000 restarts, tolerance 1e-10
// for A (kappa(A) to 1e-8 needs it) and 1e-8 for M^{-1}A (a symmetric eigenvalue is accurate to
// about tol^2 |lambda| ||M^{-1}A|| / gap; 1e-8 keeps the clustered ends of multigrid affordable).
// Residual norms written: ||M^{-1}A x - lambda x||_A / (|lambda| ||x||_A) for the symmetric
// pencil, SLEPc's relative residual (EPS_ERROR_RELATIVE) otherwise.
#pragma once
#include <petscksp.h>
#include <slepceps.h>

#include <string>
#include <vector>

#include "io/results_file.h"
#include "problems/problem.h"

// -spectrum_full and the dense linearization of a nonlinear PC refuse N above this
// (dense N x N on rank 0, O(N^3) LAPACK).
#define SPECTRA_FULL_MAX_N 4096

// Closed forms of the constant-coefficient operator (docs/spectra.md): the eigenvalues of
// d1 = tridiag(-1, 2, -1) are mu_k = 2 - 2 cos(k pi/(n+1)), k = 1..n, and those of
// A = (d1 (x) I + I (x) d1)/h^2 are (mu_k + mu_l)/h^2. Hence
// lambda_min = 2 mu_1/h^2, lambda_max = 2 mu_n/h^2, kappa = mu_n/mu_1 = cot^2(pi/(2(n+1))).
PetscReal SpectraD1Eigenvalue(PetscInt n, PetscInt k);
void SpectraClosedForm(PetscInt n, PetscReal *lambda_min, PetscReal *lambda_max, PetscReal *kappa);

// All N eigenvalues and the clustering metrics the reference reports (identical on every rank).
typedef struct {
  PetscBool              computed;
  std::vector<PetscReal> re, im;           // sorted by real part, then imaginary part
  PetscReal              spread;           // max|lambda| / min|lambda|
  PetscReal              median_abs;       // median of |lambda|
  PetscReal              frac_median_band; // fraction with |lambda| in [0.5, 2] x median
  PetscReal              frac_right_half;  // fraction with Re(lambda) > 0
  PetscInt               unit_count;       // |lambda - 1| <= 1e-8
  PetscReal              lambda_min, lambda_max, kappa; // from the real parts (symmetric)
} SpectrumFull;

typedef struct {
  std::string target;  // "A" or the method name
  std::string prefix;  // options prefix of the target, "A_" or "<method>_"
  std::string form;    // HEP / GHEP / NHEP, as text
  std::string pc_type; // the method's PC type ("" for A)
  PetscBool   symmetric, linear;
  // Symmetric: the extreme eigenvalues. Nonsymmetric: the extreme moduli, with the complex
  // eigenvalues attaining them in *_re / *_im.
  PetscReal lambda_min, lambda_max, kappa;
  PetscReal min_re, min_im, max_re, max_im;
  // Every converged eigenpair of both ends: value, relative residual (EPS_ERROR_RELATIVE),
  // and which end found it (+1 largest, -1 smallest).
  std::vector<PetscReal> eig_re, eig_im, residual;
  std::vector<PetscInt>  end;
  std::string            eps_type, st_type_max, st_type_min;
  PetscReal              tol;
  PetscInt               its_max, its_min;
  PetscReal              seconds;
  SpectrumFull           full;
} SpectrumResult;

// Extremal spectrum of the problem's operator A (target "A", options prefix "A_"); with
// full, also all N eigenvalues.
PetscErrorCode SpectrumOfOperator(Mat A, PetscBool full, SpectrumResult *res);

// Extremal spectrum of M^{-1}A for the PC of a KSP already set up on (A, A); `name` is the
// method's name, its options prefix "<name>_".
PetscErrorCode SpectrumOfPreconditioned(Mat A, KSP ksp, const char *name, PetscBool full,
                                        SpectrumResult *res);

// Creates the method's KSP (prefix "<name>_", operators (A, A), KSPSetFromOptions,
// KSPSetUp) and computes its spectrum. The method file must be loaded (MethodLoad).
PetscErrorCode SpectrumOfMethod(Mat A, const char *name, PetscBool full, SpectrumResult *res);

// Writes the result as attributes and datasets of `group` (collective).
PetscErrorCode SpectrumWrite(ResultsFile *rf, const char *group, const SpectrumResult *res);

// The spectral radius of a method's error propagation (poisson_spectra -iteration_radius,
// docs/ladder.md): the method seen as the stationary iteration x <- x + s C (b - A x), C its
// PC, s its KSPRICHARDSON scale (typed in, or computed by -ksp_richardson_optimal_scale; 1 for
// other KSP types), and
//
//   rho = rho(E),  E = I - s C A,
//
// the eigenvalue of largest magnitude of E as a MATSHELL, SLEPc Krylov-Schur on the
// nonsymmetric problem (E is nonsymmetric where C is, e.g. Gauss-Seidel; for an SPD C the
// same answer as max(|1 - s lambda_min|, |1 - s lambda_max|) of C A). Default tolerance 1e-12,
// at most 20000 restarts; options -rho_eps_* (every method) and -<method>_rho_eps_* (one).
// A PC that is not linear (the registry row's `linear`, nested PCs followed as for the
// spectra) has no such operator and is refused with one error.
typedef struct {
  std::string target, pc_type, ksp_type;
  PetscBool   symmetric, optimal_scale;
  PetscReal   scale;                              // s
  PetscReal   rho;                                // |lambda| of the dominant eigenvalue of E
  PetscReal   rho_re, rho_im;                     // that eigenvalue
  PetscReal   residual;                           // its relative residual (EPS_ERROR_RELATIVE)
  PetscReal   scale_lambda_min, scale_lambda_max; // with optimal_scale: extremes of C A
  PetscInt    its;
  PetscReal   tol, seconds;
} IterationRadiusResult;

// For the KSP of a method already set up on (A, A) (name: the method, prefix "<name>_").
PetscErrorCode IterationRadiusOfKSP(Mat A, KSP ksp, const char *name, IterationRadiusResult *res);
// Creates the method's KSP as SpectrumOfMethod does and computes rho. The method file must be
// loaded (MethodLoad).
PetscErrorCode IterationRadiusOfMethod(Mat A, const char *name, IterationRadiusResult *res);
// Writes rho and its companions as attributes of `group` (collective).
PetscErrorCode IterationRadiusWrite(ResultsFile *rf, const char *group,
                                    const IterationRadiusResult *res);

// Least-squares slope p of log(kappa) against log(n): kappa ~ C n^p.
PetscReal SpectraFitExponent(const std::vector<PetscInt> &n, const std::vector<PetscReal> &kappa);
