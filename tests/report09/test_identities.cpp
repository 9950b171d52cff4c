// Report 09's statistical dictionary on the 1-D chain (n = 8, REPORTS.md §09: 19 identities)
// and report 11's anatomy of the 2-D n = 8 operator (§11.2: kappa 32.163 -> 3.684 under IC(0),
// Cholesky fill 343 off IC(0)'s pattern with bandwidth 8, Neumann series at rate cos(pi/9)). Dense
// LAPACK on column-major arrays, PETSc's PCICC for IC(0). Each check states its tolerance; the
// reference asserts them with numpy's allclose (rtol 1e-5, atol 1e-8), these are tighter.
#include <petscpc.h>

#include <petscblaslapack.h> // after the PETSc headers it relies on

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "test_support.h"

namespace {

typedef std::vector<double> Dense; // column-major

const int    n = 8;
const double h = 1.0 / (n + 1);

double &At(Dense &M, int ld, int i, int j)
{
  return M[i + (size_t)j * ld];
}
double Get(const Dense &M, int ld, int i, int j)
{
  return M[i + (size_t)j * ld];
}

Dense Chain()
{
  Dense A((size_t)n * n, 0.0);
  for (int i = 0; i < n; i++) {
    At(A, n, i, i) = 2.0 / (h * h);
    if (i > 0) At(A, n, i, i - 1) = At(A, n, i - 1, i) = -1.0 / (h * h);
  }
  return A;
}

Dense Inverse(Dense M, int m)
{
  PetscBLASInt              N = m, info, lwork = 64 * m;
  std::vector<PetscBLASInt> ipiv(m);
  Dense                     work(lwork);
  LAPACKgetrf_(&N, &N, M.data(), &N, ipiv.data(), &info);
  EXPECT_EQ(info, 0);
  LAPACKgetri_(&N, M.data(), &N, ipiv.data(), work.data(), &lwork, &info);
  EXPECT_EQ(info, 0);
  return M;
}

// Lower Cholesky factor (upper triangle zeroed).
Dense Cholesky(Dense M, int m)
{
  PetscBLASInt N = m, info;
  LAPACKpotrf_("L", &N, M.data(), &N, &info);
  EXPECT_EQ(info, 0);
  for (int j = 0; j < m; j++)
    for (int i = 0; i < j; i++) At(M, m, i, j) = 0.0;
  return M;
}

Dense Mult(const Dense &A, const Dense &B, int m, int k, int p, bool ta = false, bool tb = false)
{
  Dense C((size_t)m * p, 0.0); // C = op(A) op(B), op(A) m x k, op(B) k x p
  for (int i = 0; i < m; i++)
    for (int j = 0; j < p; j++) {
      double s = 0.0;
      for (int l = 0; l < k; l++)
        s += (ta ? A[l + (size_t)i * k] : A[i + (size_t)l * m]) *
             (tb ? B[j + (size_t)l * p] : B[l + (size_t)j * k]);
      C[i + (size_t)j * m] = s;
    }
  return C;
}

double MaxAbsDiff(const Dense &a, const Dense &b)
{
  double m = 0.0;
  for (size_t k = 0; k < a.size(); k++) m = std::max(m, std::fabs(a[k] - b[k]));
  return m;
}

double MaxAbs(const Dense &a)
{
  double m = 0.0;
  for (double x : a) m = std::max(m, std::fabs(x));
  return m;
}

// Eigenvalues of a symmetric matrix, ascending.
std::vector<double> SymEig(Dense M, int m)
{
  PetscBLASInt        N = m, lwork = 64 * m, info;
  std::vector<double> w(m), work(lwork);
  LAPACKsyev_("N", "U", &N, M.data(), &N, w.data(), work.data(), &lwork, &info);
  EXPECT_EQ(info, 0);
  return w;
}

// Solves S[idx, idx] w = S[idx, i] (S symmetric, ld m): the regression of u_i on u_idx.
std::vector<double> Regress(const Dense &S, int m, const std::vector<int> &idx, int i)
{
  const int                 k = (int)idx.size();
  Dense                     M((size_t)k * k);
  std::vector<double>       w(k);
  std::vector<PetscBLASInt> ipiv(k);
  for (int a = 0; a < k; a++) {
    w[a] = Get(S, m, idx[a], i);
    for (int b = 0; b < k; b++) M[a + (size_t)b * k] = Get(S, m, idx[a], idx[b]);
  }
  PetscBLASInt K = k, one = 1, info;
  if (k) LAPACKgesv_(&K, &one, M.data(), &K, ipiv.data(), w.data(), &K, &info);
  return w;
}

// ---------------------------------------------------------------- report 09: 19 identities

// 1. Bridge covariance Sigma_ij = h (min(x_i, x_j) - x_i x_j).
TEST(Report09, BridgeCovariance)
{
  Dense S = Inverse(Chain(), n), B(S.size());
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      const double xi = (i + 1) * h, xj = (j + 1) * h;
      At(B, n, i, j) = h * (std::min(xi, xj) - xi * xj);
    }
  EXPECT_LE(MaxAbsDiff(S, B), 1e-14 * MaxAbs(B));
}

