// How many floating-point operations a pass through a network costs, from its layer shapes: the
// numerator of every GFLOP/s figure the bench prints. Only the matrix products count (2 FLOPs per
// multiply-add); activations, losses and Adam are a few FLOPs per value and are left out, as
// PyTorch's and BLAS's own counts do. tests/test_layers.cpp checks these counts against the
// products a step actually calls (nn/gemm_tally.h).
#pragma once
#include <vector>

#include "models/model.h"

double layer_forward_macs(const Layer& l);  // one sample through l's product
double forward_flops_per_sample(const std::vector<Layer>& layers);
// Forward + backward of one training sample: forward for every layer; backward the weight gradient
// for every layer and the input gradient for all but the first (nothing needs the data's gradient).
// Penalties with products of their own (the contractive Jacobian) are not counted.
double train_flops_per_sample(const Network& net);
