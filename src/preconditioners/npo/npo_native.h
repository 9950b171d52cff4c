// The NPO network's forward pass (inference only) without libtorch: sgemm (oneDNN's where
// available, else the BLAS) on preallocated buffers, AVX2 kernels for the attention, softmax
// and LayerNorm (npo_native_kernels.h), plain loops for the rest (npo_native.cpp). npo_net.cpp
// fills the weights from the libtorch module once and keeps the module for training and as the
// reference implementation (NpoNetSetImplementation).
//
// Why: one application at n = 32 is about 80 MFLOP in some 60 small tensor operations; through
// libtorch most of the time went to dispatch, allocation and copies, not arithmetic
// (docs/npo.md, Speed). Here the token layout is N x C (channels last) from the lift to the
// projection; the 3x3 convolutions are im2col + one sgemm per block of grid rows; the
// attention uses one fused in-projection sgemm (k and v, or q, k and v) and per-head sgemms;
// the lift's coordinate channels and bias are cached per grid size; the restriction's query
// projection is computed once per network.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

class NpoConv3x3;

struct NpoNativeAttention {
  std::vector<float> w_in, b_in;   // torch's in_proj_weight (3C x C), in_proj_bias (3C)
  std::vector<float> w_out, b_out; // out_proj.weight (C x C), out_proj.bias (C)
};

struct NpoNativeLayerNorm {
  std::vector<float> gamma, beta; // (C), eps 1e-5 as torch's default
};

struct NpoNativeFeedForward {
  std::vector<float> w1, b1, w2, b2; // Linear(C, fC) and Linear(fC, C), torch layout (out x in)
};

// The parameters in torch's layout (row-major, as named_parameters() holds them).
struct NpoNativeWeights {
  int64_t              C = 0, m = 0, heads = 0, f = 0;
  std::vector<float>   lift_w, lift_b; // (C, 3, 1, 1), (C)
  std::vector<float>   pre_w, pre_b;   // (C, C, 3, 3), (C)
  std::vector<float>   post_w, post_b; // (C, C, 3, 3), (C)
  std::vector<float>   proj_w, proj_b; // (1, C, 1, 1), (1)
  std::vector<float>   queries;        // (m, C)
  NpoNativeLayerNorm   fine_r, coarse_a, coarse_f, fine_p, coarse_p, fine_f;
  NpoNativeAttention   restrict_, coarse_self, prolong;
  NpoNativeFeedForward coarse_ffn, ffn;
};

class NpoNativeNet {
public:
  explicit NpoNativeNet(const NpoNativeWeights &w);
  ~NpoNativeNet();
  // out = net(in) on one rows x cols field (row-major, cols fastest), float32.
  void Forward(int64_t rows, int64_t cols, const float *in, float *out);

  // Flop rate (flop/s, CPU time of this process) of the best of `reps` sgemm products of two
  // n x n float32 matrices through the matrix product the forward pass uses: the machine's
  // practical fp32 peak.
  static double SgemmRate(int64_t n, int reps);

private:
  struct Linear {
    std::vector<float> wt, b; // wt: (in x out), the transpose of torch's weight
    int64_t            in = 0, out = 0;
  };
  struct Attention {
    Linear q, kv, qkv, o; // q: rows 0..C of in_proj, kv: rows C..3C, qkv: all three
    Linear kv_heads;      // kv with its columns per head: [k_0 v_0 k_1 v_1 ...]
  };
  void ProjectTransposed(const std::vector<float> &w, const std::vector<float> &b, int64_t row0,
                         int64_t rows, int64_t L, const float *x, float *y);
  void FeedForward(const NpoNativeLayerNorm &norm, const Linear &f1, const Linear &f2, int64_t L,
                   float *x, float *ln);
  void Attend(int64_t lq, const float *q, int64_t ldq, int64_t lk, const float *k, const float *v,
              int64_t ldkv, float *o);
  void EnsureGrid(int64_t rows, int64_t cols);

  int64_t C_, m_, heads_, f_;
  bool    fused_ = false; // the fused attention kernels apply (head dimension 8, AVX2 + FMA)
  NpoNativeWeights            w_;
  std::unique_ptr<NpoConv3x3> conv_pre_, conv_post_;
  Linear                      cffn1_, cffn2_, ffn1_, ffn2_;
  Attention                   restrict_, self_, prolong_;
  std::vector<float> restrict_q_, restrict_qt_; // the learned queries' projection, scaled by
                                                // 1/sqrt(d), and its transpose
  // Per grid size: lift of the coordinate channels plus bias (N x C); workspaces.
  int64_t            rows_ = -1, cols_ = -1;
  std::vector<float> lift_base_, t_, u_, ln_, kv_, s_, o_, hid_, c_, cn_, cqkv_, co_;
  std::vector<float> ckv_, tq_;
};
