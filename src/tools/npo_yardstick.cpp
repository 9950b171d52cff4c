// Reader of benchmarks/npo_yardstick.json (npo_yardstick.h).
#include "npo_yardstick.h"

#include "runtime/run_metadata.h"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

namespace {

// The value of "key" in a flat JSON object: the text after the colon, up to the next comma or
// closing brace (strings without their quotes); false when absent.
bool JsonValue(const std::string &text, const std::string &key, std::string *value)
{
  const size_t k = text.find("\"" + key + "\"");
  if (k == std::string::npos) return false;
  size_t p = text.find(':', k + key.size() + 2);
  if (p == std::string::npos) return false;
  p = text.find_first_not_of(" \t\r\n", p + 1);
  if (p == std::string::npos) return false;
  if (text[p] == '"') {
    const size_t e = text.find('"', p + 1);
    if (e == std::string::npos) return false;
    *value = text.substr(p + 1, e - p - 1);
    return true;
  }
  const size_t e = text.find_first_of(",}\n", p);
  *value         = text.substr(p, e == std::string::npos ? std::string::npos : e - p);
  return true;
}

} // namespace

PetscErrorCode NpoYardstickRead(MPI_Comm comm, NpoYardstick *y)
{
  char path[PETSC_MAX_PATH_LEN] = NPO_YARDSTICK_FILE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-bench_yardstick", path, sizeof(path), NULL));
  std::ifstream in(path);
  PetscCheck(in.good(), comm, PETSC_ERR_FILE_OPEN,
             "cannot read the NPO yardstick %s (benchmarks/npo_yardstick.json; "
             "-bench_yardstick FILE)",
             path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  y->path                = path;
  auto number            = [&](const char *key, double *v) -> PetscErrorCode {
    std::string s;
    char       *end = nullptr;
    PetscFunctionBegin;
    PetscCheck(JsonValue(text, key, &s), comm, PETSC_ERR_FILE_UNEXPECTED,
                          "the NPO yardstick %s lacks \"%s\"", path, key);
    *v = std::strtod(s.c_str(), &end);
    PetscCheck(end != s.c_str() && *v > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
                          "the NPO yardstick %s: \"%s\" is not a positive number", path, key);
    PetscFunctionReturn(0);
  };
  PetscCall(number("reference_apply_ms_n32", &y->reference_apply_ms_n32));
  PetscCall(number("project_apply_ms_n32", &y->project_apply_ms_n32));
  PetscCall(number("reference_train_seconds_per_epoch", &y->reference_train_seconds_per_epoch));
  PetscCall(number("project_train_seconds_per_epoch", &y->project_train_seconds_per_epoch));
  PetscCall(
      number("reference_train_seconds_other_machine", &y->reference_train_seconds_other_machine));
  y->reference_apply_ms[32] = y->reference_apply_ms_n32;
  for (long long n = 64; n <= 4096; n *= 2) { // optional: the larger grids
    std::string s;
    if (JsonValue(text, "reference_apply_ms_n" + std::to_string(n), &s)) {
      PetscCall(
          number(("reference_apply_ms_n" + std::to_string(n)).c_str(), &y->reference_apply_ms[n]));
    }
  }
  if (!JsonValue(text, "cpu", &y->cpu)) y->cpu = "";
  PetscCheck(JsonValue(text, "machine", &y->machine) && JsonValue(text, "source", &y->source), comm,
             PETSC_ERR_FILE_UNEXPECTED, "the NPO yardstick %s lacks \"machine\" or \"source\"",
             path);
  PetscFunctionReturn(0);
}

bool NpoYardstickSameCpu(const NpoYardstick *y)
{
  return !y->cpu.empty() && y->cpu == CpuModelName();
}

std::string NpoLoadText(void)
{
  std::ifstream f("/proc/loadavg");
  double        l1 = -1;
  f >> l1;
  char buf[96];
  snprintf(buf, sizeof(buf), "load average %.2f (1 min) on %ld cores", l1,
           sysconf(_SC_NPROCESSORS_ONLN));
  return buf;
}

double NpoCpuSeconds(void)
{
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
