// The table of problems: one row per problem, carrying everything that differs between
// problems (docs/problems.md). Name lists, -help text, the summary line and the attributes of
// the results file come from it; adding a problem is adding a row in problem_table.cpp.
#pragma once
#include "problems/problem_options.h"

typedef struct {
  const char *name;
  const char *description;
  const char *default_rhs;
  // Nodal coefficient a at reference slow coordinate x = (i+1)h (the DMDA y direction).
  PetscReal (*coefficient)(const ProblemOptions *opts, PetscReal x);
  PetscBool has_contrast; // -contrast is a parameter of this problem (summary, attribute)
  PetscInt  dim;          // 2: the n x n grid; 1: a chain of n nodes (A1 = d1/h^2)
} ProblemEntry;

// The row of `name`, or NULL.
const ProblemEntry *ProblemFind(const char *name);
// "constant, variable, rod"
const char    *ProblemListNames(void);
PetscErrorCode ProblemCheckName(MPI_Comm comm, const char *name);

// Nodal coefficient a(i) of the problem for reference slow index i (DMDA y index).
PetscReal ProblemCoefficient(const ProblemOptions *opts, PetscInt i);
// Transmissibility of slow-axis face f (0..n): the harmonic mean 2 a_{f-1} a_f/(a_{f-1} + a_f)
// on interior faces, the nodal value on the two boundary faces.
PetscReal ProblemFaceTransmissibility(const ProblemOptions *opts, PetscInt f);
// 2 for the n x n problems, 1 for the chain.
PetscInt ProblemDimension(const ProblemOptions *opts);
// The number of unknowns N: n*n, or n for the chain.
PetscInt ProblemUnknowns(const ProblemOptions *opts);
// The contrast the problem uses (1 when it has none).
PetscReal ProblemContrast(const ProblemOptions *opts);
