// NPO checkpoint files through the HDF5 C library (layouts described in npo_checkpoint.h).
#include "preconditioners/npo/npo_checkpoint.h"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace {

// Closes an HDF5 handle when it goes out of scope, so an early SETERRQ leaks nothing.
class H5Handle {
public:
  H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~H5Handle()
  {
    if (id_ >= 0) close_(id_);
  }
  H5Handle(const H5Handle &)            = delete;
  H5Handle &operator=(const H5Handle &) = delete;
  hid_t     get() const
  {
    return id_;
  }
  bool ok() const
  {
    return id_ >= 0;
  }

private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

bool HasAttribute(hid_t obj, const char *name)
{
  return H5Aexists(obj, name) > 0;
}

// Integer attribute `name` of obj (any integer or float type, converted by HDF5).
PetscErrorCode ReadIntAttribute(MPI_Comm comm, const char *path, hid_t obj, const char *name,
                                PetscInt *value)
{
  long long v = 0;

  PetscFunctionBegin;
  PetscCheck(HasAttribute(obj, name), comm, PETSC_ERR_FILE_UNEXPECTED,
             "NPO checkpoint %s: attribute '%s' (a hyperparameter) is missing", path, name);
  H5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  PetscCheck(attr.ok() && H5Aread(attr.get(), H5T_NATIVE_LLONG, &v) >= 0, comm,
             PETSC_ERR_FILE_UNEXPECTED, "NPO checkpoint %s: cannot read integer attribute '%s'",
             path, name);
  *value = (PetscInt)v;
  PetscFunctionReturn(0);
}

// String attribute (fixed or variable length); "" when absent or not a string.
std::string ReadStringAttribute(hid_t obj, const char *name)
{
  if (!HasAttribute(obj, name)) return "";
  H5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) return "";
  H5Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (!type.ok() || H5Tget_class(type.get()) != H5T_STRING) return "";
  std::string out;
  if (H5Tis_variable_str(type.get()) > 0) {
    H5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char *s = nullptr;
    if (H5Aread(attr.get(), mem.get(), &s) >= 0 && s) {
      out = s;
      H5free_memory(s);
    }
  } else {
    size_t            len = H5Tget_size(type.get());
    std::vector<char> buf(len + 1, '\0');
    if (H5Aread(attr.get(), type.get(), buf.data()) >= 0) out = buf.data();
  }
  return out;
}

herr_t WriteStringAttribute(hid_t obj, const char *name, const std::string &value)
{
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), value.size() + 1);
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) return -1;
  return H5Awrite(attr.get(), type.get(), value.c_str());
}

