// Code units, in the row under each map (toolbar: "Code units"): the sparse AE's lesson, shown the
// same way for every kind so that plain and sparse can be set side by side. A pass encodes up to
// kUnitsSamples held-out samples a chunk at a time (within kUnitsFrameSeconds a frame, at most every
// kUnitsRefreshSeconds on new weights) against one snapshot; at its end the row shows a heatmap of
// |h| (units sorted by mean activation, busiest on top; values near zero in the plane's colour), each
// unit's mean activation as a bar against the sparse AE's target rho, the share near zero, and each
// unit's favourite inputs: the mean of the kUnitsTopK held-out samples that drive it highest.
//
// Index:
//   [SECTION] Measuring
//   [SECTION] Lifecycle
//   [SECTION] Drawing
//   [SECTION] State dump
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "gui_help.h"
#include "gui_state.h"
#include "measure/code_units.h"
#include "measure/kind_figures.h"

namespace {
constexpr int kUnitsSamples = 512;              // held-out samples a pass encodes at most
constexpr int kUnitsChunk = 64;                 // samples encoded at once (the least a pane does in a frame)
constexpr double kUnitsFrameSeconds = 0.002;    // the panes' share of a frame (at least one chunk each)
constexpr double kUnitsRefreshSeconds = 1.0;    // a new pass on new weights at most this often
constexpr int kUnitsTopK = 12;                  // inputs averaged into a unit's favourite

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int shown_units(const ModelPane& pane) { return std::min(pane.latent, kUnitsShown); }

void put_color(uint8_t* px, ImU32 c) { std::memcpy(px, &c, 4); }  // ImU32 is R, G, B, A in memory

// The target the bars are drawn against: a KL-sparse model's rho (this pane's, else the other's,
// so that plain and sparse read against the same line); false when no pane has one (L1 has none).
bool rho_target(const AppState& app, int p, double* rho) {
  if (!app.snap) return false;
  for (int k = 0; k < static_cast<int>(app.snap->networks.size()); ++k) {
    const int q = (p + k) % static_cast<int>(app.snap->networks.size());
    const ModelConfig& c = app.snap->networks[size_t(q)].config;
    if (c.kind == ModelKind::Sparse && c.sparsity == SparsityKind::KL) {
      *rho = c.rho;
      return true;
    }
  }
  return false;
}
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Measuring
//-----------------------------------------------------------------------------

// The samples measured: the map's held-out points first (point_indices holds them first); training
// points only when there are no held-out ones.
static int units_sample_count(const AppState& app) {
  const int n = static_cast<int>(app.point_indices.size());
  int held = 0;
  while (held < n && app.point_indices[size_t(held)] >= app.data->train_count) ++held;
  return std::min(kUnitsSamples, held > 0 ? held : n);
}

static void units_pass_start(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  CodeUnitsView& u = pane.units;
  u.time = app.now;
  u.pass_total = units_sample_count(app);
  if (!pane_matches(app, pane, app.snap->networks[p]) || u.pass_total == 0) return;
  u.indices.assign(app.point_indices.begin(), app.point_indices.begin() + u.pass_total);
  if (u.x.cols() != u.pass_total) u.x.resize(pane.features, u.pass_total);
  if (u.code.cols() != u.pass_total) u.code.resize(pane.latent, u.pass_total);
  app.data->gather(u.indices.data(), u.pass_total, u.x);
  u.pass_snapshot = app.snap;
  u.pass_next = 0;
}

// The heatmap: shown units (busiest on top) by the first kUnitsHeatSamples samples, |h| on the value
// ramp up to the shown values' largest; near-zero values (|h| <= kActiveThreshold) in the plane's colour.
static void units_heatmap(const AppState& app, CodeUnitsView& u, int shown) {
  const int cols = std::min(kUnitsHeatSamples, u.samples);
  float top = 0;
  for (int r = 0; r < shown; ++r)
    for (int c = 0; c < cols; ++c) top = std::max(top, std::fabs(u.code(u.order[size_t(r)], c)));
  std::fill(u.heat_rgba.begin(), u.heat_rgba.end(), 0);
  for (int r = 0; r < shown; ++r)
    for (int c = 0; c < cols; ++c) {
      const float h = std::fabs(u.code(u.order[size_t(r)], c));
      uint8_t* px = &u.heat_rgba[(size_t(r) * kUnitsHeatSamples + size_t(c)) * 4];
      put_color(px, h <= kActiveThreshold ? app.theme->map_background : value_ramp_color(top > 0 ? h / top : 0));
      px[3] = 255;
    }
  gpu_image_upload(&u.heat_image, u.heat_rgba.data());
}

// One chunk; at the end of the pass the figures, the heatmap and the favourites replace the shown ones.
static void units_pass_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  CodeUnitsView& u = pane.units;
  const Network& net = u.pass_snapshot->networks[p];
  if (!pane_matches(app, pane, net)) {
    u.pass_snapshot.reset();
    return;
  }
  const int m = std::min(kUnitsChunk, u.pass_total - u.pass_next);
  network_encode(net, u.x.middleCols(u.pass_next, m), u.code.middleCols(u.pass_next, m), u.ws);
  u.pass_next += m;
  if (u.pass_next < u.pass_total) return;
  u.samples = u.pass_total;
  code_activity(u.code, u.unit_mean, &u.active_fraction);
  u.mean_activation = 0;
  for (double v : u.unit_mean) u.mean_activation += v / double(u.unit_mean.size());
  code_unit_order(u.unit_mean, u.order);
  code_unit_favourites(u.code, u.x, kUnitsTopK, u.favourites);
  const int shown = shown_units(pane);
  units_heatmap(app, u, shown);
  std::fill(u.tiles_rgba.begin(), u.tiles_rgba.end(), 0);
  for (int r = 0; r < shown; ++r)
    sample_to_rgba(app, u.favourites.col(u.order[size_t(r)]).data(), u.tiles_rgba.data(), shown * app.tile_w,
                   r * app.tile_w, 0);
  gpu_image_upload(&u.tiles_image, u.tiles_rgba.data());
  u.version = u.pass_snapshot->version;
  u.pass_snapshot.reset();
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void units_configure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  CodeUnitsView& u = pane.units;
  u.pass_snapshot.reset();
  u.unit_mean.clear();
  u.order.clear();
  u.samples = 0;
  u.version = 0;
  u.time = -1;
  const int shown = std::max(1, shown_units(pane));
  u.heat_rgba.assign(size_t(kUnitsHeatSamples) * shown * 4, 0);
  gpu_image_resize(&u.heat_image, kUnitsHeatSamples, shown, false);
  u.tiles_rgba.assign(size_t(app.tile_w) * app.tile_h * 4 * shown, 0);
  gpu_image_resize(&u.tiles_image, shown * app.tile_w, app.tile_h, true);
}

