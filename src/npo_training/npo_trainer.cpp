// NPO training (npo_trainer.h): the training set with PETSc (KSP CG monitor, Cholesky), the
// losses and Adam with libtorch.
#include "npo_training/npo_trainer.h"

#include <malloc.h>
#include <petscksp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>

#include "io/output_file.h"
#include "preconditioners/npo/npo.h"
#include "preconditioners/npo/npo_checkpoint.h"
#include "preconditioners/npo/npo_net_torch.h"
#include "problems/problem.h"
#include "problems/rhs.h"

namespace {

enum SampleKind : int64_t { kGrf = 0, kCgResidual = 1 };

// A number as printf's %g prints it (PETSc's own %g in error messages appends a '.').
std::string Num(double v)
{
  char buf[32];
  snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

// The training samples of one grid: unit inputs v, targets Â⁻¹v, kinds.
struct GridSet {
  PetscInt             n = 0;
  std::vector<float>   inputs, targets; // S x n*n, row-major fields (j fastest)
  std::vector<int64_t> kinds;
  torch::Tensor        x, t, kind; // (S, 1, n, n), (S, 1, n, n), (S)
};

struct MonitorContext {
  std::vector<std::vector<PetscReal>> *residuals;
  PetscInt                             max_it;
};

// KSP monitor: the true residual b − Âx_k at iterations k = 1, 2, 4, ... (powers of two).
PetscErrorCode RecordResidual(KSP ksp, PetscInt it, PetscReal rnorm, void *vctx)
{
  MonitorContext *ctx = (MonitorContext *)vctx;
  Vec             r;

  PetscFunctionBegin;
  if (it < 1 || it > ctx->max_it || (it & (it - 1)) || rnorm == 0) PetscFunctionReturn(0);
  PetscCall(KSPBuildResidual(ksp, NULL, NULL, &r));
  const PetscScalar *a;
  PetscInt           N;
  PetscCall(VecGetLocalSize(r, &N));
  PetscCall(VecGetArrayRead(r, &a));
  ctx->residuals->emplace_back(a, a + N);
  PetscCall(VecRestoreArrayRead(r, &a));
  PetscCall(VecDestroy(&r));
  PetscFunctionReturn(0);
}

// Normalises v to unit 2-norm; false when v = 0.
bool Normalise(std::vector<PetscReal> &v)
{
  double s = 0;
  for (PetscReal x : v) s += x * x;
  if (!(s > 0)) return false;
  s = std::sqrt(s);
  for (PetscReal &x : v) x /= s;
  return true;
}

PetscErrorCode BuildGridSet(const NpoTrainOptions *o, PetscInt n, GridSet *set)
{
  ProblemOptions popts;
  Problem        p;
  Mat            Ahat;
  KSP            cg, direct;
  PC             pc;
  Vec            b, x, y;
  const PetscInt N = n * n;

  PetscFunctionBegin;
  // The project's constant-coefficient operator on one process, scaled to Â = h²A.
  PetscCall(PetscMemzero(&popts, sizeof(popts)));
  PetscCall(PetscStrncpy(popts.problem, "constant", sizeof(popts.problem)));
  PetscCall(PetscStrncpy(popts.rhs, "grf", sizeof(popts.rhs)));
  PetscCall(PetscStrncpy(popts.operator_type, "aij", sizeof(popts.operator_type)));
  popts.n         = n;
  popts.contrast  = 1.0;
  popts.grf_seed  = o->rhs_seed;
  popts.grf_alpha = o->grf_alpha;
  popts.grf_tau   = o->grf_tau;
  PetscCall(ProblemCreate(PETSC_COMM_SELF, &popts, &p));
  PetscCall(MatDuplicate(p.A, MAT_COPY_VALUES, &Ahat));
  PetscCall(MatScale(Ahat, p.h * p.h));
  PetscCall(MatCreateVecs(Ahat, &x, &b));
  PetscCall(VecDuplicate(b, &y));

  // Plain CG on Âx = b, monitored; no convergence test before cg_max_it.
  std::vector<std::vector<PetscReal>> residuals;
  MonitorContext                      mctx = {&residuals, o->cg_max_it};
  PetscCall(KSPCreate(PETSC_COMM_SELF, &cg));
  PetscCall(KSPSetOperators(cg, Ahat, Ahat));
  PetscCall(KSPSetType(cg, KSPCG));
  PetscCall(KSPGetPC(cg, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(KSPSetNormType(cg, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(cg, 1e-300, 0.0, 1e300, o->cg_max_it));
  PetscCall(KSPMonitorSet(cg, RecordResidual, &mctx, NULL));
  // One sparse Cholesky factorisation of Â for the exact targets Â⁻¹v.
  PetscCall(KSPCreate(PETSC_COMM_SELF, &direct));
  PetscCall(KSPSetOperators(direct, Ahat, Ahat));
  PetscCall(KSPSetType(direct, KSPPREONLY));
  PetscCall(KSPGetPC(direct, &pc));
  PetscCall(PCSetType(pc, PCCHOLESKY));
  PetscCall(PCFactorSetMatOrderingType(pc, MATORDERINGND));
  PetscCall(KSPSetUp(direct));

  std::vector<PetscReal> field(N);
  set->n          = n;
  auto add_sample = [&](std::vector<PetscReal> v, SampleKind kind) -> PetscErrorCode {
    PetscScalar *a;
    PetscFunctionBegin;
    if (!Normalise(v)) PetscFunctionReturn(0);
    PetscCall(VecGetArray(b, &a));
    for (PetscInt i = 0; i < N; i++) a[i] = v[i];
    PetscCall(VecRestoreArray(b, &a));
    PetscCall(KSPSolve(direct, b, y));
    const PetscScalar *t;
    PetscCall(VecGetArrayRead(y, &t));
    for (PetscInt i = 0; i < N; i++) {
      set->inputs.push_back((float)v[i]);
      set->targets.push_back((float)t[i]);
    }
    PetscCall(VecRestoreArrayRead(y, &t));
    set->kinds.push_back(kind);
    PetscFunctionReturn(0);
  };
  for (PetscInt s = 0; s < o->num_rhs; s++) {
    PetscCall(RhsGRFField(n, o->rhs_seed + s, o->grf_alpha, o->grf_tau, field.data()));
    PetscCheck(
        std::all_of(field.begin(), field.end(), [](PetscReal v) { return std::isfinite(v); }),
        PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
        "-npo_train_grf_alpha %s and -npo_train_grf_tau %s give a right-hand side with "
        "NaN or Inf values at n = %" PetscInt_FMT,
        Num(o->grf_alpha).c_str(), Num(o->grf_tau).c_str(), n);
    PetscCall(add_sample(field, kGrf));
    PetscScalar *a;
    PetscCall(VecGetArray(b, &a)); // add_sample overwrote b: the GRF again, unit norm
    std::vector<PetscReal> unit(field);
    Normalise(unit);
    for (PetscInt i = 0; i < N; i++) a[i] = unit[i];
    PetscCall(VecRestoreArray(b, &a));
    residuals.clear();
    PetscCall(KSPSolve(cg, b, x));
    for (auto &r : residuals) PetscCall(add_sample(r, kCgResidual));
  }
  PetscCall(KSPDestroy(&cg));
  PetscCall(KSPDestroy(&direct));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&b));
  PetscCall(MatDestroy(&Ahat));
  PetscCall(ProblemDestroy(&p));

  const int64_t S = (int64_t)set->kinds.size();
  NpoCallCXX(PETSC_COMM_SELF, {
    set->x    = torch::from_blob(set->inputs.data(), {S, 1, n, n}, torch::kFloat32);
    set->t    = torch::from_blob(set->targets.data(), {S, 1, n, n}, torch::kFloat32);
    set->kind = torch::from_blob(set->kinds.data(), {S}, torch::kInt64);
  });
  PetscFunctionReturn(0);
}

// The options that determine a run's history (a resumed run must match them).
std::string RunSignature(const NpoTrainOptions *o)
{
  std::ostringstream s;
  s.precision(17);
  s << "grids=";
  for (PetscInt g = 0; g < o->ngrids; g++) s << (g ? "," : "") << o->grids[g];
  s << " num_rhs=" << o->num_rhs << " rhs_seed=" << o->rhs_seed << " grf_alpha=" << o->grf_alpha
    << " grf_tau=" << o->grf_tau << " cg_max_it=" << o->cg_max_it << " epochs=" << o->epochs
    << " batch=" << o->batch << " seed=" << o->seed << " lr=" << o->lr
    << " lr_start=" << o->lr_start << " lr_final=" << o->lr_final << " warmup=" << o->warmup
    << " condition=" << (o->use_condition ? o->w_condition : 0.0)
    << " residual=" << (o->use_residual ? o->w_residual : 0.0)
    << " data=" << (o->use_data ? o->w_data : 0.0) << " width=" << o->hp.width
    << " num_coarse=" << o->hp.num_coarse << " num_heads=" << o->hp.num_heads
    << " ffn_mult=" << o->hp.ffn_mult;
  if (o->input_grid) s << " input_grid=" << o->input_grid;
  if (o->init[0]) s << " init=" << o->init;
  return s.str();
}

// Learning rate of epoch e (0-based): linear warm-up, then cosine decay (docs/npo.md, Training).
double LearningRate(const NpoTrainOptions *o, PetscInt e)
{
  if (e < o->warmup) return o->lr_start + (o->lr - o->lr_start) * (double)e / (double)o->warmup;
  const PetscInt span = o->epochs - o->warmup;
  const double   frac = span > 1 ? (double)(e - o->warmup) / (double)(span - 1) : 1.0;
  return o->lr_final + 0.5 * (o->lr - o->lr_final) * (1.0 + std::cos(M_PI * frac));
}

std::string FormatSeconds(double s)
{
  char buf[64];
  if (s < 0) s = 0;
  if (s < 3600)
    snprintf(buf, sizeof(buf), "%dm%02ds", (int)(s / 60), (int)s % 60);
  else
    snprintf(buf, sizeof(buf), "%dh%02dm", (int)(s / 3600), ((int)s % 3600) / 60);
  return buf;
}

const char *kHistoryNames[] = {"epoch", "total", "condition", "residual", "data", "lr", "elapsed"};

std::vector<double> *HistoryField(NpoTrainHistory *h, int k)
{
  std::vector<double> *f[] = {&h->epoch, &h->total, &h->condition, &h->residual,
                              &h->data,  &h->lr,    &h->elapsed};
  return f[k];
}

std::string AdamKey(const torch::Tensor &p)
{
  return c10::guts::to_string(p.unsafeGetTensorImpl());
}

bool AllFinite(const std::vector<float> &v)
{
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

// Writes the network, the Adam state, the counters and the history (temp file + rename).
PetscErrorCode WriteCheckpoint(MPI_Comm comm, const NpoTrainOptions *o, NpoNet net,
                               torch::optim::Adam &adam, long long epoch, long long step,
                               NpoTrainHistory *h, const std::string &provenance)
{
  NpoCheckpoint ck;
  NpoNetInfo    info;

  PetscFunctionBegin;
  PetscCall(NpoNetTorchUpdated(net));
  PetscCall(NpoNetSetProvenance(net, o->grids[o->ngrids - 1], provenance.c_str()));
  PetscCall(NpoNetGetInfo(net, &info));
  ck.hp            = info.hp;
  ck.train_grid    = info.train_grid;
  ck.input_grid    = info.input_grid;
  ck.format        = NPO_FORMAT_NAME;
  ck.provenance    = provenance;
  ck.train_epoch   = epoch;
  ck.train_step    = step;
  ck.train_options = RunSignature(o);
  NpoCallCXX(comm, {
    auto copy = [](const std::string &name, const torch::Tensor &t0) {
      torch::Tensor t = t0.detach().contiguous();
      NpoTensor     out;
      out.name  = name;
      out.shape = t.sizes().vec();
      out.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
      return out;
    };
    for (auto &kv : NpoNetTorchParameters(net)) {
      ck.tensors.push_back(copy(kv.first, kv.second));
      auto it = adam.state().find(AdamKey(kv.second));
      if (it == adam.state().end()) continue;
      auto &st = static_cast<torch::optim::AdamParamState &>(*it->second);
      ck.train_state.push_back(copy("exp_avg:" + kv.first, st.exp_avg()));
      ck.train_state.push_back(copy("exp_avg_sq:" + kv.first, st.exp_avg_sq()));
    }
    for (int k = 0; k < 7; k++) ck.history.emplace_back(kHistoryNames[k], *HistoryField(h, k));
  });
  // The last Adam step may have made a weight NaN or Inf even though the loss before it was
  // finite: such a network is never written (the previous checkpoint stays).
  for (const std::vector<NpoTensor> *group : {&ck.tensors, &ck.train_state})
    for (const NpoTensor &t : *group)
      PetscCheck(AllFinite(t.values), comm, PETSC_ERR_NOT_CONVERGED,
                 "the training diverged: after epoch %lld, %s holds NaN or Inf values; lower "
                 "-npo_train_lr (no checkpoint written for it)",
                 epoch, t.name.c_str());
  PetscCall(NpoCheckpointWrite(comm, o->output, ck, NpoLibtorchVersion()));
  PetscFunctionReturn(0);
}

std::string ShapeText(const std::vector<int64_t> &shape)
{
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); i++) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + ")";
}

// Restores weights, Adam state, epoch, step and history from a checkpoint of the same run
// (batches_per_epoch: Adam steps per epoch of this run). Everything is validated before it is
// used: the weights as -pc_npo_checkpoint does (architecture, shapes, finite values), the
// counters against each other, every Adam moment (present, the parameter's shape, finite,
// second moments >= 0, nothing else) and the history (every quantity, one finite value per
// epoch done, nothing else).
PetscErrorCode ReadResume(MPI_Comm comm, const NpoTrainOptions *o, NpoNet net,
                          torch::optim::Adam &adam, long long batches_per_epoch, long long *epoch,
                          long long *step, NpoTrainHistory *h)
{
  NpoCheckpoint ck;
  NpoNet        loaded = nullptr;
  const char   *path   = o->resume;

  PetscFunctionBegin;
  PetscCall(NpoCheckpointRead(comm, path, &ck));
  PetscCheck(ck.format == NPO_FORMAT_NAME && ck.train_epoch != 0, comm, PETSC_ERR_ARG_WRONG,
             "-npo_train_resume %s: the checkpoint holds no training state (not written by "
             "npo_train)",
             path);
  PetscCheck(ck.train_epoch > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "-npo_train_resume %s: corrupt training state, train_epoch = %lld", path,
             ck.train_epoch);
  const std::string sig = RunSignature(o);
  PetscCheck(ck.train_options == sig, comm, PETSC_ERR_ARG_WRONG,
             "-npo_train_resume %s was trained with other options:\n  file: %s\n  now:  %s", path,
             ck.train_options.c_str(), sig.c_str());
  PetscCheck(ck.train_epoch <= o->epochs, comm, PETSC_ERR_ARG_WRONG,
             "-npo_train_resume %s: already at epoch %lld of %" PetscInt_FMT, path, ck.train_epoch,
             o->epochs);
  PetscCheck(ck.train_step == ck.train_epoch * batches_per_epoch, comm, PETSC_ERR_FILE_UNEXPECTED,
             "-npo_train_resume %s: corrupt training state, train_step = %lld after %lld epochs "
             "(this run makes %lld Adam steps per epoch: expected %lld)",
             path, ck.train_step, ck.train_epoch, batches_per_epoch,
             ck.train_epoch * batches_per_epoch);
  PetscCheck(ck.hp.width == o->hp.width && ck.hp.num_coarse == o->hp.num_coarse &&
                 ck.hp.num_heads == o->hp.num_heads && ck.hp.ffn_mult == o->hp.ffn_mult &&
                 ck.input_grid == o->input_grid,
             comm, PETSC_ERR_FILE_UNEXPECTED,
             "-npo_train_resume %s: the network's attributes (width %" PetscInt_FMT
             ", num_coarse %" PetscInt_FMT ", num_heads %" PetscInt_FMT ", ffn_mult %" PetscInt_FMT
             ", input_grid %" PetscInt_FMT ") contradict its training options",
             path, ck.hp.width, ck.hp.num_coarse, ck.hp.num_heads, ck.hp.ffn_mult, ck.input_grid);

  // The weights: every check of -pc_npo_checkpoint (architecture, shapes, finite values).
  PetscCall(NpoNetLoad(comm, path, &loaded));
  std::unique_ptr<_n_NpoNet, void (*)(NpoNet)> guard(loaded, [](NpoNet n) { NpoNetDestroy(&n); });

  // The Adam moments: exactly two per parameter, of its shape, finite.
  auto find = [&](const std::vector<NpoTensor> &v, const std::string &name) -> const NpoTensor * {
    for (const NpoTensor &t : v)
      if (t.name == name) return &t;
    return nullptr;
  };
  auto params = NpoNetTorchParameters(net), weights = NpoNetTorchParameters(loaded);
  PetscCheck(ck.train_state.size() == 2 * params.size(), comm, PETSC_ERR_FILE_UNEXPECTED,
             "-npo_train_resume %s: corrupt training state, %zu Adam moments for %zu parameters "
             "(expected two each)",
             path, ck.train_state.size(), params.size());
  for (size_t i = 0; i < params.size(); i++) {
    const std::string         &name  = params[i].first;
    const std::vector<int64_t> shape = params[i].second.sizes().vec();
    for (const char *moment : {"exp_avg:", "exp_avg_sq:"}) {
      const bool       second = !strcmp(moment, "exp_avg_sq:");
      const NpoTensor *m      = find(ck.train_state, moment + name);
      PetscCheck(m, comm, PETSC_ERR_FILE_UNEXPECTED,
                 "-npo_train_resume %s: the Adam moment train_state/%s%s is missing", path, moment,
                 name.c_str());
      PetscCheck(m->shape == shape, comm, PETSC_ERR_FILE_UNEXPECTED,
                 "-npo_train_resume %s: the Adam moment train_state/%s%s has shape %s, the "
                 "parameter has %s",
                 path, moment, name.c_str(), ShapeText(m->shape).c_str(), ShapeText(shape).c_str());
      PetscCheck(AllFinite(m->values), comm, PETSC_ERR_FILE_UNEXPECTED,
                 "-npo_train_resume %s: the Adam moment train_state/%s%s holds NaN or Inf values",
                 path, moment, name.c_str());
      PetscCheck(!second || std::all_of(m->values.begin(), m->values.end(),
                                        [](float x) { return x >= 0; }),
                 comm, PETSC_ERR_FILE_UNEXPECTED,
                 "-npo_train_resume %s: the Adam moment train_state/%s%s holds negative values "
                 "(a mean of squares)",
                 path, moment, name.c_str());
    }
  }

  // The history: every quantity, one finite value per epoch done, epochs numbered 1, 2, ...
  std::vector<bool> seen(7, false);
  for (auto &named : ck.history) {
    int k = 0;
    while (k < 7 && named.first != kHistoryNames[k]) k++;
    PetscCheck(k < 7, comm, PETSC_ERR_FILE_UNEXPECTED,
               "-npo_train_resume %s: unknown history quantity history/%s", path,
               named.first.c_str());
    PetscCheck(named.second.size() == (size_t)ck.train_epoch, comm, PETSC_ERR_FILE_UNEXPECTED,
               "-npo_train_resume %s: history/%s has %zu values, expected one per epoch done "
               "(%lld)",
               path, named.first.c_str(), named.second.size(), ck.train_epoch);
    for (size_t e = 0; e < named.second.size(); e++)
      PetscCheck(std::isfinite(named.second[e]) && (k != 0 || named.second[e] == (double)(e + 1)),
                 comm, PETSC_ERR_FILE_UNEXPECTED,
                 "-npo_train_resume %s: history/%s[%zu] = %s is invalid", path, named.first.c_str(),
                 e, Num(named.second[e]).c_str());
    seen[k] = true;
  }
  for (int k = 0; k < 7; k++)
    PetscCheck(seen[k], comm, PETSC_ERR_FILE_UNEXPECTED,
               "-npo_train_resume %s: the history lacks history/%s", path, kHistoryNames[k]);

  // All valid: restore.
  NpoCallCXX(comm, {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params.size(); i++) {
      torch::Tensor   &p     = params[i].second;
      const NpoTensor *m     = find(ck.train_state, "exp_avg:" + params[i].first);
      const NpoTensor *v     = find(ck.train_state, "exp_avg_sq:" + params[i].first);
      auto             shape = p.sizes().vec();
      p.copy_(weights[i].second);
      auto st = std::make_unique<torch::optim::AdamParamState>();
      st->step(ck.train_step);
      st->exp_avg(torch::from_blob((void *)m->values.data(), shape, torch::kFloat32).clone());
      st->exp_avg_sq(torch::from_blob((void *)v->values.data(), shape, torch::kFloat32).clone());
      adam.state()[AdamKey(p)] = std::move(st);
    }
    for (auto &named : ck.history)
      for (int k = 0; k < 7; k++)
        if (named.first == kHistoryNames[k]) *HistoryField(h, k) = named.second;
  });
  *epoch = ck.train_epoch;
  *step  = ck.train_step;
  PetscFunctionReturn(0);
}

} // namespace

