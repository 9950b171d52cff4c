// hodlr_bench: the figures of PC hodlr: the rank sweep at n = 32 for both builds
// and the setup scaling of the scalable build.
//
// Sample runs (OPENBLAS_NUM_THREADS=1):
//   build/bin/hodlr_bench -mode sweep       # kappa(MA), CG iterations (fixture b, rods),
//                                           # setup seconds and storage, r = 1..32
//   build/bin/hodlr_bench -mode scaling -sizes 128,256,512,1024 -rank 8
//                                           # setup seconds vs N and the fitted log-log slope
static const char help[] = "PC hodlr figures: -mode sweep|scaling, -sizes n1,n2,..., -rank r,\n"
                           "-ranks r1,r2,..., -fixture file.h5, -solve (scaling: also CG)\n";

#include <petscksp.h>

#include <cmath>
#include <string>
#include <vector>

#include "preconditioners/hodlr/hodlr.h"
#include "preconditioners/hodlr/hodlr_spectrum.h"
#include "problems/problem.h"
#include "runtime/app.h"
#include "solve/solve_run.h"

#ifndef HODLR_FIXTURES_DIR
#define HODLR_FIXTURES_DIR "tests/data"
#endif

// CG protocol (docs/protocol.md) with PC hodlr under the prefix "hb_".
static PetscErrorCode SetMethodOptions(const char *build, PetscInt rank, PetscBool check)
{
  char r[32];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(r, sizeof(r), "%" PetscInt_FMT, rank));
  PetscCall(PetscOptionsSetValue(NULL, "-hb_pc_type", "hodlr"));
  PetscCall(PetscOptionsSetValue(NULL, "-hb_pc_hodlr_rank", r));
  PetscCall(PetscOptionsSetValue(NULL, "-hb_pc_hodlr_build", build));
  PetscCall(PetscOptionsSetValue(NULL, "-hb_pc_hodlr_check_spd", check ? "1" : "0"));
  PetscFunctionReturn(0);
}

static PetscErrorCode Sweep(const char *fixture, const std::vector<PetscInt> &ranks)
{
  ProblemOptions oa, orod;
  Problem        pa, prod;

  PetscFunctionBeginUser;
  PetscCall(ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "constant", &oa));
  oa.n = 32;
  PetscCall(PetscStrncpy(oa.rhs, "file", sizeof(oa.rhs)));
  PetscCall(PetscStrncpy(oa.rhs_file, fixture, sizeof(oa.rhs_file)));
  PetscCall(ProblemCreate(PETSC_COMM_WORLD, &oa, &pa));
  PetscCall(ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "rod", &orod));
  PetscCall(ProblemCreate(PETSC_COMM_WORLD, &orod, &prod));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "build     rank   kappa(MA)  lmin(M)>0  CG(b)  CG(rod)  "
                                          "setup[s]  storage  N^2/storage(both blocks)\n"));
  for (const char *build : {"dense", "scalable"}) {
    for (PetscInt r : ranks) {
      SolveRecord        ra, rr;
      HodlrDenseSpectrum spec;
      PCHodlrInfo        info;
      PC                 pc;
      PetscCall(SetMethodOptions(build, r, PETSC_FALSE));
      PetscCall(SolveRun(&pa, "hodlr", "hb_", PETSC_FALSE, &ra));
      PetscCall(SolveRun(&prod, "hodlr", "hb_", PETSC_FALSE, &rr));
      PetscCall(PCCreate(PETSC_COMM_WORLD, &pc));
      PetscCall(PCSetOptionsPrefix(pc, "hb_"));
      PetscCall(PCSetOperators(pc, pa.A, pa.A));
      PetscCall(PCSetFromOptions(pc));
      PetscCall(PCSetUp(pc));
      PetscCall(PCHodlrGetInfo(pc, &info));
      PetscCall(HodlrComputeDenseSpectrum(pc, pa.A, &spec));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                            "%-9s %4" PetscInt_FMT " %11.4f %10.3e %6" PetscInt_FMT
                            " %8" PetscInt_FMT " %9.4f %8" PetscInt_FMT " %6.2f (%.2f)\n",
                            build, r, (double)spec.kappa, (double)spec.lmin_M, ra.iterations,
                            rr.iterations, (double)info.setup_seconds, info.storage,
                            (double)info.N * info.N / info.storage,
                            (double)info.N * info.N / info.storage_both_blocks));
      PetscCall(PCDestroy(&pc));
      PetscCall(SolveRecordDestroy(&ra));
      PetscCall(SolveRecordDestroy(&rr));
    }
  }
  PetscCall(ProblemDestroy(&pa));
  PetscCall(ProblemDestroy(&prod));
  PetscFunctionReturn(0);
}

