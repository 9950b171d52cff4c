// PC type "npo": the neural preconditioning operator applied to PETSc vectors
// (options and modes in npo.h; the network itself in npo_net.cpp).
//
// Sample runs (canonical problem, reference network):
//   poisson_solve -problem constant -rhs file -rhs_file tests/data/a_n32_seed42_const.h5
//                 -methods npo_fcg,npo_cg            (FCG(1): 30 iterations; CG: stalls)
//   mpirun -n 4 poisson_solve ... -methods npo_fcg   (gathered to rank 0: the same 30)
//   ... -ksp_type fcg -ksp_fcg_mmax 1 -pc_type bjacobi -sub_pc_type npo   (per-strip network)
#include <petsc/private/pcimpl.h>
#include <petscdmda.h>
#include <unistd.h>

#include <string>

#include "preconditioners/npo/npo.h"
#include "preconditioners/npo/npo_gemm.h"

#include "core/grid_shape.h"
#include "preconditioners/npo/npo_net.h"

#ifndef NPO_DEFAULT_CHECKPOINT
#define NPO_DEFAULT_CHECKPOINT ""
#endif

typedef struct {
  char     checkpoint[PETSC_MAX_PATH_LEN]; // requested file
  char     loaded[PETSC_MAX_PATH_LEN];     // file `net` was read from
  PetscInt threads;                        // libtorch intra-op threads
  PetscInt grid_width;                     // -pc_npo_grid_width, 0 = infer
  PetscInt input_grid;                     // -pc_npo_input_grid, -1 = the checkpoint's
  PetscInt file_input_grid;                // the loaded checkpoint's input_grid
  char     impl[16];                       // -pc_npo_impl: native (default) or torch
  NpoNet   net;

  // Field shape seen by the network on the applying process, and how it was found.
  PetscInt    rows, cols;
  const char *shape_source;
  // Gather mode (more than one process): natural-order field on rank 0.
  PetscBool   gather;
  PetscMPIInt size;
  DM          da;      // set when the DMDA's global order differs from its natural order
  Vec         natural; // natural-order copy of the input/output (when da is set)
  VecScatter  to_zero; // global (or natural) vector -> sequential copy on rank 0
  Vec         seq_in, seq_out;

  PetscInt       napply;
  PetscLogDouble tapply;
} PC_Npo;

