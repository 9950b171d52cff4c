#include "io/hdf5_query.h"

#include <cmath>

PetscErrorCode HDF5DatasetShape(PetscViewer viewer, const char *path, PetscInt *ndims,
                                PetscInt dims[8])
{
  hid_t   file, dset, space;
  hsize_t d[8];
  int     rank;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerHDF5GetFileId(viewer, &file));
  dset = H5Dopen2(file, path, H5P_DEFAULT);
  PetscCheck(dset >= 0, PetscObjectComm((PetscObject)viewer), PETSC_ERR_FILE_UNEXPECTED,
             "cannot open dataset '%s'", path);
  space = H5Dget_space(dset);
  rank  = H5Sget_simple_extent_ndims(space);
  PetscCheck(rank >= 0 && rank <= 8, PetscObjectComm((PetscObject)viewer),
             PETSC_ERR_FILE_UNEXPECTED, "dataset '%s' has an unsupported rank %d", path, rank);
  H5Sget_simple_extent_dims(space, d, NULL);
  *ndims = rank;
  for (int k = 0; k < rank; k++) dims[k] = (PetscInt)d[k];
  H5Sclose(space);
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

PetscErrorCode HDF5DatasetSize(PetscViewer viewer, const char *path, PetscInt *size)
{
  PetscInt ndims, dims[8];

  PetscFunctionBeginUser;
  PetscCall(HDF5DatasetShape(viewer, path, &ndims, dims));
  *size = 1;
  for (PetscInt k = 0; k < ndims; k++) *size *= dims[k];
  PetscFunctionReturn(0);
}

double HDF5FileAttribute(const char *file, const char *group, const char *name)
{
  double value = NAN;
  hid_t  f     = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return value;
  hid_t a = H5Aopen_by_name(f, group, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0) {
    if (H5Aread(a, H5T_NATIVE_DOUBLE, &value) < 0) value = NAN;
    H5Aclose(a);
  }
  H5Fclose(f);
  return value;
}
