// The image-folder loader: every PNG or JPEG under a folder, one sub-folder per label (its name
// is the label's name; images directly in the folder are unlabelled), decoded with stb_image and
// resized with an area filter to one square size, grayscale or RGB, stored as bytes.
// Every file goes through image_decode (image_decode.h): only real, complete PNG and JPEG reach
// stb_image, whatever the name says. Sizes are read from the headers before anything is decoded:
// a file beyond the per-image limits is skipped, and a folder whose images add up to more than
// kFolderPixelBudget source pixels, or whose resized images exceed kFolderDatasetBytes, is refused.
#pragma once
#include <cstdint>
#include <string>

#include "data/dataset.h"
#include "data/image_decode.h"

constexpr uint64_t kFolderPixelBudget = 1ull << 30;   // source pixels, all files together
constexpr uint64_t kFolderDatasetBytes = 1ull << 31;  // the resized images, as stored in Dataset::pixels
constexpr int kFolderMaxImages = 1000000;

// Files are taken in sorted order (folders, then names); the split is stratified
// (dataset_stratified_split): every label gives the same share to the held-out part, in an order
// shuffled with `seed`; train_count -1 = 80% of every label. A file that is not a complete PNG or
// JPEG (a FIFO, a disguised GIF, a truncated file, an oversized one) is skipped and named with the
// reason in Dataset::warnings; no readable image at all is an InputError.
// A non-square image is centre-cropped to a square first (a stretch would distort shapes).
Dataset images_load_folder(const std::string& folder, int image_size, bool rgb, int train_count, uint64_t seed);

// Area (box) filter: each output pixel is the average of the source area it covers, with
// fractional weights at the edges. Works for shrinking and enlarging. Interleaved channels.
void resize_area(const uint8_t* src, int src_w, int src_h, int channels, uint8_t* dst, int dst_w, int dst_h);
