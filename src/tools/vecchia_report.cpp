// vecchia_report: the Vecchia-vs-IC(0) comparison of reports 10-11 on one problem
// (docs/vecchia.md): PCG iterations and kappa(M^{-1}A) for IC(0) (PETSc ICC, natural order),
// Vecchia from the exact covariance and, with -snapshots F.h5, Vecchia from the first N_s snapshots
// for every N_s of -counts; the regression coefficients of both on the grid. Written to HDF5 (group
// /vecchia); postprocess/plot_vecchia.py draws the figures.
//
// Sample run (the reference's b; snapshots from gmrf_sample):
//   build/bin/gmrf_sample -sampler exact -snapshots 50000 -seed 6 -o snap.h5
//   build/bin/vecchia_report -rhs_file tests/data/a_n32_seed42_const.h5 -snapshots snap.h5
//   /usr/bin/python3 postprocess/plot_vecchia.py vecchia_report.h5
//
// Coefficients: Vecchia's c_W[k], c_S[k] (weights of u_k on its W and previous-row parents) and
// IC(0)'s successor weights -L_{k+1,k}/L_kk and -L_{k+n,k}/L_kk (REPORTS.md §11.2), which by
// the 180-degree symmetry of the constant operator are the same comparison; they are stored at
// the rotated node N-1-k, so both maps show the weight on the "W" and "S" neighbour of a node.
// IC(0)'s factor is the recurrence of §11.1 on the 5-point pattern (the one PETSc's ICC(0)
// computes in natural order).
static const char help[] =
    "Vecchia against IC(0): iterations, kappa and coefficients (reports 10-11).\n\n"
    "  -problem <name>     constant (default), variable or rod; -n, -rhs_file ... as "
    "poisson_solve\n"
    "  -snapshots <F.h5>   snapshot file for the snapshot fits (optional)\n"
    "  -counts <N,...>     snapshot counts (default 2000,10000,50000; at most the file's)\n"
    "  -o <F.h5>           output (default vecchia_report.h5)\n\n";

#include <petscksp.h>
#include <petscviewerhdf5.h>

#include <string>
#include <vector>

#include "core/temp_files.h"
#include "preconditioners/vecchia/vecchia.h"
#include "problems/problem.h"
#include "runtime/app.h"
#include "solve/protocol.h"
#include "spectra/spectra.h"

namespace {

struct Row {
  std::string label;
  PetscInt    snapshots; // -1 IC(0), 0 exact
  PetscInt    iterations;
  PetscReal   kappa;
};

// One PCG solve with the protocol and kappa of M^{-1}A; `setpc` configures the PC.
template <class F> PetscErrorCode Measure(const Problem *p, const char *label, F setpc, Row *row)
{
  KSP            ksp;
  PC             pc;
  Vec            x;
  SpectrumResult res;

  PetscFunctionBeginUser;
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)p->A), &ksp));
  PetscCall(KSPSetOperators(ksp, p->Aop, p->A));
  PetscCall(KSPSetSolveProtocol(ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(setpc(pc));
  PetscCall(KSPSetUp(ksp));
  PetscCall(VecDuplicate(p->b, &x));
  PetscCall(KSPSolve(ksp, p->b, x));
  PetscCall(KSPGetIterationNumber(ksp, &row->iterations));
  PetscCall(SpectrumOfPreconditioned(p->A, ksp, label, PETSC_FALSE, &res));
  row->kappa = res.kappa;
  row->label = label;
  PetscCall(VecDestroy(&x));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(0);
}

PetscErrorCode WriteVector(PetscViewer v, const char *name, const std::vector<PetscReal> &x)
{
  Vec w;

  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, (PetscInt)x.size(), &w));
  for (size_t k = 0; k < x.size(); k++) PetscCall(VecSetValue(w, (PetscInt)k, x[k], INSERT_VALUES));
  PetscCall(VecAssemblyBegin(w));
  PetscCall(VecAssemblyEnd(w));
  PetscCall(PetscObjectSetName((PetscObject)w, name));
  PetscCall(VecView(w, v));
  PetscCall(VecDestroy(&w));
  PetscFunctionReturn(0);
}

