// Faults: a study killed by SIGTERM/SIGINT at 1 and 2 ranks leaves the previous final file
// intact and no temporary; a run killed by SIGKILL leaves a temporary that the next run
// removes; a full disk (a small tmpfs, mounted when the test runs as root) gives one clean
// error and no file; bad output paths and options files are refused before any work; the
// NPO methods write a results file at 2 and 4 ranks (they used to hang there).
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>

#include "cli_support.h"

namespace {

std::string Slurp(const std::string &file)
{
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Starts `program args` under mpirun in the background; returns mpirun's pid.
pid_t Launch(const std::string &program, const std::string &args, int ranks)
{
  const std::string cmd = "exec " + std::string(POISSON_MPIEXEC) + " -n " + std::to_string(ranks) +
                          " " + POISSON_BIN_DIR + "/" + program + " " + args + " >/dev/null 2>&1";
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), (char *)NULL);
    _exit(127);
  }
  return pid;
}

// Waits up to `seconds` for a file starting with stem to exist in dir.
bool WaitForFile(const std::string &dir, const std::string &stem, double seconds)
{
  for (double t = 0; t < seconds; t += 0.1) {
    if (AnyFileStartingWith(dir, stem)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// A study long enough to be interrupted while its results file is being written.
const char *kLongStudy = "-problem constant -n 512 -methods none,jacobi,none,jacobi";

TEST(Faults, SignalKeepsPreviousFileAndRemovesTemporary)
{
  for (int sig : {SIGTERM, SIGINT}) {
    for (int ranks : {1, 2}) {
      const std::string dir =
          CliTempDir() + "/signal" + std::to_string(sig) + "_" + std::to_string(ranks);
      ASSERT_EQ(0, system(("mkdir -p " + dir).c_str()));
      const std::string out = dir + "/study.h5";
      {
        std::ofstream previous(out);
        previous << "previous results";
      }
      pid_t pid = Launch("poisson_solve", std::string(kLongStudy) + " -o " + out, ranks);
      ASSERT_TRUE(WaitForFile(dir, "study.h5.tmp.", 60)) << "no temporary appeared";
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      kill(pid, sig);
      int status;
      waitpid(pid, &status, 0);
      EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a killed run succeeded";
      EXPECT_EQ(Slurp(out), "previous results") << "signal " << sig << ", " << ranks << " rank(s)";
      EXPECT_FALSE(AnyFileStartingWith(dir, "study.h5.tmp."))
          << "temporary left behind after signal " << sig << " at " << ranks << " rank(s)";
    }
  }
}

// The pid that ends the name "<stem><host>.<pid>" of a temporary in dir, or 0.
static pid_t TemporaryWriterPid(const std::string &dir, const std::string &stem)
{
  pid_t pid = 0;
  DIR  *d   = opendir(dir.c_str());
  if (!d) return 0;
  while (struct dirent *e = readdir(d)) {
    const std::string name = e->d_name;
    const size_t      dot  = name.rfind('.');
    if (name.compare(0, stem.size(), stem) == 0 && dot != std::string::npos)
      pid = (pid_t)atol(name.c_str() + dot + 1);
  }
  closedir(d);
  return pid;
}

TEST(Faults, NextRunRemovesTheTemporaryOfAKilledRun)
{
  const std::string dir = CliTempDir() + "/sigkill";
  ASSERT_EQ(0, system(("mkdir -p " + dir).c_str()));
  const std::string out = dir + "/study.h5";
  pid_t             pid = Launch("poisson_solve", std::string(kLongStudy) + " -o " + out, 1);
  ASSERT_TRUE(WaitForFile(dir, "study.h5.tmp.", 60));
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  // mpirun is gone; kill its child too (the writer, whose pid ends the temporary's name) and
  // wait until it has gone: a live writer's temporary is rightly left alone.
  const pid_t writer = TemporaryWriterPid(dir, "study.h5.tmp.");
  ASSERT_GT(writer, 0) << "SIGKILL left no temporary to clean";
  kill(writer, SIGKILL);
  for (int k = 0; k < 300 && kill(writer, 0) == 0; k++) usleep(100000);
  ASSERT_NE(kill(writer, 0), 0) << "the killed writer " << writer << " is still there after 30 s";
  CliRun r = RunExecutable("poisson_solve", "-problem constant -methods none -o " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(AnyFileStartingWith(dir, "study.h5.tmp.")) << "stale temporary not removed";
  EXPECT_EQ(ReadGroupAttribute(out, "/constant/none", "iterations"), 116);
}

// Full disk: a 600 kB tmpfs holds the start of an n = 128 study but not all of it.
class FullDisk : public ::testing::Test {
protected:
  std::string dir;
  void        SetUp() override
  {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
    dir = CliTempDir() + "/full";
    ASSERT_EQ(0, system(("mkdir -p " + dir).c_str()));
    if (mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=600k"))
      GTEST_SKIP() << "cannot mount a tmpfs here";
  }
  void TearDown() override
  {
    if (!dir.empty()) umount(dir.c_str());
  }
};

TEST_F(FullDisk, ResultsFileIsACleanError)
{
  for (int ranks : {1, 2}) {
    const std::string out = dir + "/study.h5";
    CliRun            r   = RunExecutable("poisson_solve",
                                          "-problem constant,variable -n 128 -methods none,jacobi,icc -o " + out,
                                          ranks, 120);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.status, 124) << "hang on a full disk at " << ranks << " rank(s)";
    EXPECT_EQ(CountOccurrences(r.err, "poisson_solve: error: cannot write results file"), 1u)
        << r.err;
    EXPECT_EQ(r.err.find("PETSC ERROR"), std::string::npos) << r.err;
    EXPECT_FALSE(AnyFileStartingWith(dir, "study.h5")) << "file left on the full disk";
  }
}

TEST(BadOutput, DeviceLongNameAndOptionsFiles)
{
  for (int ranks : {1, 2}) {
    CliRun r =
        RunExecutable("poisson_solve", "-problem constant -methods none -o /dev/null", ranks);
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(CountOccurrences(r.err,
                               "poisson_solve: error: results file '/dev/null' exists and is "
                               "not a regular file"),
              1u)
        << r.err;
  }
  struct stat st;
  ASSERT_EQ(0, stat("/dev/null", &st));
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null was replaced";

  const std::string longname = CliTempDir() + "/" + std::string(300, 'x') + ".h5";
  CliRun r = RunExecutable("poisson_solve", "-problem constant -methods none -o " + longname);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("at most 240 are supported"), std::string::npos) << r.err;

  const std::string binary = std::string(POISSON_BIN_DIR) + "/poisson_solve";
  for (const std::string &file : {CliTempDir() + "/missing.opts", binary}) {
    for (int ranks : {1, 2}) {
      r = RunExecutable("poisson_solve", "-options_file " + file, ranks);
      EXPECT_NE(r.status, 0);
      EXPECT_EQ(CountOccurrences(r.err, "poisson_solve: error: -options_file '" + file + "'"), 1u)
          << r.err;
      EXPECT_EQ(r.err.find("PETSC ERROR"), std::string::npos) << r.err;
    }
  }
}

// The NPO methods used to hang after their table at 2 and 4 ranks (per-rank view text written
// as a collective HDF5 attribute).
TEST(Faults, NpoMethodsWriteResultsUnderMpi)
{
  for (int ranks : {2, 4}) {
    const std::string out = CliTempDir() + "/npo" + std::to_string(ranks) + ".h5";
    CliRun r = RunExecutable("poisson_solve", "-problem constant -methods npo_fcg,hodlr8 -o " + out,
                             ranks, 120);
    ASSERT_EQ(r.status, 0) << (r.status == 124 ? "hang" : r.err);
    EXPECT_EQ(ReadGroupAttribute(out, "/constant/npo_fcg", "iterations"), 28);
    EXPECT_EQ(ReadGroupAttribute(out, "/constant/hodlr8", "iterations"), 21);
  }
}

} // namespace

// An error inside a block-Jacobi sub-PC is raised once per block (on a one-rank communicator
// at 2 ranks, on two-rank ones at 4): formerly one line per block.
TEST(Faults, SubPcErrorIsOneLineAtEveryRankCount)
{
  for (int ranks : {1, 2, 4})
    ExpectCleanFailure("poisson_solve",
                       "-problem constant -methods bjacobi2 -bjacobi2_sub_pc_type hodlr "
                       "-bjacobi2_sub_pc_hodlr_rank -3",
                       "-pc_hodlr_rank must be at least 1, got -3", ranks);
}
