// A small in-app file browser for opening data: a modal with the folder's entries (folders first),
// an editable path, and the options a loader needs (IDX labels file, image size and colour for
// image folders, CSV label column). A file that fails to load shows its error in the browser and
// in the Data panel; the current dataset stays. Lists a folder only when the path changes. A path
// typed into the path field opens directly when it is not a folder; Ctrl+O opens the browser with
// the keyboard in that field. The Export menu's "Choose..." opens it to pick the export folder
// (BrowseTarget::ExportFolder): folders only matter, and "Use this folder" takes the one listed.
//
// Index:
//   [SECTION] Listing
//   [SECTION] Opening
//   [SECTION] The modal
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "io/file_input.h"
#include "gui_state.h"

namespace fs = std::filesystem;

//-----------------------------------------------------------------------------
// [SECTION] Listing
//-----------------------------------------------------------------------------

static bool less_ignoring_case(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

static void browser_list(FileBrowser& b) {
  b.entries.clear();
  b.list_error.clear();
  b.selected = -1;
  b.listed = b.path;
  std::error_code ec;
  fs::directory_iterator it(b.path, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    b.list_error = "cannot list " + printable_path(b.path) + ": " + ec.message();
    return;
  }
  for (const fs::directory_entry& entry : it) {
    FileEntry e;
    e.name = entry.path().filename().string();
    if (e.name.empty() || e.name[0] == '.') continue;
    std::error_code type_ec;
    e.is_dir = entry.is_directory(type_ec);
    if (!e.is_dir) e.size = entry.file_size(type_ec);
    b.entries.push_back(std::move(e));
  }
  std::sort(b.entries.begin(), b.entries.end(), [](const FileEntry& x, const FileEntry& y) {
    if (x.is_dir != y.is_dir) return x.is_dir;
    return less_ignoring_case(x.name, y.name);
  });
}

static void browser_enter(FileBrowser& b, const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(dir), ec);
  std::snprintf(b.path, sizeof b.path, "%s", (ec ? fs::path(dir) : p).string().c_str());
}

void file_browser_open(AppState& app, BrowseTarget target) {
  FileBrowser& b = app.browser;
  b.open_requested = true;
  b.focus_path = true;
  b.target = target;
  std::error_code ec;
  if (target == BrowseTarget::ExportFolder && app.exports.folder[0] && fs::is_directory(app.exports.folder, ec))
    browser_enter(b, app.exports.folder);  // start where the exports go now
  if (!b.path[0]) {
    std::error_code ec;
    std::snprintf(b.path, sizeof b.path, "%s", fs::current_path(ec).string().c_str());
  }
  b.listed.clear();  // list afresh: the folder may have changed
}

//-----------------------------------------------------------------------------
// [SECTION] Opening
//-----------------------------------------------------------------------------

static std::string join(const char* dir, const std::string& name) {
  std::string path = dir;
  if (path.empty() || path.back() != '/') path += '/';
  return path + name;
}

// An IDX images file next to its labels file: train-images-idx3-ubyte -> train-labels-idx1-ubyte.
static void guess_labels(FileBrowser& b, const std::string& name) {
  size_t at = name.find("images");
  if (at == std::string::npos) return;
  std::string labels = name;
  labels.replace(at, 6, "labels");
  size_t idx3 = labels.find("idx3");
  if (idx3 != std::string::npos) labels.replace(idx3, 4, "idx1");
  std::error_code ec;
  const std::string path = join(b.path, labels);
  if (fs::is_regular_file(path, ec)) std::snprintf(b.options.labels, sizeof b.options.labels, "%s", path.c_str());
}

bool file_browser_load(AppState& app, const std::string& path) {
  if (session_is_model_path(path)) return session_open(app, path, true);  // a session or a saved network
  FileBrowser& b = app.browser;
  // A labels file belongs to the IDX images it was picked or guessed for: opening a CSV or a folder
  // (which carry their labels) empties the field instead of refusing the data over it.
  if (!data_source_takes_labels(path)) b.options.labels[0] = 0;
  DataSpec spec;
  spec.source = path;
  spec.labels_path = b.options.labels;
  spec.image_size = b.options.image_size;
  spec.rgb = b.options.rgb;
  spec.csv_label_column = b.options.csv_label_column;
  return app_load_data(app, spec);
}

