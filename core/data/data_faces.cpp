// The built-in "faces" and "faces-rgb" datasets: cartoon faces with continuous factors, the basis
// for latent arithmetic ("smiling - neutral = a smile vector"), grey or in colour. See data_generated.h.
#include <cmath>
#include <string>
#include <vector>

#include "data/data_generated.h"
#include "data/data_raster.h"
#include "nn/rng.h"

namespace {

constexpr int kSide = 28;  // the grid the face is laid out on, whatever the image's side
constexpr float kPi = 3.14159265f;
constexpr float kSkin = 0.85f, kInk = 0.08f;  // a light head, dark features: both edges show
constexpr float kMaxTiltRadians = 20.0f * kPi / 180.0f;
// Colour faces: the head is tinted, half saturated and light, so every hue keeps the contrast of
// the grey face's skin against the dark eyes and mouth.
constexpr float kHeadSaturation = 0.55f, kHeadValue = 0.95f;

struct FaceFactors {
  float smile, eye_openness, face_width, head_tilt;
};

std::vector<Pt> ellipse(float cx, float cy, float rx, float ry, int n) {
  std::vector<Pt> pts;
  for (int k = 0; k < n; ++k) {
    const float a = 2 * kPi * k / n;
    pts.push_back({cx + rx * std::cos(a), cy + ry * std::sin(a)});
  }
  return pts;
}

// Laid out on the 28-pixel grid, drawn scaled by `zoom` (the image's side / 28).
void draw_face(Canvas& canvas, Canvas& mask, const FaceFactors& f, float zoom) {
  const float cx = 14.0f, cy = 14.5f;
  const float head_rx = 7.5f + 3.5f * f.face_width, head_ry = 11.5f;
  const float angle = f.head_tilt * kMaxTiltRadians;
  const float c = std::cos(angle), s = std::sin(angle);
  // Everything is laid out upright, then turned about the head's centre, then scaled.
  auto tilt = [&](std::vector<Pt> pts) {
    for (Pt& p : pts) {
      const float x = p.x - cx, y = p.y - cy;
      p = {zoom * (cx + c * x - s * y), zoom * (cy + s * x + c * y)};
    }
    return pts;
  };

  mask.clear();
  raster_polygon_max(mask, tilt(ellipse(cx, cy, head_rx, head_ry, 48)));
  canvas_paint(canvas, mask, kSkin);

  mask.clear();
  const float eye_dx = 0.42f * head_rx, eye_y = cy - 3.0f;
  const float eye_ry = 0.45f + 1.9f * f.eye_openness;
  raster_polygon_max(mask, tilt(ellipse(cx - eye_dx, eye_y, 1.9f, eye_ry, 24)));
  raster_polygon_max(mask, tilt(ellipse(cx + eye_dx, eye_y, 1.9f, eye_ry, 24)));
  canvas_paint(canvas, mask, kInk);

  // The mouth is a parabola: at smile +1 the corners rise and the middle drops.
  mask.clear();
  std::vector<Pt> mouth;
  const float half_mouth = 3.2f + 1.8f * f.face_width, mouth_y = cy + 5.0f;
  for (int k = 0; k <= 16; ++k) {
    const float u = -1.0f + 2.0f * k / 16;
    mouth.push_back({cx + half_mouth * u, mouth_y + 1.1f * f.smile - 2.2f * f.smile * u * u});
  }
  std::vector<PenPt> pen;
  for (const Pt& p : tilt(mouth)) pen.push_back({p.x, p.y, 0.8f * zoom});
  raster_stroke_max(mask, pen, 1.0f);
  canvas_paint(canvas, mask, kInk);
}

}  // namespace

Dataset generate_faces(int count, int train_count, uint64_t seed, int channels, int side) {
  std::vector<std::string> factor_names = {"smile", "eye_openness", "face_width", "head_tilt"};
  if (channels == 3) factor_names.push_back("hue");
  Dataset d = generated_dataset_init(channels == 3 ? "faces-rgb" : "faces", channels, count, train_count,
                                     {"frowning", "neutral", "smiling"}, std::move(factor_names), side);  // factors (4 or 5, count)
  const size_t features = static_cast<size_t>(d.features());
  Canvas canvas(side, side), mask(side, side);
  const float zoom = float(side) / kSide;
  for (int i = 0; i < count; ++i) {
    Rng rng(generated_sample_seed(seed, i));
    FaceFactors f;
    f.smile = 2 * rng.uniform() - 1;
    f.eye_openness = rng.uniform();
    f.face_width = rng.uniform();
    f.head_tilt = 2 * rng.uniform() - 1;
    canvas.clear();
    draw_face(canvas, mask, f, zoom);
    uint8_t* out = &d.pixels[static_cast<size_t>(i) * features];
    d.labels[i] = f.smile < -1.0f / 3 ? 0 : (f.smile > 1.0f / 3 ? 2 : 1);
    d.factors(0, i) = f.smile;
    d.factors(1, i) = f.eye_openness;
    d.factors(2, i) = f.face_width;
    d.factors(3, i) = f.head_tilt;
    if (channels == 3) {
      // Drawn after the other factors, so sample i is the same face as in the grey set. The tint
      // maps the grey skin value to the head colour, so skin becomes that colour and ink stays dark.
      const float hue = rng.uniform();
      const Rgb head = hsv_to_rgb(hue, kHeadSaturation, kHeadValue);
      canvas_to_bytes_tinted(canvas, {head.r / kSkin, head.g / kSkin, head.b / kSkin}, out);
      d.factors(4, i) = hue;
    } else {
      canvas_to_bytes(canvas, out);
    }
  }
  return d;
}
