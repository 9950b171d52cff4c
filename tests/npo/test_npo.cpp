// PC npo: the imported reference network against the fixture's forward-pass pair, the
// checkpoint formats and every bad-checkpoint case, FCG(1) with the network on the canonical
// problem (30 iterations at 1, 2 and 4 ranks, gather mode), the plain-CG negative control,
// the block-Jacobi sub-PC mode and the linearised spectrum (docs/npo.md; tests/data/README.md).
#include <hdf5.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "preconditioners/npo/npo.h"
#include "preconditioners/npo/npo_checkpoint.h"
#include "preconditioners/npo/npo_net.h"
#include "preconditioners/npo/npo_spectrum.h"
#include <petscdmda.h>
#include <petscksp.h>

#include "problems/problem.h"
#include "solve/method.h"
#include "solve/solve_run.h"
#include "test_fixtures.h"
#include "test_support.h"

namespace {

double RelativeDifference(const std::vector<double> &a, const std::vector<double> &b)
{
  double d = 0, n = 0;
  for (size_t i = 0; i < a.size(); i++) {
    d += (a[i] - b[i]) * (a[i] - b[i]);
    n += b[i] * b[i];
  }
  return std::sqrt(d / n);
}

NpoNet LoadReference(const std::string &file, MPI_Comm comm = PETSC_COMM_WORLD)
{
  NpoNet net = nullptr;
  EXPECT_EQ(0, NpoNetLoad(comm, file.c_str(), &net));
  return net;
}

// A scratch file name shared by all ranks (rank 0's pid), removed by the caller.
std::string ScratchPath(const char *tag)
{
  int pid = (int)getpid();
  MPI_Bcast(&pid, 1, MPI_INT, 0, PETSC_COMM_WORLD);
  return "/tmp/npo_test_" + std::to_string(pid) + "_" + tag + ".h5";
}

int Rank()
{
  int r;
  MPI_Comm_rank(PETSC_COMM_WORLD, &r);
  return r;
}

void CopyFile(const std::string &from, const std::string &to, long keep_bytes = -1)
{
  std::ifstream     in(from, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (keep_bytes >= 0) bytes.resize((size_t)keep_bytes);
  std::ofstream out(to, std::ios::binary);
  out.write(bytes.data(), (std::streamsize)bytes.size());
}

long FileSize(const std::string &path)
{
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  return (long)in.tellg();
}

// Rank 0 copies the reference checkpoint and edits the copy with `edit(file id)`.
template <class Edit> std::string EditedCopy(const std::string &ref, const char *tag, Edit edit)
{
  std::string path = ScratchPath(tag);
  if (!Rank()) {
    CopyFile(ref, path);
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    EXPECT_GE(f, 0);
    edit(f);
    H5Fclose(f);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  return path;
}

void SetIntAttribute(hid_t f, const char *name, long long v)
{
  hid_t a = H5Aopen(f, name, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
}

// Loading `path` must fail with `code` (and must not crash), on every rank.
void ExpectLoadFails(const std::string &path, PetscErrorCode code)
{
  NpoNet net = nullptr;
  EXPECT_EQ(code, NpoNetLoad(PETSC_COMM_WORLD, path.c_str(), &net)) << path;
  EXPECT_EQ(net, nullptr);
  MPI_Barrier(PETSC_COMM_WORLD);
  if (!Rank()) std::remove(path.c_str());
}

// One solve of the canonical fixture problem with a shipped method file.
// `extra` options (e.g. "-npo_cg_ksp_max_it 300") are inserted after the method file.
void SolveCanonical(const std::string &file, const char *method, SolveRecord *rec,
                    const std::string &extra = "")
{
  Problem p;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "constant", 32, file, &p));
  ASSERT_EQ(0, SolveWithMethodFile(&p, method, rec, extra));
  ASSERT_EQ(0, ProblemDestroy(&p));
}

// ---------------------------------------------------------------------------------------
// Forward pass of the imported reference network (float32 inside): 1e-5 relative.

TEST(NpoForward, ReferencePairOnB)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoNet net = LoadReference(file);
  ASSERT_NE(net, nullptr);
  std::vector<double> b = ReadDataset(file, "test/b_in"), ref = ReadDataset(file, "test/z_out");
  std::vector<double> z(b.size());
  ASSERT_EQ(b.size(), 1024u);
  ASSERT_EQ(0, NpoNetApply(net, 32, 32, b.data(), z.data()));
  EXPECT_LE(RelativeDifference(z, ref), 1e-5);
  NpoNetDestroy(&net);
}

// The fixture's z_e0 is itself 7.7e-6 (relative) from the network evaluated in float64, and
// any float32 evaluation is 2e-6 to 4e-6 from that (the network amplifies rounding on this
// input): the libtorch module is 7.5e-6 to 1.02e-5 from z_e0 depending on OpenBLAS's kernels
// (Haswell, SkylakeX, Prescott), the native forward pass 7.6e-6 to 1.15e-5. The 1e-5 bound is
// checked on the module, as before; the native pass against the module in NativeMatchesTorch.
TEST(NpoForward, ReferencePairOnE0)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoNet net = LoadReference(file);
  ASSERT_NE(net, nullptr);
  std::vector<double> e0(1024, 0.0), ref = ReadDataset(file, "test/z_e0"), z(1024);
  e0[0] = 1.0;
  ASSERT_EQ(0, NpoNetSetImplementation(net, "torch"));
  ASSERT_EQ(0, NpoNetApply(net, 32, 32, e0.data(), z.data()));
  EXPECT_LE(RelativeDifference(z, ref), 1e-5);
  ASSERT_EQ(0, NpoNetSetImplementation(net, "native"));
  ASSERT_EQ(0, NpoNetApply(net, 32, 32, e0.data(), z.data()));
  EXPECT_LE(RelativeDifference(z, ref), 1.5e-5);
  NpoNetDestroy(&net);
}

