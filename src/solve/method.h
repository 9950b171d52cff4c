// Methods: a method is a named set of PETSc options kept as petsc_options/<name>.opts.
//
// Each method runs in its own KSP with the options prefix "<name>_": the file's options are
// inserted under that prefix (so petsc_options/jacobi.opts' "-pc_type jacobi" becomes
// "-jacobi_pc_type jacobi"), and the command line is re-applied afterwards so that e.g.
// -jacobi_ksp_rtol 1e-8 or -nystrom64_pc_nystrom_rank 32 given by the user wins over the file.
#pragma once
#include <petscsys.h>

// Remembers the options as the user gave them (command line, -options_file, PETSC_OPTIONS);
// call once, before MethodLoad.
PetscErrorCode MethodSnapshotUserOptions(void);
PetscErrorCode MethodFreeUserOptions(void);

// Default folder of the method files (compiled in; overridden by -methods_dir).
const char *MethodDefaultDirectory(void);

// Checks that <dir>/<name>.opts exists and that name is usable as an options prefix.
PetscErrorCode MethodCheck(MPI_Comm comm, const char *dir, const char *name);

// Inserts <dir>/<name>.opts under the prefix "<name>_", then re-applies the user's options.
PetscErrorCode MethodLoad(MPI_Comm comm, const char *dir, const char *name);

// The options of the database that carry `prefix` (e.g. "jacobi_"), as "-opt value ..."
// with the prefix removed; caller frees. An empty prefix gives every KSP/PC/Mat option.
PetscErrorCode MethodOptionsString(const char *prefix, char **options);
