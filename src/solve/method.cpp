#include "solve/method.h"

#include <string>
#include <vector>

#ifndef POISSON_OPTIONS_DIR
#define POISSON_OPTIONS_DIR "petsc_options"
#endif

static char *user_options = NULL;

const char *MethodDefaultDirectory(void)
{
  return POISSON_OPTIONS_DIR;
}

PetscErrorCode MethodSnapshotUserOptions(void)
{
  PetscFunctionBeginUser;
  if (!user_options) PetscCall(PetscOptionsGetAll(NULL, &user_options));
  PetscFunctionReturn(0);
}

PetscErrorCode MethodFreeUserOptions(void)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(user_options));
  PetscFunctionReturn(0);
}

static PetscErrorCode MethodPath(const char *dir, const char *name, char *path, size_t len)
{
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, len, "%s/%s.opts", dir, name));
  PetscFunctionReturn(0);
}

PetscErrorCode MethodCheck(MPI_Comm comm, const char *dir, const char *name)
{
  char      path[PETSC_MAX_PATH_LEN];
  PetscBool exists;

  PetscFunctionBeginUser;
  PetscCheck(name[0] && ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')),
             comm, PETSC_ERR_ARG_WRONG, "method name '%s' must start with a letter", name);
  for (const char *c = name; *c; c++)
    PetscCheck((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                   *c == '_',
               comm, PETSC_ERR_ARG_WRONG,
               "method name '%s' may hold only letters, digits and '_' (it is an options prefix)",
               name);
  PetscCall(MethodPath(dir, name, path, sizeof(path)));
  PetscCall(PetscTestFile(path, 'r', &exists));
  PetscCheck(exists, comm, PETSC_ERR_ARG_UNKNOWN_TYPE,
             "unknown method '%s': no method file '%s' (see -methods_dir)", name, path);
  PetscFunctionReturn(0);
}

PetscErrorCode MethodLoad(MPI_Comm comm, const char *dir, const char *name)
{
  char path[PETSC_MAX_PATH_LEN], prefix[256];

  PetscFunctionBeginUser;
  PetscCall(MethodCheck(comm, dir, name));
  PetscCall(MethodPath(dir, name, path, sizeof(path)));
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_", name));
  PetscCall(PetscOptionsPrefixPush(NULL, prefix));
  PetscCall(PetscOptionsInsertFile(comm, NULL, path, PETSC_TRUE));
  PetscCall(PetscOptionsPrefixPop(NULL));
  // The user's own options take precedence over the method file.
  if (user_options) PetscCall(PetscOptionsInsertString(NULL, user_options));
  PetscFunctionReturn(0);
}

// PetscOptionsGetAll() lists "-name value -name value ..."; an option name is a token that
// starts with '-' followed by a letter (a value may be a negative number).
static bool IsOptionName(const std::string &tok)
{
  return tok.size() > 1 && tok[0] == '-' &&
         ((tok[1] >= 'a' && tok[1] <= 'z') || (tok[1] >= 'A' && tok[1] <= 'Z'));
}

PetscErrorCode MethodOptionsString(const char *prefix, char **options)
{
  char                    *all;
  std::vector<std::string> tokens;
  std::string              out, want = std::string("-") + prefix;
  const char              *solver_keys[] = {"-ksp_", "-pc_", "-sub_", "-mat_", "-mg_"};

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  {
    std::string s(all), tok;
    for (char c : s) {
      if (c == ' ') {
        if (!tok.empty()) tokens.push_back(tok);
        tok.clear();
      } else
        tok += c;
    }
    if (!tok.empty()) tokens.push_back(tok);
  }
  PetscCall(PetscFree(all));
  for (size_t k = 0; k < tokens.size(); k++) {
    if (!IsOptionName(tokens[k])) continue;
    std::string key = tokens[k];
    bool        keep;
    if (prefix && prefix[0]) {
      keep = key.compare(0, want.size(), want) == 0;
      if (keep) key = "-" + key.substr(want.size());
    } else {
      keep = false;
      for (const char *s : solver_keys) keep = keep || key.compare(0, strlen(s), s) == 0;
    }
    if (!keep) continue;
    if (!out.empty()) out += ' ';
    out += key;
    if (k + 1 < tokens.size() && !IsOptionName(tokens[k + 1])) out += ' ' + tokens[++k];
  }
  PetscCall(PetscStrallocpy(out.c_str(), options));
  PetscFunctionReturn(0);
}
