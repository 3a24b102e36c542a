// Latent traversals, in the "Inside the VAE" row under each map (view_kl.cpp lays the row out) once
// a sample is selected (click a point): one row per latent dimension, the dimension swept across +-3 sigma
// with every other coordinate at the sample's code, what each dimension means to the decoder. Sigma
// is the prior's (1) for a variational kind and the spread of the map's codes along the dimension
// otherwise, centred on the prior's mean (0) or the codes' mean. A VAE's rows are sorted by KL (the
// "Inside the VAE" measure) and a dimension below kActiveUnitNats is marked collapsed: its row does
// not change; other kinds' rows are sorted by the codes' spread. Decoded again on a new sample at
// once and on new weights at most every kTraversalSeconds.
//
// Index:
//   [SECTION] Decoding
//   [SECTION] Lifecycle
//   [SECTION] Drawing and state
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "gui_state.h"

namespace {
constexpr int kTraversalCols = 7;            // -3, -2, ..., +3 sigma
constexpr float kTraversalSigmas = 3.0f;
constexpr double kTraversalSeconds = 0.5;
constexpr float kTraversalMaxTile = 40;     // pixels at 100%: larger tiles show nothing more
constexpr int kTraversalMaxColumns = 4;      // column groups the rows may flow into
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Decoding
//-----------------------------------------------------------------------------

static int traversal_sample(const AppState& app) { return app.selected_count > 0 ? app.selected[0] : -1; }

static void traversal_compute(AppState& app, int p, int sample) {
  ModelPane& pane = app.panes[p];
  TraversalView& t = pane.traversal;
  const Network& net = app.snap->networks[p];
  if (!pane_matches(app, pane, net)) return;
  const int latent = pane.latent;
  const bool vae = model_kind_info(pane.kind).variational;
  app.data->gather(&sample, 1, t.x1);
  network_encode(net, t.x1, t.code, t.ws);
  // The sweep's middle and sigma per dimension.
  const int points = static_cast<int>(pane.codes.cols());
  for (int j = 0; j < latent; ++j) {
    if (vae || points < 2) {
      t.center[j] = 0;
      t.sigma[j] = 1;
      continue;
    }
    double sum = 0, sq = 0;
    for (int i = 0; i < points; ++i) sum += pane.codes(j, i);
    const double mean = sum / points;
    for (int i = 0; i < points; ++i) sq += (pane.codes(j, i) - mean) * (pane.codes(j, i) - mean);
    t.center[j] = float(mean);
    t.sigma[j] = float(std::sqrt(sq / (points - 1)));
  }
  // Rows: by KL for a VAE whose KL is measured for these shapes, else by sigma (the codes' spread).
  t.rows.resize(static_cast<size_t>(latent));
  const KlView& k = pane.kl;
  if (vae && static_cast<int>(k.order.size()) == latent) {
    t.rows = k.order;
  } else {
    std::iota(t.rows.begin(), t.rows.end(), 0);
    std::stable_sort(t.rows.begin(), t.rows.end(), [&](int a, int b) { return t.sigma[a] > t.sigma[b]; });
  }
  t.collapsed.assign(static_cast<size_t>(latent), 0);
  for (int r = 0; r < latent; ++r) {
    const int j = t.rows[r];
    if (vae && static_cast<int>(k.kl.kl.size()) == latent) t.collapsed[r] = k.kl.kl[j] <= kActiveUnitNats;
    for (int c = 0; c < kTraversalCols; ++c) {
      const float step = -kTraversalSigmas + 2 * kTraversalSigmas * c / (kTraversalCols - 1);
      t.z.col(r * kTraversalCols + c) = t.code.col(0);
      t.z(j, r * kTraversalCols + c) = t.center[j] + step * t.sigma[j];
    }
  }
  network_decode(net, t.z, t.x, t.ws);
  const int width = kTraversalCols * app.tile_w;
  t.change.assign(static_cast<size_t>(latent), 0.0f);
  for (int r = 0; r < latent; ++r) {
    for (int c = 0; c < kTraversalCols; ++c)
      sample_to_rgba(app, t.x.col(r * kTraversalCols + c).data(), t.rgba.data(), width, c * app.tile_w, r * app.tile_h);
    t.change[r] = (t.x.col(r * kTraversalCols) - t.x.col(r * kTraversalCols + kTraversalCols - 1)).cwiseAbs().mean();
  }
  gpu_image_upload(&t.image, t.rgba.data());
  t.sample = sample;
  t.version = app.snap->version;
  t.time = app.now;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void traversal_configure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  TraversalView& t = pane.traversal;
  const int n = pane.latent * kTraversalCols;
  t.x1.setZero(pane.features, 1);
  t.code.setZero(pane.latent, 1);
  t.z.setZero(pane.latent, n);
  t.x.setZero(pane.features, n);
  t.center.setZero(pane.latent);
  t.sigma.setOnes(pane.latent);
  t.rgba.assign(static_cast<size_t>(app.tile_w) * app.tile_h * 4 * static_cast<size_t>(n), 0);
  gpu_image_resize(&t.image, kTraversalCols * app.tile_w, std::max(1, pane.latent) * app.tile_h, true);
  t.rows.clear();
  t.sample = -1;
  t.version = 0;
}

static void traversal_update(AppState& app) {
  if (!app.view.show_kl || !app.data || !app.snap) return;
  const int sample = traversal_sample(app);
  if (sample < 0 || sample >= app.data->count) return;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    const TraversalView& t = pane.traversal;
    if (pane.latent == 0 || p >= static_cast<int>(app.snap->networks.size())) continue;
    const bool stale = t.version != app.snap->version && app.now - t.time >= kTraversalSeconds;
    // A VAE's rows wait for its KL order (measured by the KL view) before they are final.
    const bool order_changed = static_cast<int>(pane.kl.order.size()) == pane.latent && t.rows != pane.kl.order &&
                               model_kind_info(pane.kind).variational;
    if (t.sample != sample || stale || order_changed) traversal_compute(app, p, sample);
  }
}

