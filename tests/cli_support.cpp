#include "cli_support.h"

#include "io/hdf5_query.h"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

std::string CliTempDir()
{
  static std::string dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/poisson_cli_XXXXXX";
    dir         = mkdtemp(tmpl);
  }
  return dir;
}

static std::string Slurp(const std::string &file)
{
  std::ifstream     in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CliRun RunExecutable(const std::string &program, const std::string &args, int ranks,
                     int timeout_seconds)
{
  const std::string out = CliTempDir() + "/stdout", err = CliTempDir() + "/stderr";
  // A hang is a failure (status 124 from timeout), not a stuck test.
  const std::string cmd = "timeout -k 5 " + std::to_string(timeout_seconds) + " " +
                          std::string(POISSON_MPIEXEC) + " -n " + std::to_string(ranks) + " " +
                          POISSON_BIN_DIR + "/" + program + " " + args + " >" + out + " 2>" + err;
  CliRun r;
  int    s = std::system(cmd.c_str());
  r.status = WIFEXITED(s) ? WEXITSTATUS(s) : 255;
  r.out    = Slurp(out);
  r.err    = Slurp(err);
  return r;
}

size_t CountOccurrences(const std::string &text, const std::string &what)
{
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
  return n;
}

bool AnyFileStartingWith(const std::string &dir, const std::string &stem)
{
  const std::string cmd = "ls " + dir + " 2>/dev/null | grep -q '^" + stem + "'";
  return std::system(cmd.c_str()) == 0;
}

double ReadGroupAttribute(const std::string &file, const std::string &group, const char *name)
{
  return HDF5FileAttribute(file.c_str(), group.c_str(), name);
}

void ExpectCleanFailure(const std::string &program, const std::string &args,
                        const std::string &message, int ranks)
{
  const std::string out = CliTempDir() + "/bad.h5";
  std::remove(out.c_str());
  CliRun r = RunExecutable(program, args + " -o " + out, ranks);
  EXPECT_NE(r.status, 0) << args;
  EXPECT_NE(r.err.find(message), std::string::npos) << args << "\nstderr:\n" << r.err;
  EXPECT_EQ(r.err.find("PETSC ERROR"), std::string::npos) << "expected one line, got\n" << r.err;
  EXPECT_EQ(CountOccurrences(r.err, program + ": error: "), 1u) << "expected one line, got\n"
                                                                << r.err;
  EXPECT_FALSE(AnyFileStartingWith(CliTempDir(), "bad.h5")) << args;
}
