#include "core/view_text.h"

#include <petscviewer.h>

#include <cstdio>
#include <cstdlib>

PetscErrorCode PetscObjectViewText(PetscObject obj, char **text)
{
  MPI_Comm    comm = PetscObjectComm(obj);
  PetscViewer viewer;
  char       *buf  = NULL;
  size_t      size = 0;
  FILE       *mem;
  PetscMPIInt rank;
  int         len;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  mem = open_memstream(&buf, &size);
  PetscCheck(mem, PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot open a memory stream for a view");
  PetscCall(PetscViewerASCIIOpenWithFILE(comm, mem, &viewer));
  PetscCall(PetscObjectView(obj, viewer));
  PetscCall(PetscViewerFlush(viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  fclose(mem);
  len = rank ? 0 : (int)size;
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, comm));
  PetscCall(PetscMalloc1(len + 1, text));
  if (!rank) PetscCall(PetscMemcpy(*text, buf, len));
  (*text)[len] = 0;
  PetscCallMPI(MPI_Bcast(*text, len, MPI_CHAR, 0, comm));
  free(buf);
  PetscFunctionReturn(0);
}
