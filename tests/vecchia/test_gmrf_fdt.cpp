// gmrf_fdt (REPORTS.md §10.1; docs/vecchia.md, "The fluctuation-dissipation report") on the 1-D
// chain, n = 32: the exact sampler's covariance column against the kick response A^{-1} e_j and
// its Frobenius error within 3x the predicted iid errors at N_s = 100, 1000, 10000; Langevin
// (64 chains, dt = 0.5/lambda_max): stiffest-mode variance inflation within 4 standard errors of
// 4/3, slowest-mode autocorrelation time within 20 % of 1/(dt lambda_min) = 2 kappa (seeded:
// 1.361 +- 0.027 and 902 against 881); bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_support.h"
#include "test_support.h"

namespace {

TEST(GmrfFdt, ChainChecksWithinPredictedErrors)
{
  const std::string f = CliTempDir() + "/fdt.h5";
  CliRun            r = RunExecutable("gmrf_fdt", "-snapshots 10000 -o " + f, 1, 120);
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<double> ns = ReadDataset(f, "/fdt/ns"), ce = ReadDataset(f, "/fdt/column_error"),
                      cp = ReadDataset(f, "/fdt/column_predicted"),
                      fe = ReadDataset(f, "/fdt/frobenius_error"),
                      fp = ReadDataset(f, "/fdt/frobenius_predicted");
  ASSERT_EQ(ns.size(), 3u);
  for (size_t k = 0; k < ns.size(); k++) {
    EXPECT_LE(ce[k], 3.0 * cp[k]) << "column, N_s = " << ns[k];
    EXPECT_LE(fe[k], 3.0 * fp[k]) << "Frobenius, N_s = " << ns[k];
  }
  const double infl  = ReadGroupAttribute(f, "/fdt", "stiff_inflation"),
               se    = ReadGroupAttribute(f, "/fdt", "stiff_inflation_se"),
               tau   = ReadGroupAttribute(f, "/fdt", "tau"),
               tau0  = ReadGroupAttribute(f, "/fdt", "tau_theory"),
               kappa = ReadGroupAttribute(f, "/fdt", "lambda_max") /
                       ReadGroupAttribute(f, "/fdt", "lambda_min");
  EXPECT_NEAR(ReadGroupAttribute(f, "/fdt", "stiff_inflation_theory"), 4.0 / 3.0, 1e-12);
  EXPECT_NEAR(infl, 4.0 / 3.0, 4.0 * se);
  EXPECT_NEAR(tau0, 2.0 * kappa, 1e-6 * kappa);
  EXPECT_NEAR(tau / tau0, 1.0, 0.2);
  std::remove(f.c_str());
}

TEST(GmrfFdt, BadInput)
{
  ExpectCleanFailure("gmrf_fdt", "-dt_factor -1", "-dt_factor must lie in (0, 2)");
  ExpectCleanFailure("gmrf_fdt", "-problem constant -n 40", "exceeds 1024");
}

} // namespace
