// manifold_image.h: the grid, the decoding, the tiles and the PNG.
#include "measure/manifold_image.h"

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>

#include "io/file_input.h"
#include "io/file_write.h"
#include "models/kinds.h"

double normal_quantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549671324901348e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normal_quantile(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

void manifold_grid_coords(const ManifoldLayout& g, std::vector<float>* us, std::vector<float>* vs) {
  const int n = std::max(1, g.tiles);
  us->resize(size_t(n));
  vs->resize(size_t(n));
  for (int i = 0; i < n; ++i) {
    (*us)[size_t(i)] = g.quantiles ? static_cast<float>(normal_quantile((i + 0.5) / n))
                                   : g.center[0] + g.half_extent * (2 * (i + 0.5f) / n - 1);
    (*vs)[size_t(i)] = g.quantiles ? static_cast<float>(normal_quantile((n - i - 0.5) / n))
                                   : g.center[1] - g.half_extent * (2 * (i + 0.5f) / n - 1);
  }
}

void manifold_decode(const Network& net, const ManifoldLayout& g, const std::function<void(float, float, float*)>& lift,
                     Mat* x) {
  std::vector<float> us, vs;
  manifold_grid_coords(g, &us, &vs);
  const int n = static_cast<int>(us.size());
  Mat z(net.config.latent, n * n);  // (latent, tiles)
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) lift(us[size_t(c)], vs[size_t(r)], z.col(r * n + c).data());
  x->resize(net.config.input_size, n * n);
  InferenceWorkspace ws;
  network_decode(net, z, *x, ws);
}

TileFormat tile_format_of(const Dataset& d) {
  TileFormat f;
  if (d.is_image) {
    f.width = d.width;
    f.height = d.height;
    f.channels = d.channels;
  } else {
    f.width = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(d.features())))));
    f.height = (d.features() + f.width - 1) / f.width;
  }
  if (!d.in_unit_range && d.values.size() > 0) {
    const float* v = d.values.data();
    f.lo = f.hi = v[0];
    for (Eigen::Index i = 1; i < d.values.size(); ++i) {
      f.lo = std::min(f.lo, v[i]);
      f.hi = std::max(f.hi, v[i]);
    }
  }
  return f;
}

std::vector<uint8_t> tiles_rgba(const Mat& x, int cols, int rows, const TileFormat& f) {
  const int stride = cols * f.width, features = static_cast<int>(x.rows());
  std::vector<uint8_t> rgba(size_t(stride) * rows * f.height * 4, 0);
  const float inv = 1.0f / std::max(1e-12f, f.hi - f.lo);
  const int colour_step = f.channels >= 3 ? 1 : 0;  // which channel feeds G and B: the next, or the same
  auto byte = [&](const float* values, int i) {
    const float v = (values[i] - f.lo) * inv;
    return static_cast<uint8_t>((v < 0 ? 0 : (v > 1 ? 1 : v)) * 255.0f + 0.5f);
  };
  for (int k = 0; k < cols * rows && k < x.cols(); ++k) {
    const float* values = x.col(k).data();
    const int x0 = (k % cols) * f.width, y0 = (k / cols) * f.height;
    for (int y = 0; y < f.height; ++y) {
      uint8_t* row = rgba.data() + (size_t(y0 + y) * stride + x0) * 4;
      for (int px = 0; px < f.width; ++px) {
        const int i = (y * f.width + px) * f.channels;
        if (i < features) {
          row[4 * px + 0] = byte(values, i);
          row[4 * px + 1] = byte(values, i + colour_step);
          row[4 * px + 2] = byte(values, i + 2 * colour_step);
        } else {  // beyond the last feature of non-image data
          row[4 * px + 0] = 24;
          row[4 * px + 1] = 26;
          row[4 * px + 2] = 30;
        }
        row[4 * px + 3] = 255;
      }
    }
  }
  return rgba;
}

bool manifold_png_write(const Network& net, const Dataset& data, int tiles, const std::string& path, std::string* error) {
  const int latent = net.config.latent;
  // The plane through the mean code: of up to 2,000 held-out samples (training samples when none are held out).
  const int first = data.test_count() > 0 ? data.train_count : 0;
  const int count = std::min(2000, data.test_count() > 0 ? data.test_count() : data.train_count);
  Mat x(data.features(), std::max(count, 1)), codes(latent, std::max(count, 1));
  Vec mean = Vec::Zero(latent);
  ManifoldLayout g;
  g.tiles = tiles;
  g.quantiles = model_kind_info(net.config.kind).variational;
  if (count > 0) {
    data.copy_range(first, count, x);
    InferenceWorkspace ws;
    network_encode(net, x, codes, ws);
    mean = codes.rowwise().mean();
    float spread = 0;
    for (int d = 0; d < std::min(latent, 2); ++d)
      spread = std::max(spread, std::sqrt((codes.row(d).array() - mean(d)).square().mean()));
    g.center[0] = mean(0);
    g.center[1] = latent > 1 ? mean(1) : 0.0f;
    g.half_extent = spread > 0 && std::isfinite(spread) ? 3 * spread : 3;
  }
  auto lift = [&](float u, float v, float* z) {
    for (int i = 0; i < latent; ++i) z[i] = mean(i);
    z[0] = u;
    if (latent > 1) z[1] = v;
  };
  Mat decoded;
  manifold_decode(net, g, lift, &decoded);
  const TileFormat f = tile_format_of(data);
  const std::vector<uint8_t> rgba = tiles_rgba(decoded, g.tiles, g.tiles, f);
  std::vector<uint8_t> png;
  auto append = [](void* context, void* bytes, int size) {
    auto* out = static_cast<std::vector<uint8_t>*>(context);
    out->insert(out->end(), static_cast<uint8_t*>(bytes), static_cast<uint8_t*>(bytes) + size);
  };
  if (!stbi_write_png_to_func(append, &png, g.tiles * f.width, g.tiles * f.height, 4, rgba.data(), g.tiles * f.width * 4)) {
    *error = "cannot encode the PNG for '" + printable_path(path) + "'";
    return false;
  }
  return write_file_atomically(path, png.data(), png.size(), error);
}
