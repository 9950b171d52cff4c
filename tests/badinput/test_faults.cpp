// Placeholder: filled by the bad-input work.
#include <gtest/gtest.h>

#include "cli_support.h"

TEST(Placeholder, Builds)
{
  SUCCEED();
}