static PetscErrorCode Scaling(const std::vector<PetscInt> &sizes, PetscInt rank, PetscBool solve,
                              PetscBool check)
{
  std::vector<double> logN, logT, logS, logF, logV, logB;

  PetscFunctionBeginUser;
  PetscCall(
      PetscPrintf(PETSC_COMM_WORLD,
                  "scalable build, rank %" PetscInt_FMT ", leaf 64\n"
                  "      n          N   build[s]  +check[s]  storage/N  levels  lmin(MA)    shift"
                  "  factor[s] cols  solves[s]  subtr.[s]  other[s]%s\n",
                  rank, solve ? "  CG its  solve[s]" : ""));
  for (PetscInt n : sizes) {
    ProblemOptions o;
    Problem        p;
    PC             pc;
    PCHodlrInfo    info;
    PetscCall(ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "constant", &o));
    o.n = n;
    PetscCall(PetscStrncpy(o.rhs, "grf", sizeof(o.rhs)));
    PetscCall(ProblemCreate(PETSC_COMM_WORLD, &o, &p));
    PetscCall(SetMethodOptions("scalable", rank, check));
    PetscCall(PCCreate(PETSC_COMM_WORLD, &pc));
    PetscCall(PCSetOptionsPrefix(pc, "hb_"));
    PetscCall(PCSetOperators(pc, p.A, p.A));
    PetscCall(PCSetFromOptions(pc));
    PetscCall(PCSetUp(pc));
    PetscCall(PCHodlrGetInfo(pc, &info));
    PetscCall(PCDestroy(&pc));
    PetscCall(PetscPrintf(
        PETSC_COMM_WORLD,
        "%7" PetscInt_FMT " %10" PetscInt_FMT " %10.3f %10.3f %10.1f %7" PetscInt_FMT
        " %9.4f %9.2e %10.3f %4" PetscInt_FMT " %10.3f %10.3f %9.3f",
        n, info.N, (double)info.build_seconds, (double)(info.setup_seconds - info.build_seconds),
        (double)info.storage / info.N, info.levels, (double)info.lambda_min, (double)info.shift,
        (double)info.factor_seconds, info.solve_columns, (double)info.solve_seconds,
        (double)info.subtract_seconds, (double)info.other_seconds));
    if (solve) {
      SolveRecord rec;
      PetscCall(SolveRun(&p, "hodlr", "hb_", PETSC_FALSE, &rec));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, " %7" PetscInt_FMT " %9.3f", rec.iterations,
                            (double)rec.solve_seconds));
      PetscCall(SolveRecordDestroy(&rec));
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));
    logN.push_back(std::log((double)info.N));
    logT.push_back(std::log((double)info.build_seconds));
    logS.push_back(std::log((double)info.setup_seconds));
    logF.push_back(std::log((double)info.factor_seconds));
    logV.push_back(std::log((double)info.solve_seconds));
    logB.push_back(std::log((double)info.subtract_seconds));
    PetscCall(ProblemDestroy(&p));
  }
  if (logN.size() >= 2) { // least-squares slope of log(time) against log(N)
    auto slope = [&](const std::vector<double> &y) {
      double mx = 0, my = 0, sxy = 0, sxx = 0;
      for (size_t k = 0; k < logN.size(); k++) {
        mx += logN[k] / logN.size();
        my += y[k] / logN.size();
      }
      for (size_t k = 0; k < logN.size(); k++) {
        sxy += (logN[k] - mx) * (y[k] - my);
        sxx += (logN[k] - mx) * (logN[k] - mx);
      }
      return sxy / sxx;
    };
    PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                          "fitted log-log slope vs N: build %.3f, build + definiteness check %.3f\n"
                          "  parts of the build: factor %.3f, solves %.3f, subtraction %.3f\n",
                          slope(logT), slope(logS), slope(logF), slope(logV), slope(logB)));
  }
  PetscFunctionReturn(0);
}

