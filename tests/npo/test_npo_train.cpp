// npo_train (docs/npo.md, Training): a few epochs on a small set lower the loss and write a
// loadable checkpoint with its history; a run stopped after k epochs and resumed gives the
// same history and weights as an uninterrupted one (one thread); bad options are clear errors.
// Training is serial: run at one rank.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "npo_training/npo_trainer.h"
#include "preconditioners/npo/npo_checkpoint.h"
#include "preconditioners/npo/npo_net.h"
#include "test_support.h"

namespace {

std::string Scratch(const char *tag)
{
  return "/tmp/npo_train_test_" + std::to_string((int)getpid()) + "_" + tag + ".h5";
}

// A small, fast set: n = 16, 4 GRFs and their CG residuals (32 samples), batch 8.
NpoTrainOptions SmallRun(const std::string &out, PetscInt epochs)
{
  NpoTrainOptions o;
  NpoTrainOptionsDefault(&o);
  o.grids[0]         = 16;
  o.ngrids           = 1;
  o.num_rhs          = 4;
  o.epochs           = epochs;
  o.batch            = 8;
  o.warmup           = 2;
  o.lr               = 1e-3;
  o.threads          = 1;
  o.quiet            = PETSC_TRUE;
  o.checkpoint_every = 1000;
  snprintf(o.output, sizeof(o.output), "%s", out.c_str());
  return o;
}

} // namespace

TEST(NpoTrain, FewEpochsLowerTheLossAndWriteALoadableCheckpoint)
{
  const std::string out = Scratch("few");
  NpoTrainOptions   o   = SmallRun(out, 8);
  NpoTrainHistory   h;
  ASSERT_EQ(0, NpoTrainRun(PETSC_COMM_WORLD, &o, &h));
  // 4 GRFs + 4 x 7 CG residuals (iterations 1, 2, 4, ..., 64).
  EXPECT_EQ(h.num_samples, 32);
  ASSERT_EQ(h.total.size(), 8u);
  // Observed: 9.6 -> 2.9 (the total of three relative errors; the untrained network is
  // far from (h²A)⁻¹). Require at least a halving.
  EXPECT_LT(h.total.back(), 0.5 * h.total.front());
  for (size_t e = 0; e < h.total.size(); e++) {
    EXPECT_TRUE(std::isfinite(h.total[e]));
    EXPECT_NEAR(h.total[e], h.condition[e] + h.residual[e] + h.data[e], 1e-12 * h.total[e]);
  }
  // The schedule: linear warm-up from 2e-4, cosine down to 5e-5 at the last epoch.
  EXPECT_DOUBLE_EQ(h.lr[0], 2e-4);
  EXPECT_DOUBLE_EQ(h.lr[2], 1e-3);
  EXPECT_DOUBLE_EQ(h.lr.back(), 5e-5);

  // Loadable by the PC's loader, with its training grid and provenance.
  NpoNet net = nullptr;
  ASSERT_EQ(0, NpoNetLoad(PETSC_COMM_WORLD, out.c_str(), &net));
  NpoNetInfo info;
  NpoNetGetInfo(net, &info);
  EXPECT_EQ(info.num_params, 50465);
  EXPECT_EQ(info.train_grid, 16);
  EXPECT_NE(std::string(info.provenance).find("npo_train"), std::string::npos);
  std::vector<PetscReal> r(256, 0.0), z(256);
  r[100] = 1.0;
  ASSERT_EQ(0, NpoNetApply(net, 16, 16, r.data(), z.data()));
  for (PetscReal v : z) EXPECT_TRUE(std::isfinite(v));
  NpoNetDestroy(&net);

  // The history and training state are in the file.
  NpoCheckpoint ck;
  ASSERT_EQ(0, NpoCheckpointRead(PETSC_COMM_WORLD, out.c_str(), &ck));
  EXPECT_EQ(ck.train_epoch, 8);
  EXPECT_EQ(ck.train_step, 8 * 4);
  EXPECT_EQ(ck.train_state.size(), 2 * ck.tensors.size());
  bool found = false;
  for (auto &named : ck.history)
    if (named.first == "total") {
      found = true;
      EXPECT_EQ(named.second, h.total);
    }
  EXPECT_TRUE(found);
  std::remove(out.c_str());
}

TEST(NpoTrain, InputGridIsStoredAndScalesOnlyOtherGrids)
{
  // -npo_train_input_grid n0: on the n0 grid s = 1, so the run is bit-identical to the
  // unit-norm one; on another grid (16 with n0 = 8: s = 2) the losses differ. The checkpoint
  // carries n0, so the PC applies the same normalisation.
  const std::string a = Scratch("unit"), b = Scratch("n0"), c = Scratch("n0other");
  NpoTrainOptions   ou = SmallRun(a, 2), on = SmallRun(b, 2), oo = SmallRun(c, 2);
  on.input_grid = 16;
  oo.input_grid = 8;
  NpoTrainHistory hu, hn, ho;
  ASSERT_EQ(0, NpoTrainRun(PETSC_COMM_WORLD, &ou, &hu));
  ASSERT_EQ(0, NpoTrainRun(PETSC_COMM_WORLD, &on, &hn));
  ASSERT_EQ(0, NpoTrainRun(PETSC_COMM_WORLD, &oo, &ho));
  EXPECT_EQ(hu.total, hn.total);
  EXPECT_NE(hu.total, ho.total);
  NpoNet net = nullptr;
  ASSERT_EQ(0, NpoNetLoad(PETSC_COMM_WORLD, c.c_str(), &net));
  NpoNetInfo info;
  NpoNetGetInfo(net, &info);
  EXPECT_EQ(info.input_grid, 8);
  EXPECT_EQ(NpoNetInputScale(net, 16, 16), 2.0);
  NpoNetDestroy(&net);
  for (const std::string &f : {a, b, c}) std::remove(f.c_str());
}