static bool traversal_in_sync(const AppState& app) {
  if (!app.view.show_kl || traversal_sample(app) < 0) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.latent == 0) continue;
    if (pane.traversal.sample != traversal_sample(app) || pane.traversal.version != app.snap->version) return false;
  }
  return true;
}

static void traversal_free_gl(ModelPane& pane) { gpu_image_free(&pane.traversal.image); }

//-----------------------------------------------------------------------------
// [SECTION] Drawing and state
//-----------------------------------------------------------------------------

// The box's inner parts for a tile side and a number of column groups: the title line on top, then
// each group a column of dimension names and a column of tiles side by side.
static float traversal_label_w(const AppState& app) { return ImGui::CalcTextSize("z00").x + 4 * app.ui_scale; }

float traversal_fit_tile(const AppState& app, int p, float w, float h, int* columns) {
  const int rows = std::max(1, app.panes[p].latent);
  const float s = app.ui_scale, pad = 6 * s, gap = 8 * s, line = ImGui::GetTextLineHeightWithSpacing();
  float best = 0;
  *columns = 1;
  for (int k = 1; k <= std::min(kTraversalMaxColumns, rows); ++k) {
    const int per = (rows + k - 1) / k;
    const float by_h = (h - 2 * pad - line) / per;
    const float by_w = (w - 2 * pad - k * traversal_label_w(app) - (k - 1) * gap) / (k * kTraversalCols);
    const float tile = std::min({kTraversalMaxTile * s, by_h, by_w});
    if (tile > best + 0.5f) best = tile, *columns = k;  // fewer groups unless more give larger tiles
  }
  return std::floor(std::max(0.0f, best));
}

