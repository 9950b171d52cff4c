#include "core/program_name.h"

#include <cstring>

static const char *program_name = "poisson";

const char *PoissonProgramName(void)
{
  return program_name;
}

void PoissonSetProgramName(const char *argv0)
{
  if (!argv0 || !argv0[0]) return;
  const char *slash = strrchr(argv0, '/');
  program_name      = slash ? slash + 1 : argv0;
}
