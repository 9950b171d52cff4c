// Bad input and faults of the NPO programs (npo_train, npo_tool, npo_train_bench, PC npo inside
// poisson_solve) and of nystrom_kernel: every case must end with exactly one
// "<program>: error: ..." line, exit status 1, no PETSc traceback, no uncaught C++ exception,
// no hang and no file left behind (final or temporary). The corrupt checkpoints are made here:
// a tiny training (n = 8, 16 samples), then edited with the HDF5 C API.
//
// Faults are produced for real: a full disk by a file-size limit (ulimit -f, SIGXFSZ ignored,
// so write(2) fails with EFBIG) or a full tmpfs (mounted only when permitted, else skipped); an
// allocation failure by an address-space limit (ulimit -v); a device by mknod (a private
// /dev/null twin, never /dev/null itself), else a FIFO.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_support.h"

namespace {

// A tiny training run: n = 8, 2 GRFs and their CG residuals (16 samples), batch 4 (4 batches
// per epoch), about a second.
const std::string kTiny = "-npo_train_grids 8 -npo_train_num_rhs 2 -npo_train_batch 4 "
                          "-npo_train_warmup 1 -npo_train_quiet";

std::string Tmp(const std::string &name)
{
  return CliTempDir() + "/" + name;
}

// The one clean failure: exit status 1 (not a signal, a timeout or an abort), `message` on
// stderr in exactly one "<program>: error: " line, no traceback, no uncaught exception.
void ExpectOneErrorLine(const CliRun &r, const std::string &program, const std::string &message,
                        const std::string &what)
{
  EXPECT_EQ(r.status, 1) << what << "\nstderr:\n" << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << what << "\nstderr:\n" << r.err;
  EXPECT_EQ(CountOccurrences(r.err, program + ": error: "), 1u) << what << "\nstderr:\n" << r.err;
  EXPECT_EQ(r.err.find("PETSC ERROR"), std::string::npos) << what << "\nstderr:\n" << r.err;
  EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << what << "\nstderr:\n" << r.err;
}

// Runs the program directly, a singleton MPI process (faster to start than under mpirun, and
// the limits apply to it alone), under the shell `limits` ("" for none), SIGXFSZ ignored so
// that writes beyond ulimit -f fail with EFBIG. PMIX_MCA_gds=hash keeps PMIx's own
// shared-memory files out of the limits. A run longer than 120 s is killed (status 124).
CliRun RunDirect(const std::string &limits, const std::string &program, const std::string &args)
{
  const std::string out = Tmp("limited.out"), err = Tmp("limited.err");
  const std::string cmd = "bash -c 'export PMIX_MCA_gds=hash; " +
                          (limits.empty() ? "" : limits + "; ") +
                          "trap \"\" XFSZ; exec timeout -k 5 120 " + POISSON_BIN_DIR + "/" +
                          program + " " + args + "' >" + out + " 2>" + err;
  const int s = std::system(cmd.c_str());
  CliRun    r;
  r.status = WIFEXITED(s) ? WEXITSTATUS(s) : 255;
  std::ifstream     fo(out), fe(err);
  std::stringstream so, se;
  so << fo.rdbuf();
  se << fe.rdbuf();
  r.out = so.str();
  r.err = se.str();
  return r;
}

// Runs `program args` (directly at one rank, else under mpirun) and expects the clean failure,
// with no file starting with `stem` left in the temporary folder.
void ExpectCleanError(const std::string &program, const std::string &args,
                      const std::string &message, const std::string &stem = "", int ranks = 1)
{
  CliRun r = ranks == 1 ? RunDirect("", program, args) : RunExecutable(program, args, ranks, 120);
  ExpectOneErrorLine(r, program, message, args);
  if (!stem.empty()) {
    EXPECT_FALSE(AnyFileStartingWith(CliTempDir(), stem)) << args;
  }
}

// ExpectCleanFailure (cli_support.h: -o <tmp>/bad.h5 appended, no bad.h5* left) at one rank,
// the program run directly.
void ExpectCleanFailureDirect(const std::string &program, const std::string &args,
                              const std::string &message)
{
  std::remove(Tmp("bad.h5").c_str());
  ExpectCleanError(program, args + " -o " + Tmp("bad.h5"), message, "bad.h5");
}

void CopyFile(const std::string &from, const std::string &to, double keep = 1.0)
{
  std::ifstream     in(from, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(bytes.empty()) << from;
  bytes.resize((size_t)(keep * (double)bytes.size()));
  std::ofstream out(to, std::ios::binary);
  out.write(bytes.data(), (std::streamsize)bytes.size());
}

std::string Slurp(const std::string &path)
{
  std::ifstream     in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A checkpoint of a tiny run, trained once per test binary: 3 epochs, stopped after epoch 2, so
// that it is resumable (Adam state, history of 2 epochs).
const std::string &Resumable()
{
  static std::string path;
  if (path.empty()) {
    path     = Tmp("resumable.h5");
    CliRun r = RunDirect("", "npo_train",
                         kTiny + " -npo_train_epochs 3 -npo_train_stop_after 2 -o " + path);
    EXPECT_EQ(r.status, 0) << r.err;
  }
  return path;
}

// A copy of the resumable checkpoint (or of `from`) edited by `edit(file id)`.
template <class Edit>
std::string EditedCopy(const std::string &name, Edit edit, const std::string &from = "")
{
  const std::string path = Tmp(name);
  CopyFile(from.empty() ? Resumable() : from, path);
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  EXPECT_GE(f, 0) << path;
  edit(f);
  EXPECT_GE(H5Fclose(f), 0);
  return path;
}

void SetLongAttribute(hid_t f, const char *name, long long v)
{
  hid_t a = H5Aopen(f, name, H5P_DEFAULT);
  EXPECT_GE(a, 0) << name;
  EXPECT_GE(H5Awrite(a, H5T_NATIVE_LLONG, &v), 0);
  H5Aclose(a);
}

// Replaces dataset `name` by one of the given type and shape holding `values` (or nothing:
// chunked and never written, so the file stays small whatever the declared shape).
void ReplaceDataset(hid_t f, const std::string &name, hid_t type, std::vector<hsize_t> dims,
                    const void *values)
{
  if (H5Lexists(f, name.c_str(), H5P_DEFAULT) > 0) H5Ldelete(f, name.c_str(), H5P_DEFAULT);
  hid_t space = H5Screate_simple((int)dims.size(), dims.data(), NULL);
  hid_t dcpl  = H5Pcreate(H5P_DATASET_CREATE);
  if (!values) {
    std::vector<hsize_t> chunk(dims.size(), 1);
    H5Pset_chunk(dcpl, (int)chunk.size(), chunk.data());
  }
  hid_t d = H5Dcreate2(f, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  EXPECT_GE(d, 0) << name;
  if (values) {
    EXPECT_GE(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), 0);
  }
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(space);
}

// Overwrites every value of a float32 dataset with v.
void FillFloatDataset(hid_t f, const std::string &name, float v)
{
  hid_t              d     = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  hid_t              space = H5Dget_space(d);
  hssize_t           n     = H5Sget_simple_extent_npoints(space);
  std::vector<float> values((size_t)n, v);
  EXPECT_GE(H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0) << name;
  H5Sclose(space);
  H5Dclose(d);
}

// A node that is not a regular file, in the private temporary folder: a character device
// like /dev/null (major 1, minor 3) when mknod is permitted, else a FIFO.
std::string SpecialFile(const std::string &name)
{
  const std::string path = Tmp(name);
  std::remove(path.c_str());
  if (mknod(path.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    EXPECT_EQ(mkfifo(path.c_str(), 0666), 0) << path;
  }
  return path;
}

bool StillSpecial(const std::string &path)
{
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
}

double AvailableMemoryGB()
{
  std::ifstream in("/proc/meminfo");
  std::string   line;
  while (std::getline(in, line))
    if (line.compare(0, 13, "MemAvailable:") == 0) return std::atof(line.c_str() + 13) / 1e6;
  return 0;
}

// The private temporary folder (checkpoints, corrupt copies, the device node) is removed
// when the suite ends.
class RemoveTemporaries : public ::testing::Environment {
public:
  void TearDown() override
  {
    const std::string dir = CliTempDir();
    if (dir.compare(0, 5, "/tmp/") == 0) {
      EXPECT_EQ(std::system(("rm -rf " + dir).c_str()), 0) << "cannot remove " << dir;
    }
  }
};
::testing::Environment *const remove_temporaries =
    ::testing::AddGlobalTestEnvironment(new RemoveTemporaries);

} // namespace

// ---------------------------------------------------------------------------------------
// 1. npo_train: every real option finite and in range; a diverging run writes no NaN network.

TEST(NpoTrainBadReals, NonFiniteOrOutOfRangeAreRefused)
{
  const std::string run = kTiny + " -npo_train_epochs 2 ";
  for (const auto &bad : std::vector<std::pair<std::string, std::string>>{
           {"-npo_train_lr inf", "-npo_train_lr must be a finite number > 0, got inf"},
           {"-npo_train_condition_weight nan", "-npo_train_condition_weight must be a finite"},
           {"-npo_train_data_weight inf", "-npo_train_data_weight must be a finite number >= 0"},
           {"-npo_train_lr_start 0", "-npo_train_lr_start must be a finite number > 0"},
           {"-npo_train_grf_tau inf", "-npo_train_grf_tau must be a finite number"},
           {"-npo_train_condition_weight 0 -npo_train_residual_weight 0 -npo_train_data_weight 0",
            "every loss switched on has weight 0"},
       })
    ExpectCleanFailureDirect("npo_train", run + bad.first, bad.second);
}

TEST(NpoTrainDiverges, NoCheckpointIsWritten)
{
  // Finite options whose training overflows: the loss becomes NaN in the first epoch.
  ExpectCleanFailureDirect(
      "npo_train", kTiny + " -npo_train_epochs 2 -npo_train_lr 1e30 -npo_train_lr_start 1e30",
      "the training diverged: the loss is");
}

TEST(NpoTrainDiverges, TheLastGoodCheckpointIsKept)
{
  // Epoch 1 runs at the warm-up rate 1e-4 (checkpoint written), epoch 2 at 1e30 diverges.
  const std::string out = Tmp("kept.h5");
  std::remove(out.c_str());
  CliRun r = RunDirect("", "npo_train",
                       kTiny +
                           " -npo_train_epochs 3 -npo_train_lr_start 1e-4 "
                           "-npo_train_lr 1e30 -npo_train_checkpoint_every 1 -o " +
                           out);
  ExpectOneErrorLine(r, "npo_train", "keeps the checkpoint of epoch 1", "diverging in epoch 2");
  EXPECT_EQ(ReadGroupAttribute(out, "/", "train_epoch"), 1.0);
  EXPECT_FALSE(AnyFileStartingWith(CliTempDir(), "kept.h5.")) << "a temporary was left";
  // The kept checkpoint is a valid network.
  CliRun show = RunDirect("", "npo_tool", "-checkpoint " + out + " -show");
  EXPECT_EQ(show.status, 0) << show.err;
}

// ---------------------------------------------------------------------------------------
// 2. -npo_train_resume validates what it reads.

class NpoTrainResume : public ::testing::Test {
protected:
  // The run the resumable checkpoint belongs to.
  static std::string Run(const std::string &resume)
  {
    return kTiny + " -npo_train_epochs 3 -npo_train_resume " + resume;
  }
};

TEST_F(NpoTrainResume, AnIntactCopyResumes)
{
  // The control: the copies below fail because of their edits alone.
  const std::string copy = EditedCopy("resume_intact.h5", [](hid_t) {});
  const std::string out  = Tmp("resumed.h5");
  CliRun            r    = RunDirect("", "npo_train", Run(copy) + " -o " + out);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ReadGroupAttribute(out, "/", "train_epoch"), 3.0);
}

TEST_F(NpoTrainResume, NaNWeights)
{
  ExpectCleanFailureDirect(
      "npo_train",
      Run(EditedCopy("resume_nan.h5",
                     [](hid_t f) { FillFloatDataset(f, "parameters/proj.weight", NAN); })),
      "parameter 'proj.weight' holds NaN or Inf values");
}

TEST_F(NpoTrainResume, NegativeStepOrEpoch)
{
  ExpectCleanFailureDirect(
      "npo_train",
      Run(EditedCopy("resume_step.h5", [](hid_t f) { SetLongAttribute(f, "train_step", -5); })),
      "corrupt training state, train_step = -5 after 2 epochs");
  ExpectCleanFailureDirect(
      "npo_train",
      Run(EditedCopy("resume_epoch.h5", [](hid_t f) { SetLongAttribute(f, "train_epoch", -1); })),
      "corrupt training state, train_epoch = -1");
}

TEST_F(NpoTrainResume, AdamMomentOfTheWrongShape)
{
  // Formerly read past the end of the one value (valgrind: invalid read in ReadResume).
  const float one = 0.5f;
  ExpectCleanFailureDirect(
      "npo_train",
      Run(EditedCopy("resume_shape.h5",
                     [&](hid_t f) {
                       ReplaceDataset(f, "train_state/exp_avg:proj.weight", H5T_NATIVE_FLOAT, {1},
                                      &one);
                     })),
      "train_state/exp_avg:proj.weight has shape (1), the parameter has (1, 32, 1, 1)");
}

TEST_F(NpoTrainResume, AdamMomentsNotFiniteOrNegative)
{
  ExpectCleanFailureDirect(
      "npo_train",
      Run(EditedCopy("resume_moment_nan.h5",
                     [](hid_t f) { FillFloatDataset(f, "train_state/exp_avg:lift.bias", NAN); })),
      "train_state/exp_avg:lift.bias holds NaN or Inf values");
  ExpectCleanFailureDirect(
      "npo_train",
      Run(EditedCopy("resume_moment_neg.h5",
                     [](hid_t f) { FillFloatDataset(f, "train_state/exp_avg_sq:lift.bias", -1); })),
      "train_state/exp_avg_sq:lift.bias holds negative values");
}

TEST_F(NpoTrainResume, TruncatedOrIncompleteHistory)
{
  // Formerly zero-padded in silence.
  const double one = 1.0;
  ExpectCleanFailureDirect("npo_train",
                           Run(EditedCopy("resume_history.h5",
                                          [&](hid_t f) {
                                            ReplaceDataset(f, "history/total", H5T_NATIVE_DOUBLE,
                                                           {1}, &one);
                                          })),
                           "history/total has 1 values, expected one per epoch done (2)");
  ExpectCleanFailureDirect(
      "npo_train",
      Run(EditedCopy("resume_nolr.h5", [](hid_t f) { H5Ldelete(f, "history/lr", H5P_DEFAULT); })),
      "the history lacks history/lr");
}

TEST_F(NpoTrainResume, TruncatedFile)
{
  for (double keep : {0.5, 0.95}) {
    const std::string path = Tmp("resume_truncated.h5");
    CopyFile(Resumable(), path, keep);
    ExpectCleanFailureDirect("npo_train", Run(path), "(truncated or corrupt file?)");
  }
}

// ---------------------------------------------------------------------------------------
// 3. Outputs: never renamed over a device, a folder or a FIFO; a full disk is an error that
// leaves no file.

TEST(NpoOutput, NotARegularFile)
{
  const std::string dev = SpecialFile("devnull"), dir = Tmp("a_folder");
  mkdir(dir.c_str(), 0755);
  ExpectCleanError("npo_tool", "-checkpoint " + Resumable() + " -import " + dev,
                   "-import '" + dev + "' exists and is not a regular file", "devnull.");
  ExpectCleanError("npo_train", kTiny + " -npo_train_epochs 2 -o " + dev,
                   "-o '" + dev + "' exists and is not a regular file", "devnull.");
  ExpectCleanError("npo_train", kTiny + " -npo_train_epochs 2 -o " + dir,
                   "-o '" + dir + "' exists and is not a regular file", "a_folder.");
  ExpectCleanError("npo_train_bench",
                   kTiny + " -npo_train_epochs 2 -bench_epochs 2 -bench_output " + dev,
                   "-bench_output '" + dev + "' exists and is not a regular file", "devnull.");
  EXPECT_TRUE(StillSpecial(dev)) << dev << " was replaced";
  struct stat st;
  EXPECT_TRUE(stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
}

TEST(NpoOutput, FullDiskLeavesNoFile)
{
  // 100 KB may be written: a checkpoint needs 200 KB (weights) to 650 KB (with Adam's state).
  const std::string out = Tmp("full.h5");
  std::remove(out.c_str());
  CliRun r =
      RunDirect("ulimit -f 100", "npo_tool", "-checkpoint " + Resumable() + " -import " + out);
  ExpectOneErrorLine(r, "npo_tool", "cannot write NPO checkpoint " + out, "npo_tool -import");
  EXPECT_EQ(r.out.find("wrote"), std::string::npos) << r.out;
  EXPECT_FALSE(AnyFileStartingWith(CliTempDir(), "full.h5"));

  r = RunDirect("ulimit -f 100", "npo_train", kTiny + " -npo_train_epochs 2 -o " + out);
  ExpectOneErrorLine(r, "npo_train", "cannot write NPO checkpoint " + out, "npo_train -o");
  EXPECT_FALSE(AnyFileStartingWith(CliTempDir(), "full.h5"));
}

TEST(NpoOutput, FullDiskKeepsThePreviousCheckpoint)
{
  const std::string out = Tmp("previous.h5");
  CopyFile(Resumable(), out);
  const std::string before = Slurp(out);
  CliRun r = RunDirect("ulimit -f 100", "npo_train", kTiny + " -npo_train_epochs 2 -o " + out);
  ExpectOneErrorLine(r, "npo_train", "cannot write NPO checkpoint " + out, "npo_train -o");
  EXPECT_TRUE(Slurp(out) == before) << "the previous checkpoint was changed";
  EXPECT_FALSE(AnyFileStartingWith(CliTempDir(), "previous.h5."));
}

TEST(NpoOutput, FullDiskBenchJson)
{
  // A full file system: a 64 KB tmpfs, filled up (needs the right to mount; skipped without).
  const std::string mnt = Tmp("fullfs");
  mkdir(mnt.c_str(), 0755);
  if (std::system(("mount -t tmpfs -o size=64k tmpfs " + mnt + " 2>/dev/null").c_str()) != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here";
  {
    std::ofstream     fill(mnt + "/filler", std::ios::binary);
    std::vector<char> block(4096, 'x');
    for (int i = 0; i < 64 && fill.write(block.data(), (std::streamsize)block.size()); i++)
      fill.flush();
  }
  CliRun r = RunDirect("", "npo_train_bench",
                       kTiny + " -npo_train_epochs 2 -bench_epochs 2 -bench_output " + mnt +
                           "/bench.json");
  ExpectOneErrorLine(r, "npo_train_bench",
                     "cannot write '" + mnt + "/bench.json': No space left on device",
                     "npo_train_bench on a full disk");
  EXPECT_FALSE(AnyFileStartingWith(mnt, "bench.json")) << "a JSON file or temporary was left";
  EXPECT_EQ(std::system(("umount " + mnt).c_str()), 0);
}

// ---------------------------------------------------------------------------------------
// 4. libtorch threads: at most the machine's cores.

TEST(NpoThreads, BoundedByTheCores)
{
  ExpectCleanFailure("poisson_solve",
                     "-problem constant -n 16 -methods npo_fcg -npo_fcg_pc_npo_threads 100000",
                     "-npo_fcg_pc_npo_threads 100000 exceeds the", 2);
  ExpectCleanError("npo_tool", "-checkpoint " + Resumable() + " -threads 100000",
                   "-threads 100000 exceeds the");
  ExpectCleanFailureDirect("npo_train", kTiny + " -npo_train_epochs 2 -npo_train_threads 100000",
                           "-npo_train_threads must be in [1, ");
}

// ---------------------------------------------------------------------------------------
// 5. Memory: refused with an estimate before allocating; an allocation failure is one line.

TEST(NpoMemory, HugeHyperparametersInACheckpoint)
{
  const std::string huge =
      EditedCopy("huge_width.h5", [](hid_t f) { SetLongAttribute(f, "width", 1000000); });
  ExpectCleanError("npo_tool", "-checkpoint " + huge + " -show",
                   "a network of width 1000000, num_coarse 64, num_heads 4, ffn_mult 4 would need "
                   "about");
  ExpectCleanFailure("poisson_solve",
                     "-problem constant -n 16 -methods npo_fcg -npo_fcg_pc_npo_checkpoint " + huge,
                     "would need about", 2);
}

TEST(NpoMemory, HugeDatasetInACheckpoint)
{
  // A declared 4e11-value array (1.6 TB) in a file of a few hundred KB.
  const std::string huge = EditedCopy("huge_dataset.h5", [](hid_t f) {
    ReplaceDataset(f, "parameters/zz_huge", H5T_NATIVE_FLOAT, {400000, 1000000}, nullptr);
  });
  ExpectCleanError("npo_tool", "-checkpoint " + huge + " -show",
                   "the 4e+11 values of group parameters would need about 1.6e+03 GB");
}

TEST(NpoMemory, ForwardPassTooLargeForTheGrid)
{
  // A valid network with 65536 coarse queries: its attention weights on a 512 x 512 grid
  // alone are 275 GB. Refused in PCSetUp on every rank (gather mode at 2 ranks).
  const std::vector<float> queries((size_t)65536 * 32, 0.01f);
  const std::string        wide = EditedCopy("wide.h5", [&](hid_t f) {
    SetLongAttribute(f, "num_coarse", 65536);
    ReplaceDataset(f, "parameters/coarse_queries", H5T_NATIVE_FLOAT, {65536, 32}, queries.data());
  });
  ExpectCleanFailure("poisson_solve",
                     "-problem constant -n 512 -methods npo_fcg -npo_fcg_pc_npo_checkpoint " + wide,
                     "PC npo: one application of the network to the 512 x 512 field would need", 2);
}

TEST(NpoMemory, SpectrumTooLarge)
{
  ExpectCleanError("npo_tool", "-checkpoint " + Resumable() + " -spectrum -n 512",
                   "three dense N x N matrices (N = 262144, 550 GB each) would need about");
}

TEST(NpoMemory, AllocationFailureIsOneLine)
{
  // n = 128: the estimate (3 x 2.1 GB) passes, but a 2.5 GB address-space limit makes the
  // first 2.1 GB allocation fail: formerly an uncaught std::bad_alloc (abort, core dump).
  if (AvailableMemoryGB() < 8) GTEST_SKIP() << "less than 8 GB available: the estimate refuses";
#ifdef __SANITIZE_ADDRESS__
  // ASan reserves ~15 TB of shadow address space at start-up: no ulimit -v leaves it room.
  GTEST_SKIP() << "built with AddressSanitizer, which cannot run under an address-space limit";
#endif
  CliRun r = RunDirect("ulimit -v 2500000", "npo_tool",
                       "-checkpoint " + Resumable() + " -spectrum -n 128");
  ExpectOneErrorLine(r, "npo_tool", "out of memory", "npo_tool -spectrum under ulimit -v");
}

TEST(NystromKernelMemory, MillionPointsRefusedWithAnEstimate)
{
  for (int ranks : {1, 2})
    ExpectCleanError("nystrom_kernel", "-n_points 1000000",
                     "-n_points 1000000: the dense kernel matrix K + mu I and rank 0's copy of K "
                     "for its eigenvalues (N x N doubles, 8e+03 GB each) need about",
                     "", ranks);
}

TEST(NystromKernelBadReals, NonFiniteRefused)
{
  ExpectCleanError("nystrom_kernel", "-kernel_mu inf",
                   "-kernel_mu must be a finite positive number, got inf");
  ExpectCleanError("nystrom_kernel", "-kernel_lengthscale nan",
                   "-kernel_lengthscale must be a finite positive number, got");
}

// npo_tool -timing checks its lists before measuring, naming the option given.
TEST(NpoToolTiming, BadSizesAndImplementations)
{
  const std::string ck = "-checkpoint " + Resumable() + " -timing";
  ExpectCleanError("npo_tool", ck + " -timing_sizes 32,-5",
                   "-timing_sizes: every grid size must be at least 2, got -5");
  ExpectCleanError("npo_tool", ck + " -timing_impl native,bogus",
                   "-timing_impl: unknown forward pass 'bogus' (native, torch)");
}

// A yardstick file (-bench_yardstick) with a missing, non-positive or unreadable per-size figure
// is one error line before any measuring.
TEST(NpoToolTiming, BadYardstick)
{
  const std::string ck =
      "-checkpoint " + Resumable() + " -timing -timing_sizes 8 -bench_yardstick ";
  const std::string good = "{\"machine\": \"m\", \"source\": \"s\", \"reference_apply_ms_n32\": 3, "
                           "\"project_apply_ms_n32\": 2, \"reference_train_seconds_per_epoch\": 4, "
                           "\"project_train_seconds_per_epoch\": 4, "
                           "\"reference_train_seconds_other_machine\": 216";
  auto              write = [](const std::string &name, const std::string &text) {
    const std::string path = Tmp(name);
    std::ofstream(path) << text;
    return path;
  };
  ExpectCleanError("npo_tool", ck + write("y_n64.json", good + ", \"reference_apply_ms_n64\": 0}"),
                   "\"reference_apply_ms_n64\" is not a positive number");
  ExpectCleanError("npo_tool", ck + write("y_n32.json", "{\"machine\": \"m\", \"source\": \"s\"}"),
                   "lacks \"reference_apply_ms_n32\"");
  ExpectCleanError("npo_tool", ck + Tmp("no_such_yardstick.json"), "cannot read the NPO yardstick");
}
