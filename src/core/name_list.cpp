#include "core/name_list.h"

std::vector<std::string> SplitNameList(const char *list)
{
  std::vector<std::string> out;
  std::string              item;
  for (const char *c = list;; c++) {
    if (*c == ',' || *c == 0) {
      if (!item.empty()) out.push_back(item);
      item.clear();
      if (!*c) break;
    } else if (*c != ' ')
      item += *c;
  }
  return out;
}

std::string JoinNameList(const std::vector<std::string> &names)
{
  std::string out;
  for (const std::string &n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}
