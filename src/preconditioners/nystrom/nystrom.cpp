// PC type "nystrom": randomized Nystrom preconditioner (Frangella, Tropp & Udell,
// arXiv:2110.02820), laid out like PETSc's src/ksp/pc/impls/jacobi/jacobi.c.
//
// Setup (Algorithm 2.1 of the paper), with A = pc->pmat and l = -pc_nystrom_rank:
//   1. Omega = randn(N, l)                     rank-independent draw (nystrom_sketch.cpp)
//   2. Omega = qr(Omega, 0)                    BVOrthogonalize
//   3. Y = A Omega                             BVMatMult: l products with A (MATSHELL works)
//   4. nu = eps(||Y||_F)                       spacing of the Frobenius norm
//   5. Y_nu = Y + nu Omega
//   6. C = chol(Omega^T Y_nu)                  LAPACK potrf on the replicated l x l matrix;
//                                              on failure nu *= 100, retried up to 4 times
//   7. B = Y_nu C^{-1}                         BLAS trsm on each rank's rows (no communication)
//   8. [U, Sigma] = svd(B, 0)                  see below
//   9. lambda_hat = max(0, Sigma^2 - nu)
// Step 8 is done as a distributed thin QR of B followed by the SVD of its small triangle:
// B = Q R (BVOrthogonalize: Gram-Schmidt with reorthogonalization), R = U_R Sigma V^T (LAPACK
// gesvd, l x l, replicated), U = Q U_R (BVMultInPlace). This keeps U orthonormal to machine
// precision and Sigma accurate to eps*sigma_1 in absolute terms, whereas eigendecomposing the
// Gram matrix B^T B would square the condition number of B, which reaches (lambda_1/nu)^{1/2}
// ~ 1e8 when the spectrum of A decays fast (the kernel problems this PC is meant for).
//
// Apply (Eq. 5.3):
//   P^{-1} v = (lambda_hat_l + mu) U (Lambda_hat + mu I)^{-1} U^T v + (v - U U^T v)
//            = v + U diag(d) U^T v,   d_i = (lambda_hat_l + mu) / (lambda_hat_i + mu) - 1,
// one BVDotVec (one reduction) and one BVMultVec: O(N l) per application. With mu = 0 the
// nonpositive lambda_hat are dropped (the retained rank shrinks) and lambda_hat_l is the smallest
// retained one. P^{-1} has eigenvalues 1 + d_i on the columns of U and 1 on their complement,
// so its principal square root P^{-1/2} = I + U diag((1 + d_i)^{1/2} - 1) U^T is applied as
// PCApplySymmetricLeft/Right, giving the symmetric form P^{-1/2} A P^{-1/2} of the
// preconditioned operator (the one whose condition number Prop. 5.3 of the paper bounds).
#include <petsc/private/pcimpl.h>
#include <petscblaslapack.h>
#include <petsctime.h>
#include <slepcbv.h>

#include <cmath>

#include "preconditioners/nystrom/nystrom.h"
#include "preconditioners/nystrom/nystrom_sketch.h"

#define NYSTROM_MAX_RETRIES 4 // Cholesky retries with nu *= 100 (paper, Alg. 2.1, step 6)
#define NYSTROM_DEFAULT_RANK 64

typedef struct {
  // settings
  PetscInt  rank; // sketch size l
  PetscReal mu;   // regularization of the target system A + mu I
  PetscInt  seed;
  // built by PCSetUp
  BV           U;          // N x l, orthonormal Nystrom eigenvectors; columns [0, retained)
  PetscInt     retained;   // columns used by the preconditioner
  PetscReal   *lambda;     // l Nystrom eigenvalues, descending
  PetscReal    lambda_ell; // lambda_hat_l of Eq. 5.3: smallest retained eigenvalue
  PetscScalar *d, *dhalf;  // P^{-1} and P^{-1/2} coefficients on the retained columns
  PetscScalar *work;       // l scalars
  PetscReal    nu;         // shift finally used
  PetscInt     retries;    // Cholesky retries needed
  PetscReal    setup_seconds;
} PC_Nystrom;

static PetscErrorCode PCReset_Nystrom(PC pc)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;

  PetscFunctionBegin;
  PetscCall(BVDestroy(&ny->U));
  PetscCall(PetscFree(ny->lambda));
  PetscCall(PetscFree3(ny->d, ny->dhalf, ny->work));
  ny->retained   = 0;
  ny->lambda_ell = 0.0;
  ny->nu         = 0.0;
  ny->retries    = 0;
  PetscFunctionReturn(0);
}