// IC(0) on the 5-point pattern in natural order (§11.1) from the operator gathered on rank 0;
// IC(0)'s successor weights stored at the rotated node (see the header comment).
PetscErrorCode IC0Weights(Mat A, PetscInt rows, PetscInt cols, std::vector<PetscReal> *w_w,
                          std::vector<PetscReal> *w_s)
{
  const PetscInt N = rows * cols;
  IS             is;
  Mat           *sub;

  PetscFunctionBeginUser;
  PetscCall(ISCreateStride(PETSC_COMM_SELF, N, 0, 1, &is));
  PetscCall(MatCreateSubMatrices(A, 1, &is, &is, MAT_INITIAL_MATRIX, &sub));
  std::vector<PetscReal> d(N), lw(N, 0.0), ls(N, 0.0); // L_kk, L_{k,k-1}, L_{k,k-cols}
  for (PetscInt k = 0; k < N; k++) {
    PetscScalar akk, aw = 0.0, as = 0.0;
    PetscCall(MatGetValues(sub[0], 1, &k, 1, &k, &akk));
    if (k % cols) {
      const PetscInt c = k - 1;
      PetscCall(MatGetValues(sub[0], 1, &k, 1, &c, &aw));
      lw[k] = PetscRealPart(aw) / d[k - 1];
    }
    if (k >= cols) {
      const PetscInt c = k - cols;
      PetscCall(MatGetValues(sub[0], 1, &k, 1, &c, &as));
      ls[k] = PetscRealPart(as) / d[k - cols];
    }
    const PetscReal piv = PetscRealPart(akk) - lw[k] * lw[k] - ls[k] * ls[k];
    PetscCheck(piv > 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "IC(0) breaks down at row %" PetscInt_FMT, k);
    d[k] = PetscSqrtReal(piv);
  }
  w_w->assign(N, 0.0);
  w_s->assign(N, 0.0);
  for (PetscInt k = 0; k < N; k++) {
    if ((k + 1) % cols) (*w_w)[N - 1 - k] = -lw[k + 1] / d[k];
    if (k + cols < N) (*w_s)[N - 1 - k] = -ls[k + cols] / d[k];
  }
  PetscCall(MatDestroySubMatrices(1, &sub));
  PetscCall(ISDestroy(&is));
  PetscFunctionReturn(0);
}

