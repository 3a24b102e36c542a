// How sensitive the decoder is at a code: ||d g(z) / dz||_F, g the decoder into data space (the
// sigmoid of the logits for BCE), exact, at many codes at once. The map's "Decoder ||J||" layer
// shades the plane with it: where it is large, a small step on the map changes the decoded image a
// lot (the map is stretched there); where it is small, the decoder barely moves.
//
//   DecoderJacobianWorkspace ws;
//   decoder_jacobian_norms(net, z, directions, out, ws);  // z (latent, n); directions (latent, P)
#pragma once
#include <vector>

#include "models/model.h"

// Forward mode: each code carries P tangents (the columns of `directions`) through the decoder, a
// dense layer multiplying every tangent of every code in one product (W T), an activation scaling
// them by its derivative at the code. out[j] = ||J(z_j) D||_F, D = directions: the identity gives the
// full ||J||_F (P = latent tangents per code); a plane's two unit axes give the norm along the plane
// only. Dense decoders only: decoder_jacobian_supported says whether a network's decoder is one.
// Throws InputError when z or directions has the wrong number of rows or the decoder is not dense.
struct DecoderJacobianWorkspace {
  LayersWorkspace<float> layers;
  Mat t, t_next, deriv;  // (width, codes x tangents) twice, (width, codes)
};
bool decoder_jacobian_supported(const Network& net);
void decoder_jacobian_norms(const Network& net, ConstMatRef z, ConstMatRef directions, std::vector<double>& out,
                            DecoderJacobianWorkspace& ws);
