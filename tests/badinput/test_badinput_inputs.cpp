// Bad input, the "inputs" part (ctest -L badinput): right-hand-side files that are damaged or
// of the wrong type or shape, grid sizes beyond PETSc's 32-bit indices, HODLR options, KSP
// iteration limits, poisson_bench's child processes and its JSON output. Every fuzzed file is
// generated here with the HDF5 C API (or as raw bytes); every refusal must be one
// "<program>: error: ..." line, a nonzero exit, no traceback, no hang and no file left behind.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.h"

namespace {

const int kN = 32; // the grid of every run here: N = 1024

std::string Tmp(const std::string &name)
{
  return CliTempDir() + "/" + name;
}

bool Exists(const std::string &path)
{
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string Slurp(const std::string &file)
{
  std::ifstream     in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- HDF5 writers (the test's own, independent of the reader under test) ----

hid_t CreateFile(const std::string &path)
{
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(f, 0) << path;
  return f;
}

// Dataset `name` of `f` with file type `ftype`, memory type `mtype` and shape `dims`.
void Write(hid_t f, const char *name, hid_t ftype, hid_t mtype, const std::vector<hsize_t> &dims,
           const void *data)
{
  hid_t s =
      dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple((int)dims.size(), dims.data(), NULL);
  hid_t d = H5Dcreate2(f, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(d, 0) << name;
  if (data) {
    ASSERT_GE(H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0) << name;
  }
  H5Dclose(d);
  H5Sclose(s);
}

void WriteDoubles(const std::string &path, const std::vector<double> &v,
                  const std::vector<hsize_t> &dims)
{
  hid_t f = CreateFile(path);
  Write(f, "b", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, v.data());
  H5Fclose(f);
}

// A smooth right-hand side, finite and nonzero (the valid file every fuzzed copy starts from).
std::vector<double> SmoothB()
{
  std::vector<double> v(kN * kN);
  for (size_t k = 0; k < v.size(); k++) v[k] = std::sin(0.1 * (double)k) + 0.25;
  return v;
}

// Small integers (a "rod"-like pattern): exactly representable in every numeric type.
std::vector<int> IntegerB()
{
  std::vector<int> v(kN * kN, 0);
  for (int i = 3; i <= 8; i++) v[i * kN + 4] = 1;
  for (int i = 23; i <= 28; i++) v[i * kN + 27] = -1;
  for (int k = 0; k < kN * kN; k += 97) v[k] += 2;
  return v;
}

std::vector<unsigned char> Bytes(const std::string &path)
{
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string &path, const unsigned char *data, size_t n)
{
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write((const char *)data, (std::streamsize)n);
}

// One hostile right-hand side: file, dataset, the message the programs must give.
struct BadRhs {
  std::string file, dataset, message;
};

// Generates every fuzzed file once (in the test binary's private folder).
const std::vector<BadRhs> &BadRhsFiles()
{
  static std::vector<BadRhs> cases;
  if (!cases.empty()) return cases;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

  // A valid file, then truncated copies of it: empty, inside the superblock, half, one byte short.
  const std::string valid = Tmp("valid.h5");
  WriteDoubles(valid, SmoothB(), {(hsize_t)kN * kN});
  const std::vector<unsigned char> bytes = Bytes(valid);
  EXPECT_GT(bytes.size(), 8u * kN * kN);
  for (size_t len : {(size_t)0, (size_t)40, bytes.size() / 2, bytes.size() - 1}) {
    const std::string f = Tmp("trunc" + std::to_string(len) + ".h5");
    WriteBytes(f, bytes.data(), len);
    cases.push_back({f, "b", "cannot open HDF5 file '" + f + "'"});
  }
  // Random bytes, and random bytes behind a genuine HDF5 signature.
  std::mt19937               gen(12345);
  std::vector<unsigned char> noise(8192);
  for (unsigned char &c : noise) c = (unsigned char)(gen() & 0xff);
  WriteBytes(Tmp("random.h5"), noise.data(), noise.size());
  cases.push_back({Tmp("random.h5"), "b", "cannot open HDF5 file '" + Tmp("random.h5") + "'"});
  const unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::copy(signature, signature + 8, noise.begin());
  WriteBytes(Tmp("random_sig.h5"), noise.data(), noise.size());
  cases.push_back(
      {Tmp("random_sig.h5"), "b", "cannot open HDF5 file '" + Tmp("random_sig.h5") + "'"});

  // Wrong types: strings, complex numbers as a compound of two doubles, another compound.
  {
    hid_t f   = CreateFile(Tmp("types.h5"));
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, 8);
    std::vector<char> text(8 * kN * kN, 'x');
    Write(f, "strings", str, str, {(hsize_t)kN * kN}, text.data());
    H5Tclose(str);
    hid_t cplx = H5Tcreate(H5T_COMPOUND, 2 * sizeof(double));
    H5Tinsert(cplx, "r", 0, H5T_NATIVE_DOUBLE);
    H5Tinsert(cplx, "i", sizeof(double), H5T_NATIVE_DOUBLE);
    std::vector<double> pairs(2 * kN * kN, 1.0);
    Write(f, "complex", cplx, cplx, {(hsize_t)kN, (hsize_t)kN}, pairs.data());
    H5Tclose(cplx);
    struct Rec {
      int    id;
      double value;
    };
    hid_t rec = H5Tcreate(H5T_COMPOUND, sizeof(Rec));
    H5Tinsert(rec, "id", HOFFSET(Rec, id), H5T_NATIVE_INT);
    H5Tinsert(rec, "value", HOFFSET(Rec, value), H5T_NATIVE_DOUBLE);
    std::vector<Rec> recs(kN * kN, Rec{1, 2.0});
    Write(f, "compound", rec, rec, {(hsize_t)kN * kN}, recs.data());
    H5Tclose(rec);
    // Wrong shapes (all of double type), an empty and a scalar dataset, a group.
    std::vector<double> many(2 * kN * kN + 2, 1.0);
    Write(f, "long", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {(hsize_t)kN * kN + 1}, many.data());
    Write(f, "wide", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {(hsize_t)kN, (hsize_t)kN + 1},
          many.data());
    Write(f, "cube", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {2, (hsize_t)kN, (hsize_t)kN / 2},
          many.data());
    Write(f, "empty", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {0}, NULL);
    Write(f, "scalar", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {}, many.data());
    hid_t g = H5Gcreate2(f, "group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(g);
    H5Fclose(f);
  }
  const std::string types = Tmp("types.h5");
  cases.push_back({types, "strings", "dataset 'strings' of '" + types + "' holds strings"});
  cases.push_back({types, "complex", "dataset 'complex' of '" + types + "' holds a compound type"});
  cases.push_back({types, "compound", "holds a compound type"});
  cases.push_back({types, "long", "has shape (1025,), but n = 32 needs n*n = 1024"});
  cases.push_back({types, "wide", "has shape (32, 33), but n = 32 needs n*n = 1024"});
  cases.push_back({types, "cube", "has shape (2, 32, 16), but n = 32"});
  cases.push_back({types, "empty", "has shape (0,), but n = 32"});
  cases.push_back({types, "scalar", "dataset 'scalar' of '" + types + "' has no simple shape"});
  cases.push_back({types, "group", "file '" + types + "' has no dataset 'group'"});
  cases.push_back({types, "/no/such/b", "has no dataset '/no/such/b'"});

  // Non-finite values: NaN in an (N,) vector, -Inf in an (n, n) grid.
  std::vector<double> v = SmoothB();
  v[5]                  = std::numeric_limits<double>::quiet_NaN();
  WriteDoubles(Tmp("nan.h5"), v, {(hsize_t)kN * kN});
  cases.push_back({Tmp("nan.h5"), "b", "holds a non-finite value (NaN) at [5]"});
  v             = SmoothB();
  v[3 * kN + 4] = -std::numeric_limits<double>::infinity();
  WriteDoubles(Tmp("inf.h5"), v, {(hsize_t)kN, (hsize_t)kN});
  cases.push_back({Tmp("inf.h5"), "b", "holds a non-finite value (Inf) at [3, 4]"});
  return cases;
}

std::string RhsArgs(const BadRhs &c)
{
  return "-rhs_file " + c.file + " -rhs_dataset " + c.dataset;
}

// After a process of a job fails, mpirun waits odls_base_sigkill_timeout (1 s) before killing
// what is left, and a failed 1-rank run takes ~2.5 s instead of ~0.4 s. With one rank nothing is
// left to kill, so those runs skip the wait; at 2 ranks the default stays (the other rank keeps
// its time to clean up).
struct OneRankFastExit {
  explicit OneRankFastExit(int ranks) : on(ranks == 1)
  {
    if (on) setenv("OMPI_MCA_odls_base_sigkill_timeout", "0", 1);
  }
  ~OneRankFastExit()
  {
    if (on) unsetenv("OMPI_MCA_odls_base_sigkill_timeout");
  }
  bool on;
};

// ExpectCleanFailure (cli_support.h), faster at one rank.
void ExpectRefused(const std::string &program, const std::string &args, const std::string &message,
                   int ranks = 1)
{
  OneRankFastExit fast(ranks);
  ExpectCleanFailure(program, args, message, ranks);
}

// The same checks as ExpectCleanFailure for programs that write a JSON file (-o <tmp>/bad.json).
void ExpectCleanFailureJson(const std::string &program, const std::string &args,
                            const std::string &message, int ranks = 1)
{
  const std::string out = Tmp("bad.json");
  OneRankFastExit   fast(ranks);
  std::remove(out.c_str());
  CliRun r = RunExecutable(program, args + " -o " + out, ranks);
  EXPECT_NE(r.status, 0) << args;
  EXPECT_NE(r.status, 124) << "timed out: " << args;
  EXPECT_NE(r.err.find(message), std::string::npos) << args << "\nstderr:\n" << r.err;
  EXPECT_EQ(r.err.find("PETSC ERROR"), std::string::npos) << "expected one line, got\n" << r.err;
  EXPECT_EQ(CountOccurrences(r.err, program + ": error: "), 1u) << "expected one line, got\n"
                                                                << r.err;
  EXPECT_FALSE(AnyFileStartingWith(CliTempDir(), "bad.json")) << args;
}

// Number of values of dataset `path` of an HDF5 file (-1 if absent).
long long DatasetLength(const std::string &file, const char *path)
{
  long long n = -1;
  hid_t     f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return n;
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  if (d >= 0) {
    hid_t s = H5Dget_space(d);
    n       = (long long)H5Sget_simple_extent_npoints(s);
    H5Sclose(s);
    H5Dclose(d);
  }
  H5Fclose(f);
  return n;
}

std::vector<double> ReadDoubles(const std::string &file, const char *path)
{
  std::vector<double> v;
  const long long     n = DatasetLength(file, path);
  if (n < 0) return v;
  v.resize((size_t)n);
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  EXPECT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

double PhysicalMemoryGiB()
{
  return (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) / 1073741824.0;
}

} // namespace

// ---- 1. Right-hand-side files ----

TEST(BadRhsFile, PoissonSolveOneAndTwoRanks)
{
  for (const BadRhs &c : BadRhsFiles())
    for (int ranks : {1, 2})
      ExpectRefused("poisson_solve", "-problem constant -methods jacobi " + RhsArgs(c), c.message,
                    ranks);
}

TEST(BadRhsFile, PoissonSpectra)
{
  for (const BadRhs &c : BadRhsFiles())
    ExpectRefused("poisson_spectra", "-problem constant -methods none " + RhsArgs(c), c.message);
}

TEST(BadRhsFile, HodlrBenchFixture)
{
  // hodlr_bench's sweep reads its b from -fixture (dataset -rhs_dataset, default b).
  for (const BadRhs &c : BadRhsFiles())
    ExpectRefused("hodlr_bench",
                  "-mode sweep -ranks 1 -fixture " + c.file + " -rhs_dataset " + c.dataset,
                  c.message);
}

// Integers and single-precision floats are accepted and converted to double: the solve is the
// same as from the same values stored as doubles.
TEST(RhsFileTypes, IntegerAndFloatDatasetsEqualDoubles)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const std::vector<int> iv = IntegerB();
  std::vector<double>    dv(iv.begin(), iv.end());
  std::vector<float>     fv(iv.begin(), iv.end());
  {
    hid_t f = CreateFile(Tmp("int.h5"));
    Write(f, "b", H5T_STD_I32LE, H5T_NATIVE_INT, {(hsize_t)kN, (hsize_t)kN}, iv.data());
    Write(f, "b64", H5T_STD_I64BE, H5T_NATIVE_INT, {(hsize_t)kN * kN}, iv.data());
    Write(f, "f32", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {(hsize_t)kN * kN}, fv.data());
    H5Fclose(f);
  }
  WriteDoubles(Tmp("dbl.h5"), dv, {(hsize_t)kN, (hsize_t)kN});
  for (int ranks : {1, 2}) {
    const std::string ref = Tmp("ref.h5");
    CliRun            r   = RunExecutable(
                     "poisson_solve",
                     "-problem constant -methods jacobi -rhs_file " + Tmp("dbl.h5") + " -o " + ref, ranks);
    ASSERT_EQ(r.status, 0) << r.err;
    const double its = ReadGroupAttribute(ref, "/constant/jacobi", "iterations");
    EXPECT_GT(its, 10);
    for (const char *dataset : {"b", "b64", "f32"}) {
      const std::string out = Tmp(std::string("conv_") + dataset + ".h5");
      r                     = RunExecutable("poisson_solve",
                                            "-problem constant -methods jacobi -rhs_file " + Tmp("int.h5") +
                                                " -rhs_dataset " + dataset + " -o " + out,
                                            ranks);
      ASSERT_EQ(r.status, 0) << dataset << "\n" << r.err;
      EXPECT_EQ(ReadDoubles(out, "/constant/b"), ReadDoubles(ref, "/constant/b")) << dataset;
      EXPECT_EQ(ReadGroupAttribute(out, "/constant/jacobi", "iterations"), its) << dataset;
      EXPECT_EQ(ReadGroupAttribute(out, "/constant/jacobi", "final_relres"),
                ReadGroupAttribute(ref, "/constant/jacobi", "final_relres"))
          << dataset;
    }
  }
}

// ---- 2. Sizes beyond 32-bit indices, and beyond the machine's memory ----

TEST(BadSize, GridBeyondIndexLimit)
{
  for (int ranks : {1, 2}) {
    for (const std::string n : {"46342", "100000000", "10000000000"})
      if (ranks == 1 || n == "46342")
        ExpectRefused("poisson_solve", "-problem constant -methods jacobi -n " + n, "so n <= 46340",
                      ranks);
    ExpectRefused("poisson_solve", "-problem constant -methods jacobi -n 12x",
                  "-n expects an integer", ranks);
  }
  ExpectRefused("poisson_spectra", "-problem constant -methods none -n 8 -kappa_sweep 8,100000",
                "-kappa_sweep 100000 gives N = n*n = 1e+10 unknowns");
  ExpectRefused("poisson_spectra", "-problem constant -methods none -n 8 -kappa_sweep 8,x",
                "-kappa_sweep expects comma-separated integers, got 'x'", 2);
  ExpectRefused("hodlr_bench", "-mode scaling -sizes 128,100000", "-sizes 100000 gives N");
  ExpectCleanFailureJson("poisson_bench", "-bench_parts iteration -bench_sizes 64,100000",
                         "-bench_sizes 100000 gives N", 2);
  ExpectCleanFailureJson("poisson_bench", "-bench_parts tts -bench_tts_n 50000",
                         "-bench_tts_n 50000 gives N");
}

TEST(BadSize, GridBeyondMemory)
{
  // n = 46340 fits the indices but needs >= 100 bytes x 2.1e9 unknowns = 200 GiB.
  if (PhysicalMemoryGiB() > 190) GTEST_SKIP() << "this machine has more than 190 GiB";
  for (int ranks : {1, 2})
    ExpectRefused("poisson_solve", "-problem constant -methods jacobi -n 46340",
                  "-n 46340 (N = 2.147e+09 unknowns) needs at least", ranks);
}

// ---- 3. HODLR options ----

TEST(BadHodlr, UnknownBuildAndFactorPackage)
{
  for (int ranks : {1, 2}) {
    ExpectRefused("poisson_solve", "-problem constant -methods hodlr8 -hodlr8_pc_hodlr_build bogus",
                  "unknown -hodlr8_pc_hodlr_build 'bogus' (known: dense, scalable)", ranks);
    ExpectRefused("poisson_solve",
                  "-problem constant -methods hodlr8 -hodlr8_pc_hodlr_factor_solver_type bogus",
                  "unknown -hodlr8_pc_hodlr_factor_solver_type 'bogus'", ranks);
  }
  CliRun r = RunExecutable("poisson_solve", "-problem constant -methods hodlr8 "
                                            "-hodlr8_pc_hodlr_factor_solver_type bogus -o " +
                                                Tmp("bad.h5"));
  EXPECT_NE(r.err.find("(available: petsc"), std::string::npos) << r.err;
}

TEST(BadHodlr, HugeRankIsClampedToTheLargestBlock)
{
  // At n = 32 the largest off-diagonal block is 512 x 512: rank 100000 is rank 512 (exact).
  int its[2];
  int k = 0;
  for (const char *rank : {"512", "100000"}) {
    const std::string out = Tmp(std::string("rank") + rank + ".h5");
    CliRun            r =
        RunExecutable("poisson_solve",
                      std::string("-problem constant -methods hodlr8 -hodlr8_pc_hodlr_rank ") +
                          rank + " -o " + out,
                      1, 120);
    ASSERT_EQ(r.status, 0) << r.err;
    its[k++] = (int)ReadGroupAttribute(out, "/constant/hodlr8", "iterations");
  }
  EXPECT_EQ(its[0], its[1]);
  EXPECT_LE(its[1], 2);
}

TEST(BadHodlr, BenchModeAndRanks)
{
  ExpectRefused("hodlr_bench", "-mode bogus", "unknown -mode 'bogus' (known: sweep, scaling)");
  ExpectRefused("hodlr_bench", "-mode sweep -ranks 100000", "-ranks values must be in [1, 512]");
  ExpectRefused("hodlr_bench", "-mode sweep -ranks 1,abc",
                "-ranks expects comma-separated integers, got 'abc'");
  ExpectRefused("hodlr_bench", "-mode scaling -rank 0", "-rank must be at least 1");
}

// ---- 4. Iteration limits ----

TEST(IterationLimit, NegativeIsRefused)
{
  for (int ranks : {1, 2})
    ExpectRefused("poisson_solve", "-problem constant -methods none -none_ksp_max_it -1",
                  "-none_ksp_max_it must be at least 0, got -1", ranks);
}

TEST(IterationLimit, LargestIntSolvesAsUsual)
{
  const std::string a = Tmp("maxit_default.h5"), b = Tmp("maxit_huge.h5");
  ASSERT_EQ(RunExecutable("poisson_solve", "-problem constant -methods jacobi -o " + a).status, 0);
  CliRun r = RunExecutable(
      "poisson_solve", "-problem constant -methods jacobi -jacobi_ksp_max_it 2147483647 -o " + b);
  ASSERT_EQ(r.status, 0) << r.err;
  const double its = ReadGroupAttribute(b, "/constant/jacobi", "iterations");
  EXPECT_EQ(its, ReadGroupAttribute(a, "/constant/jacobi", "iterations"));
  EXPECT_EQ(DatasetLength(b, "/constant/jacobi/residual_history"), (long long)its + 1);
  EXPECT_EQ(ReadDoubles(b, "/constant/jacobi/residual_history"),
            ReadDoubles(a, "/constant/jacobi/residual_history"));
}

TEST(IterationLimit, HistoryGrowsBeyondItsFirstBuffer)
{
  // Richardson with a tiny step never converges: exactly max_it iterations, max_it + 1
  // history entries, past the first 4096-entry buffer; the shorter run is a prefix of it.
  std::vector<double> h[2];
  int                 k = 0;
  for (int max_it : {5000, 3000}) {
    const std::string out = Tmp("hist" + std::to_string(max_it) + ".h5");
    CliRun            r   = RunExecutable("poisson_solve",
                                          "-problem constant -methods none -none_ksp_type richardson "
                                                       "-none_ksp_richardson_scale 1e-6 -none_ksp_max_it " +
                                              std::to_string(max_it) + " -o " + out,
                                          2);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(ReadGroupAttribute(out, "/constant/none", "iterations"), max_it);
    h[k] = ReadDoubles(out, "/constant/none/residual_history");
    ASSERT_EQ(h[k].size(), (size_t)max_it + 1);
    EXPECT_EQ(ReadGroupAttribute(out, "/constant/none", "final_relres"), h[k].back());
    k++;
  }
  EXPECT_TRUE(std::equal(h[1].begin(), h[1].end(), h[0].begin()));
  EXPECT_LT(h[0].back(), h[1].back());
}

// ---- 5. poisson_bench: the time-to-solution children and its size list ----

TEST(BenchChildren, MethodNameIsNeverRunByAShell)
{
  const std::string marker = Tmp("INJECTED");
  std::remove(marker.c_str());
  ExpectCleanFailureJson("poisson_bench",
                         "-bench_parts tts -bench_tts_n 16 -bench_tts_methods "
                         "'jacobi,x;touch${IFS}" +
                             marker + ";#'",
                         "method name 'x;touch");
  EXPECT_FALSE(Exists(marker));
  ExpectCleanFailureJson("poisson_bench", "-bench_parts tts -bench_tts_methods jacobi,../x",
                         "method name '../x' must start with a letter");
}

TEST(BenchChildren, TimeToSolutionRunsThroughExec)
{
  for (int ranks : {1, 2}) {
    const std::string out = Tmp("tts" + std::to_string(ranks) + ".json");
    CliRun            r   = RunExecutable("poisson_bench",
                                          "-bench_parts tts -bench_tts_n 16 -bench_tts_methods jacobi,none "
                                                       "-bench_tts_ranks " +
                                              std::to_string(ranks) + " -o " + out,
                                          1, 120);
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string json = Slurp(out);
    EXPECT_NE(json.find("{\"method\": \"jacobi\", \"ok\": true"), std::string::npos) << json;
    EXPECT_NE(json.find("{\"method\": \"none\", \"ok\": true"), std::string::npos) << json;
    EXPECT_NE(json.find("\"ranks\": " + std::to_string(ranks)), std::string::npos) << json;
  }
}

// The report-13 parts: the decoupling solves run on the residual criterion (no direct solve in a
// timed run), -bench_dec_options reaches the children, and a bad option list is one error.
TEST(BenchChildren, DecouplingParts)
{
  const std::string out = Tmp("decoupling.json");
  CliRun            r   = RunExecutable(
                   "poisson_bench",
                   "-bench_parts dst,decoupling -bench_dst_sizes 15 -bench_dec_sizes 15 -bench_dec_ranks 2 "
                                "-bench_dec_constant dst -bench_dec_variable dst_cg,adi_cg "
                                "-bench_dec_options adi_cg_pc_adi_shifts=4,dst_cg_pc_dst_separable -o " +
                       out,
                   1, 120);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string json = Slurp(out);
  EXPECT_NE(json.find("\"n_plus_1_factors\": \"2^4\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"method\": \"dst\", \"ok\": true, \"iterations\": 1"), std::string::npos)
      << json;
  // the separable dst is exact on the variable problem: one CG iteration
  EXPECT_NE(json.find("\"method\": \"dst_cg\", \"ok\": true, \"iterations\": 1,"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"method\": \"adi_cg\", \"ok\": true"), std::string::npos) << json;
  ExpectCleanFailureJson("poisson_bench", "-bench_parts decoupling -bench_dec_options 'x=1,=2'",
                         "-bench_dec_options: '=2' is not name or name=value");
}

TEST(BenchSizes, NotIntegers)
{
  for (int ranks : {1, 2}) {
    ExpectCleanFailureJson("poisson_bench", "-bench_parts iteration -bench_sizes abc",
                           "-bench_sizes expects comma-separated integers, got 'abc'", ranks);
    ExpectCleanFailureJson("poisson_bench", "-bench_parts iteration -bench_sizes 64,,128",
                           "got '' in '64,,128'", ranks);
  }
}

// ---- 6. poisson_bench's JSON file ----

TEST(BenchOutput, DeviceAndMissingFolderRefusedBeforeWork)
{
  for (int ranks : {1, 2}) {
    CliRun r = RunExecutable("poisson_bench", "-bench_parts stream -o /dev/null", ranks);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("'/dev/null' exists and is not a regular file"), std::string::npos)
        << r.err;
    EXPECT_EQ(CountOccurrences(r.err, "poisson_bench: error: "), 1u) << r.err;
    EXPECT_EQ(r.out.find("STREAM"), std::string::npos) << "work done before the check";
    struct stat st;
    ASSERT_EQ(stat("/dev/null", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
  }
  CliRun r = RunExecutable("poisson_bench", "-bench_parts stream -o " + Tmp("nofolder/b.json"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("is missing or not writable"), std::string::npos) << r.err;
  EXPECT_EQ(CountOccurrences(r.err, "poisson_bench: error: "), 1u) << r.err;
}

TEST(BenchOutput, WrittenAtomically)
{
  const std::string out = Tmp("stream.json");
  CliRun r = RunExecutable("poisson_bench", "-bench_parts stream -bench_reps 1 -o " + out, 2);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(Slurp(out).find("\"complete\": true"), std::string::npos);
  EXPECT_FALSE(AnyFileStartingWith(CliTempDir(), "stream.json.tmp"));
}

TEST(BenchOutput, FullDiskIsAnError)
{
  // A full 4 KiB tmpfs in a private mount namespace (unshare -m): nothing outside it changes.
  if (std::system("unshare -m true 2>/dev/null") != 0)
    GTEST_SKIP() << "unshare -m is not permitted here";
  const std::string dir = Tmp("full"), err = Tmp("full.err");
  ASSERT_EQ(std::system(("mkdir -p " + dir).c_str()), 0);
  const std::string inner =
      "mount -t tmpfs -o size=4k none " + dir + " && head -c 8192 /dev/zero > " + dir +
      "/fill 2>/dev/null; " + POISSON_MPIEXEC + " -n 1 " + POISSON_BIN_DIR +
      "/poisson_bench -bench_parts stream -bench_reps 1 -o " + dir + "/b.json >/dev/null 2>" + err +
      "; s=$?; ls " + dir + " > " + Tmp("full.ls") + "; exit $s";
  const int s = std::system(("timeout 120 unshare -m sh -c '" + inner + "'").c_str());
  ASSERT_TRUE(WIFEXITED(s));
  EXPECT_NE(WEXITSTATUS(s), 0);
  EXPECT_NE(WEXITSTATUS(s), 124) << "timed out";
  const std::string e = Slurp(err);
  EXPECT_NE(e.find("poisson_bench: error: cannot write '" + dir + "/b.json': No space left"),
            std::string::npos)
      << e;
  EXPECT_EQ(CountOccurrences(e, "poisson_bench: error: "), 1u) << e;
  EXPECT_EQ(Slurp(Tmp("full.ls")), "fill\n") << "a file was left behind";
}
