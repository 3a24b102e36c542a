// The IDX loader: MNIST, Fashion-MNIST, EMNIST and KMNIST images (magic 0x00000803: unsigned
// bytes, 3 dimensions count x rows x columns) with an optional labels file (0x00000801, 1
// dimension), raw or gzip-compressed (detected from the content, not the name).
// Every header is checked against the file's real length before anything is allocated; a gzip
// stream is inflated in growing steps and stopped at the size its header implies, so a short or
// lying file fails with a message and a gzip bomb cannot grow beyond what the header declares.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"

// Loads an image file and, if labels_path is non-empty, its labels. When labels_path is empty and
// the image file's name contains "images-idx3", the sibling "labels-idx1" file is used if it
// exists (the MNIST naming). train_count: -1 = the first 80% train (for MNIST's 10k test file:
// 8000 train, 2000 held out, the project's convention). EMNIST files (name contains "emnist")
// are stored transposed and are turned upright. Label names: Fashion-MNIST, KMNIST and EMNIST
// letters get their class names when the file name says which; otherwise the label's number.
Dataset idx_load(const std::string& images_path, const std::string& labels_path, int train_count);

// What an IDX file holds. dims: the sizes from the header, outermost first.
struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;  // (product of dims), row-major as in the file
};

// Reads one IDX file of unsigned bytes with exactly `expected_dims` dimensions; `what` names the
// kind of file in messages ("image file", "labels file"). Throws InputError.
IdxArray idx_read(const std::string& path, int expected_dims, const char* what);

// Largest payload an IDX file may declare (EMNIST byclass, the largest of the family, is 0.55 GB).
constexpr uint64_t kIdxMaxBytes = 2ull << 30;
// Largest image side accepted from any file.
constexpr uint32_t kMaxImageSide = 8192;
