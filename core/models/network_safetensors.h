// A Network as a safetensors file (io/safetensors.h): the weights in PyTorch's names, shapes and
// element order, so that a model moves between latentlab and PyTorch, and the import of the
// pytorch/examples VAE (fc1, fc21, fc22, fc3, fc4). Tensor names and metadata are documented in
// docs/safetensors.md.
//
//   network_save_safetensors(net, "vae.safetensors", &error);       // encoder.0.weight, ...
//   Network net = network_load_safetensors("examples_vae.safetensors");  // either layout
//   Network any = network_load_file("model.llnet");                  // .llnet or .safetensors by extension
#pragma once
#include <string>

#include "io/safetensors.h"
#include "models/model.h"

// Every layer with parameters as "encoder.I.weight" / "encoder.I.bias" (I its index in the encoder
// list; "decoder.I..." likewise), in PyTorch's layout: Dense [out, in]; Conv2d [out_c, in_c, k, k];
// ConvTranspose2d [in_c, out_c, k, k]; bias [n]. The config goes in the metadata ("latentlab.*").
SafetensorsFile network_to_safetensors(const Network& net);
// A file written by network_to_safetensors, or one in the pytorch/examples VAE layout (a VAE
// input -> H -> latent with ReLU and BCE, the sizes from the tensors' shapes). Throws InputError
// naming the file and the problem: a missing or unexpected tensor, a wrong shape, a bad setting.
Network network_from_safetensors(const SafetensorsFile& file, const std::string& file_name);

bool network_save_safetensors(const Network& net, const std::string& path, std::string* error);
Network network_load_safetensors(const std::string& path);

// Does the path end in ".safetensors" (any case)?
bool is_safetensors_path(const std::string& path);
// By extension: .safetensors through the functions above, anything else as .llnet (models/model.h).
Network network_load_file(const std::string& path);
bool network_save_file(const Network& net, const std::string& path, std::string* error);