// rows x cols of the field, in the order the network reads it (row-major, cols fastest).
static PetscErrorCode NpoFieldShape(PC pc, PC_Npo *npo)
{
  GridShape shape;

  PetscFunctionBegin;
  PetscCall(GridShapeFromPC(pc, npo->grid_width, "-pc_npo_grid_width", &shape));
  // DMDA global order equals the natural order only when x is not split (strips).
  npo->da           = shape.da && shape.da_procs_x > 1 ? shape.da : NULL;
  npo->shape_source = shape.source;
  npo->cols         = shape.cols;
  npo->rows         = shape.rows;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCReset_Npo(PC pc)
{
  PC_Npo *npo = (PC_Npo *)pc->data;

  PetscFunctionBegin;
  PetscCall(VecScatterDestroy(&npo->to_zero));
  PetscCall(VecDestroy(&npo->seq_in));
  PetscCall(VecDestroy(&npo->seq_out));
  PetscCall(VecDestroy(&npo->natural));
  npo->da = NULL;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetUp_Npo(PC pc)
{
  PC_Npo  *npo  = (PC_Npo *)pc->data;
  MPI_Comm comm = PetscObjectComm((PetscObject)pc);

  PetscFunctionBegin;
  PetscCall(NpoSetThreads(npo->threads));
  if (npo->net && strcmp(npo->loaded, npo->checkpoint)) PetscCall(NpoNetDestroy(&npo->net));
  if (!npo->net) {
    PetscBool is_default = (PetscBool)!strcmp(npo->checkpoint, NPO_DEFAULT_CHECKPOINT);
    PetscCheck(npo->checkpoint[0], comm, PETSC_ERR_USER_INPUT,
               "PC npo needs a network: give -pc_npo_checkpoint FILE");
    PetscCheck(!is_default || access(npo->checkpoint, R_OK) == 0, comm, PETSC_ERR_FILE_OPEN,
               "the default NPO checkpoint %s (the network shipped in models/) is missing; give "
               "-pc_npo_checkpoint FILE",
               npo->checkpoint);
    PetscCall(NpoNetLoad(comm, npo->checkpoint, &npo->net));
    PetscCall(PetscStrncpy(npo->loaded, npo->checkpoint, sizeof(npo->loaded)));
    NpoNetInfo info;
    PetscCall(NpoNetGetInfo(npo->net, &info));
    npo->file_input_grid = info.input_grid;
  }
  PetscCall(
      NpoNetSetInputGrid(npo->net, npo->input_grid >= 0 ? npo->input_grid : npo->file_input_grid));
  PetscCall(NpoNetSetImplementation(npo->net, npo->impl));

  PetscCall(PCReset_Npo(pc));
  PetscCall(NpoFieldShape(pc, npo));
  {
    // One application must fit in memory (rank 0's in gather mode): refused here, on every
    // process, rather than failing inside the solve.
    NpoNetInfo info;
    char       what[256];
    PetscCall(NpoNetGetInfo(npo->net, &info));
    PetscCall(PetscSNPrintf(what, sizeof(what),
                            "PC npo: one application of the network to the %" PetscInt_FMT
                            " x %" PetscInt_FMT " field",
                            npo->rows, npo->cols));
    PetscCall(NpoCheckMemory(comm, PETSC_ERR_ARG_OUTOFRANGE,
                             NpoForwardBytes(&info.hp, 1, npo->rows, npo->cols), what));
  }
  PetscCallMPI(MPI_Comm_size(comm, &npo->size));
  npo->gather = (PetscBool)(npo->size > 1);
  if (npo->gather) {
    Vec x;
    PetscCall(MatCreateVecs(pc->pmat, &x, NULL));
    if (npo->da) {
      PetscCall(DMDACreateNaturalVector(npo->da, &npo->natural));
      PetscCall(VecScatterCreateToZero(npo->natural, &npo->to_zero, &npo->seq_in));
    } else {
      PetscCall(VecScatterCreateToZero(x, &npo->to_zero, &npo->seq_in));
    }
    PetscCall(VecDuplicate(npo->seq_in, &npo->seq_out));
    PetscCall(VecDestroy(&x));
  } else {
    PetscInt n;
    PetscCall(MatGetLocalSize(pc->pmat, &n, NULL));
    PetscCheck(n == npo->rows * npo->cols, comm, PETSC_ERR_ARG_SIZ, "PC npo: field size mismatch");
  }
  PetscFunctionReturn(0);
}

// z = M(r) on the calling process's array; timed.
static PetscErrorCode NpoApplyArray(PC_Npo *npo, Vec in, Vec out)
{
  const PetscScalar *r;
  PetscScalar       *z;
  PetscLogDouble     t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  PetscCall(VecGetArrayRead(in, &r));
  PetscCall(VecGetArrayWrite(out, &z));
  PetscCall(NpoNetApply(npo->net, npo->rows, npo->cols, r, z));
  PetscCall(VecRestoreArrayWrite(out, &z));
  PetscCall(VecRestoreArrayRead(in, &r));
  PetscCall(PetscTime(&t1));
  npo->napply++;
  npo->tapply += t1 - t0;
  PetscFunctionReturn(0);
}

static PetscErrorCode PCApply_Npo(PC pc, Vec x, Vec y)
{
  PC_Npo *npo = (PC_Npo *)pc->data;

  PetscFunctionBegin;
  if (!npo->gather) {
    PetscCall(NpoApplyArray(npo, x, y));
    PetscFunctionReturn(0);
  }
  MPI_Comm    comm = PetscObjectComm((PetscObject)pc);
  PetscMPIInt rank;
  int         failed = 0;
  Vec         src = x, dst = y;

  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (npo->da) {
    PetscCall(DMDAGlobalToNaturalBegin(npo->da, x, INSERT_VALUES, npo->natural));
    PetscCall(DMDAGlobalToNaturalEnd(npo->da, x, INSERT_VALUES, npo->natural));
    src = dst = npo->natural;
  }
  PetscCall(VecScatterBegin(npo->to_zero, src, npo->seq_in, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(npo->to_zero, src, npo->seq_in, INSERT_VALUES, SCATTER_FORWARD));
  // Only rank 0 runs the network; a failure there must not leave the others in the scatter.
  // Rank 0 has reported its error; the others raise the same code without a second message
  // line (the error handler prints user errors on rank 0 of the communicator only).
  PetscErrorCode ierr = 0;
  if (!rank) ierr = NpoApplyArray(npo, npo->seq_in, npo->seq_out);
  failed = (int)ierr;
  PetscCallMPI(MPI_Bcast(&failed, 1, MPI_INT, 0, comm));
  if (!rank) PetscCall(ierr);
  PetscCheck(!failed, comm, (PetscErrorCode)failed,
             "PC npo: the network application failed on rank 0");
  PetscCall(VecScatterBegin(npo->to_zero, npo->seq_out, dst, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(npo->to_zero, npo->seq_out, dst, INSERT_VALUES, SCATTER_REVERSE));
  if (npo->da) {
    PetscCall(DMDANaturalToGlobalBegin(npo->da, npo->natural, INSERT_VALUES, y));
    PetscCall(DMDANaturalToGlobalEnd(npo->da, npo->natural, INSERT_VALUES, y));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PCSetFromOptions_Npo(PC pc, PetscOptionItems *PetscOptionsObject)
{
  PC_Npo *npo = (PC_Npo *)pc->data;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "NPO (neural preconditioning operator) options");
  PetscCall(PetscOptionsString(
      "-pc_npo_checkpoint", "NPO checkpoint: project format or the reference's npo_weights.h5",
      "PCNpoSetCheckpoint", npo->checkpoint, npo->checkpoint, sizeof(npo->checkpoint), NULL));
  PetscCall(PetscOptionsBoundedInt("-pc_npo_threads",
                                   "libtorch and oneDNN threads per process (at most the cores)",
                                   "torch::set_num_threads", npo->threads, &npo->threads, NULL, 1));
  PetscCall(PetscOptionsBoundedInt(
      "-pc_npo_grid_width", "Fast-axis length of the field (0: from the DMDA or the stencil)", "",
      npo->grid_width, &npo->grid_width, NULL, 0));
  PetscCall(PetscOptionsInt(
      "-pc_npo_input_grid",
      "Input normalisation grid n0: the network sees r/||r|| times sqrt(N)/n0 (0: unit norm as "
      "in the reference; -1: the checkpoint's own)",
      "NpoNetSetInputGrid", npo->input_grid, &npo->input_grid, NULL));
  PetscCall(PetscOptionsString("-pc_npo_impl",
                               "Forward pass: native (oneDNN sgemm and convolution, AVX kernels, "
                               "no libtorch dispatch) or torch (the libtorch module); the same "
                               "network to rounding",
                               "NpoNetSetImplementation", npo->impl, npo->impl, sizeof(npo->impl),
                               NULL));
  PetscOptionsHeadEnd();
  const char *prefix;
  PetscCall(PCGetOptionsPrefix(pc, &prefix));
  PetscCheck(npo->threads <= NpoMaxThreads(), PetscObjectComm((PetscObject)pc),
             PETSC_ERR_ARG_OUTOFRANGE,
             "-%spc_npo_threads %" PetscInt_FMT " exceeds the %" PetscInt_FMT
             " cores of this machine (libtorch threads beyond the cores only oversubscribe them)",
             prefix ? prefix : "", npo->threads, NpoMaxThreads());
  PetscCheck(!strcmp(npo->impl, "native") || !strcmp(npo->impl, "torch"),
             PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_WRONG,
             "-%spc_npo_impl must be native or torch, got %s", prefix ? prefix : "", npo->impl);
  PetscCheck(npo->input_grid >= -1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE,
             "-%spc_npo_input_grid must be a grid size n0 > 0, 0 (unit-norm input) or -1 (the "
             "checkpoint's own), got %" PetscInt_FMT,
             prefix ? prefix : "", npo->input_grid);
  PetscFunctionReturn(0);
}

static PetscErrorCode PCView_Npo(PC pc, PetscViewer viewer)
{
  PC_Npo   *npo = (PC_Npo *)pc->data;
  PetscBool ascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &ascii));
  if (!ascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(viewer,
                                   "  NPO neural preconditioning operator (arXiv:2502.01337): "
                                   "z = (||r||/s) net(s r/||r||) in float32, z = 0 for r = 0\n"));
  if (!npo->net) {
    PetscCall(
        PetscViewerASCIIPrintf(viewer, "  checkpoint %s (not loaded yet)\n", npo->checkpoint));
    PetscFunctionReturn(0);
  }
  NpoNetInfo info;
  PetscCall(NpoNetGetInfo(npo->net, &info));
  PetscCall(PetscViewerASCIIPrintf(
      viewer,
      "  architecture: 1x1 lift [r, x, y] -> %" PetscInt_FMT
      ", 3x3 pre/post relaxation, %" PetscInt_FMT " learned coarse queries, %" PetscInt_FMT
      "-head restriction / coarse self-attention / prolongation, FFN %" PetscInt_FMT
      " -> %" PetscInt_FMT " -> %" PetscInt_FMT ", 1x1 projection\n",
      info.hp.width, info.hp.num_coarse, info.hp.num_heads, info.hp.width,
      info.hp.ffn_mult * info.hp.width, info.hp.width));
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  parameters: %" PetscInt_FMT ", checksum (FNV-1a 64) %016llx\n", info.num_params,
      info.checksum));
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  checkpoint: %s (%s format), trained on n = %" PetscInt_FMT "\n", info.path,
      info.format, info.train_grid));
  if (info.input_grid > 0)
    PetscCall(PetscViewerASCIIPrintf(
        viewer,
        "  input normalisation: resolution-consistent, s = sqrt(N)/%" PetscInt_FMT
        " = %g here (z = (||r||/s) net(s r/||r||))\n",
        info.input_grid, (double)NpoNetInputScale(npo->net, npo->rows, npo->cols)));
  else
    PetscCall(
        PetscViewerASCIIPrintf(viewer, "  input normalisation: unit norm (as the reference)\n"));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  provenance: %s\n", info.provenance));
  const bool native = !strcmp(NpoNetGetImplementation(npo->net), "native");
  PetscCall(PetscViewerASCIIPrintf(
      viewer, "  forward pass: %s%s%s%s; libtorch %s, threads %" PetscInt_FMT "\n",
      NpoNetGetImplementation(npo->net), native ? " (" : "",
      native ? NpoGemmDescription().c_str() : "", native ? ")" : "", NpoLibtorchVersion(),
      npo->threads));
  if (npo->gather)
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  mode: gather -- the %" PetscInt_FMT " x %" PetscInt_FMT
                                     " field is gathered to rank 0 of %d (natural order), the "
                                     "network applied there, the result scattered back\n",
                                     npo->rows, npo->cols, npo->size));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  mode: local -- the network is applied to this process's "
                                     "%" PetscInt_FMT " x %" PetscInt_FMT " field\n",
                                     npo->rows, npo->cols));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  field shape from: %s\n", npo->shape_source));
  if (npo->napply)
    PetscCall(PetscViewerASCIIPrintf(viewer, "  applications: %" PetscInt_FMT ", %.3g ms each\n",
                                     npo->napply, 1e3 * npo->tapply / npo->napply));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNpoSetCheckpoint_Npo(PC pc, const char *path)
{
  PC_Npo *npo = (PC_Npo *)pc->data;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(npo->checkpoint, path, sizeof(npo->checkpoint)));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCNpoGetApplyStats_Npo(PC pc, PetscInt *count, PetscLogDouble *seconds)
{
  PC_Npo *npo = (PC_Npo *)pc->data;

  PetscFunctionBegin;
  if (count) *count = npo->napply;
  if (seconds) *seconds = npo->tapply;
  PetscFunctionReturn(0);
}