bool file_browser_use_folder(AppState& app, const std::string& dir) {
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) {
    app.browser.list_error = printable_path(dir) + " is not a folder; the exports stay in " + printable_path(app.exports.folder);
    return false;
  }
  const fs::path p = fs::weakly_canonical(fs::path(dir), ec);
  std::snprintf(app.exports.folder, sizeof app.exports.folder, "%s", (ec ? fs::path(dir) : p).string().c_str());
  app.browser.list_error.clear();
  return true;
}

//-----------------------------------------------------------------------------
// [SECTION] The modal
//-----------------------------------------------------------------------------

// One popup for every target; its title says which (the ID after ### stays the same).
static const char* browser_title(BrowseTarget t) {
  return t == BrowseTarget::ExportFolder ? "Choose the export folder###browser" : "Open data###browser";
}

// Ctrl+O (gui_shortcuts.cpp's table) opens the browser with the keyboard in its path field (type a
// path, Enter), or puts the keyboard back there when it is open.
void file_browser_key(AppState& app) {
  if (ImGui::IsPopupOpen("###browser")) app.browser.focus_path = true;
  else file_browser_open(app, BrowseTarget::Data);
}

void ui_file_browser(AppState& app) {
  FileBrowser& b = app.browser;
  const float s = app.ui_scale;
  if (b.open_requested) {
    ImGui::OpenPopup(browser_title(b.target));
    b.open_requested = false;
  }
  const ImGuiIO& io = ImGui::GetIO();
  // Centred and within the window when it opens, and again on Ctrl+O (it may have been dragged
  // away, or the window made smaller): the path field must be where the keyboard goes.
  const ImGuiCond place = b.focus_path ? ImGuiCond_Always : ImGuiCond_Appearing;
  const ImVec2 size(std::min(760 * s, io.DisplaySize.x), std::min(560 * s, io.DisplaySize.y));
  ImGui::SetNextWindowPos(ImVec2(0.5f * (io.DisplaySize.x - size.x), 0.5f * (io.DisplaySize.y - size.y)), place);
  ImGui::SetNextWindowSize(size, place);
  if (!ImGui::BeginPopupModal(browser_title(b.target), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  const bool folder_only = b.target == BrowseTarget::ExportFolder;
  if (b.listed != b.path) browser_list(b);

  ImGui::TextDisabled(b.target == BrowseTarget::Labels ? "Pick the IDX labels file." :
                      folder_only ? "Go into the folder the exports are to be written to (double-click), then Use this folder." :
                      "Pick an IDX file (.idx, .gz, ...-ubyte), a CSV, or a folder of images (one sub-folder per label).");
  if (ImGui::Button("Up")) {
    fs::path parent = fs::path(b.path).parent_path();
    if (!parent.empty()) browser_enter(b, parent.string());
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (b.focus_path) {
    ImGui::SetKeyboardFocusHere();
    b.focus_path = false;
  }
  std::string enter, open;
  if (ImGui::InputText("##path", b.path, sizeof b.path, ImGuiInputTextFlags_EnterReturnsTrue)) {
    // Enter on a folder lists it; on anything else (a file, a FIFO, a path that is not there) it
    // opens it as data, and the loader says what is wrong with it.
    std::error_code ec;
    if (b.path[0] && !folder_only && !fs::is_directory(b.path, ec)) {
      open = b.path;
      const fs::path parent = fs::path(b.path).parent_path();
      browser_enter(b, parent.empty() ? "." : parent.string());
    }
    b.listed.clear();
  }

  const float footer = ImGui::GetFrameHeightWithSpacing() * 4 + ImGui::GetTextLineHeightWithSpacing() * 2;
  ImGui::BeginChild("entries", ImVec2(0, -footer), true);
  if (!b.list_error.empty()) ImGui::TextColored(app.theme->error_text, "%s", b.list_error.c_str());
  for (int i = 0; i < static_cast<int>(b.entries.size()); ++i) {
    const FileEntry& e = b.entries[i];
    char label[600];
    std::snprintf(label, sizeof label, "%s%s", printable_path(e.name).c_str(), e.is_dir ? "/" : "");
    if (e.is_dir) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.75f, 1.0f, 1.0f));
    if (ImGui::Selectable(label, b.selected == i, ImGuiSelectableFlags_AllowDoubleClick)) {
      b.selected = i;
      if (!e.is_dir && b.target == BrowseTarget::Data && !b.options.labels[0]) guess_labels(b, e.name);
      if (b.target == BrowseTarget::Data && !data_source_takes_labels(join(b.path, e.name))) b.options.labels[0] = 0;
      if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) && (e.is_dir || !folder_only))
        (e.is_dir ? enter : open) = join(b.path, e.name);
    }
    if (e.is_dir) ImGui::PopStyleColor();
    if (!e.is_dir) {
      ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - 90 * s);
      ImGui::TextDisabled("%8.1f %s", e.size >= (1u << 20) ? e.size / 1048576.0 : e.size / 1024.0,
                          e.size >= (1u << 20) ? "MB" : "kB");
    }
  }
  ImGui::EndChild();

  if (folder_only) {  // the export folder: no loader options
    ImGui::TextDisabled("Exports go to %s", printable_path(b.path).c_str());
    if (ImGui::Button("Use this folder") && file_browser_use_folder(app, b.path)) ImGui::CloseCurrentPopup();
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    if (!enter.empty()) browser_enter(b, enter);
    ImGui::EndPopup();
    return;
  }

  // Options for the loaders.
  ImGui::SetNextItemWidth(-160 * s);
  ImGui::InputTextWithHint("##labels", "IDX labels file (optional)", b.options.labels, sizeof b.options.labels);
  ImGui::SameLine();
  if (ImGui::Button("Pick labels...")) {
    b.target = BrowseTarget::Labels;
  }
  ImGui::SetNextItemWidth(120 * s);
  ImGui::SliderInt("image size", &b.options.image_size, 8, 64);
  ImGui::SameLine();
  ImGui::Checkbox("colour", &b.options.rgb);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(140 * s);
  ImGui::InputTextWithHint("CSV label column", "name or index", b.options.csv_label_column, sizeof b.options.csv_label_column);
  if (!app.data_error.empty()) ImGui::TextColored(app.theme->error_text, "%s", app.data_error.c_str());
  else ImGui::TextDisabled("Large sets take a moment to load.");

  const bool has_file = b.selected >= 0 && b.selected < static_cast<int>(b.entries.size());
  if (!has_file) ImGui::BeginDisabled();
  if (ImGui::Button(b.target == BrowseTarget::Labels ? "Use as labels" : "Open selected") && has_file) {
    const FileEntry& e = b.entries[b.selected];
    if (e.is_dir && b.target == BrowseTarget::Data) open = join(b.path, e.name);
    else if (e.is_dir) enter = join(b.path, e.name);
    else open = join(b.path, e.name);
  }
  if (!has_file) ImGui::EndDisabled();
  ImGui::SameLine();
  if (b.target == BrowseTarget::Data && ImGui::Button("Open this folder as images")) open = b.path;
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) {
    if (b.target == BrowseTarget::Labels) b.target = BrowseTarget::Data;
    else ImGui::CloseCurrentPopup();
  }

  if (!enter.empty()) browser_enter(b, enter);
  if (!open.empty()) {
    if (b.target == BrowseTarget::Labels) {
      std::snprintf(b.options.labels, sizeof b.options.labels, "%s", open.c_str());
      b.target = BrowseTarget::Data;
    } else if (file_browser_load(app, open)) {
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::EndPopup();
}