// Copies the l x l sequential dense matrix M into the column-major array a (leading dim l).
static PetscErrorCode NystromCopyDense(Mat M, PetscInt l, PetscScalar *a)
{
  const PetscScalar *m;
  PetscInt           lda;

  PetscFunctionBegin;
  PetscCall(MatDenseGetLDA(M, &lda));
  PetscCall(MatDenseGetArrayRead(M, &m));
  for (PetscInt j = 0; j < l; j++)
    for (PetscInt i = 0; i < l; i++) a[i + j * l] = m[i + j * lda];
  PetscCall(MatDenseRestoreArrayRead(M, &m));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetUp_Nystrom(PC pc)
{
  PC_Nystrom       *ny   = (PC_Nystrom *)pc->data;
  MPI_Comm          comm = PetscObjectComm((PetscObject)pc);
  Mat               A    = pc->pmat, M, W;
  PetscInt          N, l = ny->rank, nloc;
  PetscBLASInt      bl, bnloc, bldb, info, lwork;
  PetscLogDouble    t0, t1;
  Vec               t;
  BV                Omega, Y, B;
  PetscReal         normY, nu, *sigma;
  PetscScalar      *C, *S, *Ur, *work, *b;
  PetscMPIInt       failed;
  PetscInt          attempt;
  const PetscScalar one = 1.0;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  PetscCall(PCReset_Nystrom(pc));
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCheck(l <= N, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "PC nystrom: the sketch size -pc_nystrom_rank %" PetscInt_FMT
             " exceeds the operator size N = %" PetscInt_FMT,
             l, N);
  PetscCall(PetscBLASIntCast(l, &bl));

  // 1-2. Gaussian test matrix, orthonormalized (thin QR).
  PetscCall(MatCreateVecs(A, &t, NULL));
  PetscCall(BVCreate(comm, &Omega));
  PetscCall(BVSetType(Omega, BVSVEC)); // contiguous local storage (BVGetArray, trsm below)
  PetscCall(BVSetSizesFromVec(Omega, t, l));
  PetscCall(VecDestroy(&t));
  PetscCall(NystromGaussianSketch(Omega, ny->seed));
  PetscCall(BVOrthogonalize(Omega, NULL));

  // 3. Y = A Omega: the only access to A.
  PetscCall(BVDuplicate(Omega, &Y));
  PetscCall(BVMatMult(Omega, A, Y));

  // 4. nu = eps(||Y||_F), the distance from ||Y||_F to the next larger double.
  PetscCall(BVNorm(Y, NORM_FROBENIUS, &normY));
  nu = std::nextafter(normY, PETSC_MAX_REAL) - normY;

  // 5-6. C = chol(Omega^T (Y + nu Omega)), upper triangular. A failed factorization means
  // Omega^T Y_nu is not numerically positive definite: raise nu and retry. Every rank holds the
  // same reduced matrix; the failure flag is reduced anyway so that all ranks agree.
  PetscCall(BVDuplicate(Omega, &B));
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, l, l, NULL, &M));
  PetscCall(PetscMalloc4(l * l, &C, l * l, &S, l * l, &Ur, l, &sigma));
  for (attempt = 0;; attempt++) {
    PetscCall(BVCopy(Y, B));
    PetscCall(BVMult(B, nu, 1.0, Omega, NULL)); // B = Y_nu = Y + nu Omega
    PetscCall(BVDot(B, Omega, M));              // M = Omega^T Y_nu
    PetscCall(NystromCopyDense(M, l, C));
    PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("U", &bl, C, &bl, &info));
    failed = info != 0;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, comm));
    if (!failed || attempt == NYSTROM_MAX_RETRIES) break;
    nu *= 100.0;
  }
  PetscCall(BVDestroy(&Y));
  if (failed) {
    PetscCall(BVDestroy(&Omega));
    PetscCall(MatDestroy(&M));
    PetscCall(BVDestroy(&B));
    PetscCall(PetscFree4(C, S, Ur, sigma));
    SETERRQ(comm, PETSC_ERR_ARG_WRONG,
            "PC nystrom: the Cholesky factorization of Omega^T (A + nu I) Omega failed %d times "
            "(last shift nu = %g): the operator is most likely not symmetric positive "
            "semi-definite",
            NYSTROM_MAX_RETRIES + 1, (double)nu);
  }

  // 7. B = Y_nu C^{-1}: a triangular solve from the right on this rank's rows of B.
  PetscCall(BVGetSizes(B, &nloc, NULL, NULL));
  PetscCall(PetscBLASIntCast(nloc, &bnloc));
  bldb = PetscMax(1, bnloc);
  PetscCall(BVGetArray(B, &b));
  if (nloc > 0)
    PetscCallBLAS("BLAStrsm", BLAStrsm_("R", "U", "N", "N", &bnloc, &bl, &one, C, &bl, b, &bldb));
  PetscCall(BVRestoreArray(B, &b));
  PetscCall(BVDestroy(&Omega));

  // 8. Thin SVD of B: B = Q R, then R = U_R Sigma V^T, U = Q U_R.
  PetscCall(MatZeroEntries(M));     // BVOrthogonalize writes only the upper triangle of R
  PetscCall(BVOrthogonalize(B, M)); // B <- Q, M <- R
  PetscCall(NystromCopyDense(M, l, S));
  lwork = 10 * bl;
  PetscCall(PetscMalloc1(lwork, &work));
  PetscCallBLAS("LAPACKgesvd", LAPACKgesvd_("S", "N", &bl, &bl, S, &bl, sigma, Ur, &bl, NULL, &bl,
                                            work, &lwork, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "PC nystrom: LAPACK gesvd failed, info %d",
             (int)info);
  PetscCall(PetscFree(work));
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, l, l, Ur, &W));
  PetscCall(BVMultInPlace(B, W, 0, l)); // B <- U
  PetscCall(MatDestroy(&W));
  PetscCall(MatDestroy(&M));

  // 9. Nystrom eigenvalues; the coefficients of Eq. 5.3 on the retained columns.
  PetscCall(PetscMalloc1(l, &ny->lambda));
  PetscCall(PetscMalloc3(l, &ny->d, l, &ny->dhalf, l, &ny->work));
  ny->retained = 0;
  for (PetscInt i = 0; i < l; i++) {
    ny->lambda[i] = PetscMax(0.0, sigma[i] * sigma[i] - nu);
    if (ny->mu > 0.0 || ny->lambda[i] > 0.0) ny->retained = i + 1; // sigma is descending
  }
  ny->lambda_ell = ny->retained ? ny->lambda[ny->retained - 1] : 0.0;
  for (PetscInt i = 0; i < ny->retained; i++) {
    const PetscReal s = (ny->lambda_ell + ny->mu) / (ny->lambda[i] + ny->mu);
    ny->d[i]          = s - 1.0;
    ny->dhalf[i]      = PetscSqrtReal(s) - 1.0;
  }
  PetscCall(PetscFree4(C, S, Ur, sigma));
  ny->U = B;
  PetscCall(BVSetActiveColumns(ny->U, 0, ny->retained));
  ny->nu      = nu;
  ny->retries = attempt;
  PetscCall(PetscTime(&t1));
  ny->setup_seconds = (PetscReal)(t1 - t0);
  PetscFunctionReturn(0);
}