// The native forward pass (BLAS sgemm, npo_native.h) against the libtorch module: the same
// float32 network, so they agree to rounding, on the fixture's fields and at other grid sizes.
// Against the network in float64 both are within about 5e-6 on e_0 and at 64 x 64 (the
// network amplifies float32 rounding there), 1e-6 on b; so 1e-5 between the two on the
// fixture's fields, 2e-5 on the other grids (1.15e-5 observed at 64 x 64).
TEST(NpoForward, NativeMatchesTorch)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoNet net = LoadReference(file);
  ASSERT_NE(net, nullptr);
  EXPECT_STREQ(NpoNetGetImplementation(net), "native");
  std::vector<double> e0(1024, 0.0), b = ReadDataset(file, "test/b_in");
  e0[0] = 1.0;
  for (const auto *ref : {"test/z_out", "test/z_e0"}) {
    const std::vector<double> &in = std::string(ref) == "test/z_out" ? b : e0;
    std::vector<double>        zt(1024), zn(1024), zr = ReadDataset(file, ref);
    ASSERT_EQ(0, NpoNetSetImplementation(net, "torch"));
    ASSERT_EQ(0, NpoNetApply(net, 32, 32, in.data(), zt.data()));
    ASSERT_EQ(0, NpoNetSetImplementation(net, "native"));
    ASSERT_EQ(0, NpoNetApply(net, 32, 32, in.data(), zn.data()));
    EXPECT_LE(RelativeDifference(zn, zt), 1e-5) << ref;
    printf("%s: native vs torch %.3g, torch vs reference %.3g, native vs reference %.3g\n", ref,
           RelativeDifference(zn, zt), RelativeDifference(zt, zr), RelativeDifference(zn, zr));
  }
  // Other grids (non-square, more tokens than one block of the token-wise stages).
  for (auto shape : {std::make_pair(7, 5), std::make_pair(48, 40), std::make_pair(64, 64)}) {
    const PetscInt      rows = shape.first, cols = shape.second, N = rows * cols;
    std::vector<double> in(N), zt(N), zn(N);
    for (PetscInt i = 0; i < N; i++) in[i] = std::sin(0.37 * i) + 0.1 * std::cos(1.3 * i);
    ASSERT_EQ(0, NpoNetSetImplementation(net, "torch"));
    ASSERT_EQ(0, NpoNetApply(net, rows, cols, in.data(), zt.data()));
    ASSERT_EQ(0, NpoNetSetImplementation(net, "native"));
    ASSERT_EQ(0, NpoNetApply(net, rows, cols, in.data(), zn.data()));
    EXPECT_LE(RelativeDifference(zn, zt), 2e-5) << rows << " x " << cols;
  }
  EXPECT_NE(0, NpoNetSetImplementation(net, "python"));
  NpoNetDestroy(&net);
}

TEST(NpoForward, ZeroForZeroAndPositivelyHomogeneous)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoNet net = LoadReference(file);
  ASSERT_NE(net, nullptr);
  std::vector<double> zero(1024, 0.0), z(1024, 1.0);
  ASSERT_EQ(0, NpoNetApply(net, 32, 32, zero.data(), z.data()));
  for (double v : z) ASSERT_EQ(v, 0.0);
  // M(c r) = c M(r) for c > 0: the network only sees r / ||r||.
  std::vector<double> b = ReadDataset(file, "test/b_in"), b8(b), z1(1024), z8(1024);
  for (double &v : b8) v *= 8.0; // a power of two: r/||r|| is bitwise the same
  ASSERT_EQ(0, NpoNetApply(net, 32, 32, b.data(), z1.data()));
  ASSERT_EQ(0, NpoNetApply(net, 32, 32, b8.data(), z8.data()));
  for (double &v : z1) v *= 8.0;
  EXPECT_LE(RelativeDifference(z8, z1), 1e-14);
  NpoNetDestroy(&net);
}

