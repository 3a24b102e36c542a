// The IDX loader: MNIST, Fashion-MNIST, EMNIST and KMNIST images (magic 0x00000803: unsigned
// bytes, 3 dimensions count x rows x columns) with an optional labels file (0x00000801, 1
// dimension), raw or gzip-compressed (detected from the content, not the name; a gzip file may
// hold several concatenated members, as RFC 1952 allows).
// Every header is checked against the budgets below and the file's real length before anything
// is allocated; a gzip stream is inflated in growing steps and stopped at the size its header
// implies, so a short or lying file fails with a message and a gzip bomb cannot grow beyond what
// the header declares (and the header cannot declare beyond the budgets).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

// Loads an image file and, if labels_path is non-empty, its labels. When labels_path is empty and
// the image file's name contains "images-idx3", the sibling "labels-idx1" file is used if it
// exists (the MNIST naming). train_count: -1 = the first 80% train, in file order (for MNIST's
// 10k test file: 8000 train, 2000 held out, the reference protocol). EMNIST files (name contains
// "emnist") are stored transposed and are turned upright. Label names: Fashion-MNIST, KMNIST and
// EMNIST letters get their class names when the file name says which; otherwise the label's number.
// Only regular files are opened (a FIFO or a device is refused, see core/io/file_input.h).
Dataset idx_load(const std::string& images_path, const std::string& labels_path, int train_count);

// What an IDX file holds. dims: the sizes from the header, outermost first.
struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;  // (product of dims), row-major as in the file
};

// Reads one IDX file of unsigned bytes with exactly `expected_dims` dimensions; `what` names the
// kind of file in messages ("image file", "labels file"). Throws InputError.
IdxArray idx_read(const std::string& path, int expected_dims, const char* what);

// The same parser over bytes already in memory (raw IDX or gzip), for fuzzing: every check and
// message of idx_read, with `name` standing for the file name in messages.
IdxArray idx_parse(const uint8_t* bytes, size_t n, int expected_dims, const char* what, const std::string& name);

// Largest payload an IDX file may declare (EMNIST byclass, the largest of the family, is 0.55 GB).
// Decoding holds at most this much (plus one growth step while the buffer grows).
constexpr uint64_t kIdxMaxBytes = 2ull << 30;
// Largest number of items (images or labels) in one file: 24 times EMNIST byclass's 697,932.
// It also keeps every count and 64-bit product of counts far from int's range, and the labels'
// ints (4 bytes per item) within 64 MB.
constexpr uint32_t kIdxMaxCount = 1u << 24;
// Largest image, in features (pixels), accepted from an IDX file: 1024 x 1024. The family's
// images are 28 x 28; beyond a megapixel one float copy of a single sample is over 4 MB and every
// hidden unit of the first layer costs 4 MB of weights (and as much again twice for Adam), so no
// model the app can train would fit in memory, and a batch of 128 would not either. Refusing here,
// at the header, keeps a small file that declares huge images from costing anything.
constexpr uint64_t kIdxMaxFeatures = 1ull << 20;