PetscErrorCode Run(MPI_Comm comm, ResultsFile *)
{
  ProblemOptions popts;
  Problem        p;
  char           problem[POISSON_NAME_LEN] = "constant", snap[PETSC_MAX_PATH_LEN] = "",
       counts_text[256] = "2000,10000,50000", out[PETSC_MAX_PATH_LEN] = "vecchia_report.h5";
  PetscBool              has_snap;
  PetscInt64             counts[16];
  PetscInt               ncounts = 0, rows = 0, cols = 0;
  std::vector<Row>       table;
  std::vector<PetscReal> cw, cs, d2, iw, is;
  PetscMPIInt            rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscOptionsBegin(comm, NULL, "vecchia_report options", NULL);
  PetscCall(
      PetscOptionsString("-problem", "Problem", NULL, problem, problem, sizeof(problem), NULL));
  PetscCall(
      PetscOptionsString("-snapshots", "Snapshot file", NULL, snap, snap, sizeof(snap), &has_snap));
  PetscCall(PetscOptionsString("-counts", "Snapshot counts", NULL, counts_text, counts_text,
                               sizeof(counts_text), NULL));
  PetscCall(PetscOptionsString("-o", "Output file", NULL, out, out, sizeof(out), NULL));
  PetscOptionsEnd();
  PetscCall(ParseIntegerList(comm, "-counts", counts_text, counts, 16, &ncounts));
  PetscCall(TempFilesInstallSignalCleanup());
  PetscCall(ProblemOptionsFromCommandLine(comm, problem, &popts));
  PetscCall(ProblemCreate(comm, &popts, &p));

  Row row;
  PetscCall(Measure(
      &p, "ic0",
      [](PC pc) -> PetscErrorCode {
        KSP inner;
        PC  ipc;
        PetscFunctionBeginUser;
        PetscCall(PCSetType(pc, PCREDUNDANT));
        PetscCall(PCRedundantGetKSP(pc, &inner));
        PetscCall(KSPGetPC(inner, &ipc));
        PetscCall(PCSetType(ipc, PCICC));
        PetscCall(PCFactorSetLevels(ipc, 0));
        PetscCall(PCFactorSetMatOrderingType(ipc, MATORDERINGNATURAL));
        PetscFunctionReturn(0);
      },
      &row));
  row.snapshots = -1;
  table.push_back(row);
  PetscCall(Measure(
      &p, "exact",
      [&](PC pc) -> PetscErrorCode {
        PetscFunctionBeginUser;
        PetscCall(PCSetType(pc, "vecchia"));
        PetscCall(PCSetUp(pc));
        const PetscReal *a, *b, *c;
        PetscCall(PCVecchiaGetFactor(pc, &rows, &cols, &a, &b, &c));
        cw.assign(a, a + rows * cols);
        cs.assign(b, b + rows * cols);
        d2.assign(c, c + rows * cols);
        PetscFunctionReturn(0);
      },
      &row));
  row.snapshots = 0;
  table.push_back(row);
  for (PetscInt q = 0; has_snap && q < ncounts; q++) {
    const std::string label = "snapshots_" + std::to_string((long long)counts[q]);
    PetscCall(Measure(
        &p, label.c_str(),
        [&](PC pc) -> PetscErrorCode {
          PetscFunctionBeginUser;
          PetscCall(PCSetType(pc, "vecchia"));
          PetscCall(PCVecchiaSetSnapshots(pc, snap, (PetscInt)counts[q]));
          PetscFunctionReturn(0);
        },
        &row));
    row.snapshots = (PetscInt)counts[q];
    table.push_back(row);
  }
  PetscCall(IC0Weights(p.A, rows, cols, &iw, &is));

  PetscCall(PetscPrintf(comm, "vecchia_report: problem %s, n = %" PetscInt_FMT "\n%-20s %6s %10s\n",
                        problem, popts.n, "preconditioner", "its", "kappa"));
  for (const Row &r : table)
    PetscCall(PetscPrintf(comm, "%-20s %6" PetscInt_FMT " %10.4f\n", r.label.c_str(), r.iterations,
                          (double)r.kappa));
  const PetscInt c = (rows / 2) * cols + cols / 2;
  PetscCall(PetscPrintf(comm, "centre node: Vecchia c_W = %.4f, c_S = %.4f; IC(0) %.4f, %.4f\n",
                        (double)cw[c], (double)cs[c], (double)iw[c], (double)is[c]));
  if (rank == 0) {
    char                   tmp[PETSC_MAX_PATH_LEN + 64];
    PetscViewer            v;
    std::vector<PetscReal> ns, its, kappa;
    for (const Row &r : table) {
      ns.push_back((PetscReal)r.snapshots);
      its.push_back((PetscReal)r.iterations);
      kappa.push_back(r.kappa);
    }
    PetscCall(TempFileName(out, tmp, sizeof(tmp)));
    PetscCall(TempFileRegister(tmp));
    PetscCall(PetscViewerHDF5Open(PETSC_COMM_SELF, tmp, FILE_MODE_WRITE, &v));
    PetscCall(PetscViewerHDF5PushGroup(v, "/vecchia"));
    PetscCall(WriteVector(v, "snapshots", ns)); // -1: IC(0), 0: exact covariance
    PetscCall(WriteVector(v, "iterations", its));
    PetscCall(WriteVector(v, "kappa", kappa));
    PetscCall(WriteVector(v, "c_w", cw));
    PetscCall(WriteVector(v, "c_s", cs));
    PetscCall(WriteVector(v, "d2", d2));
    PetscCall(WriteVector(v, "ic0_w", iw));
    PetscCall(WriteVector(v, "ic0_s", is));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/vecchia", "rows", PETSC_INT, &rows));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/vecchia", "cols", PETSC_INT, &cols));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/vecchia", "problem", PETSC_STRING, problem));
    PetscCall(PetscViewerHDF5WriteAttribute(v, "/vecchia", "snapshot_file", PETSC_STRING, snap));
    PetscCall(PetscViewerHDF5PopGroup(v));
    PetscCall(PetscViewerDestroy(&v));
    PetscCheck(!std::rename(tmp, out), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
               "cannot rename '%s' to '%s'", tmp, out);
    TempFileForget(tmp);
  }
  PetscCall(PetscPrintf(comm, "wrote %s\n", out));
  PetscCall(ProblemDestroy(&p));
  PetscFunctionReturn(0);
}

} // namespace

int main(int argc, char **argv)
{
  return PoissonMain(argc, argv, help, Run);
}
