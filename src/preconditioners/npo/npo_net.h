// The NPO network behind an opaque handle, so that the rest of the project (the PC, the
// tests, the tools) never includes libtorch: only npo_net.cpp does.
//
// Network (docs/npo.md; after Li, Xiao, Lai & Wang, arXiv:2502.01337, Sec. 3.4): for a
// field r of shape rows x cols (row-major, the fast axis is cols),
//   v  = lift([r, x, y])                     1x1 conv, 3 -> C channels; x = linspace(0,1,rows)
//                                             along the slow axis, y = linspace(0,1,cols)
//   v += ReLU(pre_relax(v))                  3x3 conv, zero padding
//   t  = tokens of v                         (rows*cols) x C
//   c  = MHA(Q, LN_r(t), LN_r(t))            restriction: m learned queries Q (Eq. 11-12)
//   c += MHA(LN_a(c), LN_a(c), LN_a(c))      coarse self-attention (Eq. 13-14)
//   c += FFN(LN_f(c))
//   t += MHA(LN_p(t), LN_cp(c), LN_cp(c))    prolongation, coarse-grid correction (Eq. 15)
//   t += FFN(LN_ff(t))
//   v += ReLU(post_relax(grid of t))         3x3 conv
//   z  = proj(v)                             1x1 conv, C -> 1
// with FFN = Linear(C, ffn_mult C), ReLU, Linear(ffn_mult C, C) and 4-head attention.
// The network has no fixed grid size: any rows x cols field is accepted.
#pragma once
#include <petscsys.h>

#include <exception>
#include <string>

typedef struct {
  PetscInt width;      // feature width C
  PetscInt num_coarse; // number m of learned coarse queries
  PetscInt num_heads;  // attention heads (must divide width)
  PetscInt ffn_mult;   // hidden width of the feed-forward blocks = ffn_mult * width
} NpoHyperparameters;

typedef struct _n_NpoNet *NpoNet;

typedef struct {
  NpoHyperparameters hp;
  PetscInt           num_params; // number of trainable values
  PetscInt           train_grid; // n of the n x n grid the weights were trained on (0: unknown)
  PetscInt           input_grid; // input normalisation grid n0 (0: unit norm), see NpoNetApply
  const char        *format;     // "poisson-npo" (project) or "reference-state_dict"
  const char        *path;       // file it was loaded from ("" when created in memory)
  const char        *provenance; // free text: origin, training, conversion history
  unsigned long long checksum;   // FNV-1a 64 of the float32 weights in name order
} NpoNetInfo;

// A network of the given hyperparameters with libtorch's default initialisation (seeded).
PetscErrorCode NpoNetCreate(MPI_Comm comm, const NpoHyperparameters *hp, PetscInt seed,
                            NpoNet *net);
// Reads either checkpoint format (told apart by contents, see npo_checkpoint.h). Every
// process of comm reads the file and raises the same error: PETSC_ERR_FILE_OPEN for a
// missing/unreadable file, PETSC_ERR_FILE_UNEXPECTED for a truncated file, another layout,
// another architecture, wrong shapes or non-finite weights.
PetscErrorCode NpoNetLoad(MPI_Comm comm, const char *path, NpoNet *net);
// Writes the network in the project's checkpoint format (rank 0 of comm writes; temp file
// then rename). train_grid and provenance are stored with it.
PetscErrorCode NpoNetSave(MPI_Comm comm, NpoNet net, const char *path);
PetscErrorCode NpoNetSetProvenance(NpoNet net, PetscInt train_grid, const char *provenance);
// Sets the input normalisation grid n0 (>= 0) used by NpoNetApply and NpoNetInputScale.
PetscErrorCode NpoNetSetInputGrid(NpoNet net, PetscInt input_grid);
PetscErrorCode NpoNetGetInfo(NpoNet net, NpoNetInfo *info);
PetscErrorCode NpoNetDestroy(NpoNet *net);

// The raw network on `batch` fields of rows x cols (each row-major), float32 inside:
// out[b] = net(float32(in[b])).
PetscErrorCode NpoNetForward(NpoNet net, PetscInt batch, PetscInt rows, PetscInt cols,
                             const PetscReal *in, PetscReal *out);
