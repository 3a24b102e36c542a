// Keyboard shortcuts and the Help menu. One table, kShortcuts, holds every key the app answers (the
// key as shown, what it does, the GLFW keys that press it, the action), and both the handling and the
// help overlay (F1 or ?, Help > Keyboard shortcuts) read it, so the list shown is the list that works.
// Plain keys never fire while a text field has the keyboard (io.WantTextInput) or with Ctrl held;
// Ctrl keys fire anywhere. Every press is one action: Dear ImGui's key repeat is never used (a slow
// frame would count a short press as held).
//
// Index:
//   [SECTION] Actions
//   [SECTION] The table
//   [SECTION] Handling
//   [SECTION] The Help menu, the overlay and About
#include <algorithm>
#include <cfloat>
#include <cstdio>

#define GLFW_INCLUDE_NONE  // key codes only; GL comes from glad
#include <GLFW/glfw3.h>
#include <imgui.h>

#include "gui_help.h"
#include "gui_state.h"

#ifndef LATENTLAB_VERSION
#define LATENTLAB_VERSION "unknown"
#endif

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Actions
//-----------------------------------------------------------------------------

// As the Training panel's buttons do.
void train_or_pause(AppState& app) {
  if (app.snap->running) app.trainer->pause();
  else app.trainer->start();
}
void step(AppState& app) { app.trainer->step(app.step_count); }
void reset(AppState& app) { app.trainer->reset(); }
// As the toolbar's switches do.
void toggle_holes(AppState& app) { hole_map_show(app, !app.view.show_holes); }
void toggle_manifold(AppState& app) { app.view.show_manifold = !app.view.show_manifold; }
void toggle_interp(AppState& app) { app.interp.show = !app.interp.show; }
void lessons(AppState& app) { app.lessons.welcome_requested = true; }  // the welcome screen's list of lessons
void toggle_overlay(AppState& app) { app.shortcuts.overlay = !app.shortcuts.overlay; }
// Esc: the overlay closes here; picking interpolation endpoints and a lasso cancel themselves on it.
void close_overlay(AppState& app) { app.shortcuts.overlay = app.shortcuts.about = false; }
void save(AppState& app) { session_save_current(app); }
void zoom_in(AppState& app) { presenter_zoom(app, +1); }
void zoom_out(AppState& app) { presenter_zoom(app, -1); }
void zoom_reset(AppState& app) { presenter_set_scale(app, 1.0f); }

//-----------------------------------------------------------------------------
// [SECTION] The table
//-----------------------------------------------------------------------------

enum KeyMods { kPlain = 0, kCtrl = 1, kShift = 2 };

struct Key {
  int code = -1;  // GLFW key code (the GLFW backend indexes io.KeysDown by it); -1 = none
  int mods = kPlain;
};

struct Shortcut {
  const char* shown;   // the key as the overlay names it
  const char* label;   // what it does
  Key keys[2];         // either presses it
  void (*action)(AppState& app);
};

// Ctrl rows ignore Shift: Ctrl + is Ctrl Shift = on most layouts.
const Shortcut kShortcuts[] = {
    {"Space", "Train / pause", {{GLFW_KEY_SPACE}}, train_or_pause},
    {"S", "Take the Training panel's steps (Step N), then pause", {{GLFW_KEY_S}}, step},
    {"R", "Reset the models to their seeds", {{GLFW_KEY_R}}, reset},
    {"H", "Hole map on / off", {{GLFW_KEY_H}}, toggle_holes},
    {"M", "Decoded manifold on / off", {{GLFW_KEY_M}}, toggle_manifold},
    {"I", "Interpolation view on / off", {{GLFW_KEY_I}}, toggle_interp},
    {"L", "The lessons: the welcome screen with their list (also the Lessons menu)", {{GLFW_KEY_L}}, lessons},
    {"F1 or ?", "This list of shortcuts", {{GLFW_KEY_F1}, {GLFW_KEY_SLASH, kShift}}, toggle_overlay},
    {"Esc", "Close this list; stop picking interpolation endpoints or drawing a lasso", {{GLFW_KEY_ESCAPE}}, close_overlay},
    {"Ctrl+S", "Save the session", {{GLFW_KEY_S, kCtrl}}, save},
    {"Ctrl+O", "Open a session, a model or data", {{GLFW_KEY_O, kCtrl}}, file_browser_key},
    {"Ctrl+plus", "Larger UI (presenter mode), 25% a press, up to 250% (also Ctrl+=, keypad +)",
     {{GLFW_KEY_EQUAL, kCtrl}, {GLFW_KEY_KP_ADD, kCtrl}}, zoom_in},
    {"Ctrl+minus", "Smaller UI, down to 100% (also keypad -)", {{GLFW_KEY_MINUS, kCtrl}, {GLFW_KEY_KP_SUBTRACT, kCtrl}}, zoom_out},
    {"Ctrl+0", "UI back to 100%", {{GLFW_KEY_0, kCtrl}, {GLFW_KEY_KP_0, kCtrl}}, zoom_reset},
};

