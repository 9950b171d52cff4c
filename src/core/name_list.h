// Comma-separated name lists of the command line (-problem a,b -methods x,y,z).
#pragma once
#include <string>
#include <vector>

// "a, b,,c" -> {"a", "b", "c"}: blanks and empty items dropped.
std::vector<std::string> SplitNameList(const char *list);
// {"a", "b"} -> "a,b"
std::string JoinNameList(const std::vector<std::string> &names);
