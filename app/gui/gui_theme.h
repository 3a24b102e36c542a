// The app's colours, one table per theme: Dear ImGui's style colours and every colour the app
// draws by hand (backgrounds, the maps' grid and captions, the loss plots, text colours). Drawing
// code reads app.theme, never a colour constant of its own, so the light theme (for a projector in
// a lit room: dark text on white, high contrast) covers the whole window.
#pragma once
#include <imgui.h>

struct Theme {
  const char* name;
  // Dear ImGui's style
  ImVec4 text, text_disabled, window_bg, child_bg, popup_bg, border, frame_bg, frame_hovered, frame_active;
  ImVec4 accent, button, button_hovered, button_active, header, header_hovered, header_active;
  // Backgrounds cleared under the windows (software GL pays per blended pixel)
  float centre_bg[3], left_column_bg[3];
  // Drawn by hand
  ImU32 map_background;   // a latent map's empty plane (and the loss plots')
  ImU32 map_border, map_border_hovered;
  ImU32 grid_minor, grid_axis, tick_text, axis_name;
  ImU32 caption;          // captions on and under the maps
  ImU32 strong_text;      // figures that must stand out in captions
  ImU32 overlay_line;     // rings and circles over the points (prior, selection, hover)
  ImU32 overlay_shadow;   // the dark halo that keeps an overlay readable over any point colour
  ImU32 series_total, series_recon, series_penalty, series_heldout;  // the loss plots
  ImU32 series_critic;  // ACAI's critic loss, on its own scale in the loss plots
  ImVec4 error_text, warn_text, good_text;
};

extern const Theme kThemeDark;
extern const Theme kThemeLight;

void theme_apply_style(const Theme& theme, float scale);  // Dear ImGui's style: sizes times scale, colours
