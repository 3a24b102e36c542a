// The list of a pane's views (views.h): the order they update in, and draw in on the map.
// A new view adds one row here. Also the helpers every view draws with.
#include "views.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "gui_state.h"

extern const PaneViewOps kHoleMapView, kDecoderJacobianView, kManifoldView, kProbeView, kStripsView, kInterpView, kPointColorsView, kKlView,
    kTraversalView, kAnomalyView, kDenoiseView, kColouriseView, kLinearProbeView, kRateDistortionView, kFeedView, kUnitsView, kSensitivityView, kFactorsView, kArithView;

const PaneViewOps* const kPaneViews[] = {
    &kHoleMapView,   // under the points, first
    &kDecoderJacobianView,  // under the points, in place of the hole map
    &kManifoldView,  // under the points, over the hole map
    &kProbeView,
    &kStripsView,
    &kInterpView,
    &kPointColorsView,
    &kKlView,  // over the points, in the map's corner
    &kTraversalView,  // over the points, in the map's other corner
    &kAnomalyView,  // rings over the points; its row replaces the strips
    &kDenoiseView,  // its row replaces the strips
    &kColouriseView,  // its row replaces the strips (colour data)
    &kLinearProbeView,  // its row replaces the strips; measured on request
    &kRateDistortionView,  // its row replaces the strips; measured on request
    &kFeedView,     // its row replaces the strips
    &kUnitsView,        // its row replaces the strips: the sparse AE's code units
    &kSensitivityView,  // its row replaces the strips; the nudged code's arrow over the points
    &kFactorsView,  // its row replaces the strips
    &kArithView,    // the arrow over the points; its row replaces the strips
};
const int kPaneViewCount = static_cast<int>(sizeof kPaneViews / sizeof kPaneViews[0]);

static void map_grid_key(const MapView& v, int cells, float key[6]) {
  key[0] = v.center[0];
  key[1] = v.center[1];
  key[2] = v.half_extent;
  key[3] = v.rect_max.x - v.rect_min.x;
  key[4] = v.rect_max.y - v.rect_min.y;
  key[5] = static_cast<float>(cells);
}

MapGrid map_grid(const MapView& v, int cells) {
  MapGrid g;
  map_grid_key(v, cells, g.key);
  const float w = g.key[3], hgt = g.key[4];
  if (w < 8 || hgt < 8) return g;
  const float cell = std::max(w, hgt) / cells;
  g.cols = std::max(1, static_cast<int>(std::ceil(w / cell - 1e-3f)));
  g.rows = std::max(1, static_cast<int>(std::ceil(hgt / cell - 1e-3f)));
  const float scale = 0.5f * std::min(w, hgt) / v.half_extent;  // pixels per plane unit
  const float u0 = v.center[0] - 0.5f * w / scale, v1 = v.center[1] + 0.5f * hgt / scale;
  g.rect[0] = u0;
  g.rect[1] = v1 - g.rows * cell / scale;
  g.rect[2] = u0 + g.cols * cell / scale;
  g.rect[3] = v1;
  return g;
}

bool map_grid_moved(const MapView& v, int cells, const float key[6]) {
  float now[6];
  map_grid_key(v, cells, now);
  for (int i = 0; i < 6; ++i)
    if (std::fabs(now[i] - key[i]) > 1e-6f * (1 + std::fabs(now[i]))) return true;
  return false;
}

void plane_rect_on_screen(const MapView& v, const float rect[4], ImVec2* min, ImVec2* max) {
  const float w = v.rect_max.x - v.rect_min.x, hgt = v.rect_max.y - v.rect_min.y;
  const float scale = 0.5f * std::min(w, hgt) / v.half_extent;
  const float cx = 0.5f * (v.rect_min.x + v.rect_max.x), cy = 0.5f * (v.rect_min.y + v.rect_max.y);
  *min = ImVec2(cx + (rect[0] - v.center[0]) * scale, cy - (rect[3] - v.center[1]) * scale);
  *max = ImVec2(cx + (rect[2] - v.center[0]) * scale, cy - (rect[1] - v.center[1]) * scale);
}