PetscErrorCode PCNpoSetCheckpoint(PC pc, const char *path)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCNpoSetCheckpoint_C", (PC, const char *), (pc, path));
  PetscFunctionReturn(0);
}

PetscErrorCode PCNpoGetApplyStats(PC pc, PetscInt *count, PetscLogDouble *seconds)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  if (count) *count = 0;
  if (seconds) *seconds = 0;
  PetscTryMethod(pc, "PCNpoGetApplyStats_C", (PC, PetscInt *, PetscLogDouble *),
                 (pc, count, seconds));
  PetscFunctionReturn(0);
}

static PetscErrorCode PCDestroy_Npo(PC pc)
{
  PC_Npo *npo = (PC_Npo *)pc->data;

  PetscFunctionBegin;
  PetscCall(PCReset_Npo(pc));
  PetscCall(NpoNetDestroy(&npo->net));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCNpoSetCheckpoint_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCNpoGetApplyStats_C", NULL));
  PetscCall(PetscFree(pc->data));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode PCCreate_Npo(PC pc)
{
  PC_Npo *npo;

  PetscFunctionBegin;
  PetscCall(PetscNew(&npo));
  PetscCall(PetscStrncpy(npo->checkpoint, NPO_DEFAULT_CHECKPOINT, sizeof(npo->checkpoint)));
  npo->threads = 1;
  PetscCall(PetscStrncpy(npo->impl, "native", sizeof(npo->impl)));
  npo->input_grid   = -1;
  npo->shape_source = "";
  pc->data          = npo;

  pc->ops->setup          = PCSetUp_Npo;
  pc->ops->apply          = PCApply_Npo;
  pc->ops->reset          = PCReset_Npo;
  pc->ops->destroy        = PCDestroy_Npo;
  pc->ops->setfromoptions = PCSetFromOptions_Npo;
  pc->ops->view           = PCView_Npo;
  PetscCall(
      PetscObjectComposeFunction((PetscObject)pc, "PCNpoSetCheckpoint_C", PCNpoSetCheckpoint_Npo));
  PetscCall(
      PetscObjectComposeFunction((PetscObject)pc, "PCNpoGetApplyStats_C", PCNpoGetApplyStats_Npo));
  PetscFunctionReturn(0);
}
