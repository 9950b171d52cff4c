// A 3x3 convolution with zero padding, C -> C channels, on the token layout of the native NPO
// forward pass (rows*cols x C, channels last: NHWC). With oneDNN it is oneDNN's convolution
// primitive (created once per grid size, weights reordered once into its layout); otherwise
// im2col of a block of grid rows and one matrix product with the (9C x C) weight matrix.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

class NpoConv3x3 {
public:
  // w in torch's layout (C_out, C_in, 3, 3), b (C_out).
  NpoConv3x3(int64_t C, const std::vector<float> &w, const std::vector<float> &b);
  ~NpoConv3x3();
  // y = conv3x3(x) + b on a rows x cols grid; x and y do not overlap.
  void Apply(int64_t rows, int64_t cols, const float *x, float *y);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
