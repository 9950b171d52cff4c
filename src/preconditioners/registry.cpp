#include "preconditioners/registry.h"

#include <dlfcn.h>

#include <utility>

#include "preconditioners/adi/adi.h"
#include "preconditioners/dst/dst.h"
#include "preconditioners/gridhalves/gridhalves.h"
#include "preconditioners/hodlr/hodlr.h"
#include "preconditioners/nystrom/nystrom.h"
#include "preconditioners/twolevel/twolevel.h"
#include "preconditioners/vecchia/vecchia.h"

#ifndef POISSON_PC_NPO_PLUGIN
#define POISSON_PC_NPO_PLUGIN "libpoisson_pc_npo.so"
#endif
#ifndef POISSON_FFTW_VERSION
#define POISSON_FFTW_VERSION "unknown"
#endif
#ifndef POISSON_LIBTORCH_VERSION
#define POISSON_LIBTORCH_VERSION "unknown"
#endif

static const PetscBool T = PETSC_TRUE, F = PETSC_FALSE;

// One row per PC type: name, create function or plugin, symmetric, linear, library, summary.
static const PCRegistryEntry pc_types[] = {
    // The project's own types, one directory each under preconditioners/.
    {"nystrom", PCCreate_Nystrom, NULL, NULL, T, T, NULL,
     "randomized Nystrom low-rank preconditioner (Frangella, Tropp & Udell)"},
    {"hodlr", PCCreate_Hodlr, NULL, NULL, T, T, NULL,
     "hierarchical off-diagonal low-rank approximate inverse"},
    {"npo", NULL, POISSON_PC_NPO_PLUGIN, "PCCreate_Npo", F, F, "libtorch " POISSON_LIBTORCH_VERSION,
     "neural preconditioning operator (a trained network)"},
    {"dst", PCCreate_Dst, NULL, NULL, T, T, "FFTW " POISSON_FFTW_VERSION,
     "2-D sine transform: exact inverse of the constant 5-point operator"},
    {"adi", PCCreate_Adi, NULL, NULL, T, T, NULL,
     "Peaceman-Rachford ADI: tridiagonal solves along grid rows, then columns"},
    {"twolevel", PCCreate_Twolevel, NULL, NULL, T, T, NULL,
     "fine PC + exact Galerkin coarse correction (blocks/bilinear; additive, two-grid)"},
    {"vecchia", PCCreate_Vecchia, NULL, NULL, T, T, NULL,
     "IC(0)-pattern Vecchia factor G^T D^-2 G fitted to the exact covariance or to snapshots"},
    {"gridhalves", PCCreate_GridHalves, NULL, NULL, T, T, NULL,
     "block Jacobi on the two grid halves along x (columns) or y (rows), exact sub-solves"},
    // PETSc's own types, as the spectra tool must see them.
    {PCNONE, NULL, NULL, NULL, T, T, NULL, "identity"},
    {PCJACOBI, NULL, NULL, NULL, T, T, NULL, "diagonal scaling"},
    {PCPBJACOBI, NULL, NULL, NULL, T, T, NULL, "point-block diagonal"},
    // Forward or backward sweeps are nonsymmetric, symmetric sweeps symmetric: the spectra
    // tool reads the sweep type.
    {PCSOR, NULL, NULL, NULL, F, T, NULL, "SOR / Gauss-Seidel sweeps"},
    {PCICC, NULL, NULL, NULL, T, T, NULL, "incomplete Cholesky"},
    {PCCHOLESKY, NULL, NULL, NULL, T, T, NULL, "Cholesky factorisation"},
    {PCLU, NULL, NULL, NULL, T, T, NULL, "LU factorisation (exact, so M^{-1} = A^{-1})"},
    // PETSc's own ILU is symmetric on a symmetric pattern, external ones (SuperLU ILUTP) are
    // not: the spectra tool decides from the solver type.
    {PCILU, NULL, NULL, NULL, F, T, NULL, "incomplete LU"},
    {PCBJACOBI, NULL, NULL, NULL, T, T, NULL, "block Jacobi (symmetric if every block is)"},
    {PCREDUNDANT, NULL, NULL, NULL, T, T, NULL, "the inner PC on a gathered copy"},
    {PCGAMG, NULL, NULL, NULL, T, T, NULL, "smoothed-aggregation algebraic multigrid"},
    {PCHYPRE, NULL, NULL, NULL, T, T, NULL, "hypre BoomerAMG"},
    {PCKSP, NULL, NULL, NULL, F, F, NULL, "an inner Krylov solve (nonlinear)"},
};

// The create function of a plugin row, opened on first use. Lazy binding: libtorch has some
// 10^5 symbol relocations, resolved only when called.
static PetscErrorCode PluginCreateFunction(const PCRegistryEntry *e, PetscErrorCode (**create)(PC))
{
  const char *dir = getenv("POISSON_PLUGIN_DIR");
  char        path[PETSC_MAX_PATH_LEN];
  void       *handle;

  PetscFunctionBegin;
  if (dir && dir[0]) {
    const char *base = strrchr(e->plugin, '/');
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", dir, base ? base + 1 : e->plugin));
  } else
    PetscCall(PetscStrncpy(path, e->plugin, sizeof(path)));
  handle = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
  PetscCheck(handle, PETSC_COMM_SELF, PETSC_ERR_LIB,
             "PC type %s: cannot load its library '%s': %s (POISSON_PLUGIN_DIR moves it)", e->name,
             path, dlerror());
  *(void **)create = dlsym(handle, e->plugin_symbol);
  PetscCheck(*create, PETSC_COMM_SELF, PETSC_ERR_LIB, "PC type %s: '%s' has no symbol %s", e->name,
             path, e->plugin_symbol);
  PetscFunctionReturn(0);
}

// The create function registered for row I of a plugin: loads the plugin, then creates.
template <size_t I> static PetscErrorCode PCCreate_FromPlugin(PC pc)
{
  static PetscErrorCode (*create)(PC) = NULL;

  PetscFunctionBegin;
  if (!create) PetscCall(PluginCreateFunction(&pc_types[I], &create));
  PetscCall(create(pc));
  PetscFunctionReturn(0);
}

template <size_t... I> static PetscErrorCode RegisterRows(std::index_sequence<I...>)
{
  static PetscErrorCode (*const creates[])(PC) = {PCCreate_FromPlugin<I>...};

  PetscFunctionBegin;
  for (size_t k = 0; k < sizeof...(I); k++) {
    const PCRegistryEntry &e = pc_types[k];
    if (e.create)
      PetscCall(PCRegister(e.name, e.create));
    else if (e.plugin)
      PetscCall(PCRegister(e.name, creates[k]));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PCRegistryRegisterAll(void)
{
  static PetscBool done = PETSC_FALSE;

  PetscFunctionBegin;
  if (done) PetscFunctionReturn(0);
  PetscCall(RegisterRows(std::make_index_sequence<sizeof(pc_types) / sizeof(pc_types[0])>()));
  done = PETSC_TRUE;
  PetscFunctionReturn(0);
}

const PCRegistryEntry *PCRegistryFind(const char *type)
{
  if (!type) return NULL;
  for (const PCRegistryEntry &e : pc_types)
    if (!strcmp(e.name, type)) return &e;
  return NULL;
}

const PCRegistryEntry *PCRegistryRows(size_t *n)
{
  *n = sizeof(pc_types) / sizeof(pc_types[0]);
  return pc_types;
}