// The preconditioner M(r) = (||r||/s) net(s r/||r||), z = 0 for r = 0 (positively homogeneous
// of degree 1), with s = NpoNetInputScale(net, rows, cols).
//   input_grid n0 = 0 (the reference's wrapper, docs/npo.md): s = 1, the network sees unit-norm
//     input, whose entries shrink like 1/sqrt(N) as the grid is refined.
//   input_grid n0 > 0 (resolution-consistent): s = sqrt(rows cols)/n0, so the network sees
//     input of the same root-mean-square size on every grid as on the n0 x n0 grid (a smooth
//     field sampled on any grid looks the same to it). At rows = cols = n0, s = 1: the two
//     agree on the training grid, and only the transfer to other grids differs.
PetscErrorCode NpoNetApply(NpoNet net, PetscInt rows, PetscInt cols, const PetscReal *r,
                           PetscReal *z);
PetscReal      NpoNetInputScale(NpoNet net, PetscInt rows, PetscInt cols);

// Which forward pass NpoNetForward and NpoNetApply use: "native" (the default: BLAS sgemm on
// preallocated buffers, npo_native.h) or "torch" (the libtorch module, which training uses;
// kept as the reference implementation). Both are float32 and agree to rounding.
PetscErrorCode NpoNetSetImplementation(NpoNet net, const char *impl);
const char    *NpoNetGetImplementation(NpoNet net);

// Floating-point operations of one forward pass on a rows x cols field, counted from the
// layer shapes (matrix products only, a multiply-add = 2; see the formula in npo_net.cpp).
double NpoForwardFlops(const NpoHyperparameters *hp, PetscInt rows, PetscInt cols);
// The machine's practical single-core fp32 peak: the best flop rate (CPU time) of `reps`
// sgemm products of n x n matrices through the BLAS in use (OpenBLAS, one thread).
double NpoSgemmPeak(PetscInt n, PetscInt reps);

// libtorch intra-op threads of this process (torch::set_num_threads): 1 to NpoMaxThreads(),
// the number of cores of the machine (more only oversubscribes them; each thread costs memory).
PetscErrorCode NpoSetThreads(PetscInt threads);
PetscInt       NpoGetThreads(void);
PetscInt       NpoMaxThreads(void);

// Memory estimates, so that an impossible size is refused with a clear error before anything
// is allocated (instead of std::bad_alloc or the kernel's OOM killer):
// number of trainable values of a network (docs/npo.md: 50,465 for the reference's);
double NpoParameterCount(const NpoHyperparameters *hp);
// bytes a forward pass on `batch` fields of rows x cols needs at its peak (inference);
double NpoForwardBytes(const NpoHyperparameters *hp, PetscInt batch, PetscInt rows, PetscInt cols);
// memory the processes of comm may still allocate (minimum over comm; collective);
PetscErrorCode NpoAvailableMemory(MPI_Comm comm, double *bytes);
// raises `code` on comm, "<what> need about X GB of memory, more than the Y GB available on
// this machine", when bytes exceed the available memory. Below NPO_MEMORY_CHECK_THRESHOLD it
// returns at once (not collective then: every process of comm must pass the same bytes).
#define NPO_MEMORY_CHECK_THRESHOLD (256.0 * 1024 * 1024)
PetscErrorCode NpoCheckMemory(MPI_Comm comm, PetscErrorCode code, double bytes, const char *what);
std::string    NpoBytesText(double bytes); // "1.23 GB"

// A C++ exception (libtorch's c10::Error, std::bad_alloc, ...) as a PETSc error code and a
// one-line message: out of memory is PETSC_ERR_ARG_OUTOFRANGE ("too large for this
// machine"), anything else PETSC_ERR_USER_INPUT; both are reported as one error line.
PetscErrorCode NpoExceptionToError(const std::exception &e, std::string *message);
// Runs the statements; an exception they throw becomes that error on comm.
#define NpoCallCXX(comm, ...)                                                                      \
  do {                                                                                             \
    try {                                                                                          \
      __VA_ARGS__;                                                                                 \
    } catch (const std::exception &npo_exception_) {                                               \
      std::string          npo_message_;                                                           \
      const PetscErrorCode npo_code_ = NpoExceptionToError(npo_exception_, &npo_message_);         \
      SETERRQ(comm, npo_code_, "%s", npo_message_.c_str());                                        \
    }                                                                                              \
  } while (0)