TEST(NpoForward, AnyGridShapeAndBatch)
{
  // No fixed grid size: a 48 x 20 field runs, and a batch equals separate passes.
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoNet net = LoadReference(file);
  ASSERT_NE(net, nullptr);
  const PetscInt      rows = 48, cols = 20, N = rows * cols;
  std::vector<double> in(2 * N), out(2 * N), one(N);
  for (PetscInt i = 0; i < 2 * N; i++) in[i] = std::sin(0.37 * i) + 0.1 * (i % 7);
  ASSERT_EQ(0, NpoNetForward(net, 2, rows, cols, in.data(), out.data()));
  ASSERT_EQ(0, NpoNetForward(net, 1, rows, cols, in.data() + N, one.data()));
  std::vector<double> second(out.begin() + N, out.end());
  EXPECT_LE(RelativeDifference(one, second), 1e-5);
  for (double v : out) ASSERT_TRUE(std::isfinite(v));
  // Independent float64 NumPy evaluation of the reference architecture with these weights
  // on the second field (the cross-check for grids other than 32 x 32).
  double norm = 0, sum = 0;
  for (double v : one) {
    norm += v * v;
    sum += v;
  }
  EXPECT_NEAR(std::sqrt(norm), 32.099643381905466, 1e-5 * 32.1);
  EXPECT_NEAR(sum, 727.8785434397257, 1e-4 * 727.9);
  EXPECT_NEAR(one[0], -0.3309301209827483, 1e-5);
  EXPECT_NEAR(one[N / 2 + 7], 2.121731363624714, 1e-5);
  EXPECT_NEAR(one[N - 1], -0.3425861530319581, 1e-5);
  NpoNetDestroy(&net);
}

TEST(NpoForward, ResolutionConsistentInputScale)
{
  // input_grid n0: M(r) = (||r||/s) net(s r/||r||) with s = sqrt(rows cols)/n0.
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoNet net = LoadReference(file);
  ASSERT_NE(net, nullptr);
  std::vector<double> b = ReadDataset(file, "test/b_in"), z0(1024), z32(1024);
  ASSERT_EQ(0, NpoNetApply(net, 32, 32, b.data(), z0.data()));
  ASSERT_EQ(0, NpoNetSetInputGrid(net, 32));
  EXPECT_EQ(NpoNetInputScale(net, 32, 32), 1.0);
  ASSERT_EQ(0, NpoNetApply(net, 32, 32, b.data(), z32.data()));
  EXPECT_EQ(z0, z32); // on the n0 grid the two normalisations agree bit for bit

  // On a 64 x 64 grid, s = 2: the forward pass sees 2 r/||r||.
  const PetscInt      N = 64 * 64;
  std::vector<double> r(N), z(N), in(N), raw(N);
  double              norm = 0;
  for (PetscInt i = 0; i < N; i++)
    norm += (r[i] = std::sin(0.11 * i) + 0.3 * std::cos(0.7 * i)) * r[i];
  norm = std::sqrt(norm);
  EXPECT_EQ(NpoNetInputScale(net, 64, 64), 2.0);
  ASSERT_EQ(0, NpoNetApply(net, 64, 64, r.data(), z.data()));
  for (PetscInt i = 0; i < N; i++) in[i] = 2.0 * r[i] / norm;
  ASSERT_EQ(0, NpoNetForward(net, 1, 64, 64, in.data(), raw.data()));
  for (double &v : raw) v *= norm / 2.0;
  EXPECT_LE(RelativeDifference(z, raw), 1e-14);
  // ... which is not the unit-norm wrapper's answer there.
  std::vector<double> zu(N);
  ASSERT_EQ(0, NpoNetSetInputGrid(net, 0));
  ASSERT_EQ(0, NpoNetApply(net, 64, 64, r.data(), zu.data()));
  EXPECT_GT(RelativeDifference(zu, z), 1e-3);
  EXPECT_NE(0, NpoNetSetInputGrid(net, -1));
  NpoNetDestroy(&net);
}

// ---------------------------------------------------------------------------------------
// Checkpoints.

TEST(NpoCheckpoint, ImportsReferenceWithItsHyperparameters)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoNet net = LoadReference(file);
  ASSERT_NE(net, nullptr);
  NpoNetInfo info;
  ASSERT_EQ(0, NpoNetGetInfo(net, &info));
  EXPECT_EQ(info.num_params, 50465); // docs/npo.md: 50,465 parameters with ffn_mult 4
  EXPECT_EQ(info.hp.width, 32);
  EXPECT_EQ(info.hp.num_coarse, 64);
  EXPECT_EQ(info.hp.num_heads, 4);
  EXPECT_EQ(info.hp.ffn_mult, 4);
  EXPECT_EQ(info.train_grid, 32);
  EXPECT_STREQ(info.format, NPO_REFERENCE_FORMAT_NAME);
  EXPECT_NE(std::string(info.provenance).find("reference"), std::string::npos);
  NpoNetDestroy(&net);
}

