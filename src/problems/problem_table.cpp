#include "problems/problem_table.h"

#include <string>

static PetscReal CoefficientOne(const ProblemOptions *, PetscReal)
{
  return 1.0;
}

// 1 for x < 0.5, the contrast for x >= 0.5.
static PetscReal CoefficientJump(const ProblemOptions *opts, PetscReal x)
{
  return x < 0.5 ? 1.0 : opts->contrast;
}

static const ProblemEntry problem_table[] = {
    {"constant", "5-point Dirichlet Laplacian, coefficient 1", "grf", CoefficientOne, PETSC_FALSE,
     2},
    {"variable", "coefficient 1 for x < 0.5, -contrast for x >= 0.5, harmonic-mean faces", "grf",
     CoefficientJump, PETSC_TRUE, 2},
    {"rod", "constant operator, +1/-1 hot and cold rods as right-hand side", "rod", CoefficientOne,
     PETSC_FALSE, 2},
    {"chain", "1-D chain of -n nodes, A1 = tridiag(-1, 2, -1)/h^2 (1-D DMDA)", "random",
     CoefficientOne, PETSC_FALSE, 1},
};

const ProblemEntry *ProblemFind(const char *name)
{
  for (const ProblemEntry &e : problem_table)
    if (!strcmp(e.name, name)) return &e;
  return NULL;
}

const char *ProblemListNames(void)
{
  static std::string names;
  if (names.empty())
    for (const ProblemEntry &e : problem_table)
      names += (names.empty() ? "" : ", ") + std::string(e.name);
  return names.c_str();
}

PetscErrorCode ProblemCheckName(MPI_Comm comm, const char *name)
{
  PetscFunctionBeginUser;
  PetscCheck(ProblemFind(name), comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown problem '%s' (known: %s)", name, ProblemListNames());
  PetscFunctionReturn(0);
}

PetscReal ProblemCoefficient(const ProblemOptions *opts, PetscInt i)
{
  const ProblemEntry *e = ProblemFind(opts->problem);
  const PetscReal     h = 1.0 / (opts->n + 1);
  return e ? e->coefficient(opts, (i + 1) * h) : 1.0;
}

PetscReal ProblemFaceTransmissibility(const ProblemOptions *opts, PetscInt f)
{
  const PetscInt n = opts->n;
  if (f <= 0) return ProblemCoefficient(opts, 0);
  if (f >= n) return ProblemCoefficient(opts, n - 1);
  const PetscReal al = ProblemCoefficient(opts, f - 1), ar = ProblemCoefficient(opts, f);
  return 2.0 * al * ar / (al + ar);
}

PetscInt ProblemDimension(const ProblemOptions *opts)
{
  const ProblemEntry *e = ProblemFind(opts->problem);
  return e ? e->dim : 2;
}

PetscInt ProblemUnknowns(const ProblemOptions *opts)
{
  return ProblemDimension(opts) == 1 ? opts->n : opts->n * opts->n;
}

PetscReal ProblemContrast(const ProblemOptions *opts)
{
  const ProblemEntry *e = ProblemFind(opts->problem);
  return e && e->has_contrast ? opts->contrast : 1.0;
}