// 2-3. Full conditionals: the regression of u_i on all the others has coefficients
// -A_{i,rest}/A_ii and residual variance 1/A_ii = h^2/2.
TEST(Report09, FullConditionals)
{
  Dense A = Chain(), S = Inverse(A, n);
  for (int i = 0; i < n; i++) {
    std::vector<int> rest;
    for (int j = 0; j < n; j++)
      if (j != i) rest.push_back(j);
    std::vector<double> w   = Regress(S, n, rest, i);
    double              var = Get(S, n, i, i);
    for (size_t a = 0; a < rest.size(); a++) {
      EXPECT_NEAR(w[a], -Get(A, n, i, rest[a]) / Get(A, n, i, i), 1e-11) << i;
      var -= Get(S, n, rest[a], i) * w[a];
    }
    EXPECT_NEAR(var, h * h / 2, 1e-12 * h * h) << i;
  }
}

// 4-5. Jacobi matrix B = I - D^{-1} A: 1/2 on both neighbours, rho(B) = cos(pi h).
TEST(Report09, JacobiMatrix)
{
  Dense A = Chain(), B((size_t)n * n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      At(B, n, i, j) = (i == j ? 1.0 : 0.0) - Get(A, n, i, j) / Get(A, n, i, i);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      EXPECT_EQ(Get(B, n, i, j), std::abs(i - j) == 1 ? 0.5 : 0.0) << i << "," << j;
  std::vector<double> w = SymEig(B, n); // B is symmetric (constant diagonal)
  EXPECT_NEAR(std::max(std::fabs(w.front()), std::fabs(w.back())), std::cos(PETSC_PI * h), 1e-14);
}

// 6-8. The notebook identity on a random full-rank X (12 x 5): column j regressed on the
// others gives B_col and resid^2; inv(X^T X) = (I - B_col) diag(1/resid^2), its diagonal is
// 1/resid^2, and X inv(X^T X) = pinv(X^T) (pinv by SVD).
TEST(Report09, NotebookIdentity)
{
  const int                        r = 12, c = 5;
  std::mt19937_64                  gen(9);
  std::normal_distribution<double> nd;
  Dense                            X((size_t)r * c);
  for (double &x : X) x = nd(gen);
  Dense               G = Mult(X, X, c, r, c, true, false), Ginv = Inverse(G, c);
  Dense               Bcol((size_t)c * c, 0.0);
  std::vector<double> resid2(c);
  for (int j = 0; j < c; j++) {
    std::vector<int> others;
    for (int k = 0; k < c; k++)
      if (k != j) others.push_back(k);
    std::vector<double> w = Regress(G, c, others, j); // normal equations of the least squares
    double              s = 0.0;
    for (int i = 0; i < r; i++) {
      double e = Get(X, r, i, j);
      for (size_t a = 0; a < others.size(); a++) e -= Get(X, r, i, others[a]) * w[a];
      s += e * e;
    }
    resid2[j] = s;
    for (size_t a = 0; a < others.size(); a++) At(Bcol, c, others[a], j) = w[a];
  }
  Dense R((size_t)c * c);
  for (int i = 0; i < c; i++)
    for (int j = 0; j < c; j++)
      At(R, c, i, j) = ((i == j ? 1.0 : 0.0) - Get(Bcol, c, i, j)) / resid2[j];
  EXPECT_LE(MaxAbsDiff(R, Ginv), 1e-12 * MaxAbs(Ginv));
  for (int j = 0; j < c; j++) EXPECT_NEAR(Get(Ginv, c, j, j), 1.0 / resid2[j], 1e-13 / resid2[j]);
  // pinv(X^T) = U diag(1/s) V^T for X = U diag(s) V^T.
  PetscBLASInt        m = r, k = c, lwork = 256, info;
  Dense               Xc = X, U((size_t)r * c), VT((size_t)c * c), work(lwork);
  std::vector<double> s(c);
  LAPACKgesvd_("S", "S", &m, &k, Xc.data(), &m, s.data(), U.data(), &m, VT.data(), &k, work.data(),
               &lwork, &info);
  ASSERT_EQ(info, 0);
  Dense P((size_t)r * c, 0.0);
  for (int i = 0; i < r; i++)
    for (int j = 0; j < c; j++)
      for (int l = 0; l < c; l++) At(P, r, i, j) += Get(U, r, i, l) / s[l] * Get(VT, c, l, j);
  EXPECT_LE(MaxAbsDiff(Mult(X, Ginv, r, c, c), P), 1e-12 * MaxAbs(P));
}

// 9-12. Cholesky as regression on successors: L = chol(A) is bidiagonal; predicting u_i from
// u_{i+1} has coefficient -L_{i+1,i}/L_ii = i/(i+1) (1-based i); the regression of u_i on
// all its successors from Sigma puts weight on u_{i+1} only; the innovation s.d. is 1/L_ii.
TEST(Report09, CholeskyAsRegressionOnSuccessors)
{
  Dense A = Chain(), S = Inverse(A, n), L = Cholesky(A, n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      if (i - j > 1 || j > i) {
        EXPECT_EQ(Get(L, n, i, j), 0.0);
      }
  for (int i = 0; i + 1 < n; i++) {
    const double coef = -Get(L, n, i + 1, i) / Get(L, n, i, i);
    EXPECT_NEAR(coef, (i + 1.0) / (i + 2.0), 1e-14) << i;
    std::vector<int> succ;
    for (int j = i + 1; j < n; j++) succ.push_back(j);
    std::vector<double> w   = Regress(S, n, succ, i);
    double              var = Get(S, n, i, i);
    EXPECT_NEAR(w[0], coef, 1e-12);
    for (size_t a = 1; a < w.size(); a++) EXPECT_NEAR(w[a], 0.0, 1e-12) << i << " " << a;
    for (size_t a = 0; a < w.size(); a++) var -= Get(S, n, succ[a], i) * w[a];
    EXPECT_NEAR(std::sqrt(var), 1.0 / Get(L, n, i, i), 1e-12 / Get(L, n, i, i));
  }
}

// 13-14. Reversal: chol(P Sigma P) = P L^{-T} P, and L^{-T} L^{-1} = Sigma.
TEST(Report09, ReversalIdentity)
{
  Dense A = Chain(), S = Inverse(A, n), L = Cholesky(A, n), Linv = Inverse(L, n);
  Dense PSP((size_t)n * n), PLP((size_t)n * n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      At(PSP, n, i, j) = Get(S, n, n - 1 - i, n - 1 - j);
      At(PLP, n, i, j) = Get(Linv, n, n - 1 - j, n - 1 - i); // P L^{-T} P
    }
  EXPECT_LE(MaxAbsDiff(Cholesky(PSP, n), PLP), 1e-13 * MaxAbs(PLP));
  EXPECT_LE(MaxAbsDiff(Mult(Linv, Linv, n, n, n, true, false), S), 1e-14 * MaxAbs(S));
}

// 15-17. QR duality: D ((n+1) x n, 1 and -1 over h) gives A = D^T D; R of QR(D), rows signed
// so that diag(R) > 0, equals L^T; Q = D R^{-1} has orthonormal columns.
TEST(Report09, QRDuality)
{
  const int m = n + 1;
  Dense     D((size_t)m * n, 0.0), A = Chain(), L = Cholesky(A, n);
  for (int k = 0; k < n; k++) {
    At(D, m, k, k)     = 1.0 / h;
    At(D, m, k + 1, k) = -1.0 / h;
  }
  EXPECT_LE(MaxAbsDiff(Mult(D, D, n, m, n, true, false), A), 1e-12 * MaxAbs(A));
  PetscBLASInt        M = m, N = n, lwork = 256, info;
  Dense               QR = D, work(lwork);
  std::vector<double> tau(n);
  LAPACKgeqrf_(&M, &N, QR.data(), &M, tau.data(), work.data(), &lwork, &info);
  ASSERT_EQ(info, 0);
  Dense R((size_t)n * n, 0.0);
  for (int i = 0; i < n; i++) {
    const double sign = Get(QR, m, i, i) < 0 ? -1.0 : 1.0;
    for (int j = i; j < n; j++) At(R, n, i, j) = sign * Get(QR, m, i, j);
  }
  Dense LT((size_t)n * n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) At(LT, n, i, j) = Get(L, n, j, i);
  EXPECT_LE(MaxAbsDiff(R, LT), 1e-12 * MaxAbs(LT));
  Dense Q = Mult(D, Inverse(R, n), m, n, n), QtQ = Mult(Q, Q, n, m, n, true, false);
  for (int i = 0; i < n; i++) At(QtQ, n, i, i) -= 1.0;
  EXPECT_LE(MaxAbs(QtQ), 1e-13);
}

// 18. Modified Cholesky (Pourahmadi): T = I - Phi with row i = -(Sigma_{i,<i} Sigma_{<i,<i}^{-1})
// makes T Sigma T^T diagonal.
TEST(Report09, ModifiedCholesky)
{
  Dense S = Inverse(Chain(), n), T((size_t)n * n, 0.0);
  for (int i = 0; i < n; i++) {
    At(T, n, i, i) = 1.0;
    std::vector<int> pred;
    for (int j = 0; j < i; j++) pred.push_back(j);
    std::vector<double> w = Regress(S, n, pred, i);
    for (int j = 0; j < i; j++) At(T, n, i, j) = -w[j];
  }
  Dense  TST = Mult(Mult(T, S, n, n, n), T, n, n, n, false, true);
  double off = 0.0, diag = 0.0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      if (i == j)
        diag = std::max(diag, std::fabs(Get(TST, n, i, j)));
      else
        off = std::max(off, std::fabs(Get(TST, n, i, j)));
    }
  EXPECT_LE(off, 1e-13 * diag);
}

// 19. DST-I: sin(k pi x_i) are eigenvectors with eigenvalues 4 sin^2(k pi h/2)/h^2.
TEST(Report09, SineEigenvectors)
{
  Dense A = Chain();
  for (int k = 1; k <= n; k++) {
    const double lambda = 4.0 * std::pow(std::sin(k * PETSC_PI * h / 2), 2) / (h * h);
    for (int i = 0; i < n; i++) {
      double Av = 0.0;
      for (int j = 0; j < n; j++) Av += Get(A, n, i, j) * std::sin(k * PETSC_PI * (j + 1) * h);
      EXPECT_NEAR(Av, lambda * std::sin(k * PETSC_PI * (i + 1) * h), 1e-11 * lambda) << k;
    }
  }
}

// ---------------------------------------------------------------- report 11: n = 8 anatomy

Dense Laplacian2D(int m)
{
  const double hh = 1.0 / (m + 1);
  const int    N  = m * m;
  Dense        A((size_t)N * N, 0.0);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      const int k    = i * m + j;
      At(A, N, k, k) = 4.0 / (hh * hh);
      if (j > 0) At(A, N, k, k - 1) = At(A, N, k - 1, k) = -1.0 / (hh * hh);
      if (i > 0) At(A, N, k, k - m) = At(A, N, k - m, k) = -1.0 / (hh * hh);
    }
  return A;
}

