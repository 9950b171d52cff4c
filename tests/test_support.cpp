#include "test_support.h"

#include <hdf5.h>
#include <petscdmda.h>

#include <cstdlib>

// CMake passes the absolute path of tests/data (cache variable POISSON_FIXTURES_DIR); the
// fallback is that folder relative to the source root.
#ifndef POISSON_FIXTURES_DIR
#define POISSON_FIXTURES_DIR "tests/data"
#endif

std::string FixturesDir()
{
  const char *env = getenv("POISSON_FIXTURES_DIR");
  return env && env[0] ? env : POISSON_FIXTURES_DIR;
}

std::string FixturePath(const char *file)
{
  std::string path = FixturesDir() + "/" + file;
  FILE       *f    = fopen(path.c_str(), "rb");
  if (!f) return "";
  fclose(f);
  return path;
}

std::vector<double> ReadDataset(const std::string &file, const char *dataset)
{
  std::vector<double> out;
  hid_t               f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return out;
  hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
  if (d >= 0) {
    hid_t s = H5Dget_space(d);
    out.resize((size_t)H5Sget_simple_extent_npoints(s));
    H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    H5Sclose(s);
    H5Dclose(d);
  }
  H5Fclose(f);
  return out;
}

std::vector<double> GatherNatural(DM da, Vec v)
{
  Vec        natural, all;
  VecScatter scatter;
  PetscInt   N;

  DMDACreateNaturalVector(da, &natural);
  DMDAGlobalToNaturalBegin(da, v, INSERT_VALUES, natural);
  DMDAGlobalToNaturalEnd(da, v, INSERT_VALUES, natural);
  VecScatterCreateToAll(natural, &scatter, &all);
  VecScatterBegin(scatter, natural, all, INSERT_VALUES, SCATTER_FORWARD);
  VecScatterEnd(scatter, natural, all, INSERT_VALUES, SCATTER_FORWARD);
  VecGetSize(all, &N);
  std::vector<double> out((size_t)N);
  const PetscScalar  *a;
  VecGetArrayRead(all, &a);
  for (PetscInt k = 0; k < N; k++) out[(size_t)k] = PetscRealPart(a[k]);
  VecRestoreArrayRead(all, &a);
  VecScatterDestroy(&scatter);
  VecDestroy(&all);
  VecDestroy(&natural);
  return out;
}

int WorldSize()
{
  PetscMPIInt size;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  return size;
}