TEST(NpoTrain, ResumeGivesTheUninterruptedHistory)
{
  const std::string full = Scratch("full"), part = Scratch("part");
  NpoTrainOptions   o = SmallRun(full, 6);
  NpoTrainHistory   h_full, h_part, h_resumed;
  ASSERT_EQ(0, NpoTrainRun(PETSC_COMM_WORLD, &o, &h_full));

  // Same run, stopped after 3 epochs (its checkpoint written), then resumed to the end.
  NpoTrainOptions a = SmallRun(part, 6);
  a.stop_after      = 3;
  ASSERT_EQ(0, NpoTrainRun(PETSC_COMM_WORLD, &a, &h_part));
  ASSERT_EQ(h_part.total.size(), 3u);
  NpoTrainOptions b = SmallRun(part, 6);
  snprintf(b.resume, sizeof(b.resume), "%s", part.c_str());
  ASSERT_EQ(0, NpoTrainRun(PETSC_COMM_WORLD, &b, &h_resumed));

  // Bitwise the same losses (one thread, same seed, Adam state restored exactly).
  ASSERT_EQ(h_resumed.total.size(), 6u);
  EXPECT_EQ(h_resumed.total, h_full.total);
  EXPECT_EQ(h_resumed.condition, h_full.condition);
  EXPECT_EQ(h_resumed.data, h_full.data);
  EXPECT_EQ(h_resumed.lr, h_full.lr);
  NpoNet n1 = nullptr, n2 = nullptr;
  ASSERT_EQ(0, NpoNetLoad(PETSC_COMM_WORLD, full.c_str(), &n1));
  ASSERT_EQ(0, NpoNetLoad(PETSC_COMM_WORLD, part.c_str(), &n2));
  NpoNetInfo i1, i2;
  NpoNetGetInfo(n1, &i1);
  NpoNetGetInfo(n2, &i2);
  EXPECT_EQ(i1.checksum, i2.checksum);
  NpoNetDestroy(&n1);
  NpoNetDestroy(&n2);

  // The same run again from scratch reproduces the history (reproducibility).
  NpoTrainHistory h_again;
  ASSERT_EQ(0, NpoTrainRun(PETSC_COMM_WORLD, &o, &h_again));
  EXPECT_EQ(h_again.total, h_full.total);

  // Resuming with other options is refused.
  NpoTrainOptions c = SmallRun(Scratch("other"), 6);
  c.seed            = 7;
  snprintf(c.resume, sizeof(c.resume), "%s", part.c_str());
  NpoTrainHistory h_other;
  EXPECT_EQ(PETSC_ERR_ARG_WRONG, NpoTrainRun(PETSC_COMM_WORLD, &c, &h_other));
  std::remove(full.c_str());
  std::remove(part.c_str());
}

TEST(NpoTrainBadOptions, ClearErrors)
{
  NpoTrainHistory h;
  NpoTrainOptions o = SmallRun(Scratch("bad"), 0);
  EXPECT_EQ(PETSC_ERR_ARG_OUTOFRANGE, NpoTrainRun(PETSC_COMM_WORLD, &o, &h)); // zero epochs
  o       = SmallRun(Scratch("bad"), 2);
  o.batch = 33; // the set has 32 samples
  EXPECT_EQ(PETSC_ERR_ARG_OUTOFRANGE, NpoTrainRun(PETSC_COMM_WORLD, &o, &h));
  o = SmallRun("/nonexistent_dir/sub/npo.h5", 2);
  EXPECT_EQ(PETSC_ERR_FILE_OPEN, NpoTrainRun(PETSC_COMM_WORLD, &o, &h));
  o            = SmallRun(Scratch("bad"), 2);
  o.input_grid = -1;
  EXPECT_EQ(PETSC_ERR_ARG_OUTOFRANGE, NpoTrainRun(PETSC_COMM_WORLD, &o, &h));
  o = SmallRun(Scratch("bad"), 2);
  snprintf(o.resume, sizeof(o.resume), "/nonexistent_dir/resume.h5");
  EXPECT_EQ(PETSC_ERR_FILE_OPEN, NpoTrainRun(PETSC_COMM_WORLD, &o, &h));
  EXPECT_TRUE(h.total.empty());
}

TEST(NpoTrain, ReferenceNetworkLossesOnTheDefaultSet)
{
  // -npo_train_init + -npo_train_evaluate: the three losses of the reference's network on
  // the default training set (n = 32, 320 samples), no training. The reference reports a
  // final training loss of 0.301 on its own GRF draws (numpy's generator); on the project's
  // GRFs (PETSc rand48) its network scores total 0.4212 (condition 0.0810, residual 0.2425,
  // data 0.0978, observed): the same loss definitions, the same order of magnitude.
  REQUIRE_FIXTURE(weights, "npo_weights.h5");
  NpoTrainOptions o;
  NpoTrainHistory h;
  NpoTrainOptionsDefault(&o);
  o.quiet    = PETSC_TRUE;
  o.evaluate = PETSC_TRUE;
  snprintf(o.init, sizeof(o.init), "%s", weights.c_str());
  ASSERT_EQ(0, NpoTrainRun(PETSC_COMM_WORLD, &o, &h));
  EXPECT_EQ(h.num_samples, 320);
  ASSERT_EQ(h.total.size(), 1u);
  EXPECT_NEAR(h.total[0], 0.4212, 2e-3);
  EXPECT_NEAR(h.condition[0], 0.0810, 1e-3);
  EXPECT_NEAR(h.residual[0], 0.2425, 1e-3);
  EXPECT_NEAR(h.data[0], 0.0978, 1e-3);
}
