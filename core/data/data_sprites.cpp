// The built-in "sprites" and "sprites-rgb" datasets: dSprites-like square, ellipse and heart,
// grey or in colour. See data_generated.h.
#include <cmath>
#include <string>
#include <vector>

#include "data/data_generated.h"
#include "data/data_raster.h"
#include "nn/rng.h"

namespace {

constexpr int kSide = 28;  // the grid the shapes are laid out on, whatever the image's side
constexpr float kPi = 3.14159265f;
// At scale 1 a shape reaches at most kReach pixels from its centre whatever its rotation, so a
// centre in [kReach, kSide - kReach] keeps every sprite whole.
constexpr float kReach = 7.5f;
// Colour sprites: strongly saturated at full value, so every hue is bright on black and the
// channels differ clearly; not fully saturated, so a blue sprite is not nearly black in its
// red and green channels alone.
constexpr float kSaturation = 0.8f;

// The outline of `shape` around the origin, at scale 1, unrotated (y down).
std::vector<Pt> shape_outline(int shape) {
  std::vector<Pt> pts;
  if (shape == 0) {  // square, half side 5 (half diagonal 7.1)
    pts = {{-5, -5}, {5, -5}, {5, 5}, {-5, 5}};
  } else if (shape == 1) {  // ellipse 13 x 7: elongated, so that its rotation shows
    for (int k = 0; k < 40; ++k) {
      const float a = 2 * kPi * k / 40;
      pts.push_back({6.5f * std::cos(a), 3.5f * std::sin(a)});
    }
  } else {  // heart: the classic parametric curve, scaled to a 12-pixel box, tip down
    for (int k = 0; k < 48; ++k) {
      const float t = 2 * kPi * k / 48, s = std::sin(t);
      const float x = 16 * s * s * s;
      const float y = -(13 * std::cos(t) - 5 * std::cos(2 * t) - 2 * std::cos(3 * t) - std::cos(4 * t));
      pts.push_back({x * (6.5f / 17), (y - 2.5f) * (6.5f / 17)});  // y spans [-12, 17]: centre it
    }
  }
  return pts;
}

}  // namespace

Dataset generate_sprites(int count, int train_count, uint64_t seed, int channels, int side) {
  std::vector<std::string> factor_names = {"shape", "scale", "rotation", "x", "y"};
  if (channels == 3) factor_names.push_back("hue");
  Dataset d = generated_dataset_init(channels == 3 ? "sprites-rgb" : "sprites", channels, count, train_count,
                                     {"square", "ellipse", "heart"}, std::move(factor_names), side);  // factors (5 or 6, count)
  const std::vector<Pt> outlines[3] = {shape_outline(0), shape_outline(1), shape_outline(2)};
  const size_t features = static_cast<size_t>(d.features());
  Canvas canvas(side, side);
  const float zoom = float(side) / kSide;  // laid out on the 28-pixel grid, drawn at `side`
  std::vector<Pt> polygon;
  for (int i = 0; i < count; ++i) {
    Rng rng(generated_sample_seed(seed, i));
    const int shape = rng.below(3);
    const float scale = 0.5f + 0.5f * rng.uniform();
    const float rotation = 2 * kPi * rng.uniform();
    const float x = rng.uniform(), y = rng.uniform();
    const float cx = kReach + x * (kSide - 2 * kReach), cy = kReach + y * (kSide - 2 * kReach);
    const float c = std::cos(rotation), s = std::sin(rotation);
    polygon.clear();
    for (const Pt& p : outlines[shape])
      polygon.push_back({zoom * (cx + scale * (c * p.x - s * p.y)), zoom * (cy + scale * (s * p.x + c * p.y))});
    canvas.clear();
    raster_polygon_max(canvas, polygon);
    uint8_t* out = &d.pixels[static_cast<size_t>(i) * features];
    d.labels[i] = shape;
    d.factors(0, i) = static_cast<float>(shape);
    d.factors(1, i) = scale;
    d.factors(2, i) = rotation;
    d.factors(3, i) = x;
    d.factors(4, i) = y;
    if (channels == 3) {
      // Drawn after the other factors, so sample i is the same sprite as in the grey set.
      const float hue = rng.uniform();
      canvas_to_bytes_tinted(canvas, hsv_to_rgb(hue, kSaturation, 1.0f), out);
      d.factors(5, i) = hue;
    } else {
      canvas_to_bytes(canvas, out);
    }
  }
  return d;
}
