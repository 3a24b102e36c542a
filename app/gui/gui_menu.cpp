// The window's menu bar: the app's name, File (sessions: gui_session.cpp), Lessons (gui_lessons.cpp),
// Export (gui_export.cpp) and Help (gui_shortcuts.cpp), with the frame rate at its right end; a recent
// export's outcome takes the tagline's place. The left column and the centre start under it
// (menu_bar_height), so a menu never covers a control.
#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "gui_help.h"
#include "gui_state.h"

float menu_bar_height() { return ImGui::GetFrameHeight(); }

void ui_menu_bar(AppState& app) {
  if (!ImGui::BeginMainMenuBar()) return;
  // The bar's whole rectangle: its menus reach its edges, past the content region.
  const ImVec2 bar_min = ImGui::GetWindowPos(), bar_size = ImGui::GetWindowSize();
  layout_push(&app.layout, "menu bar", bar_min, ImVec2(bar_min.x + bar_size.x, bar_min.y + bar_size.y));
  ImGui::TextUnformatted("latentlab");
  layout_item(&app.layout, "app name");
  if (ImGui::BeginMenu("File")) {
    ui_file_menu_items(app);
    ImGui::EndMenu();
  }
  control_help(app, "file_menu");
  layout_item(&app.layout, "File menu");
  if (ImGui::BeginMenu("Lessons")) {
    ui_lessons_menu_items(app);
    ImGui::EndMenu();
  }
  control_help(app, "lessons_menu");
  layout_item(&app.layout, "Lessons menu");
  if (ImGui::BeginMenu("Export")) {
    ui_export_menu_items(app);
    ImGui::EndMenu();
  }
  control_help(app, "export_menu");
  layout_item(&app.layout, "Export menu");
  if (ImGui::BeginMenu("Help")) {
    ui_help_menu_items(app);
    ImGui::EndMenu();
  }
  control_help(app, "help_menu");
  layout_item(&app.layout, "Help menu");

  // The right end: the tagline where the bar has room for it, then the frame rate.
  char fps[32];
  std::snprintf(fps, sizeof fps, "%.0f fps", app.stats.fps_smoothed);
  const char* tagline = "autoencoders you can touch";
  const ImGuiStyle& style = ImGui::GetStyle();
  const float fps_width = ImGui::CalcTextSize("1000 fps").x;
  const float right = ImGui::GetWindowContentRegionMax().x;
  bool export_error = false;
  const char* status = export_status_line(app, &export_error);
  const float status_room = ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize("1000 fps").x -
                            ImGui::GetStyle().ItemSpacing.x * 3 - ImGui::GetCursorPosX();
  if (status && status_room > ImGui::GetFontSize() * 6) {
    // Where the last export went (or why not), as much as fits; the whole on hover.
    ImGui::SameLine();
    const float room = right - fps_width - style.ItemSpacing.x * 2 - ImGui::GetCursorPosX();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::PushClipRect(at, ImVec2(at.x + room, at.y + ImGui::GetFrameHeight()), true);
    ImGui::TextColored(export_error ? app.theme->error_text : app.theme->good_text, "%s", status);
    ImGui::PopClipRect();
    if (ImGui::IsItemHovered() && ImGui::CalcTextSize(status).x > room) ImGui::SetTooltip("%s", status);
    layout_rect(&app.layout, "export status", at, ImVec2(at.x + std::min(room, ImGui::CalcTextSize(status).x), at.y + ImGui::GetTextLineHeight()));
  } else {
    const float tagline_x = right - fps_width - style.ItemSpacing.x * 2 - ImGui::CalcTextSize(tagline).x;
    if (tagline_x > ImGui::GetCursorPosX() + style.ItemSpacing.x) {
      ImGui::SameLine(tagline_x);
      ImGui::TextDisabled("%s", tagline);
      layout_item(&app.layout, "tagline");
    }
  }
  ImGui::SameLine(right - ImGui::CalcTextSize(fps).x);
  ImGui::TextDisabled("%s", fps);
  layout_item(&app.layout, "fps");
  layout_pop(&app.layout);
  ImGui::EndMainMenuBar();
  ui_session_popups(app);
  ui_shortcuts_overlay(app);
}
