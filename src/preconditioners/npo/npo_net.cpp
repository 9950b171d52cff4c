// The NPO network as a libtorch module (the only file of the project that includes torch).
// Architecture: npo_net.h and docs/npo.md; parameter names are those of the reference's
// torch module, so a state_dict maps onto named_parameters() one to one.
#include "preconditioners/npo/npo_net.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <utility>

#include "preconditioners/npo/npo.h"
#include "preconditioners/npo/npo_checkpoint.h"
#include "preconditioners/npo/npo_gemm.h"
#include "preconditioners/npo/npo_native.h"
#include "preconditioners/npo/npo_net_torch.h"

namespace {

namespace nn = torch::nn;

nn::Sequential FeedForward(int64_t width, int64_t mult)
{
  // Children "0", "1", "2" as in the reference's nn.Sequential.
  return nn::Sequential(nn::Linear(width, mult * width), nn::ReLU(),
                        nn::Linear(mult * width, width));
}

// y = x W^T + b over the last dimension of x (torch::linear) with its backward pass, on NpoGemm
// (oneDNN's sgemm when present): the token-wise layers have 32 768 rows per batch at n = 32.
struct GemmLinear : torch::autograd::Function<GemmLinear> {
  static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &x0,
                               const torch::Tensor &w0, const torch::Tensor &b0)
  {
    const torch::Tensor  w = w0.contiguous(), x = x0.contiguous();
    const int64_t        out = w.size(0), in = w.size(1), rows = x.numel() / in;
    std::vector<int64_t> shape = x.sizes().vec();
    shape.back()               = out;
    torch::Tensor y            = b0.expand({rows, out}).contiguous(); // the bias, then += x W^T
    NpoGemm(false, true, rows, out, in, 1.0f, x.data_ptr<float>(), in, w.data_ptr<float>(), in,
            1.0f, y.data_ptr<float>(), out);
    ctx->save_for_backward({x, w});
    return y.view(shape);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *ctx,
                                               torch::autograd::tensor_list      grads)
  {
    const auto           saved = ctx->get_saved_variables();
    const torch::Tensor &x = saved[0], &w = saved[1];
    const int64_t        out = w.size(0), in = w.size(1), rows = x.numel() / in;
    const torch::Tensor  gy = grads[0].contiguous().view({rows, out});
    torch::Tensor        gx = torch::empty_like(x), gw = torch::empty_like(w);
    NpoGemm(false, false, rows, in, out, 1.0f, gy.data_ptr<float>(), out, w.data_ptr<float>(), in,
            0.0f, gx.data_ptr<float>(), in);
    NpoGemm(true, false, out, in, rows, 1.0f, gy.data_ptr<float>(), out, x.data_ptr<float>(), in,
            0.0f, gw.data_ptr<float>(), in);
    return {gx, gw, gy.sum(0)};
  }
};

torch::Tensor Linear(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b)
{
  return GemmLinear::apply(x, w, b);
}

// The feed-forward block of FeedForward(): Linear, ReLU, Linear.
torch::Tensor FeedForwardApply(nn::Sequential &f, const torch::Tensor &x)
{
  auto *l1 = f[0]->as<nn::Linear>(), *l2 = f[2]->as<nn::Linear>();
  return Linear(torch::relu(Linear(x, l1->weight, l1->bias)), l2->weight, l2->bias);
}

