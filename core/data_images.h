// The image-folder loader: every PNG or JPEG under a folder, one sub-folder per label (its name
// is the label's name; images directly in the folder are unlabelled), decoded with stb_image and
// resized with an area filter to one square size, grayscale or RGB, stored as bytes.
// Sizes are read with stbi_info before anything is decoded: a side beyond kFolderMaxSide skips the
// file, and a folder whose images add up to more than kFolderPixelBudget pixels is refused.
#pragma once
#include <cstdint>
#include <string>

#include "dataset.h"

constexpr int kFolderMaxSide = 8192;
constexpr uint64_t kFolderPixelBudget = 1ull << 30;  // source pixels, all files together
constexpr int kFolderMaxImages = 1000000;

// Files are taken in sorted order (folders, then names) and then shuffled with `seed`, so the
// held-out part mixes all labels; train_count -1 = the first 80%. A file that is not a readable
// image is skipped and named in Dataset::warnings; no readable image at all is an InputError.
// A non-square image is centre-cropped to a square first (a stretch would distort shapes).
Dataset images_load_folder(const std::string& folder, int image_size, bool rgb, int train_count, uint64_t seed);

// Area (box) filter: each output pixel is the average of the source area it covers, with
// fractional weights at the edges. Works for shrinking and enlarging. Interleaved channels.
void resize_area(const uint8_t* src, int src_w, int src_h, int channels, uint8_t* dst, int dst_w, int dst_h);
