// Helpers shared by the test suites: where the reference fixtures are, and how to read them.
#pragma once
#include <gtest/gtest.h>
#include <petscdm.h>
#include <petscvec.h>

#include <string>
#include <vector>

// The folder of the reference fixtures: tests/data of the source tree, as compiled in from the
// CMake cache variable POISSON_FIXTURES_DIR; the environment variable of the same name
// overrides it at run time (tests/data/README.md describes the files).
std::string FixturesDir();
// Full path of a fixture file, or "" when the folder is absent.
std::string FixturePath(const char *file);

// Skips the current test, with a message, when the fixture file is missing.
#define REQUIRE_FIXTURE(var, file)                                                                 \
  const std::string var = FixturePath(file);                                                       \
  if (var.empty()) GTEST_SKIP() << "fixture " << file << " not found in " << FixturesDir()

// Reads a whole dataset of doubles (any rank) from an HDF5 file on every process.
std::vector<double> ReadDataset(const std::string &file, const char *dataset);

// Gathers a global DMDA vector in natural ordering onto every process.
std::vector<double> GatherNatural(DM da, Vec v);

// Number of MPI ranks of PETSC_COMM_WORLD.
int WorldSize();
