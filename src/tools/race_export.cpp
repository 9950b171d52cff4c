// race_export: the data of the site's interactive pages (docs/site.md), computed by the
// project's own objects on the hot/cold-rod problem (REPORTS.md §14.5, "Interactive pages"):
//
//   - the rod right-hand side b and x* from a direct solve (PETSc Cholesky);
//   - the HODLR approximate inverses M_2 and M_8 built by PC hodlr with the dense build of
//     petsc_options/hodlr8_dense.opts (the rank set to 2 for M_2), exported block by block
//     (PCHodlrGetMatrix): the 16 dense leaves and the 15 upper off-diagonal blocks U V^T;
//   - omega = 2/(lambda_min + lambda_max) of M_8 A for the damped Richardson, the extreme
//     eigenvalues from SLEPc (spectra library, the symmetric pencil of docs/spectra.md);
//   - the iterations the project's KSPs need for the five methods of the race (sd, cg, cg +
//     hodlr r = 2, cg + hodlr r = 8, richardson + omega hodlr r = 8) to the relative 2-norm
//     error 1e-6 against x* (the error convergence test of src/krylov/error_test), x0 = 0;
//   - the Peaceman-Rachford ADI errors after half-sweeps 0..60 from x0 = 0: half-sweep 1 is
//     the rows solve (H + sigma I)^{-1} b (H assembled from PC adi's fitted stencil, LU);
//     the even half-sweeps 2k are k Richardson steps with PC adi (one PR double sweep is
//     x += M^{-1}(b - A x), M^{-1} = 2 sigma (V + sigma I)^{-1} (H + sigma I)^{-1}).
//
// Output: one JSON file (-o, default results/race_data.json), schema in docs/site.md.
// postprocess/site.py turns it into results/site/race_data.js for race.html and adi.html.
static const char help[] =
    "Exports the rod problem, the HODLR M_2/M_8 blocks, omega and the C++ iteration counts\n"
    "for the site's race and ADI pages (docs/site.md).\n\n"
    "  -o <F.json>     output (default results/race_data.json)\n"
    "  -tol <1e-6>     relative 2-norm error of the race\n"
    "  -max_it <2000>  iteration cap of the race\n"
    "  -half_sweeps <60>  ADI half-sweeps (even)\n"
    "  -n <32>         grid size of the rod problem\n\n";

#include <petscksp.h>

#include <charconv>
#include <cmath>
#include <ctime>
#include <string>
#include <vector>

#include "io/output_file.h"
#include "krylov/error_test/error_test.h"
#include "krylov/sd/sd.h"
#include "preconditioners/adi/adi.h"
#include "preconditioners/hodlr/hodlr.h"
#include "preconditioners/hodlr/hodlr_matrix.h"
#include "problems/problem.h"
#include "runtime/app.h"
#include "runtime/run_metadata.h"
#include "solve/method.h"
#include "spectra/spectra.h"

