#include "io/hdf5_query.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

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

// The name of an HDF5 type class, for the messages.
static const char *TypeClassName(H5T_class_t c)
{
  switch (c) {
  case H5T_INTEGER:
    return "integers";
  case H5T_FLOAT:
    return "floating-point numbers";
  case H5T_STRING:
    return "strings";
  case H5T_COMPOUND:
    return "a compound type (e.g. complex numbers stored as (re, im) pairs)";
  case H5T_ENUM:
    return "an enumeration";
  case H5T_ARRAY:
    return "an array type";
  case H5T_VLEN:
    return "variable-length sequences";
  case H5T_REFERENCE:
    return "references";
  case H5T_OPAQUE:
    return "opaque bytes";
  case H5T_BITFIELD:
    return "bit fields";
  case H5T_TIME:
    return "time values";
  default:
    return "an unknown type";
  }
}

// Every link of `path` exists (H5Lexists on each prefix: it fails on a missing intermediate).
static bool PathExists(hid_t file, const char *path)
{
  std::string p(path), prefix;
  size_t      at = 0;
  while (at < p.size()) {
    size_t next = p.find('/', at);
    if (next == std::string::npos) next = p.size();
    if (next > at) {
      prefix += "/" + p.substr(at, next - at);
      if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    at = next + 1;
  }
  return !prefix.empty();
}

// Rank 0's part of HDF5RealDatasetOpen: 0, or a PETSc error code and a message.
static PetscErrorCode ExamineDataset(const char *file, const char *path, HDF5RealDatasetInfo *info,
                                     char *msg, size_t len)
{
  PetscErrorCode code = 0;
  hid_t          f = -1, d = -1, t = -1, s = -1;
  htri_t         accessible;
  int            rank;
  H5T_class_t    cls;

  if (access(file, R_OK)) {
    snprintf(msg, len, "cannot read right-hand side file '%s': %s", file, strerror(errno));
    return PETSC_ERR_FILE_OPEN;
  }
#if H5_VERSION_GE(1, 12, 0)
  accessible = H5Fis_accessible(file, H5P_DEFAULT);
#else
  accessible = H5Fis_hdf5(file);
#endif
  if (accessible <= 0) {
    snprintf(msg, len,
             "cannot open HDF5 file '%s': not an HDF5 file (damaged, truncated or another format)",
             file);
    return PETSC_ERR_FILE_UNEXPECTED;
  }
  f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    snprintf(msg, len, "cannot open HDF5 file '%s': damaged or truncated", file);
    return PETSC_ERR_FILE_UNEXPECTED;
  }
  if (!PathExists(f, path) || (d = H5Dopen2(f, path, H5P_DEFAULT)) < 0) {
    snprintf(msg, len, "file '%s' has no dataset '%s'", file, path);
    code = PETSC_ERR_FILE_UNEXPECTED;
    goto done;
  }
  t   = H5Dget_type(d);
  cls = t < 0 ? H5T_NO_CLASS : H5Tget_class(t);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
    snprintf(msg, len,
             "dataset '%s' of '%s' holds %s, not real numbers (a floating-point or integer "
             "dataset is needed)",
             path, file, TypeClassName(cls));
    code = PETSC_ERR_FILE_UNEXPECTED;
    goto done;
  }
  s    = H5Dget_space(d);
  rank = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
  if (rank < 0 || rank > 8 || (s >= 0 && H5Sget_simple_extent_type(s) != H5S_SIMPLE)) {
    snprintf(msg, len, "dataset '%s' of '%s' has no simple shape (a scalar, empty or rank > 8)",
             path, file);
    code = PETSC_ERR_FILE_UNEXPECTED;
    goto done;
  }
  info->ndims = rank;
  if (H5Sget_simple_extent_dims(s, info->dims, NULL) < 0) {
    snprintf(msg, len, "cannot read the shape of dataset '%s' of '%s'", path, file);
    code = PETSC_ERR_FILE_READ;
  }
done:
  if (s >= 0) H5Sclose(s);
  if (t >= 0) H5Tclose(t);
  if (d >= 0) H5Dclose(d);
  if (f >= 0) H5Fclose(f);
  return code;
}

// Raises on every rank of comm the error rank 0 found (code 0: none).
static PetscErrorCode BroadcastVerdict(MPI_Comm comm, PetscErrorCode code, char *msg, int len)
{
  int c = (int)code;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Bcast(&c, 1, MPI_INT, 0, comm));
  if (!c) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Bcast(msg, len, MPI_CHAR, 0, comm));
  msg[len - 1] = 0;
  SETERRQ(comm, (PetscErrorCode)c, "%s", msg);
}