// The core of multi-head attention, softmax(alpha q_h k_h^T) v_h for every field b and head
// h, with its backward pass written out: per (b, h) two sgemm products and libtorch's row
// softmax on an Lq x Lk block that stays in cache, reading q, k, v and writing the output in
// the token layout (B, L, E) (no head-major copies). The attention weights P are kept for the
// backward pass; the scores and their gradients never exist as (B, H, Lq, Lk) tensors.
//   q: (B, Lq, E), or (Lq, E) shared by the batch; kv: (B, Lk, 2E), keys then values.
//   Returns (B, Lq, E), the heads side by side as in nn::MultiheadAttention.
struct AttentionCore : torch::autograd::Function<AttentionCore> {
  static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &q0,
                               const torch::Tensor &kv0, int64_t H, double alpha)
  {
    const torch::Tensor q = q0.contiguous(), kv = kv0.contiguous();
    const bool          shared = q.dim() == 2;
    const int64_t B = kv.size(0), Lk = kv.size(1), E = kv.size(2) / 2, Lq = q.size(-2), d = E / H;
    torch::Tensor o = torch::empty({B, Lq, E}, kv.options());
    torch::Tensor p = torch::empty({B, H, Lq, Lk}, kv.options());
    torch::Tensor s = torch::empty({Lq, Lk}, kv.options());
    const float  *Q = q.data_ptr<float>(), *K = kv.data_ptr<float>();
    float        *O = o.data_ptr<float>(), *P = p.data_ptr<float>();
    for (int64_t b = 0; b < B; b++)
      for (int64_t h = 0; h < H; h++) {
        const float  *qb = Q + (shared ? 0 : b * Lq * E) + h * d, *kb = K + b * Lk * 2 * E + h * d;
        float        *pb = P + (b * H + h) * Lq * Lk;
        torch::Tensor pt = torch::from_blob(pb, {Lq, Lk}, kv.options());
        NpoGemm(false, true, Lq, Lk, d, (float)alpha, qb, E, kb, 2 * E, 0.0f, s.data_ptr<float>(),
                Lk);
        at::_softmax_out(pt, s, 1, false);
        NpoGemm(false, false, Lq, d, Lk, 1.0f, pb, Lk, kb + E, 2 * E, 0.0f, O + b * Lq * E + h * d,
                E);
      }
    ctx->save_for_backward({q, kv, p});
    ctx->saved_data["H"]     = H;
    ctx->saved_data["alpha"] = alpha;
    return o;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *ctx,
                                               torch::autograd::tensor_list      grads)
  {
    const auto           saved = ctx->get_saved_variables();
    const torch::Tensor &q = saved[0], &kv = saved[1], &p = saved[2];
    const int64_t        H      = ctx->saved_data["H"].toInt();
    const float          alpha  = (float)ctx->saved_data["alpha"].toDouble();
    const bool           shared = q.dim() == 2;
    const int64_t B = kv.size(0), Lk = kv.size(1), E = kv.size(2) / 2, Lq = q.size(-2), d = E / H;
    const torch::Tensor go = grads[0].contiguous();
    torch::Tensor       gq = torch::empty_like(q), gkv = torch::empty_like(kv);
    torch::Tensor       gp = torch::empty({Lq, Lk}, kv.options());
    torch::Tensor       gs = torch::empty({Lq, Lk}, kv.options());
    const float *Q = q.data_ptr<float>(), *K = kv.data_ptr<float>(), *P = p.data_ptr<float>();
    const float *GO = go.data_ptr<float>();
    float       *GQ = gq.data_ptr<float>(), *GK = gkv.data_ptr<float>();
    float       *GP = gp.data_ptr<float>(), *GS = gs.data_ptr<float>();
    for (int64_t b = 0; b < B; b++)
      for (int64_t h = 0; h < H; h++) {
        const float *qb = Q + (shared ? 0 : b * Lq * E) + h * d, *kb = K + b * Lk * 2 * E + h * d;
        const float *pb = P + (b * H + h) * Lq * Lk, *gob = GO + b * Lq * E + h * d;
        float *gqb = GQ + (shared ? 0 : b * Lq * E) + h * d, *gkb = GK + b * Lk * 2 * E + h * d;
        // dP = dO V^T; dV = P^T dO; dS = P (dP - rowsum(P dP)) (libtorch's softmax backward);
        // dQ = alpha dS K (summed over the batch when q is shared); dK = alpha dS^T Q.
        NpoGemm(false, true, Lq, Lk, d, 1.0f, gob, E, kb + E, 2 * E, 0.0f, GP, Lk);
        NpoGemm(true, false, Lk, d, Lq, 1.0f, pb, Lk, gob, E, 0.0f, gkb + E, 2 * E);
        at::_softmax_backward_data_out(gs, gp, torch::from_blob((void *)pb, {Lq, Lk}, kv.options()),
                                       1, torch::kFloat32);
        NpoGemm(false, false, Lq, d, Lk, alpha, GS, Lk, kb, 2 * E, shared && b > 0 ? 1.0f : 0.0f,
                gqb, E);
        NpoGemm(true, false, Lk, d, Lq, alpha, GS, Lk, qb, E, 0.0f, gkb, 2 * E);
      }
    return {gq, gkv, torch::Tensor(), torch::Tensor()};
  }
};