herr_t WriteIntAttribute(hid_t obj, const char *name, long long value)
{
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr(H5Acreate2(obj, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
  if (!attr.ok()) return -1;
  return H5Awrite(attr.get(), H5T_NATIVE_LLONG, &value);
}

// Name of the k-th member (name order) of the open group g.
PetscErrorCode GroupMemberName(MPI_Comm comm, const char *path, hid_t g, const char *group,
                               hsize_t k, char *name, size_t size)
{
  PetscFunctionBegin;
  ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, size, H5P_DEFAULT);
  PetscCheck(len > 0 && (size_t)len < size, comm, PETSC_ERR_FILE_UNEXPECTED,
             "NPO checkpoint %s: cannot read the member names of %s", path, group);
  PetscFunctionReturn(0);
}

// Every member of `group` must be a floating-point dataset; reads them all as float32.
PetscErrorCode ReadTensors(MPI_Comm comm, const char *path, hid_t file, const char *group,
                           std::vector<NpoTensor> *tensors)
{
  H5G_info_t info;

  PetscFunctionBegin;
  H5Handle g(H5Gopen2(file, group, H5P_DEFAULT), H5Gclose);
  PetscCheck(g.ok() && H5Gget_info(g.get(), &info) >= 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "NPO checkpoint %s: cannot read group %s", path, group);
  PetscCheck(info.nlinks > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "NPO checkpoint %s: group %s holds no parameters", path, group);
  tensors->clear();
  for (hsize_t k = 0; k < info.nlinks; k++) {
    char name[512];
    PetscCall(GroupMemberName(comm, path, g.get(), group, k, name, sizeof(name)));
    H5Handle d(H5Dopen2(g.get(), name, H5P_DEFAULT), H5Dclose);
    PetscCheck(d.ok(), comm, PETSC_ERR_FILE_UNEXPECTED, "NPO checkpoint %s: %s/%s is not a dataset",
               path, group, name);
    H5Handle type(H5Dget_type(d.get()), H5Tclose);
    PetscCheck(type.ok() && H5Tget_class(type.get()) == H5T_FLOAT, comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s: %s/%s is not a floating-point array", path, group, name);
    H5Handle space(H5Dget_space(d.get()), H5Sclose);
    int      ndims = space.ok() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    PetscCheck(ndims >= 0 && ndims <= 8, comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s: %s/%s has an unreadable shape", path, group, name);
    hsize_t dims[8];
    H5Sget_simple_extent_dims(space.get(), dims, NULL);
    NpoTensor t;
    t.name      = name;
    size_t size = 1;
    for (int i = 0; i < ndims; i++) {
      t.shape.push_back((int64_t)dims[i]);
      size *= dims[i];
    }
    t.values.resize(size);
    PetscCheck(
        H5Dread(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.values.data()) >= 0,
        comm, PETSC_ERR_FILE_UNEXPECTED,
        "NPO checkpoint %s: cannot read %s/%s (truncated or corrupt file?)", path, group, name);
    tensors->push_back(std::move(t));
  }
  std::sort(tensors->begin(), tensors->end(),
            [](const NpoTensor &a, const NpoTensor &b) { return a.name < b.name; });
  PetscFunctionReturn(0);
}

// Every member of `group` as a 1-D float64 array (the training history), in name order.
PetscErrorCode ReadHistory(MPI_Comm comm, const char *path, hid_t file, const char *group,
                           std::vector<std::pair<std::string, std::vector<double>>> *history)
{
  H5G_info_t info;

  PetscFunctionBegin;
  H5Handle g(H5Gopen2(file, group, H5P_DEFAULT), H5Gclose);
  PetscCheck(g.ok() && H5Gget_info(g.get(), &info) >= 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "NPO checkpoint %s: cannot read group %s", path, group);
  history->clear();
  for (hsize_t k = 0; k < info.nlinks; k++) {
    char name[512];
    PetscCall(GroupMemberName(comm, path, g.get(), group, k, name, sizeof(name)));
    H5Handle d(H5Dopen2(g.get(), name, H5P_DEFAULT), H5Dclose);
    H5Handle space(d.ok() ? H5Dget_space(d.get()) : -1, H5Sclose);
    PetscCheck(space.ok() && H5Sget_simple_extent_ndims(space.get()) == 1, comm,
               PETSC_ERR_FILE_UNEXPECTED, "NPO checkpoint %s: %s/%s is not a 1-D array", path,
               group, name);
    hsize_t dim;
    H5Sget_simple_extent_dims(space.get(), &dim, NULL);
    std::vector<double> v(dim);
    PetscCheck(dim == 0 || H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                   v.data()) >= 0,
               comm, PETSC_ERR_FILE_UNEXPECTED, "NPO checkpoint %s: cannot read %s/%s", path, group,
               name);
    history->emplace_back(name, std::move(v));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode ReadHyperparameters(MPI_Comm comm, const char *path, hid_t file, NpoCheckpoint *ck)
{
  PetscFunctionBegin;
  PetscCall(ReadIntAttribute(comm, path, file, "width", &ck->hp.width));
  PetscCall(ReadIntAttribute(comm, path, file, "num_coarse", &ck->hp.num_coarse));
  PetscCall(ReadIntAttribute(comm, path, file, "num_heads", &ck->hp.num_heads));
  PetscCall(ReadIntAttribute(comm, path, file, "ffn_mult", &ck->hp.ffn_mult));
  ck->train_grid = 0;
  if (HasAttribute(file, "n_grid"))
    PetscCall(ReadIntAttribute(comm, path, file, "n_grid", &ck->train_grid));
  PetscFunctionReturn(0);
}

} // namespace

PetscErrorCode NpoCheckpointRead(MPI_Comm comm, const char *path, NpoCheckpoint *ck)
{
  PetscFunctionBegin;
  PetscCheck(path && path[0], comm, PETSC_ERR_FILE_OPEN, "no NPO checkpoint file given");
  PetscCheck(access(path, R_OK) == 0, comm, PETSC_ERR_FILE_OPEN,
             "NPO checkpoint %s does not exist or is not readable", path);
  PetscCheck(H5Fis_hdf5(path) > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "NPO checkpoint %s is not an HDF5 file", path);
  H5Handle file(H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  PetscCheck(file.ok(), comm, PETSC_ERR_FILE_UNEXPECTED,
             "NPO checkpoint %s cannot be opened as HDF5 (truncated or corrupt file?)", path);

  const std::string format = ReadStringAttribute(file.get(), "format");
  if (format == NPO_FORMAT_NAME) {
    PetscInt version = 0;
    PetscCall(ReadIntAttribute(comm, path, file.get(), "format_version", &version));
    PetscCheck(version == NPO_FORMAT_VERSION, comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s has format version %" PetscInt_FMT ", this build reads %d", path,
               version, NPO_FORMAT_VERSION);
    PetscCall(ReadHyperparameters(comm, path, file.get(), ck));
    ck->format     = NPO_FORMAT_NAME;
    ck->provenance = ReadStringAttribute(file.get(), "provenance");
    ck->input_grid = 0;
    if (HasAttribute(file.get(), "input_grid"))
      PetscCall(ReadIntAttribute(comm, path, file.get(), "input_grid", &ck->input_grid));
    PetscCheck(ck->input_grid >= 0, comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s: input_grid %" PetscInt_FMT " is negative", path, ck->input_grid);
    PetscCall(ReadTensors(comm, path, file.get(), "parameters", &ck->tensors));
    if (HasAttribute(file.get(), "train_epoch")) {
      PetscInt epoch = 0, step = 0;
      PetscCall(ReadIntAttribute(comm, path, file.get(), "train_epoch", &epoch));
      PetscCall(ReadIntAttribute(comm, path, file.get(), "train_step", &step));
      ck->train_epoch   = epoch;
      ck->train_step    = step;
      ck->train_options = ReadStringAttribute(file.get(), "train_options");
      if (H5Lexists(file.get(), "train_state", H5P_DEFAULT) > 0)
        PetscCall(ReadTensors(comm, path, file.get(), "train_state", &ck->train_state));
      if (H5Lexists(file.get(), "history", H5P_DEFAULT) > 0)
        PetscCall(ReadHistory(comm, path, file.get(), "history", &ck->history));
    }
  } else if (H5Lexists(file.get(), "state_dict", H5P_DEFAULT) > 0) {
    PetscCall(ReadHyperparameters(comm, path, file.get(), ck));
    ck->format              = NPO_REFERENCE_FORMAT_NAME;
    const std::string note  = ReadStringAttribute(file.get(), "note");
    const std::string torch = ReadStringAttribute(file.get(), "torch_version_used_here");
    ck->provenance          = std::string("reference state_dict imported from ") + path;
    if (!torch.empty()) ck->provenance += " (exported with torch " + torch + ")";
    if (!note.empty()) ck->provenance += ": " + note;
    PetscCall(ReadTensors(comm, path, file.get(), "state_dict", &ck->tensors));
  } else {
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED,
            "%s is neither an NPO checkpoint (root attribute format = \"%s\") nor a reference "
            "export (group /state_dict)",
            path, NPO_FORMAT_NAME);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NpoCheckpointWrite(MPI_Comm comm, const char *path, const NpoCheckpoint &ck,
                                  const char *libtorch_version)
{
  PetscMPIInt rank;
  int         failed = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    const std::string tmp = std::string(path) + ".tmp";
    {
      H5Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
      if (!file.ok())
        failed = 1;
      else {
        hid_t     f       = file.get();
        long long nparams = 0;
        for (const NpoTensor &t : ck.tensors) nparams += (long long)t.values.size();
        herr_t e = 0;
        e |= WriteStringAttribute(f, "format", NPO_FORMAT_NAME);
        e |= WriteIntAttribute(f, "format_version", NPO_FORMAT_VERSION);
        e |= WriteIntAttribute(f, "width", ck.hp.width);
        e |= WriteIntAttribute(f, "num_coarse", ck.hp.num_coarse);
        e |= WriteIntAttribute(f, "num_heads", ck.hp.num_heads);
        e |= WriteIntAttribute(f, "ffn_mult", ck.hp.ffn_mult);
        e |= WriteIntAttribute(f, "n_grid", ck.train_grid);
        e |= WriteIntAttribute(f, "input_grid", ck.input_grid);
        e |= WriteIntAttribute(f, "n_params", nparams);
        e |= WriteStringAttribute(f, "provenance", ck.provenance);
        e |= WriteStringAttribute(f, "libtorch_version", libtorch_version ? libtorch_version : "");
        H5Handle g(H5Gcreate2(f, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        if (!g.ok()) e = -1;
        for (const NpoTensor &t : ck.tensors) {
          if (e < 0) break;
          std::vector<hsize_t> dims(t.shape.begin(), t.shape.end());
          H5Handle space(H5Screate_simple((int)dims.size(), dims.data(), NULL), H5Sclose);
          H5Handle d(H5Dcreate2(g.get(), t.name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT),
                     H5Dclose);
          if (!d.ok())
            e = -1;
          else
            e |=
                H5Dwrite(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.values.data());
        }
        if (ck.train_epoch > 0 && e >= 0) {
          // Training state for -npo_train_resume (npo_train); the PC ignores it.
          e |= WriteIntAttribute(f, "train_epoch", ck.train_epoch);
          e |= WriteIntAttribute(f, "train_step", ck.train_step);
          e |= WriteStringAttribute(f, "train_options", ck.train_options);
          H5Handle gs(H5Gcreate2(f, "train_state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      H5Gclose);
          if (!gs.ok()) e = -1;
          for (const NpoTensor &t : ck.train_state) {
            if (e < 0) break;
            std::vector<hsize_t> dims(t.shape.begin(), t.shape.end());
            H5Handle space(H5Screate_simple((int)dims.size(), dims.data(), NULL), H5Sclose);
            H5Handle d(H5Dcreate2(gs.get(), t.name.c_str(), H5T_IEEE_F32LE, space.get(),
                                  H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       H5Dclose);
            if (!d.ok())
              e = -1;
            else
              e |= H5Dwrite(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                            t.values.data());
          }
          H5Handle gh(H5Gcreate2(f, "history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
          if (!gh.ok()) e = -1;
          for (const auto &h : ck.history) {
            if (e < 0) break;
            hsize_t  dim = h.second.size();
            H5Handle space(H5Screate_simple(1, &dim, NULL), H5Sclose);
            H5Handle d(H5Dcreate2(gh.get(), h.first.c_str(), H5T_IEEE_F64LE, space.get(),
                                  H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       H5Dclose);
            if (!d.ok())
              e = -1;
            else if (dim > 0)
              e |= H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                            h.second.data());
          }
        }
        if (e < 0) failed = 1;
      }
    }
    if (!failed && std::rename(tmp.c_str(), path) != 0) failed = 1;
    if (failed) std::remove(tmp.c_str());
  }
  PetscCallMPI(MPI_Bcast(&failed, 1, MPI_INT, 0, comm));
  PetscCheck(!failed, comm, PETSC_ERR_FILE_WRITE, "cannot write NPO checkpoint %s", path);
  PetscFunctionReturn(0);
}
