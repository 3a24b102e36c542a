// The safetensors file format (Hugging Face's), read and written by our own code: named tensors
// with a dtype and a shape, plus string metadata. This header knows the container only; what the
// tensors of a latentlab network are called, and the pytorch/examples VAE layout, are in
// models/network_safetensors.h. The format (docs/safetensors.md):
//   u64 N (little-endian) | N bytes of JSON header | the tensors' bytes
//   header: {"__metadata__": {"k": "v", ...}, "NAME": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}, ...}
// offsets are relative to the end of the header.
//
//   SafetensorsFile f = safetensors_load("vae.safetensors");  // throws InputError naming the file
//   const SafeTensor* w = f.find("fc1.weight");               // w->shape {400, 784}, w->values row-major
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

// The reference implementation's header limit.
constexpr uint64_t kSafetensorsMaxHeaderBytes = 100000000;

struct SafeTensor {
  std::string name;
  std::string dtype;            // as stored: "F32", "F16", "BF16", "F64", or another the reader validates only
  std::vector<uint64_t> shape;  // row-major (C order), PyTorch's
  std::vector<float> values;    // the elements converted to float; empty for a dtype that is not a float
  bool converted = false;       // values holds the tensor (a float dtype)
};

struct SafetensorsFile {
  std::vector<std::pair<std::string, std::string>> metadata;  // "__metadata__", in file order
  std::vector<SafeTensor> tensors;                            // in header order

  const SafeTensor* find(const std::string& name) const;         // nullptr if absent
  const std::string* meta(const std::string& key) const;         // nullptr if absent
};

// Parses and validates as the reference does, in this order: the 8-byte length and the header lie
// inside the buffer, the header is at most kSafetensorsMaxHeaderBytes and starts with '{', it is
// JSON of the form above with no duplicate names, every dtype is known, shape x dtype size is
// computed with overflow checks and equals its offsets' span, and the offsets, sorted, are
// contiguous from 0 and cover the data exactly. F16, BF16 and F64 are converted to float.
// Throws InputError "'NAME': ..." naming the problem. `name` is the file name for messages.
SafetensorsFile safetensors_parse(const uint8_t* bytes, size_t n, const std::string& name);
// Reads a regular file of at most `max_bytes` and parses it.
SafetensorsFile safetensors_load(const std::string& path, uint64_t max_bytes);

// Writes every tensor as F32 (values, shape's product of them) with the metadata, tensors in the
// given order, data 8-byte aligned as the reference pads its header.
std::vector<uint8_t> safetensors_serialize(const SafetensorsFile& file);
// Atomically (io/file_write.h); false with *error naming the file on failure, the old file kept.
bool safetensors_save(const SafetensorsFile& file, const std::string& path, std::string* error);
