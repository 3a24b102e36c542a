// The lines benchmark's images (data_generated.h): one anti-aliased stroke per image, drawn with
// the generators' analytic rasteriser, so the dataset and the metrics' reference lines are the
// same drawing.
#include <cmath>

#include "data/data_generated.h"
#include "data/data_raster.h"
#include "nn/rng.h"

namespace {

constexpr float kTwoPi = 6.28318530718f;
constexpr float kCentre = 16.0f, kLength = 15.0f, kHalfWidth = 1.0f;
constexpr int kAngleBins = 10;

void draw_line(Canvas& canvas, float angle) {
  canvas.clear();
  const std::vector<PenPt> pen = {{kCentre, kCentre, kHalfWidth},
                                  {kCentre + kLength * std::cos(angle), kCentre - kLength * std::sin(angle), kHalfWidth}};
  raster_stroke_max(canvas, pen, 1.0f);
}

}  // namespace

void draw_line_image(float angle, float* out) {
  Canvas canvas(kLineSide, kLineSide);
  draw_line(canvas, angle);
  for (size_t i = 0; i < canvas.v.size(); ++i) out[i] = canvas.v[i];
}

Dataset generate_lines(int count, int train_count, uint64_t seed) {
  std::vector<std::string> bins;
  for (int b = 0; b < kAngleBins; ++b)
    bins.push_back(std::to_string(b * 360 / kAngleBins) + "-" + std::to_string((b + 1) * 360 / kAngleBins) + " deg");
  Dataset d = generated_dataset_init("lines", 1, count, train_count, std::move(bins), {"angle"}, kLineSide);
  Canvas canvas(kLineSide, kLineSide);
  for (int i = 0; i < count; ++i) {
    Rng rng(generated_sample_seed(seed, i));
    const float angle = std::fmod(kTwoPi * rng.uniform(), kTwoPi);
    draw_line(canvas, angle);
    canvas_to_bytes(canvas, &d.pixels[static_cast<size_t>(i) * d.features()]);
    d.labels[i] = std::min(kAngleBins - 1, static_cast<int>(angle / kTwoPi * kAngleBins));
    d.factors(0, i) = angle;
  }
  return d;
}