struct NpoModuleImpl : nn::Module {
  explicit NpoModuleImpl(const NpoHyperparameters &hp) : width(hp.width)
  {
    const int64_t C = hp.width;
    lift            = register_module("lift", nn::Conv2d(nn::Conv2dOptions(3, C, 1)));
    pre_relax = register_module("pre_relax", nn::Conv2d(nn::Conv2dOptions(C, C, 3).padding(1)));
    coarse_queries = register_parameter("coarse_queries",
                                        torch::randn({hp.num_coarse, C}) / std::sqrt((double)C));
    norm_fine_r    = register_module("norm_fine_r", nn::LayerNorm(nn::LayerNormOptions({C})));
    restrict_      = register_module("restrict", nn::MultiheadAttention(C, hp.num_heads));
    norm_coarse_a  = register_module("norm_coarse_a", nn::LayerNorm(nn::LayerNormOptions({C})));
    coarse_self    = register_module("coarse_self", nn::MultiheadAttention(C, hp.num_heads));
    norm_coarse_f  = register_module("norm_coarse_f", nn::LayerNorm(nn::LayerNormOptions({C})));
    coarse_ffn     = register_module("coarse_ffn", FeedForward(C, hp.ffn_mult));
    norm_fine_p    = register_module("norm_fine_p", nn::LayerNorm(nn::LayerNormOptions({C})));
    norm_coarse_p  = register_module("norm_coarse_p", nn::LayerNorm(nn::LayerNormOptions({C})));
    prolong        = register_module("prolong", nn::MultiheadAttention(C, hp.num_heads));
    norm_fine_f    = register_module("norm_fine_f", nn::LayerNorm(nn::LayerNormOptions({C})));
    ffn            = register_module("ffn", FeedForward(C, hp.ffn_mult));
    post_relax = register_module("post_relax", nn::Conv2d(nn::Conv2dOptions(C, C, 3).padding(1)));
    proj       = register_module("proj", nn::Conv2d(nn::Conv2dOptions(C, 1, 1)));
  }

  // r: (B, 1, n1, n2) float32 -> (B, 1, n1, n2).
  //
  // The same mathematics as the reference's module, arranged for speed (training runs
  // through here with autograd): the fine tokens are kept as (B, N, C), and the grid view
  // of them for the 3 x 3 convolutions is the channels-last (B, C, n1, n2) view of the same
  // memory, so that going between grid and tokens copies nothing; the attentions are
  // written out batch-first on the MultiheadAttention modules' own parameters (Attention).
  torch::Tensor forward(const torch::Tensor &r)
  {
    const int64_t B = r.size(0), n1 = r.size(2), n2 = r.size(3), N = n1 * n2, C = width;
    // Lift: the 1 x 1 convolution of [r, x, y] as w_r r + (w_x x + w_y y + b); the second
    // term, the same for every field, once per batch from the cached coordinates.
    const torch::Tensor w_lift = lift->weight.view({C, 3});
    const torch::Tensor coords =
        torch::addmm(lift->bias, Coordinates(n1, n2, r.options()), w_lift.slice(1, 1, 3).t());
    auto t = torch::addcmul(coords, r.reshape({B, N, 1}), w_lift.select(1, 0)); // (B, N, C)
    t      = Relax(pre_relax, t, B, n1, n2); // pre-relaxation (learned smoother)

    // Restriction (Eq. 11-12): the coarse queries attend to the normalised fine tokens.
    auto c = Attention(restrict_, coarse_queries, norm_fine_r(t), false);
    // Coarse level (Eq. 13-14): self-attention and FFN, pre-norm residual blocks.
    auto cn = norm_coarse_a(c);
    c       = c + Attention(coarse_self, cn, cn, true);
    c       = c + FeedForwardApply(coarse_ffn, norm_coarse_f(c));
    // Prolongation (Eq. 15): fine tokens attend to the coarse ones; coarse-grid correction.
    t = t + Attention(prolong, norm_fine_p(t), norm_coarse_p(c), false);
    t = t + FeedForwardApply(ffn, norm_fine_f(t));

    t = Relax(post_relax, t, B, n1, n2); // post-relaxation
    // Projection: the 1 x 1 convolution to one channel on the tokens; (B, N, 1) is already
    // the memory of (B, 1, n1, n2).
    return Linear(t, proj->weight.view({1, C}), proj->bias).view({B, 1, n1, n2});
  }

  // t + ReLU(conv3x3(t)) on tokens t (B, N, C): the convolution sees the channels-last grid
  // view of t and returns channels-last, whose token view is again (B, N, C) without a copy.
  torch::Tensor Relax(nn::Conv2d &conv, const torch::Tensor &t, int64_t B, int64_t n1, int64_t n2)
  {
    const int64_t C    = width;
    auto          grid = t.view({B, n1, n2, C}).permute({0, 3, 1, 2});
    auto          out  = torch::relu(conv(grid)).permute({0, 2, 3, 1}).reshape({B, n1 * n2, C});
    return t + out;
  }

  // nn::MultiheadAttention's forward pass (no masks, no dropout; the same products, q scaled
  // by 1/sqrt(head dim)), batch-first: query (B, Lq, E) or (Lq, E) shared by the batch, key =
  // value (B, Lk, E); self: query = key = value. Returns (B, Lq, E).
  static torch::Tensor Attention(nn::MultiheadAttention &a, const torch::Tensor &query,
                                 const torch::Tensor &kv, bool self)
  {
    const int64_t E = a->options.embed_dim(), H = a->options.num_heads();
    const double  scaling = 1 / std::sqrt((double)(E / H));
    const auto   &w = a->in_proj_weight, &bias = a->in_proj_bias;
    torch::Tensor q, k;
    if (self) {
      auto qkv = Linear(kv, w, bias); // (B, L, 3E)
      q        = qkv.slice(-1, 0, E);
      k        = qkv.slice(-1, E, 3 * E);
    } else {
      q = Linear(query, w.slice(0, 0, E), bias.slice(0, 0, E));
      k = Linear(kv, w.slice(0, E, 3 * E), bias.slice(0, E, 3 * E)); // keys, values
    }
    auto o = AttentionCore::apply(q, k, H, scaling);
    return Linear(o, a->out_proj->weight, a->out_proj->bias);
  }

