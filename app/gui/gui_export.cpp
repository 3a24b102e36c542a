// Exports: PNGs of what the views show and CSVs of the codes and the loss history. The Export menu
// writes into a folder (typed in the menu or chosen in the file browser; ~/latentlab-exports until then) under names that say what,
// which model and which step; a right-click on a map or on the row under it offers that view's
// exports; the script's `export KIND FILE` writes one to a given path. Every image is decoded afresh
// from the newest published snapshot (the manifold at the chosen resolution, not the texture on
// screen); the window is read back after a later frame renders. A failed write says why in the
// status line (at the window's foot) and nothing else changes.
//
// Index:
//   [SECTION] Kinds
//   [SECTION] Writers
//   [SECTION] Folder, names and status
//   [SECTION] Menus
//   [SECTION] State dump
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <imgui.h>
#include <stb_image_write.h>

#include "gui_help.h"
#include "gui_state.h"
#include "io/file_input.h"
#include "io/file_write.h"
#include "measure/codes_csv.h"
#include "measure/manifold_image.h"
#include "models/kinds.h"
#include "train/session.h"

static const ChoiceList kExportChoices = {
    "export",
    {{"manifold", "Decoded manifold (PNG)",
      "the map's plane decoded afresh on a square grid of the chosen tiles per side: the visible square of the "
      "map, or the prior's quantiles when that grid is on"},
     {"strip", "Interpolation strip (PNG)", "original A, the interpolants, original B (the interpolation view on)"},
     {"gallery", "Sample gallery (PNG)", "decodings of the same z ~ N(0, I) the samples strip shows"},
     {"recon", "Reconstructions (PNG)", "held-out originals (top row) over their reconstructions"},
     {"traversal", "Traversals (PNG)", "one row per latent dimension swept across +-3 sigma (Inside the VAE on, a sample clicked)"},
     {"window", "Whole window (PNG)", "the window as it is on screen, at its pixel size"},
     {"codes", "Codes of every sample (CSV)",
      "index, split, label, the data's factors, then the code (a VAE: mu and sigma) of every sample"},
     {"loss", "Loss history (CSV)", "every model's training loss per step and held-out loss per epoch"}}};
template <> const ChoiceList& choice_list<ExportKind>() { return kExportChoices; }

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Kinds
//-----------------------------------------------------------------------------

// Where a kind is offered by a right-click: on a map, on the row under it.
enum ExportPlace { kOnMap = 1, kOnRow = 2 };

struct ExportKindRow {
  ExportKind kind;
  const char* ext;          // ".png", ".csv"
  bool per_model;           // one file per model (the menu writes every model's)
  int places;               // ExportPlace bits
  bool (*available)(const AppState& app, int p);  // can it be written now; p = -1: any model
  bool (*write)(AppState& app, int p, const std::string& path, int tiles, std::string* error);
};

