// Guided lessons (issue 20) in the app: the Lessons menu, the welcome screen at first launch, and the
// open lesson's panel at the top of the left column. The lessons themselves are one table
// (core/lessons/lessons.h); their set-up and "show me" lines run on the lesson queue
// (app.lesson_queue, gui_script.cpp), through the same commands as a --script file, so a lesson does
// nothing a test script could not do. A lesson with a bundled session (assets/lessons/) opens it
// first and keeps training from there.
//
// Why the panel sits at the top of the left column: the left column already scrolls and is as wide
// as its panels need at every size from 1024x640 to 2560x1440, while a right-hand column would take
// its width from the maps, which at 1024 pixels have none to spare. Opening a lesson folds the Data
// and Model panels (the lesson has set them; a click opens them again), so the lesson and the
// Training panel are what the column shows.
//
// Index:
//   [SECTION] Assets
//   [SECTION] Opening, steps, closing
//   [SECTION] Menu, keys and the welcome screen
//   [SECTION] The lesson panel
//   [SECTION] State dump
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#define GLFW_INCLUDE_NONE  // key codes only
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>  // the window's CursorMaxPos: how far the panel reached

#include "cli.h"
#include "gui_state.h"
#include "lessons/lessons.h"

namespace {
constexpr const char* kWelcomeMark = "welcome_seen";  // in session_state_dir(): the welcome screen was shown
constexpr const char* kWelcomeTitle = "Welcome to latentlab";
constexpr const char* kLessonsFolder = "lessons/";     // under assets/: the bundled sessions
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Assets
//-----------------------------------------------------------------------------

// Installed: <prefix>/bin/latentlab finds <prefix>/share/latentlab/assets (CMakeLists' install rules);
// in the build tree: the source tree's assets/ (LATENTLAB_SOURCE_ASSETS, set by CMakeLists).
std::string lesson_asset_path(const std::string& name) {
  std::vector<std::filesystem::path> dirs;
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    dirs.push_back(std::filesystem::path(exe).parent_path().parent_path() / "share/latentlab/assets");
  }
#ifdef LATENTLAB_SOURCE_ASSETS
  dirs.push_back(LATENTLAB_SOURCE_ASSETS);
#endif
  std::error_code ec;
  for (const std::filesystem::path& d : dirs)
    if (std::filesystem::is_regular_file(d / name, ec)) return (d / name).string();
  return "";
}

//-----------------------------------------------------------------------------
// [SECTION] Opening, steps, closing
//-----------------------------------------------------------------------------

// The set-up lines a bundled session stands for: it holds the data, the models and their settings.
static bool session_provides(ScriptOp op) {
  return op == ScriptOp::Data || op == ScriptOp::Rebuild || op == ScriptOp::Set || op == ScriptOp::ModelDefaults;
}

bool lesson_parse(const Lesson& lesson, Script* setup, std::string* error) {
  Script q;
  q.exits_on_failure = false;
  q.path = std::string("lesson ") + lesson.name + ", set-up";
  try {  // every line of the lesson, its steps' too, parses before anything changes
    script_parse(&q, lesson_baseline_script(), "lessons' baseline");
    script_parse(&q, lesson.setup, q.path);
    for (size_t k = 0; k < lesson.steps.size(); ++k) {
      Script step;
      script_parse(&step, lesson.steps[k].show_me, std::string("lesson ") + lesson.name + ", step " + std::to_string(k + 1));
    }
  } catch (const UsageError& e) {
    *error = e.what();
    return false;
  }
  *setup = std::move(q);
  return true;
}

bool lesson_open(AppState& app, const Lesson& lesson, bool fresh, std::string* error) {
  Script q;
  if (!lesson_parse(lesson, &q, error)) return false;
  LessonUi& ui = app.lessons;
  ui.session.clear();
  if (lesson.session && !fresh) {
    const std::string path = lesson_asset_path(std::string(kLessonsFolder) + lesson.session);
    // A session does not record a held-out label (gui_state.h): the set-up's last `holdout` line says
    // it. Holding a label out starts the models again, so the session is opened once more after it.
    int holdout = -1;
    for (const ScriptCommand& c : q.commands)
      if (c.op == ScriptOp::Holdout) holdout = c.args[0] == "off" ? -1 : std::atoi(c.args[0].c_str());
    bool opened = !path.empty() && session_open(app, path);
    if (opened && holdout != app.holdout_label) opened = app_set_holdout(app, holdout) && session_open(app, path);
    if (opened) {
      ui.session = path;
      std::vector<ScriptCommand> kept;
      for (ScriptCommand& c : q.commands)
        if (!session_provides(c.op) && c.op != ScriptOp::Holdout) kept.push_back(std::move(c));
      q.commands = std::move(kept);
      q.wait_newer = true;  // the views' lines wait until the trainer has taken the session
      q.wait_version = app.snap ? app.snap->version : 0;
      q.wait_commands = app.trainer->commands_sent();
      q.wait_started = app.now;
      app.session.path.clear();  // Save must not write over the bundled file
    }
    // Without the file (or if it does not load: app.data_error says why) the set-up builds the models.
  }
  app.lesson_queue = std::move(q);
  ui.open = &lesson;
  ui.running_step = -1;
  ui.answer_shown = false;
  ui.panel_open = true;
  app.view.show_data = false;
  app.view.show_model = false;
  return true;
}

