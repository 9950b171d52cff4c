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

CliRun RunExecutable(const std::string &program, const std::string &args, int ranks)
{
  const std::string out = CliTempDir() + "/stdout", err = CliTempDir() + "/stderr";
  const std::string cmd = std::string(POISSON_MPIEXEC) + " -n " + std::to_string(ranks) + " " +
                          POISSON_BIN_DIR + "/" + program + " " + args + " >" + out + " 2>" + err;
  CliRun r;
  int    s = std::system(cmd.c_str());
  r.status = WIFEXITED(s) ? WEXITSTATUS(s) : 255;
  r.out    = Slurp(out);
  r.err    = Slurp(err);
  return r;
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
  EXPECT_FALSE(AnyFileStartingWith(CliTempDir(), "bad.h5")) << args;
}