  // The coordinate channels (x, y) of the lift as (N, 2): linspace(0, 1) along the slow axis,
  // then along the fast axis; cached per grid size.
  const torch::Tensor &Coordinates(int64_t n1, int64_t n2, const torch::TensorOptions &opts)
  {
    torch::Tensor &g = coordinates[{n1, n2}];
    if (!g.defined()) {
      c10::InferenceMode no_inference(false); // a normal tensor, also for autograd later
      torch::NoGradGuard no_grad;
      auto               gx = torch::linspace(0.0, 1.0, n1, opts).view({n1, 1}).expand({n1, n2});
      auto               gy = torch::linspace(0.0, 1.0, n2, opts).view({1, n2}).expand({n1, n2});
      g                     = torch::stack({gx, gy}, -1).reshape({n1 * n2, 2});
    }
    return g;
  }

  int64_t       width;
  nn::Conv2d    lift{nullptr}, pre_relax{nullptr}, post_relax{nullptr}, proj{nullptr};
  torch::Tensor coarse_queries;
  nn::LayerNorm norm_fine_r{nullptr}, norm_coarse_a{nullptr}, norm_coarse_f{nullptr},
      norm_fine_p{nullptr}, norm_coarse_p{nullptr}, norm_fine_f{nullptr};
  nn::MultiheadAttention restrict_{nullptr}, coarse_self{nullptr}, prolong{nullptr};
  nn::Sequential         coarse_ffn{nullptr}, ffn{nullptr};
  std::map<std::pair<int64_t, int64_t>, torch::Tensor> coordinates; // Coordinates()
};
TORCH_MODULE(NpoModule);

// The trainable parameters by torch name (MultiheadAttention also registers undefined
// placeholders such as q_proj_weight; those are skipped).
std::map<std::string, torch::Tensor> NamedParameters(NpoModule &m)
{
  std::map<std::string, torch::Tensor> out;
  for (const auto &p : m->named_parameters(true))
    if (p.value().defined()) out[p.key()] = p.value();
  return out;
}

std::string ShapeString(const std::vector<int64_t> &s)
{
  std::string out = "(";
  for (size_t i = 0; i < s.size(); i++) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + ")";
}

} // namespace

struct _n_NpoNet {
  NpoHyperparameters hp{};
  NpoModule          module{nullptr};
  PetscInt           num_params = 0;
  PetscInt           train_grid = 0;
  PetscInt           input_grid = 0;
  std::string        format, path, provenance;
  unsigned long long checksum = 0;
  // The inference forward pass without libtorch (npo_native.h), rebuilt from the module's
  // weights whenever they change (NpoNetFinish); use_torch selects the module instead.
  std::unique_ptr<NpoNativeNet> native;
  bool                          use_torch = false;
  std::vector<float>            in32, out32; // float32 buffers of NpoNetForward
};

const char *NpoLibtorchVersion(void)
{
  return TORCH_VERSION;
}

double NpoParameterCount(const NpoHyperparameters *hp)
{
  // lift 4C; pre/post relaxation 2 (9C^2 + C); coarse queries mC; six LayerNorms 12C; three
  // attentions 3 (4C^2 + 4C); two FFNs 2 (2fC^2 + fC + C); projection C + 1.
  const double C = (double)hp->width, m = (double)hp->num_coarse, f = (double)hp->ffn_mult;
  return (30.0 + 4.0 * f) * C * C + (33.0 + m + 2.0 * f) * C + 1.0;
}