bool lesson_show_me(AppState& app, int step, std::string* error) {
  LessonUi& ui = app.lessons;
  if (!ui.open) {
    *error = "no lesson is open";
    return false;
  }
  const Lesson& l = *ui.open;
  if (step < 0 || step >= static_cast<int>(l.steps.size())) {
    *error = std::string("lesson ") + l.name + " has " + std::to_string(l.steps.size()) + " steps";
    return false;
  }
  Script& q = app.lesson_queue;
  if (!script_busy(q)) script_clear(&q);  // else it runs after what is still running
  q.error.clear();
  q.exits_on_failure = false;
  q.path = std::string("lesson ") + l.name + ", step " + std::to_string(step + 1);
  const size_t first = q.commands.size();  // this step's lines start here
  try {
    script_parse(&q, l.steps[size_t(step)].show_me, q.path);
  } catch (const UsageError& e) {
    *error = e.what();
    return false;
  }
  // A step may open another bundled session by its bare name (the disentangle lesson's β = 1 model):
  // opened here, as lesson_open opens the lesson's own, so that Save never writes over the asset.
  for (size_t k = first; k < q.commands.size(); ++k) {
    ScriptCommand& c = q.commands[k];
    if (c.op != ScriptOp::SessionOpen || c.args[0].find('/') != std::string::npos) continue;
    const std::string path = lesson_asset_path(std::string(kLessonsFolder) + c.args[0]);
    if (path.empty() || !session_open(app, path)) {
      *error = "cannot open the bundled session " + c.args[0] + (app.data_error.empty() ? "" : ": " + app.data_error);
      q.commands.resize(first);
      return false;
    }
    ui.session = path;
    app.session.path.clear();
    q.commands.erase(q.commands.begin() + static_cast<std::ptrdiff_t>(k--));
    q.wait_newer = true;
    q.wait_version = app.snap ? app.snap->version : 0;
    q.wait_commands = app.trainer->commands_sent();
    q.wait_started = app.now;
  }
  ui.running_step = step;
  return true;
}

void lesson_close(AppState& app) {
  script_clear(&app.lesson_queue);
  app.lesson_queue.error.clear();
  app.lessons.open = nullptr;
  app.lessons.session.clear();
  app.view.show_data = true;
  app.view.show_model = true;
}

