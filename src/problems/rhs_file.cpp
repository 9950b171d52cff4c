#include <petscdmda.h>
#include <petscviewerhdf5.h>

#include "io/hdf5_query.h"
#include "problems/problem_table.h"
#include "problems/rhs.h"

PetscErrorCode RhsFromFile(const ProblemOptions *opts, DM da, Vec b)
{
  MPI_Comm            comm = PetscObjectComm((PetscObject)da);
  PetscViewer         viewer;
  Vec                 rows, natural;
  VecScatter          scatter;
  IS                  all;
  HDF5RealDatasetInfo info;
  const PetscBool     chain = (PetscBool)(ProblemDimension(opts) == 1);
  PetscInt            n = opts->n, N = ProblemUnknowns(opts), local_rows = PETSC_DECIDE;
  char                path[PETSC_MAX_PATH_LEN + POISSON_NAME_LEN];

  PetscFunctionBeginUser;
  PetscCheck(opts->rhs_file[0], comm, PETSC_ERR_USER_INPUT, "-rhs file needs -rhs_file <file.h5>");
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s%s", opts->rhs_dataset[0] == '/' ? "" : "/",
                          opts->rhs_dataset));
  // Everything PETSc's VecLoad could fail on (not an HDF5 file, truncated, missing dataset,
  // strings, compounds, a shape that is not n*n values, unreadable or non-finite values) is
  // found first by rank 0 with the HDF5 C API, and raised on every rank as one user error.
  PetscCall(HDF5RealDatasetOpen(comm, opts->rhs_file, opts->rhs_dataset, &info));
  char shape[256] = "(";
  for (int k = 0; k < info.ndims; k++) {
    size_t used;
    PetscCall(PetscStrlen(shape, &used));
    PetscCall(PetscSNPrintf(shape + used, sizeof(shape) - used, "%s%llu", k ? ", " : "",
                            (unsigned long long)info.dims[k]));
  }
  PetscCall(PetscStrlcat(shape, info.ndims == 1 ? ",)" : ")", sizeof(shape)));
  const PetscBool vector = (PetscBool)(info.ndims == 1 && info.dims[0] == (hsize_t)N);
  const PetscBool grid   = (PetscBool)(!chain && info.ndims == 2 && info.dims[0] == (hsize_t)n &&
                                     info.dims[1] == (hsize_t)n);
  PetscCheck(vector || !chain, comm, PETSC_ERR_FILE_UNEXPECTED,
             "dataset '%s' of '%s' has shape %s, but the chain of n = %" PetscInt_FMT
             " nodes needs an (n,) vector",
             opts->rhs_dataset, opts->rhs_file, shape, n);
  PetscCheck(vector || grid, comm, PETSC_ERR_FILE_UNEXPECTED,
             "dataset '%s' of '%s' has shape %s, but n = %" PetscInt_FMT
             " needs n*n = %" PetscInt_FMT
             " values as an (N,) vector or an (n, n) array F[i, j] (j fastest)",
             opts->rhs_dataset, opts->rhs_file, shape, n, N);
  PetscCall(HDF5RealDatasetCheckFinite(comm, opts->rhs_file, opts->rhs_dataset));
  PetscCall(PetscViewerHDF5Open(comm, opts->rhs_file, FILE_MODE_READ, &viewer));
  // Read whole grid rows per process (PETSc reads an (n, n) dataset as n-blocks), then move
  // them into the DMDA's natural vector; both are in the file's row-major order.
  if (chain) // a plain vector of n nodes
    PetscCall(VecCreateMPI(comm, PETSC_DECIDE, N, &rows));
  else {
    PetscCall(PetscSplitOwnership(comm, &local_rows, &n));
    PetscCall(VecCreateMPI(comm, local_rows * n, N, &rows));
  }
  if (grid) PetscCall(VecSetBlockSize(rows, n));
  PetscCall(PetscObjectSetName((PetscObject)rows, path));
  PetscCall(VecLoad(rows, viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(DMDACreateNaturalVector(da, &natural));
  PetscInt rstart, rend;
  PetscCall(VecGetOwnershipRange(rows, &rstart, &rend));
  PetscCall(ISCreateStride(comm, rend - rstart, rstart, 1, &all));
  PetscCall(VecScatterCreate(rows, all, natural, all, &scatter));
  PetscCall(VecScatterBegin(scatter, rows, natural, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, rows, natural, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(DMDANaturalToGlobalBegin(da, natural, INSERT_VALUES, b));
  PetscCall(DMDANaturalToGlobalEnd(da, natural, INSERT_VALUES, b));
  PetscCall(VecScatterDestroy(&scatter));
  PetscCall(ISDestroy(&all));
  PetscCall(VecDestroy(&natural));
  PetscCall(VecDestroy(&rows));
  PetscFunctionReturn(0);
}