// Largest useful rank of the sweep (n = 32): the root's off-diagonal block is 512 x 512.
#define HODLR_BENCH_SWEEP_MAX_RANK 512

static PetscErrorCode Run(MPI_Comm comm, ResultsFile *)
{
  char       mode[32]         = "sweep", fixture[PETSC_MAX_PATH_LEN];
  char       sizes_text[1024] = "128,256,512,1024", ranks_text[1024] = "1,2,4,8,16,32";
  PetscInt64 sizes[16], ranks[16];
  PetscInt   nsizes = 0, nranks = 0, rank = 8;
  PetscBool  solve = PETSC_FALSE, check = PETSC_TRUE;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(fixture, HODLR_FIXTURES_DIR "/a_n32_seed42_const.h5", sizeof(fixture)));
  PetscOptionsBegin(comm, NULL, "hodlr_bench options", NULL);
  PetscCall(PetscOptionsString("-mode", "sweep | scaling", NULL, mode, mode, sizeof(mode), NULL));
  PetscCall(PetscOptionsString("-fixture", "Fixture with b (sweep)", NULL, fixture, fixture,
                               sizeof(fixture), NULL));
  PetscCall(PetscOptionsString("-sizes", "Grid sizes n (scaling)", NULL, sizes_text, sizes_text,
                               sizeof(sizes_text), NULL));
  PetscCall(PetscOptionsString("-ranks", "Ranks (sweep)", NULL, ranks_text, ranks_text,
                               sizeof(ranks_text), NULL));
  PetscCall(PetscOptionsInt("-rank", "Rank (scaling)", NULL, rank, &rank, NULL));
  PetscCall(PetscOptionsBool("-solve", "Scaling: also run CG", NULL, solve, &solve, NULL));
  PetscCall(PetscOptionsBool("-check", "Scaling: definiteness check in the setup", NULL, check,
                             &check, NULL));
  PetscOptionsEnd();
  // Every value is checked before any work (a typo must not cost a multi-minute study).
  const PetscBool sweep = (PetscBool)!strcmp(mode, "sweep");
  PetscCheck(sweep || !strcmp(mode, "scaling"), comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown -mode '%s' (known: sweep, scaling)", mode);
  if (sweep) {
    PetscCall(ParseIntegerList(comm, "-ranks", ranks_text, ranks, 16, &nranks));
    for (PetscInt k = 0; k < nranks; k++)
      PetscCheck(ranks[k] >= 1 && ranks[k] <= HODLR_BENCH_SWEEP_MAX_RANK, comm,
                 PETSC_ERR_ARG_OUTOFRANGE,
                 "-ranks values must be in [1, %d] (at n = 32 the largest off-diagonal block is "
                 "512 x 512), got %" PetscInt64_FMT,
                 HODLR_BENCH_SWEEP_MAX_RANK, ranks[k]);
    PetscCall(Sweep(fixture, std::vector<PetscInt>(ranks, ranks + nranks)));
  } else {
    PetscCall(ParseIntegerList(comm, "-sizes", sizes_text, sizes, 16, &nsizes));
    for (PetscInt k = 0; k < nsizes; k++) PetscCall(ProblemCheckSize(comm, sizes[k], "-sizes"));
    PetscCheck(rank >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-rank must be at least 1, got %" PetscInt_FMT, rank);
    PetscCall(Scaling(std::vector<PetscInt>(sizes, sizes + nsizes), rank, solve, check));
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