double NpoForwardFlops(const NpoHyperparameters *hp, PetscInt rows, PetscInt cols)
{
  // Per field of N = rows cols tokens, width C, m coarse queries, hidden width F = ffn_mult C,
  // counting the matrix products (a multiply-add = 2 flops; biases, LayerNorm, softmax, ReLU
  // and the residual sums are O(N C) and left out):
  //   lift 1x1 conv 3 -> C                     2 * 3 C N
  //   pre- and post-relaxation 3x3 convs       2 * 2 * 9 C^2 N
  //   restriction: k, v projections of N       4 C^2 N; q of the m queries 2 m C^2;
  //     scores and weighted sum (all heads)    2 * 2 m N C; output projection 2 m C^2
  //   coarse self-attention                    q, k, v 6 m C^2; scores and sum 4 m^2 C; out 2 m C^2
  //   coarse FFN                               4 m C F
  //   prolongation: q and output projections   2 * 2 C^2 N; k, v of the m coarse tokens 4 m C^2;
  //     scores and weighted sum                2 * 2 N m C
  //   fine FFN                                 4 N C F
  //   projection 1x1 conv C -> 1               2 C N
  // = N (44 C^2 + 4 C F + 8 m C + 8 C) + m (16 C^2 + 4 m C + 4 C F):
  // 82.6 MFLOP at n = 32 for the reference's network (C 32, m 64, F 128).
  const double N = (double)rows * (double)cols, C = (double)hp->width;
  const double m = (double)hp->num_coarse, F = (double)hp->ffn_mult * C;
  return N * (44.0 * C * C + 4.0 * C * F + 8.0 * m * C + 8.0 * C) +
         m * (16.0 * C * C + 4.0 * m * C + 4.0 * C * F);
}

double NpoSgemmPeak(PetscInt n, PetscInt reps)
{
  return NpoNativeNet::SgemmRate((int64_t)n, (int)reps);
}

double NpoForwardBytes(const NpoHyperparameters *hp, PetscInt batch, PetscInt rows, PetscInt cols)
{
  // Per fine token at the peak: the attention weights between the tokens and the m coarse
  // queries and their softmax (2 h m), about eight C-wide activations and the FFN's hidden
  // layer with its ReLU (2 f C); float32.
  const double tokens = (double)batch * (double)rows * (double)cols;
  const double C = (double)hp->width, m = (double)hp->num_coarse, h = (double)hp->num_heads;
  const double f = (double)hp->ffn_mult;
  return 4.0 * tokens * (2.0 * h * m + 8.0 * C + 2.0 * f * C);
}

PetscErrorCode NpoExceptionToError(const std::exception &e, std::string *message)
{
  const c10::Error *c    = dynamic_cast<const c10::Error *>(&e);
  std::string       what = c ? c->what_without_backtrace() : e.what();
  const size_t      nl   = what.find('\n');
  if (nl != std::string::npos) what.resize(nl);
  const bool oom = dynamic_cast<const std::bad_alloc *>(&e) ||
                   what.find("can't allocate memory") != std::string::npos ||
                   what.find("not enough memory") != std::string::npos ||
                   what.find("out of memory") != std::string::npos;
  if (oom) {
    *message = "out of memory (" + what +
               "): the grid, the batch or the network is too large for this machine";
    return PETSC_ERR_ARG_OUTOFRANGE;
  }
  *message = "libtorch: " + what;
  return PETSC_ERR_USER_INPUT;
}

// Positive, consistent hyperparameters of a network that fits in memory (the module and a
// copy of its weights), else `code` on comm.
static PetscErrorCode NpoCheckHyperparameters(MPI_Comm comm, PetscErrorCode code, const char *where,
                                              const NpoHyperparameters &hp)
{
  PetscFunctionBegin;
  PetscCheck(hp.width > 0 && hp.num_coarse > 0 && hp.num_heads > 0 && hp.ffn_mult > 0, comm, code,
             "%s: hyperparameters must be positive (width %" PetscInt_FMT
             ", num_coarse %" PetscInt_FMT ", num_heads %" PetscInt_FMT ", ffn_mult %" PetscInt_FMT
             ")",
             where, hp.width, hp.num_coarse, hp.num_heads, hp.ffn_mult);
  PetscCheck(hp.width % hp.num_heads == 0, comm, code,
             "%s: width %" PetscInt_FMT " is not divisible by num_heads %" PetscInt_FMT, where,
             hp.width, hp.num_heads);
  const double nparams = NpoParameterCount(&hp);
  char         what[PETSC_MAX_PATH_LEN + 256];
  snprintf(what, sizeof(what),
           "%s: the %.3g parameters of a network of width %" PetscInt_FMT
           ", num_coarse %" PetscInt_FMT ", num_heads %" PetscInt_FMT ", ffn_mult %" PetscInt_FMT,
           where, nparams, hp.width, hp.num_coarse, hp.num_heads, hp.ffn_mult);
  PetscCall(NpoCheckMemory(comm, code, 2.0 * sizeof(float) * nparams, what));
  PetscCheck(hp.width <= 4096 && hp.num_coarse <= 65536 && hp.ffn_mult <= 64, comm, code,
             "%s: implausibly large hyperparameters (at most width 4096, num_coarse 65536, "
             "ffn_mult 64)",
             where);
  PetscFunctionReturn(0);
}