PetscErrorCode NpoTrainOptionsDefault(NpoTrainOptions *o)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  o->grids[0]         = 32;
  o->ngrids           = 1;
  o->num_rhs          = 40;
  o->rhs_seed         = 100;
  o->grf_alpha        = 2.0;
  o->grf_tau          = 3.0;
  o->cg_max_it        = 64;
  o->epochs           = 400;
  o->batch            = 32;
  o->seed             = 0;
  o->lr               = 2e-3;
  o->lr_start         = 2e-4;
  o->lr_final         = 5e-5;
  o->warmup           = 10;
  o->use_condition    = PETSC_TRUE;
  o->use_residual     = PETSC_TRUE;
  o->use_data         = PETSC_TRUE;
  o->w_condition      = 1.0;
  o->w_residual       = 1.0;
  o->w_data           = 1.0;
  o->hp.width         = 32;
  o->hp.num_coarse    = 64;
  o->hp.num_heads     = 4;
  o->hp.ffn_mult      = 4;
  o->threads          = 1;
  o->print_every      = 10;
  o->checkpoint_every = 10;
  o->stop_after       = 0;
  PetscCall(PetscStrncpy(o->output, "npo_trained.h5", sizeof(o->output)));
  PetscFunctionReturn(0);
}

PetscErrorCode NpoTrainOptionsFromCommandLine(MPI_Comm comm, NpoTrainOptions *o)
{
  PetscInt  ngrids = NPO_TRAIN_MAX_GRIDS;
  PetscBool set;

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "NPO training (docs/npo.md)", "npo_train");
  PetscCall(PetscOptionsIntArray("-npo_train_grids", "Training grids n (comma separated)", "",
                                 o->grids, &ngrids, &set));
  if (set) o->ngrids = ngrids;
  PetscCall(PetscOptionsInt("-npo_train_num_rhs", "Number of GRF right-hand sides per grid", "",
                            o->num_rhs, &o->num_rhs, NULL));
  PetscCall(PetscOptionsInt("-npo_train_rhs_seed", "GRF seed of the first right-hand side", "",
                            o->rhs_seed, &o->rhs_seed, NULL));
  PetscCall(PetscOptionsReal("-npo_train_grf_alpha", "GRF spectral decay", "", o->grf_alpha,
                             &o->grf_alpha, NULL));
  PetscCall(PetscOptionsReal("-npo_train_grf_tau", "GRF spectral shift", "", o->grf_tau,
                             &o->grf_tau, NULL));
  PetscCall(PetscOptionsInt("-npo_train_cg_max_it",
                            "CG residuals at iterations 1, 2, 4, ... up to this", "", o->cg_max_it,
                            &o->cg_max_it, NULL));
  PetscCall(PetscOptionsInt("-npo_train_epochs", "Epochs", "", o->epochs, &o->epochs, NULL));
  PetscCall(PetscOptionsInt("-npo_train_batch", "Batch size", "", o->batch, &o->batch, NULL));
  PetscCall(PetscOptionsInt("-npo_train_seed", "Seed (initialisation and shuffling)", "", o->seed,
                            &o->seed, NULL));
  PetscCall(PetscOptionsReal("-npo_train_lr", "Peak learning rate (after warm-up)", "", o->lr,
                             &o->lr, NULL));
  PetscCall(PetscOptionsReal("-npo_train_lr_start", "Learning rate at the first warm-up epoch", "",
                             o->lr_start, &o->lr_start, NULL));
  PetscCall(PetscOptionsReal("-npo_train_lr_final", "Learning rate at the last epoch (cosine)", "",
                             o->lr_final, &o->lr_final, NULL));
  PetscCall(
      PetscOptionsInt("-npo_train_warmup", "Warm-up epochs", "", o->warmup, &o->warmup, NULL));
  PetscCall(PetscOptionsBool("-npo_train_condition", "Use the condition loss", "", o->use_condition,
                             &o->use_condition, NULL));
  PetscCall(PetscOptionsBool("-npo_train_residual", "Use the residual loss", "", o->use_residual,
                             &o->use_residual, NULL));
  PetscCall(PetscOptionsBool("-npo_train_data", "Use the data loss", "", o->use_data, &o->use_data,
                             NULL));
  PetscCall(PetscOptionsReal("-npo_train_condition_weight", "Weight of the condition loss", "",
                             o->w_condition, &o->w_condition, NULL));
  PetscCall(PetscOptionsReal("-npo_train_residual_weight", "Weight of the residual loss", "",
                             o->w_residual, &o->w_residual, NULL));
  PetscCall(PetscOptionsReal("-npo_train_data_weight", "Weight of the data loss", "", o->w_data,
                             &o->w_data, NULL));
  PetscCall(
      PetscOptionsInt("-npo_train_width", "Network width C", "", o->hp.width, &o->hp.width, NULL));
  PetscCall(PetscOptionsInt("-npo_train_num_coarse", "Learned coarse queries", "", o->hp.num_coarse,
                            &o->hp.num_coarse, NULL));
  PetscCall(PetscOptionsInt("-npo_train_num_heads", "Attention heads", "", o->hp.num_heads,
                            &o->hp.num_heads, NULL));
  PetscCall(PetscOptionsInt("-npo_train_ffn_mult", "Feed-forward hidden width / C", "",
                            o->hp.ffn_mult, &o->hp.ffn_mult, NULL));
  PetscCall(PetscOptionsInt("-npo_train_threads", "libtorch intra-op threads", "", o->threads,
                            &o->threads, NULL));
  PetscCall(PetscOptionsInt("-npo_train_print_every", "Progress line every this many epochs", "",
                            o->print_every, &o->print_every, NULL));
  PetscCall(PetscOptionsInt("-npo_train_checkpoint_every",
                            "Write the checkpoint every this many epochs", "", o->checkpoint_every,
                            &o->checkpoint_every, NULL));
  PetscCall(PetscOptionsInt("-npo_train_stop_after",
                            "Stop after this epoch (checkpoint written; resume later)", "",
                            o->stop_after, &o->stop_after, NULL));
  PetscCall(PetscOptionsString("-o", "Output checkpoint (HDF5)", "", o->output, o->output,
                               sizeof(o->output), NULL));
  PetscCall(PetscOptionsString("-npo_train_resume", "Continue from this checkpoint", "", o->resume,
                               o->resume, sizeof(o->resume), NULL));
  PetscCall(
      PetscOptionsBool("-npo_train_quiet", "No progress lines", "", o->quiet, &o->quiet, NULL));
  PetscCall(PetscOptionsString("-npo_train_init",
                               "Start from the weights of this checkpoint (fresh optimizer)", "",
                               o->init, o->init, sizeof(o->init), NULL));
  PetscCall(PetscOptionsInt("-npo_train_input_grid",
                            "Input normalisation grid n0: the network sees unit samples times "
                            "n/n0 (0: unit norm, the reference's)",
                            "", o->input_grid, &o->input_grid, NULL));
  PetscCall(PetscOptionsBool("-npo_train_evaluate",
                             "Only print the losses of the initial network on the training set", "",
                             o->evaluate, &o->evaluate, NULL));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