// kappa(A) = 32.163; PETSc ICC(0), natural ordering: kappa(M^{-1}A) = 3.684 (dense symmetric
// pencil: eig of R^T A R with M^{-1} = R R^T from the columns of M^{-1}).
TEST(Report11Anatomy, KappaUnderIC0)
{
  const int           N = n * n;
  Dense               A = Laplacian2D(n);
  std::vector<double> w = SymEig(A, N);
  EXPECT_NEAR(w.back() / w.front(), 32.163, 0.0005);

  Mat Aij;
  PC  pc;
  ASSERT_EQ(0, MatCreateSeqAIJ(PETSC_COMM_SELF, N, N, 5, NULL, &Aij));
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      if (Get(A, N, i, j) != 0.0) MatSetValue(Aij, i, j, Get(A, N, i, j), INSERT_VALUES);
  MatAssemblyBegin(Aij, MAT_FINAL_ASSEMBLY);
  MatAssemblyEnd(Aij, MAT_FINAL_ASSEMBLY);
  ASSERT_EQ(0, PCCreate(PETSC_COMM_SELF, &pc));
  ASSERT_EQ(0, PCSetType(pc, PCICC));
  ASSERT_EQ(0, PCFactorSetLevels(pc, 0));
  ASSERT_EQ(0, PCFactorSetMatOrderingType(pc, MATORDERINGNATURAL));
  ASSERT_EQ(0, PCSetOperators(pc, Aij, Aij));
  ASSERT_EQ(0, PCSetUp(pc));
  Dense Minv((size_t)N * N);
  Vec   e, y;
  MatCreateVecs(Aij, &e, &y);
  for (int j = 0; j < N; j++) {
    VecZeroEntries(e);
    VecSetValue(e, j, 1.0, INSERT_VALUES);
    VecAssemblyBegin(e);
    VecAssemblyEnd(e);
    PCApply(pc, e, y);
    const PetscScalar *ya;
    VecGetArrayRead(y, &ya);
    for (int i = 0; i < N; i++) At(Minv, N, i, j) = ya[i];
    VecRestoreArrayRead(y, &ya);
  }
  for (int i = 0; i < N; i++) // symmetrize the rounding
    for (int j = 0; j < i; j++)
      At(Minv, N, i, j) = At(Minv, N, j, i) = 0.5 * (Get(Minv, N, i, j) + Get(Minv, N, j, i));
  Dense R = Cholesky(Minv, N); // M^{-1} = R R^T
  Dense K = Mult(Mult(R, A, N, N, N, true, false), R, N, N, N);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < i; j++)
      At(K, N, i, j) = At(K, N, j, i) = 0.5 * (Get(K, N, i, j) + Get(K, N, j, i));
  w = SymEig(K, N);
  EXPECT_NEAR(w.back() / w.front(), 3.684, 0.0005);
  VecDestroy(&e);
  VecDestroy(&y);
  PCDestroy(&pc);
  MatDestroy(&Aij);
}

