// NPO checkpoint files through the HDF5 C library (layouts described in npo_checkpoint.h).
#include "preconditioners/npo/npo_checkpoint.h"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

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
  // Closes now; true if the close succeeded.
  bool Close()
  {
    const hid_t id = id_;
    id_            = -1;
    return id >= 0 && close_(id) >= 0;
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
PetscErrorCode ReadLongAttribute(MPI_Comm comm, const char *path, hid_t obj, const char *name,
                                 long long *value)
{
  long long v = 0;

  PetscFunctionBegin;
  PetscCheck(HasAttribute(obj, name), comm, PETSC_ERR_FILE_UNEXPECTED,
             "NPO checkpoint %s: attribute '%s' is missing", path, name);
  H5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  PetscCheck(attr.ok() && H5Aread(attr.get(), H5T_NATIVE_LLONG, &v) >= 0, comm,
             PETSC_ERR_FILE_UNEXPECTED, "NPO checkpoint %s: cannot read integer attribute '%s'",
             path, name);
  *value = v;
  PetscFunctionReturn(0);
}

PetscErrorCode ReadIntAttribute(MPI_Comm comm, const char *path, hid_t obj, const char *name,
                                PetscInt *value)
{
  long long v = 0;

  PetscFunctionBegin;
  PetscCall(ReadLongAttribute(comm, path, obj, name, &v));
  PetscCheck(v >= PETSC_MIN_INT && v <= PETSC_MAX_INT, comm, PETSC_ERR_FILE_UNEXPECTED,
             "NPO checkpoint %s: attribute '%s' = %lld is out of range", path, name, v);
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

// Number of values of an n-dimensional dataset (as a double: no overflow), -1 if unreadable.
double DatasetSize(hid_t d, std::vector<int64_t> *shape)
{
  H5Handle space(H5Dget_space(d), H5Sclose);
  int      ndims = space.ok() ? H5Sget_simple_extent_ndims(space.get()) : -1;
  hsize_t  dims[8];
  if (ndims < 0 || ndims > 8 || H5Sget_simple_extent_dims(space.get(), dims, NULL) != ndims)
    return -1;
  double size = 1;
  shape->clear();
  for (int i = 0; i < ndims; i++) {
    shape->push_back((int64_t)dims[i]);
    size *= (double)dims[i];
  }
  return size;
}

// Every member of `group` must be a floating-point dataset; reads them all as float32. The
// shapes are read first: the values are allocated only when they fit in memory.
PetscErrorCode ReadTensors(MPI_Comm comm, const char *path, hid_t file, const char *group,
                           std::vector<NpoTensor> *tensors)
{
  H5G_info_t info;
  double     total = 0;

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
    NpoTensor    t;
    const double size = DatasetSize(d.get(), &t.shape);
    PetscCheck(size >= 0, comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s: %s/%s has an unreadable shape", path, group, name);
    t.name = name;
    total += size;
    tensors->push_back(std::move(t));
  }
  char what[PETSC_MAX_PATH_LEN + 128];
  snprintf(what, sizeof(what), "NPO checkpoint %s: the %.4g values of group %s", path, total,
           group);
  PetscCall(NpoCheckMemory(comm, PETSC_ERR_FILE_UNEXPECTED, total * sizeof(float), what));
  for (NpoTensor &t : *tensors) {
    H5Handle d(H5Dopen2(g.get(), t.name.c_str(), H5P_DEFAULT), H5Dclose);
    size_t   size = 1;
    for (int64_t n : t.shape) size *= (size_t)n;
    t.values.resize(size);
    PetscCheck(d.ok() && (size == 0 || H5Dread(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL,
                                               H5P_DEFAULT, t.values.data()) >= 0),
               comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s: cannot read %s/%s (truncated or corrupt file?)", path, group,
               t.name.c_str());
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
    H5Handle             d(H5Dopen2(g.get(), name, H5P_DEFAULT), H5Dclose);
    std::vector<int64_t> shape;
    const double         size = d.ok() ? DatasetSize(d.get(), &shape) : -1;
    PetscCheck(size >= 0 && shape.size() == 1, comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s: %s/%s is not a 1-D array", path, group, name);
    char what[PETSC_MAX_PATH_LEN + 128];
    snprintf(what, sizeof(what), "NPO checkpoint %s: the %.4g values of %s/%s", path, size, group,
             name);
    PetscCall(NpoCheckMemory(comm, PETSC_ERR_FILE_UNEXPECTED, size * sizeof(double), what));
    std::vector<double> v((size_t)shape[0]);
    PetscCheck(v.empty() || H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
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

PetscErrorCode NpoCheckpointReadImpl(MPI_Comm comm, const char *path, NpoCheckpoint *ck)
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
      PetscCall(ReadLongAttribute(comm, path, file.get(), "train_epoch", &ck->train_epoch));
      PetscCall(ReadLongAttribute(comm, path, file.get(), "train_step", &ck->train_step));
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

} // namespace

PetscErrorCode NpoCheckpointRead(MPI_Comm comm, const char *path, NpoCheckpoint *ck)
{
  PetscFunctionBegin;
  NpoCallCXX(comm, PetscCall(NpoCheckpointReadImpl(comm, path, ck)));
  PetscFunctionReturn(0);
}

// Memory this process may still allocate: MemAvailable of /proc/meminfo (Linux), else the
// physical memory not in use.
static double AvailableMemoryHere(void)
{
  std::ifstream in("/proc/meminfo");
  std::string   line;
  while (std::getline(in, line))
    if (line.compare(0, 13, "MemAvailable:") == 0) {
      std::istringstream fields(line.substr(13));
      double             kb = -1;
      if (fields >> kb && kb >= 0) return kb * 1024.0;
    }
  const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? (double)pages * (double)page : INFINITY;
}

PetscErrorCode NpoAvailableMemory(MPI_Comm comm, double *bytes)
{
  double here = AvailableMemoryHere();

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&here, bytes, 1, MPI_DOUBLE, MPI_MIN, comm));
  PetscFunctionReturn(0);
}

std::string NpoBytesText(double bytes)
{
  char buf[64];
  if (bytes >= 1e9)
    snprintf(buf, sizeof(buf), "%.3g GB", bytes / 1e9);
  else
    snprintf(buf, sizeof(buf), "%.3g MB", bytes / 1e6);
  return buf;
}

PetscErrorCode NpoCheckMemory(MPI_Comm comm, PetscErrorCode code, double bytes, const char *what)
{
  double available;

  PetscFunctionBegin;
  if (std::isfinite(bytes) && bytes < NPO_MEMORY_CHECK_THRESHOLD) PetscFunctionReturn(0);
  PetscCall(NpoAvailableMemory(comm, &available));
  PetscCheck(std::isfinite(bytes) && bytes <= available, comm, code,
             "%s would need about %s of memory, more than the %s available on this machine", what,
             NpoBytesText(bytes).c_str(), NpoBytesText(available).c_str());
  PetscFunctionReturn(0);
}

namespace {

// Every HDF5 call of the writer is checked: false as soon as one fails.
bool WriteStringAttribute(hid_t obj, const char *name, const std::string &value)
{
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.ok() || H5Tset_size(type.get(), value.size() + 1) < 0 ||
      H5Tset_strpad(type.get(), H5T_STR_NULLTERM) < 0)
    return false;
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  if (!space.ok()) return false;
  H5Handle attr(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.ok() || H5Awrite(attr.get(), type.get(), value.c_str()) < 0) return false;
  return attr.Close() && space.Close() && type.Close();
}

bool WriteIntAttribute(hid_t obj, const char *name, long long value)
{
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  if (!space.ok()) return false;
  H5Handle attr(H5Acreate2(obj, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
  if (!attr.ok() || H5Awrite(attr.get(), H5T_NATIVE_LLONG, &value) < 0) return false;
  return attr.Close() && space.Close();
}

// One dataset per tensor (float32, the tensor's shape) in a new group.
bool WriteTensorGroup(hid_t f, const char *group, const std::vector<NpoTensor> &tensors)
{
  H5Handle g(H5Gcreate2(f, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!g.ok()) return false;
  for (const NpoTensor &t : tensors) {
    std::vector<hsize_t> dims(t.shape.begin(), t.shape.end());
    size_t               size = 1;
    for (hsize_t d : dims) size *= (size_t)d;
    if (size != t.values.size()) return false; // never read past the values
    H5Handle space(H5Screate_simple((int)dims.size(), dims.data(), NULL), H5Sclose);
    if (!space.ok()) return false;
    H5Handle d(H5Dcreate2(g.get(), t.name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT),
               H5Dclose);
    if (!d.ok()) return false;
    if (size > 0 &&
        H5Dwrite(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.values.data()) < 0)
      return false;
    if (!d.Close() || !space.Close()) return false;
  }
  return g.Close();
}

bool WriteHistoryGroup(hid_t f, const std::vector<std::pair<std::string, std::vector<double>>> &h)
{
  H5Handle g(H5Gcreate2(f, "history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!g.ok()) return false;
  for (const auto &named : h) {
    hsize_t  dim = named.second.size();
    H5Handle space(H5Screate_simple(1, &dim, NULL), H5Sclose);
    if (!space.ok()) return false;
    H5Handle d(H5Dcreate2(g.get(), named.first.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT),
               H5Dclose);
    if (!d.ok()) return false;
    if (dim > 0 && H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                            named.second.data()) < 0)
      return false;
    if (!d.Close() || !space.Close()) return false;
  }
  return g.Close();
}

bool WriteLayout(hid_t f, const NpoCheckpoint &ck, const char *libtorch_version)
{
  long long nparams = 0;
  for (const NpoTensor &t : ck.tensors) nparams += (long long)t.values.size();
  bool ok = WriteStringAttribute(f, "format", NPO_FORMAT_NAME) &&
            WriteIntAttribute(f, "format_version", NPO_FORMAT_VERSION) &&
            WriteIntAttribute(f, "width", ck.hp.width) &&
            WriteIntAttribute(f, "num_coarse", ck.hp.num_coarse) &&
            WriteIntAttribute(f, "num_heads", ck.hp.num_heads) &&
            WriteIntAttribute(f, "ffn_mult", ck.hp.ffn_mult) &&
            WriteIntAttribute(f, "n_grid", ck.train_grid) &&
            WriteIntAttribute(f, "input_grid", ck.input_grid) &&
            WriteIntAttribute(f, "n_params", nparams) &&
            WriteStringAttribute(f, "provenance", ck.provenance) &&
            WriteStringAttribute(f, "libtorch_version", libtorch_version ? libtorch_version : "") &&
            WriteTensorGroup(f, "parameters", ck.tensors);
  if (ok && ck.train_epoch > 0) // training state for -npo_train_resume; the PC ignores it
    ok = WriteIntAttribute(f, "train_epoch", ck.train_epoch) &&
         WriteIntAttribute(f, "train_step", ck.train_step) &&
         WriteStringAttribute(f, "train_options", ck.train_options) &&
         WriteTensorGroup(f, "train_state", ck.train_state) && WriteHistoryGroup(f, ck.history);
  return ok;
}

// The checkpoint as an HDF5 file image built in memory (core driver without a backing store):
// HDF5 itself never writes to the disk, so a full disk or any other I/O failure shows up in
// the checked POSIX writes of WriteImageAtomic, not inside HDF5's flush or close.
bool BuildImage(const NpoCheckpoint &ck, const char *libtorch_version, std::vector<char> *image)
{
  H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), (size_t)1 << 20, 0) < 0) return false;
  const std::string name = "npo-checkpoint-image-" + std::to_string((long long)getpid());
  H5Handle          file(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
  if (!file.ok() || !WriteLayout(file.get(), ck, libtorch_version)) return false;
  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) return false;
  const ssize_t size = H5Fget_file_image(file.get(), NULL, 0);
  if (size <= 0) return false;
  image->resize((size_t)size);
  if (H5Fget_file_image(file.get(), image->data(), (size_t)size) != size) return false;
  return file.Close() && fapl.Close();
}

// Writes the image to "<path>.tmp.<pid>" (every write, the fsync and the close checked) and
// renames it to path; on any failure the temporary is removed. 0 or an errno.
int WriteImageAtomic(const char *path, const std::vector<char> &image)
{
  const std::string tmp = std::string(path) + ".tmp." + std::to_string((long long)getpid());
  int               fd  = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return errno ? errno : EIO;
  int         err  = 0;
  const char *p    = image.data();
  size_t      left = image.size();
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      err = w < 0 ? errno : EIO;
      break;
    }
    p += w;
    left -= (size_t)w;
  }
  if (!err && fsync(fd) != 0) err = errno;
  if (close(fd) != 0 && !err) err = errno;
  if (!err && rename(tmp.c_str(), path) != 0) err = errno;
  if (err) unlink(tmp.c_str());
  return err;
}

} // namespace

PetscErrorCode NpoCheckpointWrite(MPI_Comm comm, const char *path, const NpoCheckpoint &ck,
                                  const char *libtorch_version)
{
  PetscMPIInt rank;
  int         code                          = 0;
  char        msg[PETSC_MAX_PATH_LEN + 256] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    struct stat st;
    if (!path || !path[0]) {
      code = PETSC_ERR_FILE_OPEN;
      snprintf(msg, sizeof(msg), "no NPO checkpoint file name given");
    } else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
      // Never rename over a device (/dev/null), a folder or a FIFO.
      code = PETSC_ERR_FILE_OPEN;
      snprintf(msg, sizeof(msg),
               "cannot write NPO checkpoint %s: it exists and is not a regular file (a device, "
               "folder or FIFO)",
               path);
    } else {
      try {
        std::vector<char> image;
        if (!BuildImage(ck, libtorch_version, &image)) {
          code = PETSC_ERR_FILE_WRITE;
          snprintf(msg, sizeof(msg), "cannot write NPO checkpoint %s: HDF5 failed to build it",
                   path);
        } else if (int err = WriteImageAtomic(path, image)) {
          code = PETSC_ERR_FILE_WRITE;
          snprintf(msg, sizeof(msg), "cannot write NPO checkpoint %s: %s", path, strerror(err));
        }
      } catch (const std::exception &e) {
        code = PETSC_ERR_FILE_WRITE;
        snprintf(msg, sizeof(msg), "cannot write NPO checkpoint %s: out of memory (%s)", path,
                 e.what());
      }
    }
  }
  PetscCallMPI(MPI_Bcast(&code, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, (int)sizeof(msg), MPI_CHAR, 0, comm));
  PetscCheck(!code, comm, (PetscErrorCode)code, "%s", msg);
  PetscFunctionReturn(0);
}
