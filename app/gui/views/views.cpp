// The list of a pane's views (views.h): the order they update in, and draw in on the map.
// A new view adds one row here. Also the helpers every view draws with.
#include "views.h"

#include <cstdio>
#include <cstring>

extern const PaneViewOps kHoleMapView, kManifoldView, kProbeView, kStripsView, kInterpView, kPointColorsView, kKlView,
    kTraversalView, kAnomalyView, kDenoiseView, kFeedView, kUnitsView, kSensitivityView, kFactorsView, kArithView;

const PaneViewOps* const kPaneViews[] = {
    &kHoleMapView,   // under the points, first
    &kManifoldView,  // under the points, over the hole map
    &kProbeView,
    &kStripsView,
    &kInterpView,
    &kPointColorsView,
    &kKlView,  // over the points, in the map's corner
    &kTraversalView,  // over the points, in the map's other corner
    &kAnomalyView,  // rings over the points; its row replaces the strips
    &kDenoiseView,  // its row replaces the strips
    &kFeedView,     // its row replaces the strips
    &kUnitsView,        // its row replaces the strips: the sparse AE's code units
    &kSensitivityView,  // its row replaces the strips; the nudged code's arrow over the points
    &kFactorsView,  // its row replaces the strips
    &kArithView,    // the arrow over the points; its row replaces the strips
};
const int kPaneViewCount = static_cast<int>(sizeof kPaneViews / sizeof kPaneViews[0]);

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
