// JPEG reference: see jpeg_reference.h. Quality is searched on the mean file size alone (encoding
// is cheap, decoding is not needed for the size); only the chosen qualities are decoded.
#include "measure/jpeg_reference.h"

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "data/image_decode.h"
#include "io/errors.h"
#include "measure/reduction.h"

namespace {

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

// The bytes after the start-of-scan header up to the end-of-image marker: what varies per image.
// stb_image_write writes one baseline scan, so the first SOS marker (FF DA) is the scan's.
size_t scan_size(const std::vector<uint8_t>& file) {
  for (size_t i = 2; i + 3 < file.size();) {
    if (file[i] != 0xFF) break;
    const int marker = file[i + 1];
    const size_t length = (size_t(file[i + 2]) << 8) | file[i + 3];
    if (marker == 0xDA) {
      const size_t start = i + 2 + length;
      return file.size() >= start + 2 ? file.size() - start - 2 : 0;  // less the EOI marker
    }
    i += 2 + length;
  }
  return file.size();
}

void check_images(const Dataset& data, ConstMatRef held) {
  if (!data.is_image) throw InputError(data.name + ": JPEG reference needs images, not a table of values");
  if (data.channels != 1 && data.channels != 3)
    throw InputError(data.name + ": JPEG reference needs images of 1 or 3 channels, not " +
                     std::to_string(data.channels));
  if (held.rows() != data.features())
    throw InputError(data.name + ": JPEG reference: samples of " + std::to_string(held.rows()) +
                     " values for images of " + std::to_string(data.features()));
  if (held.size() > 0 && (held.minCoeff() < 0.0f || held.maxCoeff() > 1.0f))
    throw InputError(data.name + ": JPEG reference needs values in [0, 1] (8-bit images)");
}

double mean_file_bytes(const Dataset& data, ConstMatRef held, int quality) {
  double sum = 0;
  for (Eigen::Index j = 0; j < held.cols(); ++j)
    sum += double(jpeg_encode_sample(held.col(j).data(), data.width, data.height, data.channels, quality).size());
  return held.cols() > 0 ? sum / double(held.cols()) : 0.0;
}

}  // namespace

std::vector<uint8_t> jpeg_encode_sample(const float* sample, int width, int height, int channels, int quality) {
  const int n = width * height * channels;
  std::vector<uint8_t> pixels(n);
  for (int i = 0; i < n; ++i)
    pixels[i] = static_cast<uint8_t>(std::lround(std::clamp(sample[i], 0.0f, 1.0f) * 255.0f));
  std::vector<uint8_t> file;
  if (!stbi_write_jpg_to_func(append_bytes, &file, width, height, channels, pixels.data(), quality))
    throw InputError("JPEG reference: stb_image_write could not write a " + std::to_string(width) + "x" +
                     std::to_string(height) + " image");
  return file;
}

JpegPoint jpeg_point(const Dataset& data, ConstMatRef held, int quality) {
  check_images(data, held);
  JpegPoint p;
  p.quality = quality;
  double bytes = 0, scan = 0, squared = 0;
  for (Eigen::Index j = 0; j < held.cols(); ++j) {
    const std::vector<uint8_t> file =
        jpeg_encode_sample(held.col(j).data(), data.width, data.height, data.channels, quality);
    bytes += double(file.size());
    scan += double(scan_size(file));
    const DecodedImage img = image_decode(file.data(), file.size(), data.channels);
    if (!img.ok() || img.width != data.width || img.height != data.height)
      throw InputError(data.name + ": JPEG reference: our own JPEG did not decode back: " + img.error);
    for (Eigen::Index i = 0; i < held.rows(); ++i) {
      const double d = img.pixels[i] / 255.0 - held(i, j);
      squared += d * d;
    }
  }
  const double m = double(std::max<Eigen::Index>(held.cols(), 1));
  p.bytes = bytes / m;
  p.scan_bytes = scan / m;
  p.psnr = psnr_from_mse(squared / (m * double(held.rows())));
  return p;
}

JpegReference jpeg_reference(const Dataset& data, int latent) {
  const Mat held = dataset_held_matrix(data);
  if (held.cols() < 1) throw InputError(data.name + ": no held-out samples for the JPEG reference (see --train)");
  JpegReference r;
  r.code_bytes = 4.0 * latent;
  r.smallest = jpeg_point(data, held, 1);
  r.first_matching_latent = static_cast<int>(std::ceil(r.smallest.bytes / 4.0));
  // The mean size grows with quality (stb's tables scale with it), so the first quality at least
  // as large as the code, or the one before it, is the closest.
  int lo = 1, hi = 100;
  if (r.code_bytes <= r.smallest.bytes) hi = 1;
  else if (mean_file_bytes(data, held, 100) < r.code_bytes) lo = hi;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (mean_file_bytes(data, held, mid) >= r.code_bytes) hi = mid; else lo = mid + 1;
  }
  int q = lo;
  if (q > 1 && std::abs(mean_file_bytes(data, held, q - 1) - r.code_bytes) <=
                   std::abs(mean_file_bytes(data, held, q) - r.code_bytes))
    q -= 1;
  r.matched = q == 1 ? r.smallest : jpeg_point(data, held, q);
  return r;
}
