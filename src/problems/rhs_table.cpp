#include <string>

#include "problems/rhs.h"

static const RhsEntry rhs_table[] = {
    {"grf", RhsGRF},
    {"file", RhsFromFile},
    {"rod", RhsRods},
    {"random", RhsRandom},
};

const RhsEntry *RhsFind(const char *name)
{
  for (const RhsEntry &e : rhs_table)
    if (!strcmp(e.name, name)) return &e;
  return NULL;
}

const char *RhsListNames(void)
{
  static std::string names;
  if (names.empty())
    for (const RhsEntry &e : rhs_table) names += (names.empty() ? "" : ", ") + std::string(e.name);
  return names.c_str();
}