// FNV-1a 64 over the float32 bytes of the parameters in name order: identifies a weight set.
static unsigned long long NpoChecksum(NpoModule &m)
{
  unsigned long long h = 1469598103934665603ULL;
  for (auto &kv : NamedParameters(m)) {
    torch::Tensor        t = kv.second.detach().contiguous();
    const unsigned char *p = (const unsigned char *)t.data_ptr<float>();
    for (size_t i = 0; i < (size_t)t.numel() * sizeof(float); i++) {
      h ^= p[i];
      h *= 1099511628211ULL;
    }
  }
  return h;
}

// The module's weights in the layout of npo_native.h.
static NpoNativeWeights NativeWeights(NpoNet net)
{
  std::map<std::string, torch::Tensor> p   = NamedParameters(net->module);
  auto                                 get = [&](const std::string &name) {
    torch::Tensor t = p.at(name).detach().contiguous();
    return std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  };
  auto ln = [&](const std::string &name) {
    NpoNativeLayerNorm l;
    l.gamma = get(name + ".weight");
    l.beta  = get(name + ".bias");
    return l;
  };
  auto att = [&](const std::string &name) {
    NpoNativeAttention a;
    a.w_in  = get(name + ".in_proj_weight");
    a.b_in  = get(name + ".in_proj_bias");
    a.w_out = get(name + ".out_proj.weight");
    a.b_out = get(name + ".out_proj.bias");
    return a;
  };
  auto ffn = [&](const std::string &name) {
    NpoNativeFeedForward f;
    f.w1 = get(name + ".0.weight");
    f.b1 = get(name + ".0.bias");
    f.w2 = get(name + ".2.weight");
    f.b2 = get(name + ".2.bias");
    return f;
  };
  NpoNativeWeights w;
  w.C           = net->hp.width;
  w.m           = net->hp.num_coarse;
  w.heads       = net->hp.num_heads;
  w.f           = net->hp.ffn_mult;
  w.lift_w      = get("lift.weight");
  w.lift_b      = get("lift.bias");
  w.pre_w       = get("pre_relax.weight");
  w.pre_b       = get("pre_relax.bias");
  w.post_w      = get("post_relax.weight");
  w.post_b      = get("post_relax.bias");
  w.proj_w      = get("proj.weight");
  w.proj_b      = get("proj.bias");
  w.queries     = get("coarse_queries");
  w.fine_r      = ln("norm_fine_r");
  w.coarse_a    = ln("norm_coarse_a");
  w.coarse_f    = ln("norm_coarse_f");
  w.fine_p      = ln("norm_fine_p");
  w.coarse_p    = ln("norm_coarse_p");
  w.fine_f      = ln("norm_fine_f");
  w.restrict_   = att("restrict");
  w.coarse_self = att("coarse_self");
  w.prolong     = att("prolong");
  w.coarse_ffn  = ffn("coarse_ffn");
  w.ffn         = ffn("ffn");
  return w;
}

static PetscErrorCode NpoNetFinish(NpoNet net)
{
  PetscFunctionBegin;
  NpoCallCXX(PETSC_COMM_SELF, {
    net->module->eval();
    net->num_params = 0;
    for (auto &kv : NamedParameters(net->module)) net->num_params += (PetscInt)kv.second.numel();
    net->checksum = NpoChecksum(net->module);
    net->native.reset(new NpoNativeNet(NativeWeights(net)));
  });
  PetscFunctionReturn(0);
}

PetscErrorCode NpoNetCreate(MPI_Comm comm, const NpoHyperparameters *hp, PetscInt seed, NpoNet *net)
{
  std::unique_ptr<_n_NpoNet> n;

  PetscFunctionBegin;
  PetscCall(NpoCheckHyperparameters(comm, PETSC_ERR_ARG_OUTOFRANGE, "NPO network", *hp));
  NpoCallCXX(comm, {
    n.reset(new _n_NpoNet);
    n->hp = *hp;
    torch::manual_seed((uint64_t)seed);
    n->module     = NpoModule(*hp);
    n->format     = NPO_FORMAT_NAME;
    n->provenance = "randomly initialised (libtorch default initialisation, seed " +
                    std::to_string((long long)seed) + ")";
  });
  PetscCall(NpoNetFinish(n.get()));
  *net = n.release();
  PetscFunctionReturn(0);
}