// A lesson picked in the menu or on the welcome screen: a table line that does not parse is a bug
// that tests/test_gui_lessons.sh catches; here it is said on stderr and in the panel's place.
static void open_from_ui(AppState& app, const Lesson& lesson) {
  std::string error;
  if (!lesson_open(app, lesson, false, &error)) {
    std::fprintf(stderr, "latentlab: %s\n", error.c_str());
    app.lesson_queue.error = error;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Menu, keys and the welcome screen
//-----------------------------------------------------------------------------

void ui_lessons_menu_items(AppState& app) {
  if (ImGui::MenuItem("Welcome screen", "L")) app.lessons.welcome_requested = true;
  ImGui::Separator();
  for (const Lesson& l : lessons()) {
    char item[160];
    std::snprintf(item, sizeof item, "%d. %s", lesson_number(l), l.title);
    if (ImGui::MenuItem(item, nullptr, app.lessons.open == &l)) open_from_ui(app, l);
  }
  ImGui::Separator();
  if (ImGui::MenuItem("Close the lesson", nullptr, false, app.lessons.open != nullptr)) lesson_close(app);
}

void lessons_welcome_at_start(AppState& app) {
  const std::filesystem::path dir = session_state_dir(), mark = dir / kWelcomeMark;
  std::error_code ec;
  if (std::filesystem::exists(mark, ec)) return;
  app.lessons.welcome_requested = true;
  // Remembered at once: a second launch does not show it again, even if this one crashes.
  std::filesystem::create_directories(dir, ec);
  std::ofstream(mark) << "the welcome screen was shown; delete this file to see it at the next launch\n";
}

// The welcome screen's layouts, from roomiest to most compact: the first whose list shows every
// lesson without scrolling wins (the last one scrolls if even it does not fit). Compact drops the
// introduction to one line and the hint below the buttons (the hint moves to the button's tooltip);
// two columns halve the list's height where the titles fit side by side.
namespace {
struct WelcomeLayout {
  bool full_intro;
  int columns;
};
constexpr WelcomeLayout kWelcomeLayouts[] = {{true, 1}, {true, 2}, {false, 1}, {false, 2}};
constexpr const char* kWelcomeIntro =
    "latentlab trains autoencoders while you watch: every dot on a map is one image's code, and the "
    "decoder turns any point you touch back into an image. Each lesson below sets up the data, the "
    "models and the views for one idea, with steps to follow and a question to check yourself.";
constexpr const char* kWelcomeShortIntro = "Each lesson sets up one idea, with steps and a question.";
constexpr const char* kWelcomeHint = "The Lessons menu (or L) opens this again.";
}  // namespace

static std::string welcome_item(const Lesson& l) {
  char item[160];
  std::snprintf(item, sizeof item, "%d. %s", lesson_number(l), l.title);
  return item;
}

void ui_lessons_welcome(AppState& app) {
  LessonUi& ui = app.lessons;
  // Not in the first frames (as gui_session.cpp's prompts): Dear ImGui 1.86 aborts when the centre
  // window is first created in the frame this modal first shows, which crashed every first launch.
  if (ImGui::GetFrameCount() > 2) {
    if (ui.welcome_requested && !ImGui::IsPopupOpen(kWelcomeTitle)) ImGui::OpenPopup(kWelcomeTitle);
    ui.welcome_requested = false;
  }
  const ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float line = ImGui::GetTextLineHeightWithSpacing(), button_h = ImGui::GetFrameHeightWithSpacing();
  const int count = static_cast<int>(lessons().size());
  // As wide as a comfortable paragraph (wider for two columns), as tall as its content, never more
  // than the window holds.
  const float max_w = io.DisplaySize.x - 4 * style.WindowPadding.x, max_h = io.DisplaySize.y - 2 * style.WindowPadding.y;
  float title_w = 0;
  for (const Lesson& l : lessons()) title_w = std::max(title_w, ImGui::CalcTextSize(welcome_item(l).c_str()).x);
  const float list_pad = 2 * style.WindowPadding.x + style.ScrollbarSize;
  const float title_bar = ImGui::GetFrameHeight() + style.ItemSpacing.y;
  WelcomeLayout layout = kWelcomeLayouts[0];
  float width = 0, height = 0;
  for (const WelcomeLayout& w : kWelcomeLayouts) {
    const float list_w = w.columns * title_w + (w.columns - 1) * style.ItemSpacing.x + list_pad;
    if (w.columns > 1 && list_w + 2 * style.WindowPadding.x > max_w) continue;
    width = std::min(std::max(640.0f * app.ui_scale, list_w + 2 * style.WindowPadding.x), max_w);
    const float text_w = width - 2 * style.WindowPadding.x;
    const float intro = ImGui::CalcTextSize(w.full_intro ? kWelcomeIntro : kWelcomeShortIntro, nullptr, false, text_w).y +
                        style.ItemSpacing.y;
    const int rows = (count + w.columns - 1) / w.columns;
    height = title_bar + intro + rows * line + 2 * style.WindowPadding.y + style.ItemSpacing.y + button_h +
             (w.full_intro ? line : 0) + 2 * style.WindowPadding.y;
    layout = w;
    if (height <= max_h) break;
  }
  height = std::min(height, max_h);
  ImGui::SetNextWindowSize(ImVec2(width, height), ImGuiCond_Always);
  ImGui::SetNextWindowPos(ImVec2(0.5f * io.DisplaySize.x, 0.5f * io.DisplaySize.y), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  bool open = true;
  ui.welcome_showing = false;
  if (!ImGui::BeginPopupModal(kWelcomeTitle, &open, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) return;
  ui.welcome_showing = true;
  ui.welcome_columns = layout.columns;
  ui.welcome_compact = !layout.full_intro;
  layout_push_window(&app.layout, "welcome");
  ImGui::TextWrapped("%s", layout.full_intro ? kWelcomeIntro : kWelcomeShortIntro);
  layout_item(&app.layout, "welcome text");
  int& chosen = ui.welcome_choice;
  const float footer = button_h + (layout.full_intro ? line : 0);
  ImGui::BeginChild("##lesson list", ImVec2(0, -footer), true);
  const ImRect clip = ImGui::GetCurrentWindowRead()->ClipRect;
  const float column_w = (ImGui::GetContentRegionAvail().x - (layout.columns - 1) * style.ItemSpacing.x) / layout.columns;
  const int rows = (count + layout.columns - 1) / layout.columns;
  int visible = 0;
  for (const Lesson& l : lessons()) {
    const int k = lesson_number(l) - 1;
    // Column-major, so the numbers read down the first column and then the second.
    const int column = k / rows;
    if (column > 0 && k % rows == 0) {
      ImGui::SetCursorPos(ImVec2(ImGui::GetCursorStartPos().x + column * (column_w + style.ItemSpacing.x),
                                 ImGui::GetCursorStartPos().y));
    } else if (column > 0) {
      ImGui::SetCursorPosX(ImGui::GetCursorStartPos().x + column * (column_w + style.ItemSpacing.x));
    }
    if (ImGui::Selectable(welcome_item(l).c_str(), chosen == k, ImGuiSelectableFlags_AllowDoubleClick, ImVec2(column_w, 0))) {
      chosen = k;
      if (ImGui::IsMouseDoubleClicked(0)) {
        open_from_ui(app, l);
        ImGui::CloseCurrentPopup();
      }
    }
    if (clip.Contains(ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax()))) ++visible;
  }
  ImGui::EndChild();
  ui.welcome_rows_visible = visible;
  layout_item(&app.layout, "lesson list");
  char start[48];
  std::snprintf(start, sizeof start, "Start lesson %d", chosen + 1);
  if (ImGui::Button(start)) {
    open_from_ui(app, lessons()[size_t(chosen)]);
    ImGui::CloseCurrentPopup();
  }
  layout_item(&app.layout, "start lesson");
  ImGui::SameLine();
  if (ImGui::Button("Just explore") || !open) ImGui::CloseCurrentPopup();
  if (!layout.full_intro && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", kWelcomeHint);
  layout_item(&app.layout, "just explore");
  if (layout.full_intro) {
    ImGui::TextDisabled("%s", kWelcomeHint);
    layout_item(&app.layout, "welcome hint");
  }
  layout_pop(&app.layout);
  ImGui::EndPopup();
}

//-----------------------------------------------------------------------------
// [SECTION] The lesson panel
//-----------------------------------------------------------------------------

static void heading(const AppState& app, const char* text) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, app.theme->accent);
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
}

// Text wrapped to the column at spaces only (lesson_wrap_text): Dear ImGui's own word wrap
// (ImFont::CalcWordWrapPositionA) also breaks after '.', ',' and ';', which split the lessons'
// numbers across lines ("0." then "49").
static void text_wrapped(const char* text) {
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  const std::string out =
      lesson_wrap_text(text, ImGui::CalcWrapWidthForPos(ImGui::GetCursorScreenPos(), 0.0f),
                       [&](const char* b, const char* e) { return font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, e).x; });
  ImGui::TextUnformatted(out.c_str(), out.c_str() + out.size());
}

// A status line in the disabled colour, wrapped to the column (at 250% on 1024x640 it is wider).
static void wrapped_disabled(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  text_wrapped(text);
  ImGui::PopStyleColor();
}

// Buttons side by side while they fit the column, else on the next line.
static bool button_in_row(const char* label, bool* first) {
  const float w = ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
  if (!*first && ImGui::GetContentRegionAvail().x >= w + ImGui::GetStyle().ItemSpacing.x) ImGui::SameLine();
  *first = false;
  return ImGui::Button(label);
}

void ui_lesson_panel(AppState& app) {
  LessonUi& ui = app.lessons;
  const Script& q = app.lesson_queue;
  if (!ui.open) {
    if (!q.error.empty()) {  // a lesson that could not open
      ImGui::PushStyleColor(ImGuiCol_Text, app.theme->error_text);
      text_wrapped(q.error.c_str());
      ImGui::PopStyleColor();
    }
    return;
  }
  const Lesson& l = *ui.open;
  char header[64];
  std::snprintf(header, sizeof header, "Lesson %d of %zu###lesson", lesson_number(l), lessons().size());
  bool visible = true;
  ImGui::SetNextItemOpen(ui.panel_open, ImGuiCond_Always);
  ui.panel_open = ImGui::CollapsingHeader(header, &visible);
  if (!visible) {
    lesson_close(app);
    return;
  }
  if (!ui.panel_open) return;
  const ImVec2 start = ImGui::GetCursorScreenPos();
  // How far right the window's items reached before the panel (the menu bar's reach the window's
  // edge): the panel's rectangle ends where its own items do, as gui_panels.cpp's left_panel does.
  const float reached = ImGui::GetCurrentWindowRead()->DC.CursorMaxPos.x;
  ImGui::PushID("lesson");
  if (app.font_large) ImGui::PushFont(app.font_large);
  text_wrapped(l.title);
  if (app.font_large) ImGui::PopFont();

  // What the lesson is doing now.
  const bool busy = script_busy(q);
  if (!q.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, app.theme->error_text);
    text_wrapped(("Could not finish: " + q.error).c_str());
    ImGui::PopStyleColor();
  } else if (busy) {
    if (ui.running_step >= 0) ImGui::TextDisabled("Step %d: showing you...", ui.running_step + 1);
    else wrapped_disabled("Setting up the data, the models and the views...");
  }
  if (!ui.session.empty() && ui.running_step < 0)
    wrapped_disabled("Started from a trained session; training goes on live.");

  heading(app, "Steps");
  const float number_w = ImGui::CalcTextSize("00.").x;
  for (size_t k = 0; k < l.steps.size(); ++k) {
    ImGui::PushID(static_cast<int>(k));
    const float x = ImGui::GetCursorPosX();
    ImGui::Text("%zu.", k + 1);
    ImGui::SameLine(x + number_w);
    ImGui::BeginGroup();
    text_wrapped(l.steps[k].text);
    if (ImGui::SmallButton("Show me")) {
      std::string error;
      if (!lesson_show_me(app, static_cast<int>(k), &error)) app.lesson_queue.error = error;
    }
    control_help(app, "lesson_show_me");
    ImGui::EndGroup();
    ImGui::PopID();
  }
  heading(app, "What to notice");
  text_wrapped(l.notice);
  heading(app, "Why");
  text_wrapped(l.why);
  heading(app, "Check yourself");
  text_wrapped(l.question);
  if (ui.answer_shown) {
    ImGui::PushStyleColor(ImGuiCol_Text, app.theme->good_text);
    text_wrapped(l.answer);
    ImGui::PopStyleColor();
  } else if (ImGui::SmallButton("Show answer")) {
    ui.answer_shown = true;
  }
  if (!ui.answer_shown) control_help(app, "lesson_answer");
  ImGui::Spacing();
  bool first = true;
  if (button_in_row("Reset this lesson", &first)) open_from_ui(app, l);
  control_help(app, "lesson_reset");
  if (button_in_row("Close lesson", &first)) {
    ImGui::PopID();
    lesson_close(app);
    return;
  }
  control_help(app, "lesson_close");
  ImGui::Spacing();
  ImGui::PopID();
  const float right = ImGui::GetCurrentWindowRead()->DC.CursorMaxPos.x;
  layout_rect(&app.layout, "lesson panel", start,
              ImVec2(right > reached ? right : start.x + ImGui::GetContentRegionAvail().x, ImGui::GetCursorScreenPos().y));
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void lessons_write_state(const AppState& app, FILE* f) {
  const LessonUi& ui = app.lessons;
  std::fprintf(f, "lessons=%zu\n", lessons().size());
  std::fprintf(f, "lesson=%s\n", ui.open ? ui.open->name : "none");
  std::fprintf(f, "lesson_number=%d\n", ui.open ? lesson_number(*ui.open) : 0);
  std::fprintf(f, "lesson_steps=%zu\n", ui.open ? ui.open->steps.size() : size_t(0));
  std::fprintf(f, "lesson_busy=%d\n", script_busy(app.lesson_queue) ? 1 : 0);
  std::fprintf(f, "lesson_step_run=%d\n", ui.running_step + 1);
  std::fprintf(f, "lesson_error=%s\n", app.lesson_queue.error.c_str());
  std::fprintf(f, "lesson_session=%s\n", ui.session.empty() ? "none" : ui.session.c_str());
  std::fprintf(f, "lesson_panel_open=%d\nlesson_answer_shown=%d\n", ui.panel_open ? 1 : 0, ui.answer_shown ? 1 : 0);
  std::fprintf(f, "welcome=%d\n", ui.welcome_showing ? 1 : 0);
  // Of the lessons' rows, how many the list shows whole without scrolling, and in which layout.
  std::fprintf(f, "welcome_rows_visible=%d\nwelcome_columns=%d\nwelcome_compact=%d\n", ui.welcome_rows_visible,
               ui.welcome_columns, ui.welcome_compact ? 1 : 0);
}
