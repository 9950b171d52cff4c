// The NPO speed yardstick (benchmarks/npo_yardstick.json): the reference's Python + PyTorch
// code and this project's code measured side by side on one machine (issue 18), read by
// npo_tool -timing and npo_train_bench so that they print their ratios against it.
#pragma once
#include <petscsys.h>

#include <map>
#include <string>

#ifndef NPO_YARDSTICK_FILE
#define NPO_YARDSTICK_FILE ""
#endif

typedef struct {
  std::string path, machine, source;
  std::string cpu; // the CPU model ("model name" of /proc/cpuinfo); "" when not recorded
  double      reference_apply_ms_n32;               // one application at n = 32
  std::map<long long, double> reference_apply_ms;   // every n measured (n = 32 included)
  double                      project_apply_ms_n32; // the project's, same machine
  double                      reference_train_seconds_per_epoch; // the reference's settings
  double                      project_train_seconds_per_epoch;
  double reference_train_seconds_other_machine; // the old 216 s (another machine)
} NpoYardstick;

// Reads the flat JSON file (string and number values only); a missing file or key is
// PETSC_ERR_FILE_OPEN / PETSC_ERR_FILE_UNEXPECTED on comm. Option -bench_yardstick FILE
// replaces the default (the repository's benchmarks/npo_yardstick.json).
PetscErrorCode NpoYardstickRead(MPI_Comm comm, NpoYardstick *y);
// True when the yardstick was measured on a CPU of this machine's model: only then are its
// ratios a same-machine comparison of code.
bool NpoYardstickSameCpu(const NpoYardstick *y);
// "Load average 1.23 (1 min), 2 cores": the machine's load while a benchmark runs.
std::string NpoLoadText(void);
// CPU time of this process in seconds (CLOCK_PROCESS_CPUTIME_ID): robust against other
// processes sharing the cores, unlike the wall time.
double NpoCpuSeconds(void);