namespace {

// Shortest decimal text that reads back as the same double (JSON has no NaN/Inf: null).
void Num(std::string &s, double v)
{
  char buf[32];
  if (!std::isfinite(v)) {
    s += "null";
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  s.append(buf, r.ptr);
}

void NumArray(std::string &s, const double *v, size_t count)
{
  s += '[';
  for (size_t k = 0; k < count; k++) {
    if (k) s += ',';
    Num(s, v[k]);
  }
  s += ']';
}

std::string Quote(const std::string &t)
{
  std::string q = "\"";
  for (char c : t) {
    if (c == '"' || c == '\\') q += '\\';
    if (c == '\n') {
      q += "\\n";
      continue;
    }
    if ((unsigned char)c < 0x20) continue;
    q += c;
  }
  return q + "\"";
}

PetscErrorCode VecToVector(Vec v, std::vector<double> &out)
{
  const PetscScalar *a;
  PetscInt           n;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(VecGetArrayRead(v, &a));
  out.assign(a, a + n);
  PetscCall(VecRestoreArrayRead(v, &a));
  PetscFunctionReturn(0);
}

// The HODLR matrix as JSON: perm, shift, the dense leaves (row-major) and the upper
// off-diagonal blocks (U: s1 x k, V: s2 x k, row-major, singular values in U).
std::string HodlrJson(const HodlrMatrix &H, PetscInt rank, const SpectrumResult &spec)
{
  std::string s = "{\"rank\":" + std::to_string(rank) + ",\"N\":" + std::to_string(H.N) +
                  ",\"leaf\":" + std::to_string(H.leaf) + ",\"shift\":";
  Num(s, H.shift);
  s += ",\"kappa\":";
  Num(s, spec.kappa);
  s += ",\"lambda_min\":";
  Num(s, spec.lambda_min);
  s += ",\"lambda_max\":";
  Num(s, spec.lambda_max);
  s += ",\"storage\":" + std::to_string(H.Storage()) + ",\"perm\":[";
  for (PetscInt t = 0; t < H.N; t++) s += (t ? "," : "") + std::to_string(H.perm[t]);
  s += "],\"blocks\":[";
  bool first = true;
  for (const HodlrNode &nd : H.nodes) {
    if (!nd.IsLeaf() && nd.rank == 0) continue;
    s += first ? "" : ",";
    first = false;
    if (nd.IsLeaf()) {
      std::vector<double> d((size_t)nd.size * nd.size);
      for (PetscInt i = 0; i < nd.size; i++)
        for (PetscInt j = 0; j < nd.size; j++)
          d[(size_t)i * nd.size + j] = nd.D[i + (size_t)j * nd.size];
      s += "{\"type\":\"dense\",\"start\":" + std::to_string(nd.start) +
           ",\"size\":" + std::to_string(nd.size) + ",\"d\":";
      NumArray(s, d.data(), d.size());
    } else {
      const PetscInt      k = nd.rank, s1 = nd.s1, s2 = nd.size - nd.s1;
      std::vector<double> U((size_t)s1 * k), V((size_t)s2 * k);
      for (PetscInt i = 0; i < s1; i++)
        for (PetscInt l = 0; l < k; l++) U[(size_t)i * k + l] = nd.U[i + (size_t)l * s1];
      for (PetscInt i = 0; i < s2; i++)
        for (PetscInt l = 0; l < k; l++) V[(size_t)i * k + l] = nd.V[i + (size_t)l * s2];
      s += "{\"type\":\"lowrank\",\"level\":" + std::to_string(nd.level) +
           ",\"start\":" + std::to_string(nd.start) + ",\"s1\":" + std::to_string(s1) +
           ",\"s2\":" + std::to_string(s2) + ",\"k\":" + std::to_string(k) + ",\"U\":";
      NumArray(s, U.data(), U.size());
      s += ",\"V\":";
      NumArray(s, V.data(), V.size());
    }
    s += "}";
  }
  return s + "]}";
}

struct RaceRun {
  std::string         name, ksp_type, pc_type;
  PetscInt            iterations = 0;
  PetscBool           converged  = PETSC_FALSE;
  std::vector<double> history; // relative error of x_0 .. x_iterations
};

// Solves with ksp from x0 = 0 to the relative error tol against xstar; records the errors.
PetscErrorCode RaceSolve(KSP ksp, const char *name, Vec b, Vec xstar, PetscReal tol,
                         PetscInt max_it, RaceRun *run)
{
  Vec                x;
  KSPConvergedReason reason;
  const PetscReal   *hist;
  PetscInt           nh;
  KSPType            kt;
  PC                 pc;
  PCType             pt;

  PetscFunctionBeginUser;
  PetscCall(KSPSetInitialGuessNonzero(ksp, PETSC_FALSE));
  PetscCall(KSPSetTolerances(ksp, tol, 0.0, 1e10, max_it));
  PetscCall(KSPSetConvergenceTestError(ksp, xstar, NULL, KSP_ERROR_NORM_2));
  PetscCall(VecDuplicate(b, &x));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCall(KSPGetIterationNumber(ksp, &run->iterations));
  PetscCall(KSPGetErrorHistory(ksp, &hist, &nh));
  PetscCall(KSPGetType(ksp, &kt));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCGetType(pc, &pt));
  run->name      = name;
  run->ksp_type  = kt;
  run->pc_type   = pt;
  run->converged = reason > 0 ? PETSC_TRUE : PETSC_FALSE;
  run->history.assign(hist, hist + nh);
  PetscCall(VecDestroy(&x));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-18s %-10s %-7s %6" PetscInt_FMT "  %.6e  %s\n", name,
                        kt, pt, run->iterations, nh ? hist[nh - 1] : -1.0,
                        KSPConvergedReasons[reason]));
  PetscFunctionReturn(0);
}

