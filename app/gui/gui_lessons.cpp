// Guided lessons (issue 20): the Lessons menu, the welcome screen and the lesson's side panel.
// Not written yet: the menu says so.
#include <imgui.h>

#include "gui_state.h"

void ui_lessons_menu_items(AppState& app) {
  (void)app;
  ImGui::MenuItem("No lessons yet", nullptr, false, false);
}
