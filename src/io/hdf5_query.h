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
