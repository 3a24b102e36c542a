// The menu bar: the app's name, File (sessions: gui_session.cpp), Lessons (gui_lessons.cpp), Export
// (gui_export.cpp) and Help (gui_shortcuts.cpp), with the frame rate at its right end. It is the
// left column's own menu bar (it stays put while the column scrolls), so the maps keep the window's
// full height: a bar across the whole window cost a 250% presenter's map a fifth of its height.
#include <cstdio>

#include <imgui.h>
#include <imgui_internal.h>  // the menu bar's rectangle, for the layout recorder

#include "gui_help.h"
#include "gui_state.h"

namespace {

// One row per menu, in the bar's order: a new menu is a row here and its items function in its own file.
struct Menu {
  const char* title;
  const char* help_key;     // its tooltip (gui_help.cpp's table)
  const char* layout_name;  // its rectangle's name for the layout recorder
  void (*items)(AppState& app);
};

const Menu kMenus[] = {
    {"File", "file_menu", "File menu", ui_file_menu_items},
    {"Lessons", "lessons_menu", "Lessons menu", ui_lessons_menu_items},
    {"Export", "export_menu", "Export menu", ui_export_menu_items},
    {"Help", "help_menu", "Help menu", ui_help_menu_items},
};

}  // namespace

void ui_menu_bar(AppState& app) {
  if (!ImGui::BeginMenuBar()) return;
  // The bar's whole rectangle: its menus reach its edges, past the content region.
  const ImRect bar = ImGui::GetCurrentWindowRead()->MenuBarRect();
  layout_push(&app.layout, "menu bar", bar.Min, bar.Max);
  ImGui::TextUnformatted("latentlab");
  layout_item(&app.layout, "app name");
  for (const Menu& m : kMenus) {
    if (ImGui::BeginMenu(m.title)) {
      m.items(app);
      ImGui::EndMenu();
    }
    control_help(app, m.help_key);
    layout_item(&app.layout, m.layout_name);
  }

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