float map_grid_value(const float rect[4], int cols, int rows, const std::vector<float>& values, float u, float v) {
  if (cols == 0) return -1;
  const float fx = (u - rect[0]) / (rect[2] - rect[0]), fy = (rect[3] - v) / (rect[3] - rect[1]);
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return -1;
  const int c = std::min(cols - 1, static_cast<int>(fx * cols)), r = std::min(rows - 1, static_cast<int>(fy * rows));
  return values[static_cast<size_t>(r) * cols + c];
}

const char* fitting_caption(float width, const char* long_text, const char* short_text, const char* tiny_text) {
  const char* last = long_text;
  for (const char* form : {long_text, short_text, tiny_text}) {
    if (!form || !form[0]) continue;
    if (ImGui::CalcTextSize(form).x <= width) return form;
    last = form;
  }
  return last;
}

float draw_text_clamped(ImDrawList* draw, ImVec2 at, ImU32 color, const char* text, float wrap, int max_lines) {
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize(), scale = size / font->FontSize;
  const char* end = text + std::strlen(text);
  const char* s = text;
  float y = at.y;
  for (int line = 0; s < end && line < max_lines; ++line) {
    const char* eol = font->CalcWordWrapPositionA(scale, s, end, wrap);
    if (eol == s) ++eol;  // a word wider than the row: one character, as Dear ImGui does
    if (line == max_lines - 1 && eol < end) {  // more than fits: this line ends in "..."
      eol = font->CalcWordWrapPositionA(scale, s, end, wrap - ImGui::CalcTextSize("...").x);
      if (eol == s) ++eol;
      const char* cut = eol;
      while (cut > s && cut[-1] == ' ') --cut;
      char buf[512];
      std::snprintf(buf, sizeof buf, "%.*s...", static_cast<int>(cut - s), s);
      draw->AddText(ImVec2(at.x, y), color, buf);
    } else {
      draw->AddText(ImVec2(at.x, y), color, s, eol);
    }
    y += size;
    s = eol;
    while (s < end && (*s == ' ' || *s == '\n')) ++s;
  }
  return y - at.y;
}

int map_free_rects(const AppState& app, ImVec2 min, ImVec2 max, ImVec4* out, int cap) {
  if (cap <= 0) return 0;
  int n = 0;
  out[n++] = ImVec4(min.x, min.y, max.x, max.y);
  const LayoutRecorder& rec = app.layout;
  if (rec.depth == 0 || rec.stack[rec.depth - 1] < 0) return n;
  const int container = rec.stack[rec.depth - 1];
  const float least = 2 * ImGui::GetTextLineHeight();
  for (int i = 0; i < rec.item_count; ++i) {
    const LayoutItem& it = rec.items[i];
    if (it.container != container || it.max.x - it.min.x < least || it.max.y - it.min.y < least) continue;
    // Each free rectangle the box meets becomes up to four around it: above, below, left, right.
    ImVec4 next[64];
    int m = 0;
    for (int r = 0; r < n; ++r) {
      const ImVec4 a = out[r];
      if (it.min.x >= a.z || it.max.x <= a.x || it.min.y >= a.w || it.max.y <= a.y) {
        if (m < 64) next[m++] = a;
        continue;
      }
      const float y0 = std::max(a.y, it.min.y), y1 = std::min(a.w, it.max.y);
      const ImVec4 parts[4] = {ImVec4(a.x, a.y, a.z, y0), ImVec4(a.x, y1, a.z, a.w), ImVec4(a.x, y0, std::max(a.x, it.min.x), y1),
                               ImVec4(std::min(a.z, it.max.x), y0, a.z, y1)};
      for (const ImVec4& q : parts)
        if (q.z > q.x && q.w > q.y && m < 64) next[m++] = q;
    }
    n = std::min(m, cap);
    for (int r = 0; r < n; ++r) out[r] = next[r];
  }
  return n;
}