TEST(NpoCheckpoint, ProjectFormatRoundTrip)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoNet net = LoadReference(file);
  ASSERT_NE(net, nullptr);
  std::string path = ScratchPath("roundtrip");
  ASSERT_EQ(0, NpoNetSetProvenance(net, 32, "round-trip test"));
  ASSERT_EQ(0, NpoNetSetInputGrid(net, 32));
  ASSERT_EQ(0, NpoNetSave(PETSC_COMM_WORLD, net, path.c_str()));
  NpoNet back = nullptr;
  ASSERT_EQ(0, NpoNetLoad(PETSC_COMM_WORLD, path.c_str(), &back));
  NpoNetInfo a, b;
  NpoNetGetInfo(net, &a);
  NpoNetGetInfo(back, &b);
  EXPECT_STREQ(b.format, NPO_FORMAT_NAME);
  EXPECT_STREQ(b.provenance, "round-trip test");
  EXPECT_EQ(a.checksum, b.checksum); // the same float32 weights, bit for bit
  EXPECT_EQ(a.num_params, b.num_params);
  EXPECT_EQ(b.train_grid, 32);
  EXPECT_EQ(a.input_grid, 32);
  EXPECT_EQ(b.input_grid, 32);
  std::vector<double> in = ReadDataset(file, "test/b_in"), z1(1024), z2(1024);
  ASSERT_EQ(0, NpoNetApply(net, 32, 32, in.data(), z1.data()));
  ASSERT_EQ(0, NpoNetApply(back, 32, 32, in.data(), z2.data()));
  EXPECT_EQ(z1, z2);
  NpoNetDestroy(&net);
  NpoNetDestroy(&back);
  MPI_Barrier(PETSC_COMM_WORLD);
  if (!Rank()) std::remove(path.c_str());
}

TEST(NpoCheckpoint, OtherHyperparametersRoundTrip)
{
  // Hyperparameters are configurable and stored with the weights.
  NpoHyperparameters hp  = {16, 8, 2, 2};
  NpoNet             net = nullptr, back = nullptr;
  ASSERT_EQ(0, NpoNetCreate(PETSC_COMM_WORLD, &hp, 7, &net));
  std::string path = ScratchPath("small");
  ASSERT_EQ(0, NpoNetSave(PETSC_COMM_WORLD, net, path.c_str()));
  ASSERT_EQ(0, NpoNetLoad(PETSC_COMM_WORLD, path.c_str(), &back));
  NpoNetInfo a, b;
  NpoNetGetInfo(net, &a);
  NpoNetGetInfo(back, &b);
  EXPECT_EQ(b.hp.width, 16);
  EXPECT_EQ(b.hp.num_coarse, 8);
  EXPECT_EQ(b.hp.num_heads, 2);
  EXPECT_EQ(b.hp.ffn_mult, 2);
  EXPECT_EQ(a.checksum, b.checksum);
  NpoNetDestroy(&net);
  NpoNetDestroy(&back);
  MPI_Barrier(PETSC_COMM_WORLD);
  if (!Rank()) std::remove(path.c_str());
}

TEST(NpoBadCheckpoint, MissingFile)
{
  ExpectLoadFails("/nonexistent/npo_weights.h5", PETSC_ERR_FILE_OPEN);
}

TEST(NpoBadCheckpoint, NotHdf5)
{
  std::string path = ScratchPath("text");
  if (!Rank()) std::ofstream(path) << "not a checkpoint\n";
  MPI_Barrier(PETSC_COMM_WORLD);
  ExpectLoadFails(path, PETSC_ERR_FILE_UNEXPECTED);
}

TEST(NpoBadCheckpoint, Truncated)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  for (double keep : {0.5, 0.9}) {
    std::string path = ScratchPath("truncated");
    if (!Rank()) CopyFile(file, path, (long)(keep * FileSize(file)));
    MPI_Barrier(PETSC_COMM_WORLD);
    ExpectLoadFails(path, PETSC_ERR_FILE_UNEXPECTED);
  }
}

TEST(NpoBadCheckpoint, Hdf5OfAnotherKind)
{
  // A fixture case file is HDF5 but neither checkpoint layout.
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  NpoNet net = nullptr;
  EXPECT_EQ(PETSC_ERR_FILE_UNEXPECTED, NpoNetLoad(PETSC_COMM_WORLD, file.c_str(), &net));
  EXPECT_EQ(net, nullptr);
}

TEST(NpoBadCheckpoint, MissingParameter)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  ExpectLoadFails(EditedCopy(file, "missing",
                             [](hid_t f) { H5Ldelete(f, "state_dict/proj.bias", H5P_DEFAULT); }),
                  PETSC_ERR_FILE_UNEXPECTED);
}