void traversal_draw(AppState& app, int p, ImVec2 min, ImVec2 max) {
  ModelPane& pane = app.panes[p];
  TraversalView& t = pane.traversal;
  t.rect_min = t.rect_max = ImVec2(0, 0);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const Theme& th = *app.theme;
  if (t.sample < 0 || t.sample != traversal_sample(app) || t.rows.empty()) {
    const char* text = "Traversals: click a point on the map to sweep its code one dimension at a time.";
    const float wrap = max.x - min.x;
    draw->AddText(nullptr, 0.0f, min, th.caption, text, nullptr, wrap);
    const ImVec2 ts = ImGui::CalcTextSize(text, nullptr, false, wrap);
    layout_rect(&app.layout, "traversal note", min, ImVec2(min.x + std::min(wrap, ts.x), min.y + std::min(max.y - min.y, ts.y)));
    return;
  }
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing(), pad = 6 * s, gap = 8 * s;
  const int rows = static_cast<int>(t.rows.size());
  int groups = 1;
  const float tile = std::max(1.0f, traversal_fit_tile(app, p, max.x - min.x, max.y - min.y, &groups));
  const int per = (rows + groups - 1) / groups;
  const float label_w = traversal_label_w(app), group_w = label_w + tile * kTraversalCols;
  const ImVec2 b0 = min;
  const ImVec2 b1(min.x + 2 * pad + groups * group_w + (groups - 1) * gap, min.y + 2 * pad + line + per * tile);
  draw->AddRectFilled(b0, b1, (th.map_background & 0x00FFFFFF) | 0xE0000000, 4 * s);
  draw->AddRect(b0, b1, th.map_border, 4 * s);
  draw->PushClipRect(b0, b1, true);
  const char* title = "traversals of the selected sample: -3\xcf\x83 to +3\xcf\x83 per dimension";
  if (ImGui::CalcTextSize(title).x > b1.x - b0.x - 2 * pad) title = "-3\xcf\x83  traversals  +3\xcf\x83";
  if (ImGui::CalcTextSize(title).x > b1.x - b0.x - 2 * pad) title = "\xc2\xb1" "3\xcf\x83";  // "±3σ"
  draw->AddText(ImVec2(b0.x + pad, b0.y + pad), th.strong_text, title);
  char label[16];
  for (int r = 0; r < rows; ++r) {
    const int g = r / per, i = r % per;
    const float x = b0.x + pad + g * (group_w + gap), y = b0.y + pad + line + i * tile;
    const ImVec2 img0(x + label_w, y), img1(img0.x + tile * kTraversalCols, y + tile);
    draw->AddImage(gpu_image_id(t.image), img0, img1, ImVec2(0, float(r) / rows), ImVec2(1, float(r + 1) / rows));
    std::snprintf(label, sizeof label, "z%d", t.rows[r] + 1);
    const bool dead = t.collapsed[r] != 0;
    if (tile >= 0.8f * ImGui::GetFontSize())  // rows too thin for a name each keep none (they would overlap)
      draw->AddText(ImVec2(x, y + 0.5f * (tile - ImGui::GetFontSize())), dead ? th.caption : th.tick_text, label);
    if (dead) {  // collapsed: greyed, struck through
      draw->AddRectFilled(img0, img1, (th.map_background & 0x00FFFFFF) | 0xA0000000);
      draw->AddLine(ImVec2(img0.x, y + 0.5f * tile), ImVec2(img1.x, y + 0.5f * tile), ImGui::ColorConvertFloat4ToU32(th.error_text),
                    1.5f * s);
    }
  }
  draw->PopClipRect();
  t.rect_min = b0;
  t.rect_max = b1;
  t.tile = tile;
  layout_rect(&app.layout, "traversal box", b0, b1);
}

void traversal_write_state(const AppState& app, FILE* f) {
  for (int p = 0; p < app.pane_count; ++p) {
    const TraversalView& t = app.panes[p].traversal;
    std::fprintf(f, "pane%d.traversal_sample=%d\npane%d.traversal_rows=", p, t.sample, p);
    for (size_t r = 0; r < t.rows.size(); ++r) std::fprintf(f, "%s%d", r ? "," : "", t.rows[r]);
    std::fprintf(f, "\npane%d.traversal_collapsed=", p);
    for (size_t r = 0; r < t.collapsed.size(); ++r) std::fprintf(f, "%s%d", r ? "," : "", int(t.collapsed[r]));
    std::fprintf(f, "\npane%d.traversal_change=", p);
    for (size_t r = 0; r < t.change.size(); ++r) std::fprintf(f, "%s%g", r ? "," : "", t.change[r]);
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    std::fprintf(f, "\npane%d.traversal_tile=%d", p, static_cast<int>(t.tile * scale.x));
    std::fprintf(f, "\npane%d.traversal_rect=%d %d %d %d\n", p, static_cast<int>(t.rect_min.x * scale.x),
                 static_cast<int>(t.rect_min.y * scale.y), static_cast<int>((t.rect_max.x - t.rect_min.x) * scale.x),
                 static_cast<int>((t.rect_max.y - t.rect_min.y) * scale.y));
  }
}

extern const PaneViewOps kTraversalView = {"traversal", traversal_configure, traversal_update, traversal_in_sync,
                                           nullptr, nullptr, traversal_free_gl};