static PetscErrorCode NpoNetLoadImpl(MPI_Comm comm, const char *path, NpoNet *net)
{
  NpoCheckpoint ck;

  PetscFunctionBegin;
  PetscCall(NpoCheckpointRead(comm, path, &ck));
  PetscCall(NpoCheckHyperparameters(comm, PETSC_ERR_FILE_UNEXPECTED, path, ck.hp));

  std::unique_ptr<_n_NpoNet> n(new _n_NpoNet);
  n->hp                                       = ck.hp;
  n->module                                   = NpoModule(ck.hp);
  std::map<std::string, torch::Tensor> params = NamedParameters(n->module);

  // The file must hold exactly this architecture's parameters, each of the right shape.
  for (const NpoTensor &t : ck.tensors)
    PetscCheck(params.count(t.name), comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s holds parameter '%s', which the NPO architecture does not "
               "have: a network of another architecture",
               path, t.name.c_str());
  for (auto &kv : params) {
    auto it = std::find_if(ck.tensors.begin(), ck.tensors.end(),
                           [&](const NpoTensor &t) { return t.name == kv.first; });
    PetscCheck(it != ck.tensors.end(), comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s lacks parameter '%s': a network of another architecture", path,
               kv.first.c_str());
    const std::vector<int64_t> want = kv.second.sizes().vec();
    PetscCheck(it->shape == want, comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s: parameter '%s' has shape %s, but width %" PetscInt_FMT
               ", num_coarse %" PetscInt_FMT ", num_heads %" PetscInt_FMT
               ", ffn_mult %" PetscInt_FMT " need %s",
               path, kv.first.c_str(), ShapeString(it->shape).c_str(), ck.hp.width,
               ck.hp.num_coarse, ck.hp.num_heads, ck.hp.ffn_mult, ShapeString(want).c_str());
    bool finite =
        std::all_of(it->values.begin(), it->values.end(), [](float x) { return std::isfinite(x); });
    PetscCheck(finite, comm, PETSC_ERR_FILE_UNEXPECTED,
               "NPO checkpoint %s: parameter '%s' holds NaN or Inf values", path, kv.first.c_str());
    torch::NoGradGuard no_grad;
    torch::Tensor      src = torch::from_blob(it->values.data(), want, torch::kFloat32);
    kv.second.copy_(src);
  }
  n->train_grid = ck.train_grid;
  n->input_grid = ck.input_grid;
  n->format     = ck.format;
  n->path       = path;
  n->provenance = ck.provenance;
  PetscCall(NpoNetFinish(n.get()));
  *net = n.release();
  PetscFunctionReturn(0);
}

PetscErrorCode NpoNetLoad(MPI_Comm comm, const char *path, NpoNet *net)
{
  PetscFunctionBegin;
  NpoCallCXX(comm, PetscCall(NpoNetLoadImpl(comm, path, net)));
  PetscFunctionReturn(0);
}

PetscErrorCode NpoNetSave(MPI_Comm comm, NpoNet net, const char *path)
{
  NpoCheckpoint ck;

  PetscFunctionBegin;
  NpoCallCXX(comm, {
    ck.hp         = net->hp;
    ck.train_grid = net->train_grid;
    ck.input_grid = net->input_grid;
    ck.format     = NPO_FORMAT_NAME;
    ck.provenance = net->provenance;
    for (auto &kv : NamedParameters(net->module)) {
      torch::Tensor t = kv.second.detach().contiguous();
      NpoTensor     out;
      out.name  = kv.first;
      out.shape = t.sizes().vec();
      out.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
      ck.tensors.push_back(std::move(out));
    }
  });
  PetscCall(NpoCheckpointWrite(comm, path, ck, TORCH_VERSION));
  PetscFunctionReturn(0);
}

PetscErrorCode NpoNetSetProvenance(NpoNet net, PetscInt train_grid, const char *provenance)
{
  PetscFunctionBegin;
  net->train_grid = train_grid;
  net->provenance = provenance ? provenance : "";
  PetscFunctionReturn(0);
}

PetscErrorCode NpoNetSetInputGrid(NpoNet net, PetscInt input_grid)
{
  PetscFunctionBegin;
  PetscCheck(input_grid >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "NPO input normalisation grid must be >= 0 (0: unit norm), got %" PetscInt_FMT,
             input_grid);
  net->input_grid = input_grid;
  PetscFunctionReturn(0);
}

PetscReal NpoNetInputScale(NpoNet net, PetscInt rows, PetscInt cols)
{
  if (net->input_grid <= 0) return 1.0;
  return PetscSqrtReal((PetscReal)rows * (PetscReal)cols) / (PetscReal)net->input_grid;
}

PetscErrorCode NpoNetGetInfo(NpoNet net, NpoNetInfo *info)
{
  PetscFunctionBegin;
  info->hp         = net->hp;
  info->num_params = net->num_params;
  info->train_grid = net->train_grid;
  info->input_grid = net->input_grid;
  info->format     = net->format.c_str();
  info->path       = net->path.c_str();
  info->provenance = net->provenance.c_str();
  info->checksum   = net->checksum;
  PetscFunctionReturn(0);
}