// (H + sigma I) along grid rows (DMDA x): cx tridiag(-1, 2, -1) + (c0/2 + sigma) I, assembled
// on the problem's DMDA.
PetscErrorCode AssembleRowsOperator(DM da, PetscReal cx, PetscReal diag, Mat *H)
{
  DMDALocalInfo info;

  PetscFunctionBeginUser;
  PetscCall(DMCreateMatrix(da, H));
  PetscCall(DMDAGetLocalInfo(da, &info));
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
      MatStencil  row = {0, j, i, 0}, col[3];
      PetscScalar v[3];
      PetscInt    nc = 0;
      col[nc]        = row;
      v[nc++]        = 2.0 * cx + diag;
      if (i > 0) {
        col[nc]   = row;
        col[nc].i = i - 1;
        v[nc++]   = -cx;
      }
      if (i < info.mx - 1) {
        col[nc]   = row;
        col[nc].i = i + 1;
        v[nc++]   = -cx;
      }
      PetscCall(MatSetValuesStencil(*H, 1, &row, nc, col, v, INSERT_VALUES));
    }
  PetscCall(MatAssemblyBegin(*H, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*H, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

PetscErrorCode RelativeError(Vec x, Vec xstar, PetscReal xnorm, PetscReal *rel)
{
  Vec e;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(x, &e));
  PetscCall(VecWAXPY(e, -1.0, x, xstar));
  PetscCall(VecNorm(e, NORM_2, rel));
  *rel /= xnorm;
  PetscCall(VecDestroy(&e));
  PetscFunctionReturn(0);
}

// ADI: errors after half-sweeps 0..2 * sweeps (odd ones only for half-sweep 1; the PR rows
// half-step from x_{2k} needs x_{2k} explicitly, which the page has; the C++ check needs 1).
PetscErrorCode AdiErrors(Problem *p, Vec xstar, PetscReal xnorm, PetscInt sweeps, std::string &json)
{
  KSP                 ksp, kh;
  PC                  pc;
  PCAdiInfo           info;
  Mat                 H;
  Vec                 x;
  const PetscReal    *hist;
  PetscInt            nh;
  PetscReal           e1;
  std::vector<double> even;

  PetscFunctionBeginUser;
  PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
  PetscCall(KSPSetOptionsPrefix(ksp, "race_adi_"));
  PetscCall(KSPSetOperators(ksp, p->A, p->A));
  PetscCall(KSPSetType(ksp, KSPRICHARDSON));
  PetscCall(KSPRichardsonSetScale(ksp, 1.0));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, "adi"));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(KSPSetUp(ksp));
  PetscCall(PCAdiGetInfo(pc, &info));
  PetscCheck(info.exact && info.nshifts == 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_INCOMP,
             "the ADI export needs the constant operator and one shift");
  // rtol 0: every one of the `sweeps` Richardson steps runs and is recorded.
  PetscCall(KSPSetInitialGuessNonzero(ksp, PETSC_FALSE));
  PetscCall(KSPSetTolerances(ksp, 0.0, 0.0, 1e10, sweeps));
  PetscCall(KSPSetConvergenceTestError(ksp, xstar, NULL, KSP_ERROR_NORM_2));
  PetscCall(VecDuplicate(p->b, &x));
  PetscCall(KSPSolve(ksp, p->b, x));
  PetscCall(KSPGetErrorHistory(ksp, &hist, &nh));
  PetscCheck(nh == sweeps + 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB,
             "ADI export: %" PetscInt_FMT " errors recorded, expected %" PetscInt_FMT, nh,
             sweeps + 1);
  even.assign(hist, hist + nh);

  // Half-sweep 1 from x0 = 0: (H + sigma I) x = b.
  PetscCall(AssembleRowsOperator(p->da, info.cx, 0.5 * info.c0 + info.shifts[0], &H));
  PetscCall(KSPCreate(PETSC_COMM_WORLD, &kh));
  PetscCall(KSPSetOptionsPrefix(kh, "race_adi_rows_"));
  PetscCall(KSPSetOperators(kh, H, H));
  PetscCall(KSPSetType(kh, KSPPREONLY));
  PetscCall(KSPGetPC(kh, &pc));
  PetscCall(PCSetType(pc, PCLU));
  PetscCall(KSPSetFromOptions(kh));
  PetscCall(KSPSolve(kh, p->b, x));
  PetscCall(RelativeError(x, xstar, xnorm, &e1));

  json = "{\"sigma\":";
  Num(json, info.shifts[0]);
  json += ",\"lambda_1\":";
  Num(json, info.lambda_1);
  json += ",\"lambda_n\":";
  Num(json, info.lambda_n);
  json += ",\"cx\":";
  Num(json, info.cx);
  json += ",\"cy\":";
  Num(json, info.cy);
  json += ",\"c0\":";
  Num(json, info.c0);
  json += ",\"half_sweeps\":" + std::to_string(2 * sweeps) + ",\"even_errors\":";
  NumArray(json, even.data(), even.size());
  json += ",\"check\":{\"1\":";
  Num(json, e1);
  for (PetscInt hs : {2, 10, 40}) {
    if (hs / 2 >= (PetscInt)even.size()) continue;
    json += ",\"" + std::to_string(hs) + "\":";
    Num(json, even[hs / 2]);
  }
  json += "},\"source\":\"half-sweep 1: (H + sigma I)^{-1} b, PETSc LU; half-sweep 2k: k "
          "Richardson steps with PC adi (scale 1), error test of src/krylov/error_test\"}";
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "ADI sigma %.8g: errors after half-sweeps 1, 2, 10, 40: %.10e %.10e %.10e "
                        "%.10e\n",
                        (double)info.shifts[0], (double)e1, even.size() > 1 ? even[1] : -1.0,
                        even.size() > 5 ? even[5] : -1.0, even.size() > 20 ? even[20] : -1.0));
  PetscCall(VecDestroy(&x));
  PetscCall(MatDestroy(&H));
  PetscCall(KSPDestroy(&kh));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(0);
}

