// The name of the running program ("poisson_solve"), for the one-line error messages.
#pragma once

const char *PoissonProgramName(void);
// Sets it from argv[0] (its last path component).
void PoissonSetProgramName(const char *argv0);
