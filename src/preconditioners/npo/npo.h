// PC type "npo": the neural preconditioning operator (docs/npo.md; Li, Xiao, Lai & Wang,
// arXiv:2502.01337) as a PETSc preconditioner, z = M(r) = (||r||/s) net(s r/||r||) in float32
// (s = 1 as in the reference, or s = sqrt(N)/n0 for a network with input grid n0: npo_net.h).
//
// M is nonlinear (ReLU, attention, the normalisation), so use it inside flexible CG:
//   -ksp_type fcg -ksp_fcg_mmax 1 -pc_type npo -pc_npo_checkpoint FILE
// Plain CG with it is the negative control (stalls; petsc_options/npo_cg.opts).
//
// Options:
//   -pc_npo_checkpoint FILE    project checkpoint or the reference's npo_weights.h5 export
//                              (default: models/npo_multires.h5, see CMakeLists.txt)
//   -pc_npo_input_grid n0      input normalisation grid (-1: the checkpoint's own; 0: unit norm)
//   -pc_npo_threads T          libtorch and oneDNN threads per process (default 1)
//   -pc_npo_grid_width W       fast-axis length of the field (default: the DMDA of the
//                              operator, else the stencil offset of its first row, else sqrt N)
//
// Modes: on one process the network is applied to the process's field; on P > 1 processes the
// field is gathered to rank 0 (natural ordering), the network applied there and the result
// scattered back. As a sub-PC (-pc_type bjacobi -sub_pc_type npo) each process applies the
// network to its own subdomain, a strip of rows x width.
//
// No libtorch in this header: the network lives behind npo_net.h.
#pragma once
#include <petscpc.h>

PETSC_EXTERN PetscErrorCode PCCreate_Npo(PC pc);

// Sets the checkpoint file (same as -pc_npo_checkpoint); no-op for other PC types.
PetscErrorCode PCNpoSetCheckpoint(PC pc, const char *path);
// Number of network applications and their total wall time (seconds) on this process.
PetscErrorCode PCNpoGetApplyStats(PC pc, PetscInt *count, PetscLogDouble *seconds);

// Version string of the libtorch this build links ("1.13.0").
const char *NpoLibtorchVersion(void);
