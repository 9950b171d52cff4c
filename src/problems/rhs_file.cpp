#include <petscviewerhdf5.h>

#include "io/hdf5_query.h"

#include "problems/rhs.h"

PetscErrorCode RhsFromFile(const ProblemOptions *opts, DM da, Vec b)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)da);
  PetscBool   exists, has;
  PetscViewer viewer;
  Vec         natural;
  PetscInt    size, N = opts->n * opts->n;
  char        path[PETSC_MAX_PATH_LEN + POISSON_NAME_LEN];

  PetscFunctionBeginUser;
  PetscCheck(opts->rhs_file[0], comm, PETSC_ERR_USER_INPUT, "-rhs file needs -rhs_file <file.h5>");
  PetscCall(PetscTestFile(opts->rhs_file, 'r', &exists));
  PetscCheck(exists, comm, PETSC_ERR_FILE_OPEN, "cannot read right-hand side file '%s'",
             opts->rhs_file);
  PetscCall(PetscViewerHDF5Open(comm, opts->rhs_file, FILE_MODE_READ, &viewer));
  PetscCall(PetscSNPrintf(path, sizeof(path), "/%s", opts->rhs_dataset));
  PetscCall(PetscViewerHDF5HasDataset(viewer, path, &has));
  PetscCheck(has, comm, PETSC_ERR_FILE_UNEXPECTED, "file '%s' has no dataset '%s'", opts->rhs_file,
             opts->rhs_dataset);
  PetscCall(HDF5DatasetSize(viewer, path, &size));
  PetscCheck(size == N, comm, PETSC_ERR_FILE_UNEXPECTED,
             "dataset '%s' of '%s' has %" PetscInt_FMT " values, but n = %" PetscInt_FMT
             " needs n*n = %" PetscInt_FMT,
             opts->rhs_dataset, opts->rhs_file, size, opts->n, N);
  // The file holds the fixtures' row-major (i, j) order, which is the DMDA natural order.
  PetscCall(DMDACreateNaturalVector(da, &natural));
  PetscCall(PetscObjectSetName((PetscObject)natural, path));
  PetscCall(VecLoad(natural, viewer));
  PetscCall(DMDANaturalToGlobalBegin(da, natural, INSERT_VALUES, b));
  PetscCall(DMDANaturalToGlobalEnd(da, natural, INSERT_VALUES, b));
  PetscCall(VecDestroy(&natural));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscFunctionReturn(0);
}