// y = x + U diag(coef) U^T x on the retained columns: one reduction (BVDotVec).
static PetscErrorCode NystromApplyCoefficients(PC pc, const PetscScalar *coef, Vec x, Vec y)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;

  PetscFunctionBegin;
  PetscCall(VecCopy(x, y));
  if (!ny->retained) PetscFunctionReturn(0);
  PetscCall(BVDotVec(ny->U, x, ny->work));
  for (PetscInt i = 0; i < ny->retained; i++) ny->work[i] *= coef[i];
  PetscCall(BVMultVec(ny->U, 1.0, 1.0, y, ny->work));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApply_Nystrom(PC pc, Vec x, Vec y)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;

  PetscFunctionBegin;
  PetscCall(NystromApplyCoefficients(pc, ny->d, x, y));
  PetscFunctionReturn(0);
}

// P^{-1/2}, the symmetric square root: PCApplySymmetricLeft/Right.
static PetscErrorCode PCApplySymmetric_Nystrom(PC pc, Vec x, Vec y)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;

  PetscFunctionBegin;
  PetscCall(NystromApplyCoefficients(pc, ny->dhalf, x, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCView_Nystrom(PC pc, PetscViewer viewer)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;
  PetscBool   iascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (!iascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(
      viewer,
      "  randomized Nystrom (arXiv:2110.02820): sketch size l = %" PetscInt_FMT
      ", mu = %g, seed %" PetscInt_FMT "\n",
      ny->rank, (double)ny->mu, ny->seed));
  if (!pc->setupcalled || !ny->lambda) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(viewer,
                                   "  retained rank %" PetscInt_FMT
                                   ", shift nu = %g (%" PetscInt_FMT " Cholesky retries)\n",
                                   ny->retained, (double)ny->nu, ny->retries));
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  lambda_hat_1 = %g, lambda_hat_l = %g (Eq. 5.3 uses %g)\n", (double)ny->lambda[0],
      (double)ny->lambda[ny->rank - 1], (double)ny->lambda_ell));
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  setup time %.3f s (%" PetscInt_FMT " products with the operator)\n",
      (double)ny->setup_seconds, ny->rank));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetFromOptions_Nystrom(PC pc, PetscOptionItems *PetscOptionsObject)
{
  PC_Nystrom *ny   = (PC_Nystrom *)pc->data;
  PetscInt    rank = ny->rank, seed = ny->seed;
  PetscReal   mu = ny->mu;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Randomized Nystrom options");
  PetscCall(PetscOptionsInt("-pc_nystrom_rank", "Sketch size l (products with the operator)",
                            "PCNystromSetRank", rank, &rank, NULL));
  PetscCall(PetscOptionsReal("-pc_nystrom_mu", "Regularization mu >= 0 of the system A + mu I",
                             "PCNystromSetMu", mu, &mu, NULL));
  PetscCall(PetscOptionsInt("-pc_nystrom_seed", "Seed of the Gaussian test matrix",
                            "PCNystromSetSeed", seed, &seed, NULL));
  PetscOptionsHeadEnd();
  PetscCall(PCNystromSetRank(pc, rank));
  PetscCall(PCNystromSetMu(pc, mu));
  PetscCall(PCNystromSetSeed(pc, seed));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNystromSetRank_Nystrom(PC pc, PetscInt rank)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;

  PetscFunctionBegin;
  PetscCheck(rank >= 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "PC nystrom: the sketch size -pc_nystrom_rank must be at least 1, got %" PetscInt_FMT,
             rank);
  if (rank != ny->rank) pc->setupcalled = 0;
  ny->rank = rank;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNystromGetRank_Nystrom(PC pc, PetscInt *rank)
{
  PetscFunctionBegin;
  *rank = ((PC_Nystrom *)pc->data)->rank;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNystromSetMu_Nystrom(PC pc, PetscReal mu)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;

  PetscFunctionBegin;
  PetscCheck(mu >= 0.0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "PC nystrom: the regularization -pc_nystrom_mu must be nonnegative, got %g",
             (double)mu);
  if (mu != ny->mu) pc->setupcalled = 0;
  ny->mu = mu;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNystromGetMu_Nystrom(PC pc, PetscReal *mu)
{
  PetscFunctionBegin;
  *mu = ((PC_Nystrom *)pc->data)->mu;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNystromSetSeed_Nystrom(PC pc, PetscInt seed)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;

  PetscFunctionBegin;
  if (seed != ny->seed) pc->setupcalled = 0;
  ny->seed = seed;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNystromGetSeed_Nystrom(PC pc, PetscInt *seed)
{
  PetscFunctionBegin;
  *seed = ((PC_Nystrom *)pc->data)->seed;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNystromGetEigenvalues_Nystrom(PC pc, PetscInt *rank, PetscInt *retained,
                                                      const PetscReal **lambda_hat)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;

  PetscFunctionBegin;
  PetscCheck(ny->lambda, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER,
             "PC nystrom: call PCSetUp() first");
  if (rank) *rank = ny->rank;
  if (retained) *retained = ny->retained;
  if (lambda_hat) *lambda_hat = ny->lambda;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNystromGetSetupInfo_Nystrom(PC pc, PetscReal *nu, PetscInt *retries,
                                                    PetscReal *seconds)
{
  PC_Nystrom *ny = (PC_Nystrom *)pc->data;

  PetscFunctionBegin;
  if (nu) *nu = ny->nu;
  if (retries) *retries = ny->retries;
  if (seconds) *seconds = ny->setup_seconds;
  PetscFunctionReturn(0);
}

static const char *const nystrom_methods[] = {
    "PCNystromSetRank_C",        "PCNystromGetRank_C",      "PCNystromSetMu_C",
    "PCNystromGetMu_C",          "PCNystromSetSeed_C",      "PCNystromGetSeed_C",
    "PCNystromGetEigenvalues_C", "PCNystromGetSetupInfo_C",
};

static PetscErrorCode PCDestroy_Nystrom(PC pc)
{
  PetscFunctionBegin;
  PetscCall(PCReset_Nystrom(pc));
  for (const char *name : nystrom_methods)
    PetscCall(PetscObjectComposeFunction((PetscObject)pc, name, NULL));
  PetscCall(PetscFree(pc->data));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCCreate_Nystrom(PC pc)
{
  PC_Nystrom *ny;

  PetscFunctionBegin;
  PetscCall(PetscNew(&ny));
  ny->rank = NYSTROM_DEFAULT_RANK;
  ny->mu   = 0.0;
  ny->seed = 0;
  pc->data = (void *)ny;

  pc->ops->setup               = PCSetUp_Nystrom;
  pc->ops->apply               = PCApply_Nystrom;
  pc->ops->applytranspose      = PCApply_Nystrom; // P^{-1} is symmetric
  pc->ops->applysymmetricleft  = PCApplySymmetric_Nystrom;
  pc->ops->applysymmetricright = PCApplySymmetric_Nystrom;
  pc->ops->view                = PCView_Nystrom;
  pc->ops->setfromoptions      = PCSetFromOptions_Nystrom;
  pc->ops->reset               = PCReset_Nystrom;
  pc->ops->destroy             = PCDestroy_Nystrom;

  PetscCall(
      PetscObjectComposeFunction((PetscObject)pc, "PCNystromSetRank_C", PCNystromSetRank_Nystrom));
  PetscCall(
      PetscObjectComposeFunction((PetscObject)pc, "PCNystromGetRank_C", PCNystromGetRank_Nystrom));
  PetscCall(
      PetscObjectComposeFunction((PetscObject)pc, "PCNystromSetMu_C", PCNystromSetMu_Nystrom));
  PetscCall(
      PetscObjectComposeFunction((PetscObject)pc, "PCNystromGetMu_C", PCNystromGetMu_Nystrom));
  PetscCall(
      PetscObjectComposeFunction((PetscObject)pc, "PCNystromSetSeed_C", PCNystromSetSeed_Nystrom));
  PetscCall(
      PetscObjectComposeFunction((PetscObject)pc, "PCNystromGetSeed_C", PCNystromGetSeed_Nystrom));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCNystromGetEigenvalues_C",
                                       PCNystromGetEigenvalues_Nystrom));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCNystromGetSetupInfo_C",
                                       PCNystromGetSetupInfo_Nystrom));
  PetscFunctionReturn(0);
}

// ---- public interface: no-ops on PCs of another type (PetscTryMethod) ----

PetscErrorCode PCNystromSetRank(PC pc, PetscInt rank)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscValidLogicalCollectiveInt(pc, rank, 2);
  PetscTryMethod(pc, "PCNystromSetRank_C", (PC, PetscInt), (pc, rank));
  PetscFunctionReturn(0);
}