// Cholesky fill: of the nonzeros of chol(A) (|L| > 1e-12), 176 lie on tril(A)'s pattern (the
// diagonal, W and previous-row entries: IC(0)'s pattern) and 343 off it (the fill); the
// bandwidth is 8 = n.
TEST(Report11Anatomy, CholeskyFill)
{
  const int N = n * n;
  Dense     A = Laplacian2D(n), L = Cholesky(A, N);
  int       on = 0, off = 0, band = 0;
  for (int j = 0; j < N; j++)
    for (int i = j; i < N; i++)
      if (std::fabs(Get(L, N, i, j)) > 1e-12) {
        (Get(A, N, i, j) != 0.0 ? on : off)++;
        band = std::max(band, i - j);
      }
  EXPECT_EQ(on, 176);
  EXPECT_EQ(off, 343);
  EXPECT_EQ(band, 8);
}

// Neumann series sum_{k <= K} B^k D^{-1} -> A^{-1}: the relative Frobenius error contracts by
// rho(B) = cos(pi/9) per term asymptotically.
TEST(Report11Anatomy, NeumannSeriesRate)
{
  const int    N = n * n;
  Dense        A = Laplacian2D(n), Ainv = Inverse(A, N), B((size_t)N * N), term((size_t)N * N, 0.0);
  const double d = Get(A, N, 0, 0);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) At(B, N, i, j) = (i == j ? 1.0 : 0.0) - Get(A, N, i, j) / d;
  for (int i = 0; i < N; i++) At(term, N, i, i) = 1.0 / d;
  Dense               sum = term;
  std::vector<double> err;
  double              norm = 0.0;
  for (double x : Ainv) norm += x * x;
  norm = std::sqrt(norm);
  for (int K = 1; K <= 400; K++) {
    term = Mult(B, term, N, N, N);
    for (size_t q = 0; q < sum.size(); q++) sum[q] += term[q];
    double e = 0.0;
    for (size_t q = 0; q < sum.size(); q++) e += (sum[q] - Ainv[q]) * (sum[q] - Ainv[q]);
    err.push_back(std::sqrt(e) / norm);
  }
  EXPECT_NEAR(err[399] / err[398], std::cos(PETSC_PI / 9), 1e-4);
  EXPECT_LT(err[399], 1e-9);
}

} // namespace
