// The menu bar: the app's name, File (sessions: gui_session.cpp), Lessons (gui_lessons.cpp), Export
// (gui_export.cpp) and Help (gui_shortcuts.cpp), with the frame rate at its right end. It is the
// left column's own menu bar (it stays put
// while the column scrolls), so the maps keep the window's full height: a bar across the whole
// window cost a 250% presenter's map a fifth of its height.
#include <cstdio>

#include <imgui.h>
#include <imgui_internal.h>  // the menu bar's rectangle, for the layout recorder

#include "gui_help.h"
#include "gui_state.h"

void ui_menu_bar(AppState& app) {
  if (!ImGui::BeginMenuBar()) return;
  // The bar's whole rectangle: its menus reach its edges, past the content region.
  const ImRect bar = ImGui::GetCurrentWindowRead()->MenuBarRect();
  layout_push(&app.layout, "menu bar", bar.Min, bar.Max);
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
  const float tagline_x = right - fps_width - style.ItemSpacing.x * 2 - ImGui::CalcTextSize(tagline).x;
  if (tagline_x > ImGui::GetCursorPosX() + style.ItemSpacing.x) {
    ImGui::SameLine(tagline_x);
    ImGui::TextDisabled("%s", tagline);
    layout_item(&app.layout, "tagline");
  }
  ImGui::SameLine(right - ImGui::CalcTextSize(fps).x);
  ImGui::TextDisabled("%s", fps);
  layout_item(&app.layout, "fps");
  layout_pop(&app.layout);
  ImGui::EndMenuBar();
  ui_session_popups(app);
  ui_lessons_welcome(app);
  ui_shortcuts_overlay(app);
  ui_export_status(app);
}
