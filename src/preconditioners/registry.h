// The PC registry: one row per preconditioner type the project knows.
//
// The project's own types (nystrom, hodlr, npo, ...) carry a create function, or the shared
// library (plugin) that provides it: PCRegistryRegisterAll() registers them with PCRegister so
// that -pc_type nystrom, -sub_pc_type hodlr work in any KSP, including inside block Jacobi and
// ASM. A plugin (npo: libtorch) is opened on the first PCSetType of its type, so a program
// that never uses it never maps its libraries. PETSc's own types have rows too, without a
// create function: the spectra tool reads from the row which eigenproblem M^{-1}A is.
//
// Adding a PC type: its directory under preconditioners/, one row in registry.cpp, one method
// file in petsc_options/, its tests.
#pragma once
#include <petscpc.h>

typedef struct {
  const char *name;
  PetscErrorCode (*create)(PC); // project type linked in; NULL for PETSc's own and plugins
  const char *plugin;           // project type in a shared library: its file, else NULL
  const char *plugin_symbol;    // the create function's (C) name in the plugin
  PetscBool   symmetric;        // M is symmetric: M^{-1}A is self-adjoint in the A inner product
  PetscBool   linear;           // M(r) is linear in r (a nonlinear M has no spectrum, only a
                                // linearisation; FCG rather than CG)
  const char *library; // "libtorch 1.13.0": an external library the type depends on, or NULL
  const char *summary; // one line for -help and the docs
} PCRegistryEntry;

// PCRegister for every project type (idempotent).
PetscErrorCode PCRegistryRegisterAll(void);

// The row of PC type `type`, or NULL if the registry does not know it.
const PCRegistryEntry *PCRegistryFind(const char *type);

// All rows, for listings (count returned in *n).
const PCRegistryEntry *PCRegistryRows(size_t *n);