TEST(NpoBadCheckpoint, OtherArchitecture)
{
  // Renamed modules (e.g. a plain encoder instead of the attention restriction).
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  ExpectLoadFails(EditedCopy(file, "otherarch",
                             [](hid_t f) {
                               H5Lmove(f, "state_dict/restrict.in_proj_weight", f,
                                       "state_dict/encoder.weight", H5P_DEFAULT, H5P_DEFAULT);
                             }),
                  PETSC_ERR_FILE_UNEXPECTED);
}

TEST(NpoBadCheckpoint, WrongShape)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  // Hyperparameters that do not match the stored weights.
  ExpectLoadFails(EditedCopy(file, "width", [](hid_t f) { SetIntAttribute(f, "width", 16); }),
                  PETSC_ERR_FILE_UNEXPECTED);
  ExpectLoadFails(
      EditedCopy(file, "coarse", [](hid_t f) { SetIntAttribute(f, "num_coarse", 128); }),
      PETSC_ERR_FILE_UNEXPECTED);
  // One weight replaced by an array of another shape.
  ExpectLoadFails(EditedCopy(file, "shape",
                             [](hid_t f) {
                               H5Ldelete(f, "state_dict/lift.weight", H5P_DEFAULT);
                               hsize_t            dims[2] = {32, 3};
                               std::vector<float> w(96, 0.1f);
                               hid_t              s = H5Screate_simple(2, dims, NULL);
                               hid_t d = H5Dcreate2(f, "state_dict/lift.weight", H5T_IEEE_F32LE, s,
                                                    H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                               H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                        w.data());
                               H5Dclose(d);
                               H5Sclose(s);
                             }),
                  PETSC_ERR_FILE_UNEXPECTED);
}

TEST(NpoBadCheckpoint, InconsistentHyperparameters)
{
  // 32 channels cannot be split into 5 heads: a clear error, not a libtorch exception.
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  ExpectLoadFails(EditedCopy(file, "heads", [](hid_t f) { SetIntAttribute(f, "num_heads", 5); }),
                  PETSC_ERR_FILE_UNEXPECTED);
  ExpectLoadFails(EditedCopy(file, "noattr", [](hid_t f) { H5Adelete(f, "ffn_mult"); }),
                  PETSC_ERR_FILE_UNEXPECTED);
}

TEST(NpoBadCheckpoint, NonFiniteWeights)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  ExpectLoadFails(EditedCopy(file, "nan",
                             [](hid_t f) {
                               hid_t d = H5Dopen2(f, "state_dict/proj.weight", H5P_DEFAULT);
                               std::vector<float> w(32, NAN);
                               H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                        w.data());
                               H5Dclose(d);
                             }),
                  PETSC_ERR_FILE_UNEXPECTED);
}

TEST(NpoBadCheckpoint, ProjectFormatMissingParameter)
{
  // The same checks apply to the project's own format.
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoCheckpoint ck;
  ASSERT_EQ(0, NpoCheckpointRead(PETSC_COMM_WORLD, file.c_str(), &ck));
  ck.tensors.pop_back();
  std::string path = ScratchPath("ownmissing");
  ASSERT_EQ(0, NpoCheckpointWrite(PETSC_COMM_WORLD, path.c_str(), ck, "test"));
  ExpectLoadFails(path, PETSC_ERR_FILE_UNEXPECTED);
}

