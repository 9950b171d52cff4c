// Registration of the project's PC types with PETSc (PCRegister), so that -pc_type nystrom,
// -sub_pc_type hodlr, -pc_type npo work in any KSP, including inside block Jacobi and ASM.
#pragma once
#include <petscpc.h>

PetscErrorCode PoissonRegisterPreconditioners(void);

// "PETSc 3.18.5, SLEPc 3.18.2, libtorch 1.13.1" for the results files.
PetscErrorCode PoissonLibraryVersions(char *buf, size_t len);
