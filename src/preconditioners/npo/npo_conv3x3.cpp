// 3x3 convolution of the native NPO forward pass (npo_conv3x3.h).
#include "preconditioners/npo/npo_conv3x3.h"

#include "preconditioners/npo/npo_gemm.h"

#include <algorithm>
#include <cstring>

#ifdef NPO_HAVE_DNNL
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace {
constexpr int64_t kTokenBlock = 1024; // tokens per im2col block of the fallback
} // namespace

struct NpoConv3x3::Impl {
  int64_t            C;
  std::vector<float> w, b; // torch layout (C, C, 3, 3) and (C)
  std::vector<float> wcol; // fallback: (9C x C), [(ky*3 + kx)*C + ci][co]
  std::vector<float> col;  // fallback: im2col block
  int64_t            rows = -1, cols = -1;
#ifdef NPO_HAVE_DNNL
  dnnl::engine              engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream              stream{engine};
  dnnl::convolution_forward conv;
  dnnl::memory              src, dst, weights, bias;
#endif

  void Prepare(int64_t r, int64_t c)
  {
    if (r == rows && c == cols) return;
    rows = r;
    cols = c;
#ifdef NPO_HAVE_DNNL
    using dnnl::memory;
    const memory::dims sd = {1, C, r, c}, wd = {C, C, 3, 3}, bd = {C};
    const auto         f32 = memory::data_type::f32;
    const memory::desc src_md(sd, f32, memory::format_tag::nhwc);
    const memory::desc w_any(wd, f32, memory::format_tag::any),
        b_md(bd, f32, memory::format_tag::a);
    const dnnl::convolution_forward::desc           d(dnnl::prop_kind::forward_inference,
                                                      dnnl::algorithm::convolution_direct, src_md, w_any,
                                                      b_md, src_md, {1, 1}, {1, 1}, {1, 1});
    const dnnl::convolution_forward::primitive_desc pd(d, engine);
    memory user({wd, f32, memory::format_tag::oihw}, engine, w.data());
    weights = memory(pd.weights_desc(), engine);
    dnnl::reorder(user, weights).execute(stream, user, weights);
    bias = memory(b_md, engine, b.data());
    src  = memory(src_md, engine, nullptr);
    dst  = memory(src_md, engine, nullptr);
    conv = dnnl::convolution_forward(pd);
    stream.wait();
#else
    col.resize(std::min(r, std::max<int64_t>(1, kTokenBlock / c)) * c * 9 * C);
#endif
  }
};

NpoConv3x3::NpoConv3x3(int64_t C, const std::vector<float> &w, const std::vector<float> &b)
    : impl_(new Impl)
{
  impl_->C = C;
  impl_->w = w;
  impl_->b = b;
  impl_->wcol.assign(9 * C * C, 0.0f);
  for (int64_t co = 0; co < C; co++)
    for (int64_t ci = 0; ci < C; ci++)
      for (int64_t k = 0; k < 9; k++) impl_->wcol[(k * C + ci) * C + co] = w[(co * C + ci) * 9 + k];
}

NpoConv3x3::~NpoConv3x3() = default;

void NpoConv3x3::Apply(int64_t rows, int64_t cols, const float *x, float *y)
{
  Impl &m = *impl_;
  m.Prepare(rows, cols);
#ifdef NPO_HAVE_DNNL
  m.src.set_data_handle(const_cast<float *>(x));
  m.dst.set_data_handle(y);
  m.conv.execute(m.stream, {{DNNL_ARG_SRC, m.src},
                            {DNNL_ARG_WEIGHTS, m.weights},
                            {DNNL_ARG_BIAS, m.bias},
                            {DNNL_ARG_DST, m.dst}});
  m.stream.wait();
#else
  // im2col of blocks of grid rows, then one product with the (9C x C) weight matrix.
  const int64_t C = m.C, block_rows = std::max<int64_t>(1, kTokenBlock / cols);
  for (int64_t i0 = 0; i0 < rows; i0 += block_rows) {
    const int64_t i1 = std::min(rows, i0 + block_rows), L = (i1 - i0) * cols;
    float *col = m.col.data();
    for (int64_t i = i0; i < i1; i++)
      for (int64_t j = 0; j < cols; j++)
        for (int64_t ky = 0; ky < 3; ky++)
          for (int64_t kx = 0; kx < 3; kx++, col += C) {
            const int64_t ii = i + ky - 1, jj = j + kx - 1;
            if (ii < 0 || ii >= rows || jj < 0 || jj >= cols)
              std::memset(col, 0, sizeof(float) * C);
            else
              std::memcpy(col, x + (ii * cols + jj) * C, sizeof(float) * C);
          }
    float *yb = y + i0 * cols * C;
    for (int64_t p = 0; p < L; p++) std::memcpy(yb + p * C, m.b.data(), sizeof(float) * C);
    NpoGemm(false, false, L, C, 9 * C, 1.0f, m.col.data(), 9 * C, m.wcol.data(), C, 1.0f, yb, C);
  }
#endif
}
