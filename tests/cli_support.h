// Helpers for tests that run the project's executables the way a user does (under mpirun,
// capturing stdout and stderr) and read the HDF5 files they write.
#pragma once
#include <string>

struct CliRun {
  int         status; // exit status
  std::string out, err;
};

// A private temporary folder for this test binary (created once).
std::string CliTempDir();

// Runs build/bin/<program> <args> under mpirun -n ranks; a run longer than timeout_seconds is
// killed and returns status 124.
CliRun RunExecutable(const std::string &program, const std::string &args, int ranks = 1,
                     int timeout_seconds = 300);

// Number of occurrences of `what` in `text`.
size_t CountOccurrences(const std::string &text, const std::string &what);

// True if any file in dir has a name starting with stem (a results file or its temporary).
bool AnyFileStartingWith(const std::string &dir, const std::string &stem);

// Attribute `name` of `group` in an HDF5 file as a double (NaN when absent).
double ReadGroupAttribute(const std::string &file, const std::string &group, const char *name);

// Bad input: nonzero exit, `message` on stderr as one "<program>: error: " line (no PETSc
// traceback), and no results file (-o <tmp>/bad.h5 is appended to args) nor its temporary left
// behind.
void ExpectCleanFailure(const std::string &program, const std::string &args,
                        const std::string &message, int ranks = 1);