PetscErrorCode HDF5RealDatasetOpen(MPI_Comm comm, const char *file, const char *path,
                                   HDF5RealDatasetInfo *info)
{
  PetscMPIInt    rank;
  PetscErrorCode code                              = 0;
  char           msg[2 * PETSC_MAX_PATH_LEN + 256] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(info, sizeof(*info)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) code = ExamineDataset(file, path, info, msg, sizeof(msg));
  PetscCall(BroadcastVerdict(comm, code, msg, (int)sizeof(msg)));
  PetscCallMPI(MPI_Bcast(&info->ndims, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(info->dims, 8, MPI_UINT64_T, 0, comm));
  PetscFunctionReturn(0);
}

// Rank 0's part of HDF5RealDatasetCheckFinite.
static PetscErrorCode ReadFinite(const char *file, const char *path, char *msg, size_t len)
{
  HDF5RealDatasetInfo info;
  PetscErrorCode      code = ExamineDataset(file, path, &info, msg, len);
  hid_t               f = -1, d = -1, s = -1, m = -1;

  if (code) return code;
  if (info.ndims < 1 || info.ndims > 2) {
    snprintf(msg, len, "dataset '%s' of '%s' must be 1-D or 2-D", path, file);
    return PETSC_ERR_FILE_UNEXPECTED;
  }
  const hsize_t rows = info.dims[0], cols = info.ndims == 2 ? info.dims[1] : 1;
  if (!rows || !cols) return 0;
  const hsize_t       step = std::max<hsize_t>(1, ((hsize_t)1 << 20) / cols);
  std::vector<double> buf;
  f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  d = f < 0 ? -1 : H5Dopen2(f, path, H5P_DEFAULT);
  s = d < 0 ? -1 : H5Dget_space(d);
  if (s < 0) {
    snprintf(msg, len, "cannot read dataset '%s' of '%s'", path, file);
    code = PETSC_ERR_FILE_READ;
  }
  for (hsize_t r0 = 0; !code && r0 < rows; r0 += step) {
    const hsize_t nr       = std::min(step, rows - r0);
    hsize_t       start[2] = {r0, 0}, count[2] = {nr, cols}, mcount = nr * cols;
    buf.resize(mcount);
    m = H5Screate_simple(1, &mcount, NULL);
    if (H5Sselect_hyperslab(s, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        H5Dread(d, H5T_NATIVE_DOUBLE, m, s, H5P_DEFAULT, buf.data()) < 0) {
      snprintf(msg, len,
               "cannot read the values of dataset '%s' of '%s' (damaged data or a compression "
               "filter this HDF5 lacks)",
               path, file);
      code = PETSC_ERR_FILE_READ;
    }
    H5Sclose(m);
    for (hsize_t k = 0; !code && k < mcount; k++)
      if (!std::isfinite(buf[k])) {
        const hsize_t at = r0 * cols + k;
        if (info.ndims == 2)
          snprintf(msg, len,
                   "dataset '%s' of '%s' holds a non-finite value (%s) at [%llu, %llu]: the "
                   "right-hand side must be finite",
                   path, file, std::isnan(buf[k]) ? "NaN" : "Inf", (unsigned long long)(at / cols),
                   (unsigned long long)(at % cols));
        else
          snprintf(msg, len,
                   "dataset '%s' of '%s' holds a non-finite value (%s) at [%llu]: the right-hand "
                   "side must be finite",
                   path, file, std::isnan(buf[k]) ? "NaN" : "Inf", (unsigned long long)at);
        code = PETSC_ERR_FILE_UNEXPECTED;
      }
  }
  if (s >= 0) H5Sclose(s);
  if (d >= 0) H5Dclose(d);
  if (f >= 0) H5Fclose(f);
  return code;
}

PetscErrorCode HDF5RealDatasetCheckFinite(MPI_Comm comm, const char *file, const char *path)
{
  PetscMPIInt    rank;
  PetscErrorCode code                              = 0;
  char           msg[2 * PETSC_MAX_PATH_LEN + 256] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) code = ReadFinite(file, path, msg, sizeof(msg));
  PetscCall(BroadcastVerdict(comm, code, msg, (int)sizeof(msg)));
  PetscFunctionReturn(0);
}