bool pressed(const ImGuiIO& io, Key key) {
  if (key.code < 0 || !ImGui::IsKeyPressed(key.code, false)) return false;
  if (key.mods & kCtrl) return io.KeyCtrl;
  if (io.KeyCtrl || io.KeyAlt || io.KeySuper || io.WantTextInput) return false;  // typing, or another app's chord
  return !(key.mods & kShift) || io.KeyShift;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Handling
//-----------------------------------------------------------------------------

void shortcuts_handle(AppState& app) {
  const ImGuiIO& io = ImGui::GetIO();
  for (const Shortcut& s : kShortcuts)
    for (const Key& k : s.keys)
      if (pressed(io, k)) {
        s.action(app);
        ++app.shortcuts.fired;
        break;
      }
}

//-----------------------------------------------------------------------------
// [SECTION] The Help menu, the overlay and About
//-----------------------------------------------------------------------------

void ui_help_menu_items(AppState& app) {
  if (ImGui::MenuItem("Keyboard shortcuts", "F1", app.shortcuts.overlay)) toggle_overlay(app);
  if (ImGui::MenuItem("About latentlab")) app.shortcuts.about = true;
}

// A window in the middle of the screen, in front, `width` wide at most (0: as wide as it needs) and
// never larger than the screen: its text wraps and it scrolls there.
static bool begin_centred(const char* title, bool* open, float width) {
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 most(io.DisplaySize.x * 0.9f, io.DisplaySize.y * 0.9f);
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(width > 0 ? std::min(width, most.x) : 0.0f, 0.0f));  // 0: fit that axis
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), most);
  ImGui::SetNextWindowFocus();
  return ImGui::Begin(title, open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoMove);
}

void ui_shortcuts_overlay(AppState& app) {
  ShortcutsUi& ui = app.shortcuts;
  if (ui.overlay) {
    // As wide as the longest row needs; narrower on a small screen, where the labels wrap.
    const ImGuiStyle& style = ImGui::GetStyle();
    float keys_w = 0, labels_w = 0;
    for (const Shortcut& s : kShortcuts) {
      keys_w = std::max(keys_w, ImGui::CalcTextSize(s.shown).x);
      labels_w = std::max(labels_w, ImGui::CalcTextSize(s.label).x);
    }
    const float width = keys_w + labels_w + 4 * style.CellPadding.x + 2 * style.WindowPadding.x + style.ScrollbarSize;
    if (begin_centred("Keyboard shortcuts", &ui.overlay, width)) {
      layout_push_window(&app.layout, "help overlay", true);
      if (ImGui::BeginTable("##shortcuts", 2, ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, keys_w);
        ImGui::TableSetupColumn("does", ImGuiTableColumnFlags_WidthStretch);
        for (const Shortcut& s : kShortcuts) {
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(s.shown);
          ImGui::TableNextColumn();
          ImGui::TextWrapped("%s", s.label);
        }
        ImGui::EndTable();
      }
      layout_item(&app.layout, "shortcuts table");
      ImGui::PushTextWrapPos(0.0f);  // within the table's width: a large UI scale on a small window
      ImGui::TextDisabled("Letters and Space do nothing while you type in a field.");
      ImGui::PopTextWrapPos();
      layout_item(&app.layout, "shortcuts note");
      layout_pop(&app.layout);
    }
    ImGui::End();
  }
  if (ui.about) {
    if (begin_centred("About latentlab", &ui.about, ImGui::GetFontSize() * 30)) {
      layout_push_window(&app.layout, "about");
      ImGui::Text("latentlab %s", LATENTLAB_VERSION);
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted("Autoencoders you can touch: train an AE and a VAE side by side and watch their latent spaces.");
      ImGui::TextDisabled("Dear ImGui %s, GLFW, OpenGL, Eigen. Help > Keyboard shortcuts (F1) lists the keys.", IMGUI_VERSION);
      ImGui::PopTextWrapPos();
      layout_item(&app.layout, "about text");
      layout_pop(&app.layout);
    }
    ImGui::End();
  }
}

void shortcuts_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "help_overlay=%d\nabout=%d\nshortcuts=%d\nshortcuts_fired=%d\nwant_text_input=%d\n",
               app.shortcuts.overlay ? 1 : 0, app.shortcuts.about ? 1 : 0,
               static_cast<int>(sizeof kShortcuts / sizeof kShortcuts[0]), app.shortcuts.fired,
               ImGui::GetIO().WantTextInput ? 1 : 0);
}
