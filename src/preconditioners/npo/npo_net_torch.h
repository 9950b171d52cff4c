// libtorch-level access to an NpoNet, for the training program only (npo_trainer.cpp).
// Including this header pulls in libtorch; the PC, the tools and the tests use npo_net.h.
#pragma once
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "preconditioners/npo/npo_net.h"

// The raw network on a (B, 1, rows, cols) float32 tensor, with autograd.
torch::Tensor NpoNetTorchForward(NpoNet net, const torch::Tensor &x);
// The trainable parameters (the tensors themselves, not copies), in name order.
std::vector<std::pair<std::string, torch::Tensor>> NpoNetTorchParameters(NpoNet net);
// Switches the module to training (true) or evaluation (false) mode. After training, call
// NpoNetTorchUpdated so that NpoNetGetInfo reports the new weights' checksum.
void           NpoNetTorchTrain(NpoNet net, bool on);
PetscErrorCode NpoNetTorchUpdated(NpoNet net);
