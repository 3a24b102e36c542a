// Anti-aliased drawing for the built-in generators (digits, sprites, faces): thick strokes along
// polylines and filled polygons, rendered analytically (distance to the stroke, exact horizontal
// span coverage on sub-scanlines) so that 12,000 images draw in a fraction of a second.
// A Canvas holds floats in [0,1], row-major (height, width); pixel (x, y) covers [x, x+1) x [y, y+1).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

struct Pt {
  float x = 0, y = 0;
};

// One point of a stroke: where the pen is and how wide it draws there (half the width, in pixels).
struct PenPt {
  float x = 0, y = 0, half_width = 1;
};

struct Canvas {
  int width = 0, height = 0;
  std::vector<float> v;  // (height, width), row-major
  Canvas(int w, int h) : width(w), height(h), v(static_cast<size_t>(w) * h, 0.0f) {}
  void clear(float value = 0) { v.assign(v.size(), value); }
  float& at(int x, int y) { return v[static_cast<size_t>(y) * width + x]; }
};

// Coverage of a thick stroke along `pen`, combined into `cov` with max() so that overlapping
// segments do not darken. `soft` is the width of the edge ramp in pixels (1 = box-filter AA;
// larger looks like the blurred, downsampled strokes of scanned handwriting).
void raster_stroke_max(Canvas& cov, const std::vector<PenPt>& pen, float soft);

// Coverage of a filled polygon (even-odd rule), 4 sub-scanlines per pixel with exact horizontal
// coverage, combined into `cov` with max().
void raster_polygon_max(Canvas& cov, const std::vector<Pt>& polygon);

// dst = dst * (1 - cov) + value * cov: paints `value` through the coverage mask `cov`.
void canvas_paint(Canvas& dst, const Canvas& cov, float value);

// A uniform Catmull-Rom spline through `control` (closed: wraps around), sampled
// with `steps` points per span. The curve passes through every control point, which makes
// templates easy to write by hand: list points along the pen's path.
std::vector<Pt> catmull_rom(const std::vector<Pt>& control, int steps, bool closed);

// Writes the canvas into bytes (value * 255, rounded, clamped).
void canvas_to_bytes(const Canvas& c, uint8_t* out);

// A colour, each channel in [0, 1].
struct Rgb {
  float r = 0, g = 0, b = 0;
};
// The colour of `hue` in [0, 1) (0 red, 1/3 green, 2/3 blue) at `saturation` and `value` in [0, 1].
Rgb hsv_to_rgb(float hue, float saturation, float value);
// Writes the canvas tinted by `tint` as interleaved RGB bytes (y, x, c): each channel is
// value * tint, so black stays black and the canvas's shading and anti-aliasing carry over.
void canvas_to_bytes_tinted(const Canvas& c, Rgb tint, uint8_t* out);