static void units_update(AppState& app) {
  if (!app.view.show_units || !app.data || !app.snap) return;
  const double start = seconds_now();
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || p >= static_cast<int>(app.snap->networks.size())) continue;
    CodeUnitsView& u = pane.units;
    if (!u.pass_snapshot && u.version != app.snap->version && (u.version == 0 || app.now - u.time >= kUnitsRefreshSeconds))
      units_pass_start(app, p);
    if (u.pass_snapshot) do units_pass_step(app, p);
      while (u.pass_snapshot && seconds_now() - start < kUnitsFrameSeconds * (p + 1) / app.pane_count);
  }
}

static bool units_in_sync(const AppState& app) {
  if (!app.view.show_units) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.latent == 0) continue;
    if (pane.units.pass_snapshot || pane.units.version != app.snap->version) return false;
  }
  return true;
}

static void units_free_gl(ModelPane& pane) {
  gpu_image_free(&pane.units.heat_image);
  gpu_image_free(&pane.units.tiles_image);
}

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

void ui_pane_units(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  CodeUnitsView& u = pane.units;
  const Theme& th = *app.theme;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, gap = 10 * s;
  u.row_min = origin;
  u.row_max = ImVec2(origin.x + width, origin.y + height);
  if (u.version == 0 || u.order.empty()) {
    draw->AddText(origin, th.caption, "Code units: encoding the held-out samples...");
    ImGui::Dummy(ImVec2(width, height));
    return;
  }
  // Caption: the figures, in a long or a short form.
  double rho = 0;
  const bool has_rho = rho_target(app, p, &rho);
  char text[192], short_text[96];
  if (has_rho)
    std::snprintf(text, sizeof text, "mean |h| %.3g (target \xcf\x81 %.3g) \xc2\xb7 near zero (|h| \xe2\x89\xa4 %.1f): %.0f%% of %d held-out",
                  u.mean_activation, rho, double(kActiveThreshold), 100 * (1 - u.active_fraction), u.samples);
  else
    std::snprintf(text, sizeof text, "mean |h| %.3g \xc2\xb7 near zero (|h| \xe2\x89\xa4 %.1f): %.0f%% of %d held-out",
                  u.mean_activation, double(kActiveThreshold), 100 * (1 - u.active_fraction), u.samples);
  std::snprintf(short_text, sizeof short_text, "mean |h| %.3g \xc2\xb7 %.0f%% near 0", u.mean_activation,
                100 * (1 - u.active_fraction));
  const char* caption = fitting_caption(width, text, short_text);
  draw->AddText(origin, th.strong_text, caption);
  if (ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + width, origin.y + line))) help_tooltip("units");
  layout_rect(&app.layout, "units caption", origin, ImVec2(origin.x + std::min(width, ImGui::CalcTextSize(caption).x), origin.y + line));

  // Body: heatmap | bars (the same rows) | favourite tiles.
  const int shown = shown_units(pane);
  const float body_top = origin.y + line, body_h = height - line;
  // The favourites' grid: the rows that give the largest tiles within the row's height and 40% of its width.
  int tile_rows = 1;
  float cell = 0;
  for (int r = 1; r <= shown; ++r) {
    const int c = (shown + r - 1) / r;
    const float side = std::floor(std::min(body_h / r, 0.4f * width / c));
    if (side > cell) cell = side, tile_rows = r;
  }
  const int tile_cols = (shown + tile_rows - 1) / tile_rows;
  const float tiles_w = tile_cols * cell;
  const float left_w = width - tiles_w - gap;
  const float heat_w = std::floor(0.6f * left_w), bars_w = left_w - heat_w - gap;
  const ImVec2 h0(origin.x, body_top), h1(origin.x + heat_w, body_top + body_h);
  draw->AddImage(gpu_image_id(u.heat_image), h0, h1, ImVec2(0, 0),
                 ImVec2(float(std::min(kUnitsHeatSamples, u.samples)) / kUnitsHeatSamples, 1));
  draw->AddRect(h0, h1, th.grid_axis);
  u.heat_min = h0;
  u.heat_max = h1;
  layout_rect(&app.layout, "units heatmap", h0, h1);
  if (ImGui::IsMouseHoveringRect(h0, h1)) {
    const int r = std::min(shown - 1, static_cast<int>((ImGui::GetIO().MousePos.y - h0.y) / (h1.y - h0.y) * shown));
    ImGui::SetTooltip("Unit z%d: mean |h| %.3g\nColumns: %d held-out samples; dark: |h| <= %.1f", u.order[size_t(r)] + 1,
                      u.unit_mean[size_t(u.order[size_t(r)])], std::min(kUnitsHeatSamples, u.samples), double(kActiveThreshold));
  }
  // Bars: each unit's mean |h|, the scale reaching past rho so that the line is always on it.
  const ImVec2 b0(h1.x + gap, body_top), b1(b0.x + bars_w, body_top + body_h);
  double most = has_rho ? 1.25 * rho : 0;
  for (int r = 0; r < shown; ++r) most = std::max(most, u.unit_mean[size_t(u.order[size_t(r)])]);
  if (most <= 0) most = 1;
  const float row_h = (b1.y - b0.y) / shown;
  for (int r = 0; r < shown; ++r) {
    const float w = float(u.unit_mean[size_t(u.order[size_t(r)])] / most) * (b1.x - b0.x);
    const float y0 = b0.y + r * row_h, y1 = y0 + std::max(1.0f, row_h - (row_h > 4 * s ? 1.0f : 0.0f));
    draw->AddRectFilled(ImVec2(b0.x, y0), ImVec2(b0.x + w, y1), pane_accent(p));
  }
  draw->AddRect(b0, b1, th.grid_axis);
  if (has_rho) {
    const float x = b0.x + float(rho / most) * (b1.x - b0.x);
    draw->AddLine(ImVec2(x, b0.y), ImVec2(x, b1.y), ImGui::ColorConvertFloat4ToU32(th.warn_text), 2 * s);
  }
  layout_rect(&app.layout, "units bars", b0, b1);
  if (ImGui::IsMouseHoveringRect(b0, b1)) {
    if (has_rho) ImGui::SetTooltip("Each unit's mean |h|, busiest on top; the line: the sparse AE's target rho %.3g", rho);
    else ImGui::SetTooltip("Each unit's mean |h|, busiest on top (no KL-sparse model here: no target rho)");
  }
  // Favourites: one tile per unit, in the same order, column by column.
  const float tx = origin.x + width - tiles_w;
  const float tu = 1.0f / shown;
  for (int r = 0; r < shown; ++r) {
    const float px = tx + (r / tile_rows) * cell, py = body_top + (r % tile_rows) * cell;
    draw->AddImage(gpu_image_id(u.tiles_image), ImVec2(px, py), ImVec2(px + cell - 1, py + cell - 1), ImVec2(r * tu, 0),
                   ImVec2((r + 1) * tu, 1));
    if (ImGui::IsMouseHoveringRect(ImVec2(px, py), ImVec2(px + cell, py + cell)))
      ImGui::SetTooltip("Unit z%d responds to: the mean of the %d held-out samples that drive it highest",
                        u.order[size_t(r)] + 1, kUnitsTopK);
  }
  u.tile_cols = tile_cols;
  u.tile_rows = tile_rows;
  layout_rect(&app.layout, "units favourites", ImVec2(tx, body_top), ImVec2(tx + tiles_w, body_top + tile_rows * cell));
  ImGui::SetCursorScreenPos(origin);
  ImGui::Dummy(ImVec2(width, height));
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void units_view_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "units=%d\nunits_threshold=%g\n", app.view.show_units ? 1 : 0, double(kActiveThreshold));
  for (int p = 0; p < app.pane_count; ++p) {
    const CodeUnitsView& u = app.panes[p].units;
    double rho = 0;
    const bool has_rho = rho_target(app, p, &rho);
    std::fprintf(f, "pane%d.units_version=%llu\npane%d.units_samples=%d\npane%d.units_mean_activation=%g\n", p,
                 static_cast<unsigned long long>(u.version), p, u.samples, p, u.mean_activation);
    std::fprintf(f, "pane%d.units_active_fraction=%g\npane%d.units_rho=%g\npane%d.units_means=", p, u.active_fraction, p,
                 has_rho ? rho : -1.0, p);
    for (size_t k = 0; k < u.order.size(); ++k) std::fprintf(f, "%s%g", k ? "," : "", u.unit_mean[size_t(u.order[k])]);
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    std::fprintf(f, "\npane%d.units_heat=%d %d %d %d\n", p, static_cast<int>(u.heat_min.x * scale.x),
                 static_cast<int>(u.heat_min.y * scale.y), static_cast<int>((u.heat_max.x - u.heat_min.x) * scale.x),
                 static_cast<int>((u.heat_max.y - u.heat_min.y) * scale.y));
  }
}

extern const PaneViewOps kUnitsView = {"units", units_configure, units_update, units_in_sync, nullptr, nullptr,
                                       units_free_gl};
