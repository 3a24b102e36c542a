// Anti-aliased strokes and polygons for the generators. See data_raster.h.
#include "data/data_raster.h"

#include <algorithm>
#include <cmath>

void raster_stroke_max(Canvas& cov, const std::vector<PenPt>& pen, float soft) {
  const float half_soft = 0.5f * soft;
  for (size_t s = 0; s + 1 < pen.size(); ++s) {
    const PenPt a = pen[s], b = pen[s + 1];
    const float reach = std::max(a.half_width, b.half_width) + half_soft + 1.0f;
    // Only pixels near the segment can be touched; its padded bounding box bounds the loop.
    int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
    int x1 = std::min(cov.width - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
    int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
    int y1 = std::min(cov.height - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len2 = dx * dx + dy * dy;
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        const float px = x + 0.5f - a.x, py = y + 0.5f - a.y;
        float t = len2 > 1e-12f ? (px * dx + py * dy) / len2 : 0.0f;
        t = std::min(1.0f, std::max(0.0f, t));
        const float ex = px - t * dx, ey = py - t * dy;
        const float half_width = a.half_width + t * (b.half_width - a.half_width);
        const float outer = half_width + half_soft, dist2 = ex * ex + ey * ey;
        if (dist2 >= outer * outer) continue;  // most pixels of the box: skip the square root
        // A linear ramp of width `soft` centred on the stroke's edge.
        float c = (outer - std::sqrt(dist2)) / soft;
        if (c <= 0) continue;
        if (c > 1) c = 1;
        float& dst = cov.at(x, y);
        if (c > dst) dst = c;
      }
    }
  }
}

void raster_polygon_max(Canvas& cov, const std::vector<Pt>& polygon) {
  constexpr int kSubRows = 4;
  const size_t n = polygon.size();
  if (n < 3) return;
  float ymin = polygon[0].y, ymax = polygon[0].y;
  for (const Pt& p : polygon) ymin = std::min(ymin, p.y), ymax = std::max(ymax, p.y);
  int row0 = std::max(0, static_cast<int>(std::floor(ymin)));
  int row1 = std::min(cov.height - 1, static_cast<int>(std::ceil(ymax)));
  std::vector<float> crossings;
  std::vector<float> row_cov(cov.width);
  for (int row = row0; row <= row1; ++row) {
    std::fill(row_cov.begin(), row_cov.end(), 0.0f);
    for (int k = 0; k < kSubRows; ++k) {
      const float y = row + (k + 0.5f) / kSubRows;
      crossings.clear();
      for (size_t i = 0; i < n; ++i) {
        const Pt a = polygon[i], b = polygon[(i + 1) % n];
        if ((a.y <= y) != (b.y <= y)) crossings.push_back(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x));
      }
      std::sort(crossings.begin(), crossings.end());
      for (size_t i = 0; i + 1 < crossings.size(); i += 2) {
        const float xa = std::max(0.0f, crossings[i]);
        const float xb = std::min(static_cast<float>(cov.width), crossings[i + 1]);
        if (xb <= xa) continue;
        for (int x = static_cast<int>(xa); x < cov.width && x < xb; ++x) {
          const float overlap = std::min(xb, x + 1.0f) - std::max(xa, static_cast<float>(x));
          if (overlap > 0) row_cov[x] += overlap / kSubRows;
        }
      }
    }
    for (int x = 0; x < cov.width; ++x) {
      float& dst = cov.at(x, row);
      const float c = std::min(1.0f, row_cov[x]);
      if (c > dst) dst = c;
    }
  }
}

void canvas_paint(Canvas& dst, const Canvas& cov, float value) {
  for (size_t i = 0; i < dst.v.size(); ++i) dst.v[i] += (value - dst.v[i]) * cov.v[i];
}

std::vector<Pt> catmull_rom(const std::vector<Pt>& control, int steps, bool closed) {
  const int n = static_cast<int>(control.size());
  std::vector<Pt> out;
  if (n < 2) return control;
  auto point = [&](int i) {
    if (closed) return control[((i % n) + n) % n];
    return control[std::min(n - 1, std::max(0, i))];  // open ends repeat their end point
  };
  const int spans = closed ? n : n - 1;
  out.reserve(static_cast<size_t>(spans) * steps + 1);
  for (int s = 0; s < spans; ++s) {
    const Pt p0 = point(s - 1), p1 = point(s), p2 = point(s + 1), p3 = point(s + 2);
    for (int k = 0; k < steps; ++k) {
      const float t = static_cast<float>(k) / steps, t2 = t * t, t3 = t2 * t;
      Pt q;
      q.x = 0.5f * (2 * p1.x + (-p0.x + p2.x) * t + (2 * p0.x - 5 * p1.x + 4 * p2.x - p3.x) * t2 +
                    (-p0.x + 3 * p1.x - 3 * p2.x + p3.x) * t3);
      q.y = 0.5f * (2 * p1.y + (-p0.y + p2.y) * t + (2 * p0.y - 5 * p1.y + 4 * p2.y - p3.y) * t2 +
                    (-p0.y + 3 * p1.y - 3 * p2.y + p3.y) * t3);
      out.push_back(q);
    }
  }
  out.push_back(closed ? control[0] : control[n - 1]);
  return out;
}

static uint8_t unit_to_byte(float value) {
  const float v = value * 255.0f + 0.5f;
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

void canvas_to_bytes(const Canvas& c, uint8_t* out) {
  for (size_t i = 0; i < c.v.size(); ++i) out[i] = unit_to_byte(c.v[i]);
}

Rgb hsv_to_rgb(float hue, float saturation, float value) {
  // Six sectors of the hue circle; in each, one channel is at `value`, one at the floor, one ramps.
  const float h6 = (hue - std::floor(hue)) * 6.0f;
  const int sector = std::min(5, static_cast<int>(h6));
  const float f = h6 - sector;
  const float p = value * (1 - saturation), q = value * (1 - saturation * f), t = value * (1 - saturation * (1 - f));
  switch (sector) {
    case 0: return {value, t, p};
    case 1: return {q, value, p};
    case 2: return {p, value, t};
    case 3: return {p, q, value};
    case 4: return {t, p, value};
    default: return {value, p, q};
  }
}

void canvas_to_bytes_tinted(const Canvas& c, Rgb tint, uint8_t* out) {
  for (size_t i = 0; i < c.v.size(); ++i) {
    out[3 * i + 0] = unit_to_byte(c.v[i] * tint.r);
    out[3 * i + 1] = unit_to_byte(c.v[i] * tint.g);
    out[3 * i + 2] = unit_to_byte(c.v[i] * tint.b);
  }
}