PetscErrorCode PCNystromGetRank(PC pc, PetscInt *rank)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCNystromGetRank_C", (PC, PetscInt *), (pc, rank));
  PetscFunctionReturn(0);
}

PetscErrorCode PCNystromSetMu(PC pc, PetscReal mu)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscValidLogicalCollectiveReal(pc, mu, 2);
  PetscTryMethod(pc, "PCNystromSetMu_C", (PC, PetscReal), (pc, mu));
  PetscFunctionReturn(0);
}

PetscErrorCode PCNystromGetMu(PC pc, PetscReal *mu)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCNystromGetMu_C", (PC, PetscReal *), (pc, mu));
  PetscFunctionReturn(0);
}

PetscErrorCode PCNystromSetSeed(PC pc, PetscInt seed)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscValidLogicalCollectiveInt(pc, seed, 2);
  PetscTryMethod(pc, "PCNystromSetSeed_C", (PC, PetscInt), (pc, seed));
  PetscFunctionReturn(0);
}

PetscErrorCode PCNystromGetSeed(PC pc, PetscInt *seed)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCNystromGetSeed_C", (PC, PetscInt *), (pc, seed));
  PetscFunctionReturn(0);
}

PetscErrorCode PCNystromGetEigenvalues(PC pc, PetscInt *rank, PetscInt *retained,
                                       const PetscReal **lambda_hat)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCNystromGetEigenvalues_C", (PC, PetscInt *, PetscInt *, const PetscReal **),
                 (pc, rank, retained, lambda_hat));
  PetscFunctionReturn(0);
}

PetscErrorCode PCNystromGetSetupInfo(PC pc, PetscReal *nu, PetscInt *retries, PetscReal *seconds)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCNystromGetSetupInfo_C", (PC, PetscReal *, PetscInt *, PetscReal *),
                 (pc, nu, retries, seconds));
  PetscFunctionReturn(0);
}