PetscErrorCode NpoNetDestroy(NpoNet *net)
{
  PetscFunctionBegin;
  if (net && *net) {
    delete *net;
    *net = nullptr;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NpoNetForward(NpoNet net, PetscInt batch, PetscInt rows, PetscInt cols,
                             const PetscReal *in, PetscReal *out)
{
  PetscFunctionBegin;
  PetscCheck(batch > 0 && rows > 0 && cols > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "NPO forward pass needs a positive batch and grid, got %" PetscInt_FMT
             " x %" PetscInt_FMT " x %" PetscInt_FMT,
             batch, rows, cols);
  const int64_t size = (int64_t)batch * rows * cols;
  char          what[256];
  snprintf(what, sizeof(what),
           "the NPO network's forward pass on %" PetscInt_FMT " field(s) of %" PetscInt_FMT
           " x %" PetscInt_FMT,
           batch, rows, cols);
  PetscCall(NpoCheckMemory(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
                           NpoForwardBytes(&net->hp, batch, rows, cols), what));
  NpoCallCXX(PETSC_COMM_SELF, {
    if (!net->use_torch) {
      const int64_t N = (int64_t)rows * cols;
      net->in32.resize(N);
      net->out32.resize(N);
      for (int64_t b = 0; b < batch; b++) {
        for (int64_t i = 0; i < N; i++) net->in32[i] = (float)in[b * N + i];
        net->native->Forward(rows, cols, net->in32.data(), net->out32.data());
        for (int64_t i = 0; i < N; i++) out[b * N + i] = (PetscReal)net->out32[i];
      }
    } else {
      c10::InferenceMode guard;
      torch::Tensor      x  = torch::empty({batch, 1, rows, cols}, torch::kFloat32);
      float             *px = x.data_ptr<float>();
      for (int64_t i = 0; i < size; i++) px[i] = (float)in[i];
      torch::Tensor y  = net->module->forward(x).contiguous();
      const float  *py = y.data_ptr<float>();
      for (int64_t i = 0; i < size; i++) out[i] = (PetscReal)py[i];
    }
  });
  PetscFunctionReturn(0);
}

PetscErrorCode NpoNetSetImplementation(NpoNet net, const char *impl)
{
  PetscFunctionBegin;
  PetscCheck(impl && (!strcmp(impl, "native") || !strcmp(impl, "torch")), PETSC_COMM_SELF,
             PETSC_ERR_ARG_WRONG, "NPO forward-pass implementation must be native or torch, got %s",
             impl ? impl : "(null)");
  net->use_torch = !strcmp(impl, "torch");
  PetscFunctionReturn(0);
}

const char *NpoNetGetImplementation(NpoNet net)
{
  return net->use_torch ? "torch" : "native";
}

PetscErrorCode NpoNetApply(NpoNet net, PetscInt rows, PetscInt cols, const PetscReal *r,
                           PetscReal *z)
{
  const PetscInt         N    = rows * cols;
  PetscReal              norm = 0;
  std::vector<PetscReal> unit;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < N; i++) norm += r[i] * r[i];
  norm = PetscSqrtReal(norm);
  if (norm == 0) {
    for (PetscInt i = 0; i < N; i++) z[i] = 0;
    PetscFunctionReturn(0);
  }
  // The network sees float32 input of norm s (as in training); M is positively homogeneous.
  const PetscReal s = NpoNetInputScale(net, rows, cols);
  NpoCallCXX(PETSC_COMM_SELF, unit.assign(r, r + N));
  for (PetscReal &v : unit) v *= s / norm;
  PetscCall(NpoNetForward(net, 1, rows, cols, unit.data(), z));
  for (PetscInt i = 0; i < N; i++) z[i] *= norm / s;
  PetscFunctionReturn(0);
}

PetscInt NpoMaxThreads(void)
{
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 ? (PetscInt)cores : 1;
}

PetscErrorCode NpoSetThreads(PetscInt threads)
{
  PetscFunctionBegin;
  PetscCheck(threads > 0 && threads <= NpoMaxThreads(), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "libtorch threads must be in [1, %" PetscInt_FMT "] (the cores of this machine), got "
             "%" PetscInt_FMT,
             NpoMaxThreads(), threads);
  NpoCallCXX(PETSC_COMM_SELF, torch::set_num_threads((int)threads));
  PetscFunctionReturn(0);
}

PetscInt NpoGetThreads(void)
{
  return (PetscInt)torch::get_num_threads();
}

// ---------------------------------------------------------------------------------------
// libtorch-level access for the training program (npo_net_torch.h).

torch::Tensor NpoNetTorchForward(NpoNet net, const torch::Tensor &x)
{
  return net->module->forward(x);
}

std::vector<std::pair<std::string, torch::Tensor>> NpoNetTorchParameters(NpoNet net)
{
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (auto &kv : NamedParameters(net->module)) out.emplace_back(kv.first, kv.second);
  return out;
}

void NpoNetTorchTrain(NpoNet net, bool on)
{
  net->module->train(on);
}

PetscErrorCode NpoNetTorchUpdated(NpoNet net)
{
  PetscFunctionBegin;
  PetscCall(NpoNetFinish(net));
  PetscFunctionReturn(0);
}