PetscErrorCode Run(MPI_Comm comm, ResultsFile *)
{
  char           out[PETSC_MAX_PATH_LEN] = "results/race_data.json", versions[1024];
  PetscReal      tol                     = 1e-6, xnorm;
  PetscInt       max_it = 2000, half_sweeps = 60;
  PetscMPIInt    size;
  ProblemOptions o;
  Problem        p;
  Vec            xstar;
  KSP            kdirect, kh[2], krich, kcg, kgd;
  PC             pc;
  SpectrumResult spec[2];
  const PetscInt ranks[2] = {2, 8};
  std::string    adi_json;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(size == 1, comm, PETSC_ERR_ARG_WRONG, "race_export runs on one rank (got %d)", size);
  PetscOptionsBegin(comm, NULL, "race_export options", NULL);
  PetscCall(PetscOptionsString("-o", "Output JSON file", NULL, out, out, sizeof(out), NULL));
  PetscCall(PetscOptionsReal("-tol", "Relative error of the race", NULL, tol, &tol, NULL));
  PetscCall(PetscOptionsInt("-max_it", "Iteration cap of the race", NULL, max_it, &max_it, NULL));
  PetscCall(PetscOptionsInt("-half_sweeps", "ADI half-sweeps (even)", NULL, half_sweeps,
                            &half_sweeps, NULL));
  PetscOptionsEnd();
  PetscCheck(tol > 0 && tol < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-tol must be in (0, 1)");
  PetscCheck(max_it >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-max_it must be at least 1");
  PetscCheck(half_sweeps >= 40 && half_sweeps % 2 == 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-half_sweeps must be even and at least 40");
  PetscCall(OutputPathCheck(comm, out, "-o"));

  PetscCall(MethodSnapshotUserOptions());
  PetscCall(ProblemOptionsFromCommandLine(comm, "rod", &o));
  PetscCall(ProblemCreate(comm, &o, &p));

  // x* from a direct solve.
  PetscCall(VecDuplicate(p.b, &xstar));
  PetscCall(KSPCreate(comm, &kdirect));
  PetscCall(KSPSetOptionsPrefix(kdirect, "race_direct_"));
  PetscCall(KSPSetOperators(kdirect, p.A, p.A));
  PetscCall(KSPSetType(kdirect, KSPPREONLY));
  PetscCall(KSPGetPC(kdirect, &pc));
  PetscCall(PCSetType(pc, PCCHOLESKY));
  PetscCall(KSPSetFromOptions(kdirect));
  PetscCall(KSPSolve(kdirect, p.b, xstar));
  PetscCall(VecNorm(xstar, NORM_2, &xnorm));

  // M_2 and M_8: the dense build of petsc_options/hodlr8_dense.opts, rank 2 set for M_2.
  PetscCall(MethodLoad(comm, MethodDefaultDirectory(), "hodlr8_dense"));
  for (int r = 0; r < 2; r++) {
    PetscCall(KSPCreate(comm, &kh[r]));
    PetscCall(KSPSetOptionsPrefix(kh[r], "hodlr8_dense_"));
    PetscCall(KSPSetOperators(kh[r], p.A, p.A));
    PetscCall(KSPSetType(kh[r], KSPCG));
    PetscCall(KSPSetNormType(kh[r], KSP_NORM_UNPRECONDITIONED));
    PetscCall(KSPSetFromOptions(kh[r]));
    PetscCall(KSPGetPC(kh[r], &pc));
    PetscCall(PCHodlrSetRank(pc, ranks[r]));
    PetscCall(KSPSetUp(kh[r]));
    PetscCall(SpectrumOfPreconditioned(p.A, kh[r], "hodlr8_dense", PETSC_FALSE, &spec[r]));
  }
  const PetscReal omega = 2.0 / (spec[1].lambda_min + spec[1].lambda_max);
  PetscCall(PetscPrintf(comm,
                        "M_8 A: lambda_min %.10g lambda_max %.10g kappa %.6g -> omega %.10g; "
                        "M_2 A: kappa %.6g\n",
                        (double)spec[1].lambda_min, (double)spec[1].lambda_max,
                        (double)spec[1].kappa, (double)omega, (double)spec[0].kappa));

  // The race in C++.
  PetscCall(KSPCreate(comm, &kgd));
  PetscCall(KSPSetOptionsPrefix(kgd, "race_gd_"));
  PetscCall(KSPSetOperators(kgd, p.A, p.A));
  PetscCall(KSPSetType(kgd, KSPSD));
  PetscCall(KSPGetPC(kgd, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(KSPSetFromOptions(kgd));
  PetscCall(KSPCreate(comm, &kcg));
  PetscCall(KSPSetOptionsPrefix(kcg, "race_cg_"));
  PetscCall(KSPSetOperators(kcg, p.A, p.A));
  PetscCall(KSPSetType(kcg, KSPCG));
  PetscCall(KSPSetNormType(kcg, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPGetPC(kcg, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(KSPSetFromOptions(kcg));
  PetscCall(KSPCreate(comm, &krich));
  PetscCall(KSPSetOptionsPrefix(krich, "race_richardson_"));
  PetscCall(KSPSetOperators(krich, p.A, p.A));
  PetscCall(KSPSetType(krich, KSPRICHARDSON));
  PetscCall(KSPRichardsonSetScale(krich, omega));
  PetscCall(KSPGetPC(kh[1], &pc));
  PetscCall(KSPSetPC(krich, pc)); // the very M_8 of pcg_hodlr8
  PetscCall(KSPSetFromOptions(krich));

  std::vector<RaceRun> runs(5);
  PetscCall(
      PetscPrintf(comm, "method             ksp        pc      its     rel. error    reason\n"));
  PetscCall(RaceSolve(kgd, "gd", p.b, xstar, tol, max_it, &runs[0]));
  PetscCall(RaceSolve(kcg, "cg", p.b, xstar, tol, max_it, &runs[1]));
  PetscCall(RaceSolve(kh[0], "pcg_hodlr2", p.b, xstar, tol, max_it, &runs[2]));
  PetscCall(RaceSolve(kh[1], "pcg_hodlr8", p.b, xstar, tol, max_it, &runs[3]));
  PetscCall(RaceSolve(krich, "richardson_hodlr8", p.b, xstar, tol, max_it, &runs[4]));

  PetscCall(AdiErrors(&p, xstar, xnorm, half_sweeps / 2, adi_json));

  // The JSON file.
  std::vector<double> b, xs;
  const HodlrMatrix  *H[2];
  PetscCall(VecToVector(p.b, b));
  PetscCall(VecToVector(xstar, xs));
  for (int r = 0; r < 2; r++) {
    PetscCall(KSPGetPC(kh[r], &pc));
    PetscCall(PCHodlrGetMatrix(pc, &H[r]));
  }
  PetscCall(PoissonLibraryVersions(versions, sizeof(versions)));
  char      stamp[64];
  time_t    now = time(NULL);
  struct tm tmv;
  gmtime_r(&now, &tmv);
  strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tmv);

  std::string s = "{\"schema\":\"poisson-race/1\",\"program\":\"race_export\",\"created\":\"";
  s += stamp;
  s += "\",\"machine\":" + Quote(MachineDescription()) + ",\"versions\":" + Quote(versions);
  s += ",\"problem\":\"rod\",\"n\":" + std::to_string(o.n) + ",\"N\":" + std::to_string(o.n * o.n);
  s += ",\"h\":";
  Num(s, p.h);
  s += ",\"tol\":";
  Num(s, tol);
  s += ",\"max_it\":" + std::to_string(max_it) + ",\"b\":";
  NumArray(s, b.data(), b.size());
  s += ",\"x_star\":";
  NumArray(s, xs.data(), xs.size());
  s += ",\"x_star_norm\":";
  Num(s, xnorm);
  s += ",\"hodlr\":{\"rank2\":" + HodlrJson(*H[0], ranks[0], spec[0]) +
       ",\"rank8\":" + HodlrJson(*H[1], ranks[1], spec[1]) + "}";
  s += ",\"omega\":{\"value\":";
  Num(s, omega);
  s += ",\"lambda_min\":";
  Num(s, spec[1].lambda_min);
  s += ",\"lambda_max\":";
  Num(s, spec[1].lambda_max);
  s += ",\"source\":\"2/(lambda_min + lambda_max) of M_8 A, SLEPc " + spec[1].form + " " +
       spec[1].eps_type + "\"}";
  s += ",\"cpp\":{";
  for (size_t m = 0; m < runs.size(); m++) {
    s += (m ? ",\"" : "\"") + runs[m].name +
         "\":{\"iterations\":" + std::to_string(runs[m].iterations) +
         ",\"converged\":" + (runs[m].converged ? "true" : "false") +
         ",\"ksp_type\":" + Quote(runs[m].ksp_type) + ",\"pc_type\":" + Quote(runs[m].pc_type) +
         ",\"error_history\":";
    NumArray(s, runs[m].history.data(), runs[m].history.size());
    s += "}";
  }
  s += "},\"adi\":" + adi_json + "}\n";
  PetscCall(TextFileWriteAtomic(comm, out, s));
  PetscCall(PetscPrintf(comm, "wrote %s (%.2f MB)\n", out, s.size() / 1e6));

  for (int r = 0; r < 2; r++) PetscCall(KSPDestroy(&kh[r]));
  PetscCall(KSPDestroy(&krich));
  PetscCall(KSPDestroy(&kcg));
  PetscCall(KSPDestroy(&kgd));
  PetscCall(KSPDestroy(&kdirect));
  PetscCall(VecDestroy(&xstar));
  PetscCall(ProblemDestroy(&p));
  PetscFunctionReturn(0);
}

} // namespace

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