namespace {

// A real option must be a finite number in its range.
PetscErrorCode CheckReal(MPI_Comm comm, const char *option, PetscReal value, bool positive)
{
  PetscFunctionBegin;
  PetscCheck(std::isfinite((double)value) && (positive ? value > 0 : value >= 0), comm,
             PETSC_ERR_ARG_OUTOFRANGE, "%s must be a finite number %s 0, got %s", option,
             positive ? ">" : ">=", Num(value).c_str());
  PetscFunctionReturn(0);
}

// Samples per grid at most: each GRF and its CG residuals at iterations 1, 2, 4, ... <= cg_max_it.
double SamplesPerGrid(const NpoTrainOptions *o)
{
  double per_rhs = 1;
  for (double k = 1; k <= (double)o->cg_max_it; k *= 2) per_rhs++;
  return (double)o->num_rhs * per_rhs;
}

// The options, before any expensive work.
PetscErrorCode CheckOptions(MPI_Comm comm, const NpoTrainOptions *o)
{
  PetscFunctionBegin;
  PetscCheck(o->epochs > 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_epochs must be positive, got %" PetscInt_FMT, o->epochs);
  PetscCheck(o->batch > 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_batch must be positive, got %" PetscInt_FMT, o->batch);
  PetscCheck(o->ngrids > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-npo_train_grids is empty");
  PetscCheck(o->input_grid >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_input_grid must be a grid size n0 > 0 or 0 (unit-norm input), got "
             "%" PetscInt_FMT,
             o->input_grid);
  for (PetscInt g = 0; g < o->ngrids; g++)
    PetscCheck(o->grids[g] >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-npo_train_grids: grid %" PetscInt_FMT " is too small (need n >= 2)", o->grids[g]);
  PetscCheck(o->num_rhs > 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_num_rhs must be positive, got %" PetscInt_FMT, o->num_rhs);
  PetscCheck(o->cg_max_it >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_cg_max_it must be >= 0, got %" PetscInt_FMT, o->cg_max_it);
  PetscCheck(o->warmup >= 0 && o->warmup <= o->epochs, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_warmup must be in [0, epochs], got %" PetscInt_FMT, o->warmup);
  // Every real option: finite and in range (an Inf or NaN would train a NaN network).
  PetscCall(CheckReal(comm, "-npo_train_lr", o->lr, true));
  PetscCall(CheckReal(comm, "-npo_train_lr_start", o->lr_start, true));
  PetscCall(CheckReal(comm, "-npo_train_lr_final", o->lr_final, true));
  PetscCall(CheckReal(comm, "-npo_train_condition_weight", o->w_condition, false));
  PetscCall(CheckReal(comm, "-npo_train_residual_weight", o->w_residual, false));
  PetscCall(CheckReal(comm, "-npo_train_data_weight", o->w_data, false));
  PetscCheck(std::isfinite((double)o->grf_alpha), comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_grf_alpha must be a finite number, got %s", Num(o->grf_alpha).c_str());
  PetscCall(CheckReal(comm, "-npo_train_grf_tau", o->grf_tau, o->grf_alpha > 0));
  PetscCheck(o->use_condition || o->use_residual || o->use_data, comm, PETSC_ERR_ARG_WRONG,
             "all three losses are switched off");
  PetscCheck((o->use_condition && o->w_condition > 0) || (o->use_residual && o->w_residual > 0) ||
                 (o->use_data && o->w_data > 0),
             comm, PETSC_ERR_ARG_WRONG, "every loss switched on has weight 0: nothing to train");
  PetscCheck(o->print_every > 0 && o->checkpoint_every > 0 && o->stop_after >= 0, comm,
             PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_print_every and -npo_train_checkpoint_every must be positive");
  PetscCheck(o->threads >= 1 && o->threads <= NpoMaxThreads(), comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_threads must be in [1, %" PetscInt_FMT "] (the cores of this machine), "
             "got %" PetscInt_FMT,
             NpoMaxThreads(), o->threads);
  const NpoHyperparameters &hp = o->hp;
  PetscCheck(hp.width > 0 && hp.num_coarse > 0 && hp.num_heads > 0 && hp.ffn_mult > 0, comm,
             PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_width, _num_coarse, _num_heads and _ffn_mult must be positive");
  PetscCheck(hp.width % hp.num_heads == 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-npo_train_width %" PetscInt_FMT " is not divisible by -npo_train_num_heads "
             "%" PetscInt_FMT,
             hp.width, hp.num_heads);

  // Memory, before anything is allocated: the samples and their targets (float32), the
  // network with its gradients, Adam's two moments and the checkpoint's copies, and the
  // activations autograd keeps for one batch (about three forward passes' worth, measured).
  double   set_bytes = 0, act_bytes = 0;
  PetscInt nmax = 0;
  for (PetscInt g = 0; g < o->ngrids; g++) {
    set_bytes += 2.0 * sizeof(float) * SamplesPerGrid(o) * (double)o->grids[g] * o->grids[g];
    nmax = PetscMax(nmax, o->grids[g]);
  }
  act_bytes          = 3.0 * NpoForwardBytes(&hp, o->batch, nmax, nmax);
  const double bytes = set_bytes + act_bytes + 8.0 * sizeof(float) * NpoParameterCount(&hp);
  char         what[512];
  snprintf(what, sizeof(what),
           "the training (%.4g samples on grids up to n = %" PetscInt_FMT
           ": %s; batch %" PetscInt_FMT ": %s of activations; %.4g parameters)",
           SamplesPerGrid(o) * (double)o->ngrids, nmax, NpoBytesText(set_bytes).c_str(), o->batch,
           NpoBytesText(act_bytes).c_str(), NpoParameterCount(&hp));
  PetscCall(NpoCheckMemory(comm, PETSC_ERR_ARG_OUTOFRANGE, bytes, what));
  PetscFunctionReturn(0);
}

PetscErrorCode NpoTrainRunImpl(MPI_Comm comm, const NpoTrainOptions *o, NpoTrainHistory *h)
{
  PetscMPIInt size;
  using clock = std::chrono::steady_clock;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(size == 1, comm, PETSC_ERR_ARG_WRONG,
             "npo_train runs on one process (got %d); use libtorch threads instead", size);
  PetscCall(CheckOptions(comm, o));
  const bool write = !o->evaluate && !o->no_output;
  // The output must be writable now (a regular file or absent, in a writable folder), not
  // after hours of training.
  if (write) PetscCall(OutputPathCheck(comm, o->output, "-o"));
  PetscCall(NpoSetThreads(o->threads));
  // Every Adam step allocates and frees the same activations, some of them 32 MiB at n = 32
  // (the attention weights kept for the backward pass), glibc's largest mmap threshold: such
  // blocks would be mapped afresh each time and their pages cleared by the kernel (a tenth of
  // the time with the former module). Keep freed memory in the heap instead.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);

  // Training set.
  auto                 t0 = clock::now();
  std::vector<GridSet> sets((size_t)o->ngrids);
  h->num_samples = 0;
  for (PetscInt g = 0; g < o->ngrids; g++) {
    PetscCall(BuildGridSet(o, o->grids[g], &sets[g]));
    const PetscInt S = (PetscInt)sets[g].kinds.size();
    PetscCheck(o->batch <= S, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "-npo_train_batch %" PetscInt_FMT " is larger than the training set (%" PetscInt_FMT
               " samples at n = %" PetscInt_FMT ")",
               o->batch, S, o->grids[g]);
    h->num_samples += S;
  }
  h->setup = std::chrono::duration<double>(clock::now() - t0).count();
  if (!o->quiet) {
    PetscCall(PetscPrintf(comm, "npo_train: %" PetscInt_FMT " samples (", h->num_samples));
    for (PetscInt g = 0; g < o->ngrids; g++)
      PetscCall(PetscPrintf(comm, "%sn = %" PetscInt_FMT ": %d", g ? ", " : "", o->grids[g],
                            (int)sets[g].kinds.size()));
    PetscCall(PetscPrintf(comm, ") built in %.1f s; %s\n", h->setup, RunSignature(o).c_str()));
  }

  NpoNet net;
  if (o->init[0]) {
    NpoNetInfo info;
    PetscCall(NpoNetLoad(comm, o->init, &net));
    PetscCall(NpoNetGetInfo(net, &info));
    PetscCheck(info.hp.width == o->hp.width && info.hp.num_coarse == o->hp.num_coarse &&
                   info.hp.num_heads == o->hp.num_heads && info.hp.ffn_mult == o->hp.ffn_mult,
               comm, PETSC_ERR_ARG_WRONG,
               "-npo_train_init %s has another architecture than the -npo_train_width, "
               "_num_coarse, _num_heads, _ffn_mult options",
               o->init);
  } else
    PetscCall(NpoNetCreate(comm, &o->hp, o->seed, &net));
  std::unique_ptr<_n_NpoNet, void (*)(NpoNet)> guard(net, [](NpoNet n) { NpoNetDestroy(&n); });
  PetscCall(NpoNetSetInputGrid(net, o->input_grid));
  NpoNetTorchTrain(net, true);
  std::vector<torch::Tensor> params;
  for (auto &kv : NpoNetTorchParameters(net)) params.push_back(kv.second);
  torch::optim::Adam adam(params, torch::optim::AdamOptions(o->lr));

  long long start_epoch = 0, step = 0;
  double    elapsed0 = 0;
  if (o->resume[0]) {
    long long batches_per_epoch = 0;
    for (const GridSet &set : sets)
      batches_per_epoch += ((long long)set.kinds.size() + o->batch - 1) / o->batch;
    PetscCall(ReadResume(comm, o, net, adam, batches_per_epoch, &start_epoch, &step, h));
    elapsed0 = h->elapsed.empty() ? 0 : h->elapsed.back();
    if (!o->quiet)
      PetscCall(
          PetscPrintf(comm, "npo_train: resuming %s at epoch %lld\n", o->resume, start_epoch));
  }
  long long last =
      o->stop_after > 0 ? std::min<long long>(o->stop_after, o->epochs) : (long long)o->epochs;
  if (o->evaluate) last = start_epoch + 1; // one pass, no optimizer steps

  // Â as an exact 3x3 convolution (zero padding = the zero Dirichlet boundary).
  torch::Tensor stencil =
      torch::tensor({0.f, -1.f, 0.f, -1.f, 4.f, -1.f, 0.f, -1.f, 0.f}).view({1, 1, 3, 3});
  const double wc        = o->use_condition ? o->w_condition : 0.0;
  const double wr        = o->use_residual ? o->w_residual : 0.0;
  const double wd        = o->use_data ? o->w_data : 0.0;
  char         host[256] = "unknown";
  gethostname(host, sizeof(host) - 1);

  auto      run_start    = clock::now();
  long long last_written = 0; // epoch of the last checkpoint this run wrote
  for (long long e = start_epoch; e < last; e++) {
    const double lr = LearningRate(o, (PetscInt)e);
    for (auto &group : adam.param_groups()) group.options().set_lr(lr);
    // Batches: each grid's samples shuffled (seeded by seed and epoch), cut into batches,
    // then the batches of all grids shuffled together.
    std::mt19937_64 rng((uint64_t)o->seed * 1000003ULL + (uint64_t)e);
    std::vector<std::pair<size_t, std::vector<int64_t>>> batches;
    for (size_t g = 0; g < sets.size(); g++) {
      const int64_t        S = (int64_t)sets[g].kinds.size();
      std::vector<int64_t> perm(S);
      for (int64_t i = 0; i < S; i++) perm[i] = i;
      for (int64_t i = S - 1; i > 0; i--) std::swap(perm[i], perm[rng() % (uint64_t)(i + 1)]);
      for (int64_t b0 = 0; b0 < S; b0 += o->batch)
        batches.emplace_back(
            g, std::vector<int64_t>(perm.begin() + b0,
                                    perm.begin() + std::min<int64_t>(S, b0 + o->batch)));
    }
    for (int64_t i = (int64_t)batches.size() - 1; i > 0; i--)
      std::swap(batches[i], batches[rng() % (uint64_t)(i + 1)]);

    double sum_c = 0, sum_r = 0, sum_d = 0;
    long   cnt_c = 0, cnt_r = 0, cnt_d = 0;
    try {
      for (size_t ib = 0; ib < batches.size(); ib++) {
        auto         &bt  = batches[ib];
        GridSet      &set = sets[bt.first];
        torch::Tensor idx = torch::tensor(bt.second, torch::kInt64);
        torch::Tensor v   = set.x.index_select(0, idx);
        torch::Tensor tg  = set.t.index_select(0, idx);
        torch::Tensor kd  = set.kind.index_select(0, idx);
        // M(v) = net(s v)/s for the unit samples v (npo_net.h: NpoNetApply).
        const double  s  = (double)NpoNetInputScale(net, set.n, set.n);
        torch::Tensor z  = s == 1 ? NpoNetTorchForward(net, v) : NpoNetTorchForward(net, v * s) / s;
        torch::Tensor Az = torch::conv2d(z, stencil, {}, 1, 1);
        // Per-sample relative squared errors (inputs have unit norm; divided anyway).
        torch::Tensor rres = (v - Az).pow(2).sum({1, 2, 3}) / v.pow(2).sum({1, 2, 3});
        torch::Tensor rdat = (z - tg).pow(2).sum({1, 2, 3}) / tg.pow(2).sum({1, 2, 3});
        torch::Tensor mc   = (kd == kCgResidual).to(torch::kFloat32);
        torch::Tensor mr   = (kd == kGrf).to(torch::kFloat32);
        const long    nc = (long)mc.sum().item<float>(), nr = (long)mr.sum().item<float>();
        const long    nb = (long)bt.second.size();
        torch::Tensor lc = (rres * mc).sum(), lr_ = (rres * mr).sum(), ld = rdat.sum();
        torch::Tensor loss = torch::zeros({}, torch::kFloat32);
        if (wc != 0 && nc > 0) loss = loss + wc * lc / (double)nc;
        if (wr != 0 && nr > 0) loss = loss + wr * lr_ / (double)nr;
        if (wd != 0) loss = loss + wd * ld / (double)nb;
        const double vc = lc.item<double>(), vr = lr_.item<double>(), vd = ld.item<double>();
        const double value = loss.item<double>();
        // A non-finite loss stops the run before the step: nothing is written for it (the
        // weights would be NaN); the checkpoint written last, if any, stays as it is.
        if (!(std::isfinite(value) && std::isfinite(vc) && std::isfinite(vr) &&
              std::isfinite(vd))) {
          char kept[PETSC_MAX_PATH_LEN + 128] = "no checkpoint was written";
          if (last_written > 0)
            snprintf(kept, sizeof(kept), "%s keeps the checkpoint of epoch %lld", o->output,
                     last_written);
          SETERRQ(comm, PETSC_ERR_NOT_CONVERGED,
                  "the training diverged: the loss is %s (condition %s, residual %s, data %s) in "
                  "epoch %lld, batch %zu of %zu; lower -npo_train_lr or the loss weights (%s)",
                  Num(value).c_str(), Num(vc / PetscMax(nc, 1)).c_str(),
                  Num(vr / PetscMax(nr, 1)).c_str(), Num(vd / nb).c_str(), e + 1, ib + 1,
                  batches.size(), kept);
        }
        if (!o->evaluate) {
          for (torch::Tensor &p : params) p.mutable_grad().reset(); // no zeroing pass
          loss.backward();
          adam.step();
          step++;
        }
        sum_c += vc;
        sum_r += vr;
        sum_d += vd;
        cnt_c += nc;
        cnt_r += nr;
        cnt_d += nb;
      }
    } catch (const std::exception &ex) {
      std::string          message;
      const PetscErrorCode code = NpoExceptionToError(ex, &message);
      SETERRQ(comm, code, "%s", message.c_str());
    }
    // Epoch losses: each term averaged over all its samples of the epoch.
    const double lc = cnt_c ? sum_c / cnt_c : 0, lrs = cnt_r ? sum_r / cnt_r : 0,
                 ld = cnt_d ? sum_d / cnt_d : 0;
    const double elapsed =
        elapsed0 + std::chrono::duration<double>(clock::now() - run_start).count();
    h->epoch.push_back((double)(e + 1));
    h->total.push_back(wc * lc + wr * lrs + wd * ld);
    h->condition.push_back(lc);
    h->residual.push_back(lrs);
    h->data.push_back(ld);
    h->lr.push_back(lr);
    h->elapsed.push_back(elapsed);
    const long long done = e + 1;
    if (!o->quiet && (done % o->print_every == 0 || done == last || e == start_epoch)) {
      const double per = (elapsed - elapsed0) / (double)(done - start_epoch);
      PetscCall(PetscPrintf(comm,
                            "epoch %4lld/%" PetscInt_FMT "  loss %.4e  condition %.4e  residual "
                            "%.4e  data %.4e  lr %.3e  elapsed %s  left %s\n",
                            done, o->epochs, h->total.back(), lc, lrs, ld, lr,
                            FormatSeconds(elapsed).c_str(),
                            FormatSeconds(per * (double)(o->epochs - done)).c_str()));
    }
    if (write && (done % o->checkpoint_every == 0 || done == last)) {
      char prov[2048];
      snprintf(prov, sizeof(prov),
               "trained by npo_train (libtorch %s) on %s: %s; epoch %lld of %" PetscInt_FMT
               ", %lld Adam steps, final total loss %.4g (condition %.4g, residual %.4g, data "
               "%.4g), training wall time %.1f s with %" PetscInt_FMT " thread(s)",
               NpoLibtorchVersion(), host, RunSignature(o).c_str(), done, o->epochs, step,
               h->total.back(), lc, lrs, ld, elapsed, o->threads);
      PetscCall(WriteCheckpoint(comm, o, net, adam, done, step, h, prov));
      NpoNetTorchTrain(net, true);
      last_written = done;
    }
  }
  h->wall = std::chrono::duration<double>(clock::now() - run_start).count();
  PetscFunctionReturn(0);
}

} // namespace

PetscErrorCode NpoTrainRun(MPI_Comm comm, const NpoTrainOptions *o, NpoTrainHistory *h)
{
  PetscFunctionBegin;
  NpoCallCXX(comm, PetscCall(NpoTrainRunImpl(comm, o, h)));
  PetscFunctionReturn(0);
}
