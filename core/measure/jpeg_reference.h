// JPEG at matched byte sizes: the everyday reference of the rate-distortion plot (issue 17,
// "Compression"). Each held-out image is written as a JPEG file (stb_image_write), decoded back
// through the loaders' own path (image_decode), and measured with the PSNR of reduction.h, so that
// a code of `latent` float32 numbers (4 bytes each) is compared with a JPEG file of about as many bytes.
//   JpegReference r = jpeg_reference(data, 8);  // r.matched: the quality whose mean file is closest to 32 bytes
#pragma once
#include <cstdint>
#include <vector>

#include "data/dataset.h"
#include "nn/tensor.h"

// One quality over the held-out images: the mean file size, the mean size of the entropy-coded
// scan alone (the file less its headers and tables, which are the same for every image), and the
// PSNR of the decoded images pooled as reduction_figures pools it (one MSE over every pixel).
struct JpegPoint {
  int quality = 0;
  double bytes = 0, scan_bytes = 0, psnr = 0;
};

struct JpegReference {
  double code_bytes = 0;  // the code's size: 4 bytes per float32 dimension
  JpegPoint matched;      // the quality (1..100) whose mean file size is closest to code_bytes
  JpegPoint smallest;     // quality 1: the smallest files stb_image_write makes
  // The smallest latent size whose code is at least as large as the smallest JPEG: below it no
  // quality matches the code's bytes.
  int first_matching_latent = 0;
};

// One sample (features = width * height * channels, values in [0, 1], (y, x, c) interleaved, as
// Dataset stores them) rounded to 8 bits and written as a JPEG file in memory at quality 1..100.
std::vector<uint8_t> jpeg_encode_sample(const float* sample, int width, int height, int channels, int quality);
// The JPEG point of `quality` over the columns of held (features, m) with data's geometry. Data
// outside [0, 1], or not images (a CSV; not 1 or 3 channels), is an InputError naming the data.
JpegPoint jpeg_point(const Dataset& data, ConstMatRef held, int quality);
// The reference for a code of `latent` float32 numbers on data's held-out split.
JpegReference jpeg_reference(const Dataset& data, int latent);