// Encoded in memory, then written atomically: a failed write names the file and the reason.
bool write_png(const std::string& path, const uint8_t* rgba, int width, int height, std::string* error) {
  std::vector<uint8_t> png;
  auto append = [](void* context, void* data, int size) {
    auto* out = static_cast<std::vector<uint8_t>*>(context);
    out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  if (!stbi_write_png_to_func(append, &png, width, height, 4, rgba, width * 4)) {
    *error = "cannot encode the PNG for " + printable_path(path);
    return false;
  }
  return write_file_atomically(path, png.data(), png.size(), error);
}

// The newest weights of model p, when they fit its pane's buffers (else the pane is being rebuilt).
const Network* pane_network(const AppState& app, int p, std::string* error) {
  if (p < 0 || p >= app.pane_count || p >= static_cast<int>(app.snap->networks.size()) || app.panes[p].latent == 0 ||
      !pane_matches(app, app.panes[p], app.snap->networks[size_t(p)])) {
    *error = "model " + std::to_string(p) + " is not ready (no map yet)";
    return nullptr;
  }
  return &app.snap->networks[size_t(p)];
}

// Tiles of `x`'s columns, `cols` across, as one RGBA image: the tiles the command line writes too
// (measure/manifold_image.h), in the app's tile geometry and value range.
std::vector<uint8_t> app_tiles_rgba(const AppState& app, const Mat& x, int cols, int rows) {
  TileFormat f;
  f.width = app.tile_w;
  f.height = app.tile_h;
  f.channels = app.data->is_image ? app.data->channels : 1;
  f.lo = app.display_lo;
  f.hi = app.display_hi;
  return tiles_rgba(x, cols, rows, f);
}

bool any_model(const AppState& app, int) { return app.pane_count > 0 && app.panes[0].latent > 0; }

// The map's plane on a tiles x tiles grid: the visible square about the map's centre (half_extent is
// the distance to the nearer edge), or the prior's quantiles as the manifold's quantile grid.
bool write_manifold(AppState& app, int p, const std::string& path, int tiles, std::string* error) {
  const Network* net = pane_network(app, p, error);
  if (!net) return false;
  const ModelPane& pane = app.panes[p];
  const int n = std::clamp(tiles > 0 ? tiles : app.exports.manifold_tiles, kExportMinTiles, kExportMaxTiles);
  ManifoldLayout g;  // the grid and the decoding are the command line's --export-manifold's
  g.tiles = n;
  g.quantiles = app.view.manifold_grid == ManifoldGrid::PriorQuantiles;
  g.center[0] = pane.view.center[0];
  g.center[1] = pane.view.center[1];
  g.half_extent = pane.view.half_extent;
  Mat x;  // (features, tiles)
  manifold_decode(*net, g, [&](float u, float v, float* z) { plane_lift(pane.plane, u, v, z); }, &x);
  const std::vector<uint8_t> rgba = app_tiles_rgba(app, x, n, n);
  return write_png(path, rgba.data(), n * app.tile_w, n * app.tile_h, error);
}

bool strip_available(const AppState& app, int p) {
  if (!app.interp.show) return false;
  for (int q = 0; q < app.pane_count; ++q)
    if ((p < 0 || q == p) && app.panes[q].interp.version != 0) return true;
  return false;
}

bool write_strip(AppState& app, int p, const std::string& path, int, std::string* error) {
  if (!strip_available(app, p)) {
    *error = "no interpolation strip for model " + std::to_string(p) + " (turn the interpolation view on)";
    return false;
  }
  const InterpView& it = app.panes[p].interp;
  return write_png(path, it.rgba.data(), (it.steps + 2) * app.tile_w, app.tile_h, error);
}

// The gallery's z ~ N(0, I): the codes gallery_resample draws for this latent size.
bool write_gallery(AppState& app, int p, const std::string& path, int, std::string* error) {
  const Network* net = pane_network(app, p, error);
  if (!net) return false;
  const int latent = app.panes[p].latent;
  Mat eps(latent, kGalleryCols * kGalleryRows), x(app.panes[p].features, eps.cols());
  Rng rng(app.gallery_seed);
  for (Eigen::Index j = 0; j < eps.cols(); ++j)
    for (int i = 0; i < latent; ++i) eps(i, j) = rng.normal();
  InferenceWorkspace ws;
  network_decode(*net, eps, x, ws);
  const std::vector<uint8_t> rgba = app_tiles_rgba(app, x, kGalleryCols, kGalleryRows);
  return write_png(path, rgba.data(), kGalleryCols * app.tile_w, kGalleryRows * app.tile_h, error);
}

bool write_recon(AppState& app, int p, const std::string& path, int, std::string* error) {
  const Network* net = pane_network(app, p, error);
  if (!net) return false;
  const int n = static_cast<int>(app.recon_indices.size());
  Mat x(app.panes[p].features, 2 * n), code(app.panes[p].latent, n);  // originals then reconstructions
  app.data->gather(app.recon_indices.data(), n, x.leftCols(n));
  InferenceWorkspace ws;
  network_encode(*net, x.leftCols(n), code, ws);
  network_decode(*net, code, x.rightCols(n), ws);
  const std::vector<uint8_t> rgba = app_tiles_rgba(app, x, n, 2);
  return write_png(path, rgba.data(), n * app.tile_w, 2 * app.tile_h, error);
}

bool traversal_available(const AppState& app, int p) {
  for (int q = 0; q < app.pane_count; ++q) {
    const TraversalView& t = app.panes[q].traversal;
    if ((p < 0 || q == p) && t.version != 0 && t.sample >= 0 && t.image.width > 0) return true;
  }
  return false;
}

bool write_traversal(AppState& app, int p, const std::string& path, int, std::string* error) {
  if (!traversal_available(app, p)) {
    *error = "no traversals for model " + std::to_string(p) + " (turn Inside the VAE on and click a sample)";
    return false;
  }
  const TraversalView& t = app.panes[p].traversal;
  return write_png(path, t.rgba.data(), t.image.width, t.image.height, error);
}

// Read back after a later frame renders (export_after_render): the menu that asked has closed by then.
bool write_window(AppState& app, int, const std::string& path, int, std::string*) {
  app.exports.window_path = path;
  app.exports.window_frames = 2;
  return true;
}

bool write_codes(AppState& app, int p, const std::string& path, int, std::string* error) {
  const Network* net = pane_network(app, p, error);
  return net && codes_csv_write(*net, *app.data, path, error);
}

bool history_available(const AppState& app, int) { return !app.snap->history.empty(); }

bool write_loss(AppState& app, int, const std::string& path, int, std::string* error) {
  std::vector<std::string> names;
  for (const Network& net : app.snap->networks) names.push_back(model_kind_name(net.config.kind));
  const std::string csv = loss_history_csv(app.snap->history, names);
  return write_file_atomically(path, csv.data(), csv.size(), error);
}

bool always(const AppState&, int) { return true; }

// One row per ExportKind, in its order.
const ExportKindRow kExportKinds[] = {
    {ExportKind::Manifold, ".png", true, kOnMap, any_model, write_manifold},
    {ExportKind::Strip, ".png", true, kOnRow, strip_available, write_strip},
    {ExportKind::Gallery, ".png", true, kOnRow, any_model, write_gallery},
    {ExportKind::Recon, ".png", true, kOnRow, any_model, write_recon},
    {ExportKind::Traversal, ".png", true, kOnMap, traversal_available, write_traversal},
    {ExportKind::Window, ".png", false, kOnMap | kOnRow, always, write_window},
    {ExportKind::Codes, ".csv", true, kOnMap, any_model, write_codes},
    {ExportKind::Loss, ".csv", false, 0, history_available, write_loss},
};
static_assert(sizeof kExportKinds / sizeof kExportKinds[0] == static_cast<size_t>(ExportKind::Loss) + 1,
              "one row per ExportKind");

const ExportKindRow& row_of(ExportKind kind) { return kExportKinds[static_cast<size_t>(kind)]; }

//-----------------------------------------------------------------------------
// [SECTION] Folder, names and status
//-----------------------------------------------------------------------------

std::string default_folder() {
  const char* home = std::getenv("HOME");
  return std::string(home && home[0] ? home : ".") + "/latentlab-exports";
}

std::string export_folder(AppState& app) {
  if (!app.exports.folder[0]) std::snprintf(app.exports.folder, sizeof app.exports.folder, "%s", default_folder().c_str());
  return app.exports.folder;
}

// "manifold-vae-24x24-step1200.png"; "-2", "-3", ... before the extension when that name is taken.
std::string next_name(const AppState& app, const std::string& folder, const ExportKindRow& row, int p, int tiles) {
  std::string base = choice_name(row.kind);
  if (row.per_model && p < static_cast<int>(app.snap->networks.size()))
    base += std::string("-") + model_kind_name(app.snap->networks[size_t(p)].config.kind) + (app.pane_count > 1 && p > 0 &&
            app.snap->networks[0].config.kind == app.snap->networks[size_t(p)].config.kind ? "-b" : "");
  if (row.kind == ExportKind::Manifold) base += "-" + std::to_string(tiles) + "x" + std::to_string(tiles);
  base += "-step" + std::to_string(app.snap->step);
  std::string path = folder + "/" + base + row.ext;
  struct stat st {};
  for (int k = 2; stat(path.c_str(), &st) == 0; ++k) path = folder + "/" + base + "-" + std::to_string(k) + row.ext;
  return path;
}

void set_status(AppState& app, const std::string& text, bool error) {
  app.exports.status = text;
  app.exports.status_error = error;
  app.exports.status_time = app.now;
}

// The folder, made on first use; false: the status says why.
bool make_folder(AppState& app, std::string* folder, std::string* error) {
  *folder = export_folder(app);
  std::error_code ec;
  std::filesystem::create_directories(*folder, ec);
  if (!ec) return true;
  *error = "cannot create the folder " + printable_path(*folder) + ": " + ec.message();
  return false;
}

// Writes `kind` for model p to `path` ("" = the folder's next name, made here); *written: the path.
bool export_one(AppState& app, ExportKind kind, int p, std::string path, int tiles, std::string* written,
                std::string* error) {
  const ExportKindRow& row = row_of(kind);
  if (row.per_model && (p < 0 || p >= app.pane_count)) {
    *error = "no model " + std::to_string(p) + " (there are " + std::to_string(app.pane_count) + ")";
    return false;
  }
  std::string folder;
  if (path.empty()) {
    if (!make_folder(app, &folder, error)) return false;
    path = next_name(app, folder, row, p, tiles > 0 ? tiles : app.exports.manifold_tiles);
  }
  *written = path;
  return row.write(app, p, path, tiles, error);
}

// The menu's and the right-click's export: one file per model for a per-model kind (p < 0) or model p's.
void export_to_folder(AppState& app, ExportKind kind, int p) {
  const ExportKindRow& row = row_of(kind);
  std::string names, path, error;
  for (int q = row.per_model ? 0 : -1; q < (row.per_model ? app.pane_count : 0); ++q) {
    if ((row.per_model && p >= 0 && q != p) || !row.available(app, q)) continue;
    if (!export_one(app, kind, q, "", 0, &path, &error)) {
      set_status(app, "not exported: " + error, true);
      return;
    }
    names += (names.empty() ? "" : ", ") + std::filesystem::path(path).filename().string();
  }
  if (kind != ExportKind::Window && !names.empty())
    set_status(app, "exported " + names + " to " + printable_path(std::filesystem::path(path).parent_path().string()), false);
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Writers
//-----------------------------------------------------------------------------

bool export_write(AppState& app, ExportKind kind, int p, const std::string& path, int tiles, std::string* error) {
  std::string written;
  if (!export_one(app, kind, p, path, tiles, &written, error)) {
    set_status(app, "not exported: " + *error, true);
    return false;
  }
  if (kind != ExportKind::Window) set_status(app, "exported " + printable_path(written), false);
  return true;
}

void export_after_render(AppState& app, int fb_width, int fb_height) {
  ExportUi& e = app.exports;
  if (e.window_path.empty() || --e.window_frames > 0) return;
  std::string error;
  if (window_write_png(e.window_path.c_str(), fb_width, fb_height, &error))
    set_status(app, "exported the window (" + std::to_string(fb_width) + "x" + std::to_string(fb_height) + ") to " +
                        printable_path(e.window_path), false);
  else
    set_status(app, "not exported: " + error, true);
  e.window_path.clear();
}

// The status line: a recent export's outcome at the foot of the window, over everything (a
// right-click's export has no menu left open to say it), for a few seconds, an error for longer.
void ui_export_status(AppState& app) {
  const ExportUi& e = app.exports;
  const double shown_for = app.now - e.status_time;
  if (e.status.empty() || e.status_time < 0 || shown_for > (e.status_error ? 20 : 8)) return;
  const ImGuiIO& io = ImGui::GetIO();
  const float pad = ImGui::GetStyle().WindowPadding.x;
  const float wrap = io.DisplaySize.x - 4 * pad;
  const ImVec2 size = ImGui::CalcTextSize(e.status.c_str(), nullptr, false, wrap);
  const ImVec2 min(io.DisplaySize.x - size.x - 3 * pad, io.DisplaySize.y - size.y - 3 * pad);
  const ImVec2 max(io.DisplaySize.x - pad, io.DisplaySize.y - pad);
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  draw->AddRectFilled(min, max, ImGui::GetColorU32(app.theme->popup_bg), ImGui::GetStyle().PopupRounding);
  draw->AddRect(min, max, ImGui::GetColorU32(e.status_error ? app.theme->error_text : app.theme->good_text),
                ImGui::GetStyle().PopupRounding);
  draw->AddText(nullptr, 0, ImVec2(min.x + pad, min.y + pad), ImGui::GetColorU32(app.theme->text), e.status.c_str(), nullptr, wrap);
}

//-----------------------------------------------------------------------------
// [SECTION] Menus
//-----------------------------------------------------------------------------

// One item per kind offered in `places` (0: every kind), for model p (-1: every model).
static void export_items(AppState& app, int places, int p) {
  for (const ExportKindRow& row : kExportKinds) {
    if (places && !(row.places & places)) continue;
    const Choice& c = choice_of(row.kind);
    if (ImGui::MenuItem(c.title, nullptr, false, row.available(app, p))) export_to_folder(app, row.kind, p);
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", c.description);
  }
}

void ui_export_menu_items(AppState& app) {
  ExportUi& e = app.exports;
  export_folder(app);
  const float field = ImGui::GetFontSize() * 16;
  ImGui::SetNextItemWidth(field);
  ImGui::InputText("folder", e.folder, sizeof e.folder);
  control_help(app, "export_folder");
  ImGui::SameLine();
  if (ImGui::Button("Choose...")) file_browser_open(app, BrowseTarget::ExportFolder);  // gui_file_browser.cpp
  control_help(app, "export_folder_choose");
  ImGui::SetNextItemWidth(field);
  ImGui::SliderInt("manifold tiles per side", &e.manifold_tiles, kExportMinTiles, kExportMaxTiles);
  control_help(app, "export_tiles");
  ImGui::Separator();
  export_items(app, 0, -1);
  if (!e.status.empty()) {
    ImGui::Separator();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + field * 1.6f);
    if (e.status_error) ImGui::TextColored(app.theme->error_text, "%s", e.status.c_str());
    else ImGui::TextDisabled("%s", e.status.c_str());
    ImGui::PopTextWrapPos();
  }
}

// A right click that did not drag (a right drag pans the map) opens the menu of the view under it.
void ui_export_context(AppState& app, int p, ImVec2 map_min, ImVec2 map_max, ImVec2 row_min, ImVec2 row_max) {
  char id[32];
  std::snprintf(id, sizeof id, "##export_context%d", p);
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Right) && ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows) &&
      io.MouseDragMaxDistanceSqr[ImGuiMouseButton_Right] < io.MouseDragThreshold * io.MouseDragThreshold) {
    const bool on_map = ImGui::IsMouseHoveringRect(map_min, map_max), on_row = ImGui::IsMouseHoveringRect(row_min, row_max);
    if (on_map || on_row) {
      app.exports.status_time = -1;  // a new menu: the old outcome is not news
      ImGui::OpenPopup(id);
      app.exports.context_place = on_map ? kOnMap : kOnRow;
    }
  }
  if (ImGui::BeginPopup(id)) {
    const int place = app.exports.context_place;
    app.exports.context_frame = app.frame;
    ImGui::TextDisabled("Export %s to %s", pane_title(app.panes[p]), printable_path(export_folder(app)).c_str());
    export_items(app, place, p);
    ImGui::EndPopup();
  }
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void export_write_state(const AppState& app, FILE* f) {
  const ExportUi& e = app.exports;
  std::fprintf(f, "export_status=%s\nexport_error=%d\nexport_folder=%s\n", e.status.c_str(), e.status_error ? 1 : 0, e.folder);
  const bool open = e.context_frame + 1 >= app.frame && e.context_frame > 0;  // drawn this frame or the last
  std::fprintf(f, "export_context=%s\n", !open ? "none" : e.context_place == kOnMap ? "map" : "row");
}