// The checkpoint writer on its own (the PC directory's writer, without the tools' checks):
// never over a folder or a FIFO; a full disk (a file-size limit on rank 0, SIGXFSZ ignored)
// is PETSC_ERR_FILE_WRITE on every rank, no temporary is left and the previous file stays.
TEST(NpoCheckpointWriter, RefusesSpecialTargetsAndSurvivesAFullDisk)
{
  REQUIRE_FIXTURE(file, "npo_weights.h5");
  NpoCheckpoint ck;
  ASSERT_EQ(0, NpoCheckpointRead(PETSC_COMM_WORLD, file.c_str(), &ck));
  const std::string dir = ScratchPath("folder"), fifo = ScratchPath("fifo");
  const std::string old = ScratchPath("previous");
  if (!Rank()) {
    ASSERT_EQ(0, mkdir(dir.c_str(), 0755));
    ASSERT_EQ(0, mkfifo(fifo.c_str(), 0644));
    std::ofstream(old) << "the previous checkpoint\n";
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  EXPECT_EQ(PETSC_ERR_FILE_OPEN, NpoCheckpointWrite(PETSC_COMM_WORLD, dir.c_str(), ck, "test"));
  EXPECT_EQ(PETSC_ERR_FILE_OPEN, NpoCheckpointWrite(PETSC_COMM_WORLD, fifo.c_str(), ck, "test"));

  // Only the soft limit is lowered, so that it can be raised again.
  struct rlimit saved, small;
  void (*handler)(int) = SIG_DFL;
  if (!Rank()) {
    ASSERT_EQ(0, getrlimit(RLIMIT_FSIZE, &saved));
    small.rlim_cur = 64 * 1024; // the weights need about 210 KB
    small.rlim_max = saved.rlim_max;
    handler        = signal(SIGXFSZ, SIG_IGN);
    ASSERT_EQ(0, setrlimit(RLIMIT_FSIZE, &small));
  }
  const PetscErrorCode full = NpoCheckpointWrite(PETSC_COMM_WORLD, old.c_str(), ck, "test");
  if (!Rank()) {
    EXPECT_EQ(0, setrlimit(RLIMIT_FSIZE, &saved));
    signal(SIGXFSZ, handler);
  }
  EXPECT_EQ(PETSC_ERR_FILE_WRITE, full);
  if (!Rank()) {
    struct stat st;
    EXPECT_TRUE(stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
    EXPECT_TRUE(stat(fifo.c_str(), &st) == 0 && S_ISFIFO(st.st_mode));
    std::ifstream in(old);
    std::string   line;
    std::getline(in, line);
    EXPECT_EQ(line, "the previous checkpoint");
    const std::string stem = old.substr(old.rfind('/') + 1);
    EXPECT_NE(0, std::system(("ls /tmp | grep -q '^" + stem + ".tmp'").c_str()))
        << "a temporary was left";
    EXPECT_NE(0, std::system(("ls /tmp | grep -q '^" + dir.substr(5) + ".tmp'").c_str()));
    rmdir(dir.c_str());
    std::remove(fifo.c_str());
    std::remove(old.c_str());
  }
  // Without the limit the same write succeeds.
  const std::string good = ScratchPath("good");
  EXPECT_EQ(0, NpoCheckpointWrite(PETSC_COMM_WORLD, good.c_str(), ck, "test"));
  NpoNet net = nullptr;
  EXPECT_EQ(0, NpoNetLoad(PETSC_COMM_WORLD, good.c_str(), &net));
  NpoNetDestroy(&net);
  MPI_Barrier(PETSC_COMM_WORLD);
  if (!Rank()) std::remove(good.c_str());
}

TEST(NpoBadCheckpoint, ThroughThePC)
{
  // -pc_npo_checkpoint with a missing file: KSPSetUp reports FILE_OPEN, no crash.
  ProblemOptions opts;
  Problem        p;
  KSP            ksp;
  PC             pc;
  ASSERT_EQ(0, ProblemOptionsFromCommandLine(PETSC_COMM_WORLD, "constant", &opts));
  opts.n = 8;
  ASSERT_EQ(0, ProblemCreate(PETSC_COMM_WORLD, &opts, &p));
  ASSERT_EQ(0, KSPCreate(PETSC_COMM_WORLD, &ksp));
  ASSERT_EQ(0, KSPSetOperators(ksp, p.A, p.A));
  ASSERT_EQ(0, KSPGetPC(ksp, &pc));
  ASSERT_EQ(0, PCSetType(pc, "npo"));
  ASSERT_EQ(0, PCNpoSetCheckpoint(pc, "/nonexistent/weights.h5"));
  EXPECT_EQ(PETSC_ERR_FILE_OPEN, KSPSetUp(ksp));
  KSPDestroy(&ksp);
  ProblemDestroy(&p);
}

// ---------------------------------------------------------------------------------------
// Solves on the canonical problem (fixture b), any number of ranks (gather mode).

TEST(NpoSolve, FlexibleCGThirtyIterations)
{
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  REQUIRE_FIXTURE(weights, "npo_weights.h5");
  SolveRecord rec;
  // The reference network, named (the default checkpoint is the project's own, models/).
  SolveCanonical(file, "npo_fcg", &rec, "-npo_fcg_pc_npo_checkpoint " + weights);
  PetscOptionsClearValue(NULL, "-npo_fcg_pc_npo_checkpoint");
  // Reference: 30 iterations with FCG(1). Observed: 30 at 1, 2 and 4 ranks.
  EXPECT_EQ(rec.iterations, 30);
  EXPECT_NEAR(rec.iterations, 30, 2);
  EXPECT_GT(rec.reason, 0);
  EXPECT_LE(rec.final_relres, 1e-10);
  EXPECT_LE(rec.true_relres, 2e-10);
  // The residual history follows the reference's hist/fcg_npo (float32 network: 1e-3).
  std::vector<double> ref = ReadDataset(weights, "hist/fcg_npo");
  ASSERT_EQ((size_t)rec.nhistory, ref.size());
  for (size_t k = 0; k < ref.size(); k++)
    EXPECT_NEAR(rec.history[k] / ref[k], 1.0, 1e-3) << "k = " << k;
  if (WorldSize() > 1) {
    EXPECT_NE(std::string(rec.ksp_view).find("mode: gather"), std::string::npos);
  }
  EXPECT_NE(std::string(rec.ksp_view).find("parameters: 50465"), std::string::npos);
  SolveRecordDestroy(&rec);
}

TEST(NpoSolve, PlainCGNegativeControlStalls)
{
  // Plain CG with the (nonlinear, nonsymmetric) network stalls near 1e-5 and stops at the
  // iteration limit: a result (DIVERGED_ITS), not an error. At 1 rank the full 2000
  // iterations run (~5-10 s); at 2 and 4 ranks the limit is 300 to keep the suite fast
  // (the stall is reached by iteration ~100: relres 1.3e-5 at 100, 9.7e-6 at 2000).
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  REQUIRE_FIXTURE(weights, "npo_weights.h5");
  SolveRecord rec;
  const int   max_it = WorldSize() == 1 ? 2000 : 300;
  SolveCanonical(file, "npo_cg", &rec,
                 "-npo_cg_ksp_max_it " + std::to_string(max_it) + " -npo_cg_pc_npo_checkpoint " +
                     weights);
  PetscOptionsClearValue(NULL, "-npo_cg_pc_npo_checkpoint");
  PetscOptionsClearValue(NULL, "-npo_cg_ksp_max_it");
  EXPECT_EQ(rec.iterations, max_it);
  EXPECT_EQ(rec.reason, KSP_DIVERGED_ITS);
  EXPECT_GT(rec.final_relres, 1e-7); // far from 1e-10
  EXPECT_LT(rec.final_relres, 1e-3); // but it did reduce the residual (stall, not blow-up)
  SolveRecordDestroy(&rec);
}

TEST(NpoSolve, BlockJacobiSubdomainNetworks)
{
  // -pc_type bjacobi -sub_pc_type npo: each rank applies the network to its own strip
  // (rows x 32, width from the stencil). At 1 rank this is the global network (30).
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  REQUIRE_FIXTURE(weights, "npo_weights.h5");
  Problem     p;
  SolveRecord rec;
  ASSERT_EQ(0, CreateTestProblem(PETSC_COMM_WORLD, "constant", 32, file, &p));
  ASSERT_EQ(0, PetscOptionsInsertString(NULL, "-npobj_ksp_type fcg -npobj_ksp_fcg_mmax 1 "
                                              "-npobj_pc_type bjacobi -npobj_sub_pc_type npo"));
  // The reference network (the default checkpoint is the project's own, models/).
  ASSERT_EQ(0, PetscOptionsSetValue(NULL, "-npobj_sub_pc_npo_checkpoint", weights.c_str()));
  ASSERT_EQ(0, SolveRun(&p, "npobj", "npobj_", PETSC_FALSE, &rec));
  EXPECT_GT(rec.reason, 0);
  EXPECT_LE(rec.final_relres, 1e-10);
  // Observed: 30 / 78 / 197 iterations at 1 / 2 / 4 ranks: the network trained on the whole
  // unit square sees thinner strips, each with its own coordinates linspace(0, 1). The 4-rank
  // count (8-row strips, a poor preconditioner, FCG(1) with a nonlinear M) moves with float32
  // rounding: libtorch module 197 with OpenBLAS's Haswell or SkylakeX kernels, 191 with its
  // Prescott kernels; native forward pass 190 / 186 / 197 with the same three.
  const int expected = WorldSize() == 1 ? 30 : WorldSize() == 2 ? 78 : 192;
  EXPECT_NEAR(rec.iterations, expected, WorldSize() > 2 ? 8 : 3);
  SolveRecordDestroy(&rec);
  ASSERT_EQ(0, ProblemDestroy(&p));
}

TEST(NpoSolve, GatherInNaturalOrderOnAnyDMDALayout)
{
  // A DMDA split in both directions (2 x 2 at 4 ranks) has a global order that differs from
  // the natural one; the PC gathers in natural order, so FCG(1) still takes 30 iterations.
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  REQUIRE_FIXTURE(weights, "npo_weights.h5");
  const PetscInt n = 32;
  const double   h = 1.0 / (n + 1), d = 4.0 / (h * h), o = -1.0 / (h * h);
  DM             da;
  Mat            A;
  Vec            b, bn, x;
  KSP            ksp;
  PC             pc;
  ASSERT_EQ(0, DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR,
                            n, n, PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL, NULL, &da));
  ASSERT_EQ(0, DMSetUp(da));
  PetscInt px, py;
  ASSERT_EQ(0, DMDAGetInfo(da, NULL, NULL, NULL, NULL, &px, &py, NULL, NULL, NULL, NULL, NULL, NULL,
                           NULL));
  if (WorldSize() == 4) {
    EXPECT_EQ(px, 2) << "the 4-rank layout should split both directions";
  }
  ASSERT_EQ(0, DMCreateMatrix(da, &A));
  DMDALocalInfo li;
  DMDAGetLocalInfo(da, &li);
  for (PetscInt j = li.ys; j < li.ys + li.ym; j++)
    for (PetscInt i = li.xs; i < li.xs + li.xm; i++) {
      MatStencil  row = {0, j, i, 0}, col[5];
      PetscScalar v[5];
      PetscInt    k = 0;
      col[k] = row, v[k++] = d;
      if (i > 0) col[k] = {0, j, i - 1, 0}, v[k++] = o;
      if (i < n - 1) col[k] = {0, j, i + 1, 0}, v[k++] = o;
      if (j > 0) col[k] = {0, j - 1, i, 0}, v[k++] = o;
      if (j < n - 1) col[k] = {0, j + 1, i, 0}, v[k++] = o;
      MatSetValuesStencil(A, 1, &row, k, col, v, INSERT_VALUES);
    }
  ASSERT_EQ(0, MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  ASSERT_EQ(0, MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  // Fixture b in natural order (reference j = DMDA x, i = DMDA y) -> global vector.
  std::vector<double> ref = ReadDataset(file, "b");
  ASSERT_EQ(0, DMDACreateNaturalVector(da, &bn));
  PetscInt lo, hi;
  VecGetOwnershipRange(bn, &lo, &hi);
  for (PetscInt k = lo; k < hi; k++) VecSetValue(bn, k, ref[k], INSERT_VALUES);
  VecAssemblyBegin(bn);
  VecAssemblyEnd(bn);
  ASSERT_EQ(0, DMCreateGlobalVector(da, &b));
  ASSERT_EQ(0, DMDANaturalToGlobalBegin(da, bn, INSERT_VALUES, b));
  ASSERT_EQ(0, DMDANaturalToGlobalEnd(da, bn, INSERT_VALUES, b));
  ASSERT_EQ(0, VecDuplicate(b, &x));
  ASSERT_EQ(0, KSPCreate(PETSC_COMM_WORLD, &ksp));
  ASSERT_EQ(0, KSPSetOperators(ksp, A, A));
  ASSERT_EQ(0, KSPSetType(ksp, KSPFCG));
  ASSERT_EQ(0, KSPFCGSetMmax(ksp, 1));
  ASSERT_EQ(0, KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  ASSERT_EQ(0, KSPSetTolerances(ksp, 1e-10, 0.0, PETSC_DEFAULT, 200));
  ASSERT_EQ(0, KSPGetPC(ksp, &pc));
  ASSERT_EQ(0, PCSetType(pc, "npo"));
  ASSERT_EQ(0, PCNpoSetCheckpoint(pc, weights.c_str())); // the reference network
  ASSERT_EQ(0, KSPSolve(ksp, b, x));
  PetscInt           its;
  KSPConvergedReason reason;
  KSPGetIterationNumber(ksp, &its);
  KSPGetConvergedReason(ksp, &reason);
  EXPECT_GT(reason, 0);
  EXPECT_EQ(its, 30);
  KSPDestroy(&ksp);
  VecDestroy(&x);
  VecDestroy(&b);
  VecDestroy(&bn);
  MatDestroy(&A);
  DMDestroy(&da);
}

// ---------------------------------------------------------------------------------------
// Linearised spectrum at n = 32 (1024 network applications + dense geev: ~5-8 s), one rank.

TEST(NpoSpectrum, ReferenceMetricsAtN32)
{
  if (WorldSize() > 1) GTEST_SKIP() << "dense spectrum: run at 1 rank only";
  REQUIRE_FIXTURE(file, "a_n32_seed42_const.h5");
  REQUIRE_FIXTURE(weights, "npo_weights.h5");
  NpoNet net = LoadReference(weights, PETSC_COMM_SELF);
  ASSERT_NE(net, nullptr);
  ProblemOptions opts;
  Problem        p;
  NpoSpectrum    s;
  ASSERT_EQ(0, ProblemOptionsFromCommandLine(PETSC_COMM_SELF, "constant", &opts));
  PetscStrncpy(opts.rhs, "file", sizeof(opts.rhs));
  PetscStrncpy(opts.rhs_file, file.c_str(), sizeof(opts.rhs_file));
  ASSERT_EQ(0, ProblemCreate(PETSC_COMM_SELF, &opts, &p));
  const PetscScalar *b;
  VecGetArrayRead(p.b, &b);
  ASSERT_EQ(0, NpoLinearizedSpectrum(net, p.A, 32, 32, b, &s, NULL, NULL));
  VecRestoreArrayRead(p.b, &b);
  // docs/npo.md: all in the right half-plane, |lambda| spread 12.56, 98.1 % within [0.5, 2] x
  // median, nonsymmetry 0.568, nonlinearity 0.432.
  EXPECT_EQ(s.num_nonpositive_real, 0);
  EXPECT_GT(s.re_min, 0);
  EXPECT_NEAR(s.spread, 12.56, 0.05 * 12.56);
  EXPECT_NEAR(s.frac_in_band, 0.981, 0.01);
  EXPECT_NEAR(s.nonsymmetry, 0.568, 0.005);
  EXPECT_NEAR(s.nonlinearity, 0.432, 0.005);
  ProblemDestroy(&p);
  NpoNetDestroy(&net);
}

TEST(NpoVersion, LibtorchVersionString)
{
  EXPECT_STREQ(NpoLibtorchVersion(), "1.13.0");
}

} // namespace
