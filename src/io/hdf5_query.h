// Small queries on an open PetscViewerHDF5 that PETSc 3.18 does not offer itself.
#pragma once
#include <petscviewerhdf5.h>

// Number of dimensions and the extent of each (up to 8) of dataset `path` ("/group/name").
PetscErrorCode HDF5DatasetShape(PetscViewer viewer, const char *path, PetscInt *ndims,
                                PetscInt dims[8]);
// Attribute `name` of object `group` ("/", "/constant/jacobi") of the HDF5 file `file`, read
// as a double on the calling process alone; NaN when the file, object or attribute is absent.
double HDF5FileAttribute(const char *file, const char *group, const char *name);

// Total number of values of dataset `path`.
PetscErrorCode HDF5DatasetSize(PetscViewer viewer, const char *path, PetscInt *size);

// A dataset of real numbers, examined with the HDF5 C API on rank 0 of comm alone; the verdict
// (or the error) is broadcast so every rank raises the same user error before anything is read
// in parallel. Accepted: a float or integer dataset (class H5T_FLOAT or H5T_INTEGER), converted
// to native double; strings, compounds (complex numbers), enums, arrays and the other classes
// are refused, as are a missing or non-HDF5 (truncated, random) file and a missing path.
typedef struct {
  int     ndims;   // 0..8
  hsize_t dims[8]; // extent of each dimension
} HDF5RealDatasetInfo;

// Collective: the shape of dataset `path` ("/b", "/group/name") of `file` after the checks above.
PetscErrorCode HDF5RealDatasetOpen(MPI_Comm comm, const char *file, const char *path,
                                   HDF5RealDatasetInfo *info);

// Collective: rank 0 reads every value of the dataset (a 1-D or 2-D one, in blocks of about
// 2^20 values) as double; a read failure (damaged data, missing filter) or a NaN / Inf value is
// an error on every rank, naming the first bad position.
PetscErrorCode HDF5RealDatasetCheckFinite(MPI_Comm comm, const char *file, const char *path);
