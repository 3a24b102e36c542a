// Latent arithmetic (toolbar: "Arithmetic"): "smiling faces - neutral faces = a smile vector". Group
// A and group B are picked in the left column's panel (a label, a range of a true factor, or the
// samples selected on the map); the difference of their mean codes over the map's points is the
// attribute vector (core/measure/latent_arithmetic.h). The row under each map shows the chosen
// sample (the first selected one, else the first point of group B) decoded with the vector added at
// the fixed strengths kArithStrengths and, last and framed, at the panel's strength; the map shows
// the arrow from B's mean code to A's, and the sample's own shift. It works for every kind, so the AE
// and the VAE of compare mode show it side by side. Computed when the groups, the strength, the
// sample or the map's codes change (at most every kArithSeconds for new codes), never per frame.
//
// Index:
//   [SECTION] Groups
//   [SECTION] Computing
//   [SECTION] Lifecycle
//   [SECTION] Drawing: the row and the arrow
//   [SECTION] The left column's panel
//   [SECTION] State dump
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "gui_state.h"

namespace {
const float kArithStrengths[] = {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f, 2.0f};  // the row's fixed tiles
constexpr int kArithTiles = static_cast<int>(sizeof kArithStrengths / sizeof kArithStrengths[0]);
constexpr float kArithMaxStrength = 3.0f;    // the slider's range, either way
constexpr double kArithSeconds = 0.5;        // recomputed on new codes at most this often

const ChoiceList kArithGroupKinds = {
    "group",
    {{"label", "Label", "The samples with one label (faces: frowning, neutral, smiling)"},
     {"factor", "Factor range", "The samples whose true factor lies in a range (faces: smile above 0.33)"},
     {"selection", "Selected points", "The samples selected on the map or in the data grid (click, shift-click)"}}};
}  // namespace

template <>
const ChoiceList& choice_list<ArithGroupKind>() { return kArithGroupKinds; }

//-----------------------------------------------------------------------------
// [SECTION] Groups
//-----------------------------------------------------------------------------

static bool in_group(const Dataset& d, const ArithGroup& g, int sample) {
  if (g.kind == ArithGroupKind::Selection) return std::binary_search(g.samples.begin(), g.samples.end(), sample);
  return sample_in_group(d, g.group, sample);
}

static void take_selection(const AppState& app, ArithGroup& g) {
  g.kind = ArithGroupKind::Selection;
  g.samples.assign(app.selected, app.selected + app.selected_count);
  std::sort(g.samples.begin(), g.samples.end());
}

// Even-odd rule: is plane point (u, v) inside the polygon uv (2 * vertices)?
static bool inside_polygon(const std::vector<float>& uv, float u, float v) {
  const size_t n = uv.size() / 2;
  bool in = false;
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const float ui = uv[2 * i], vi = uv[2 * i + 1], uj = uv[2 * j], vj = uv[2 * j + 1];
    if ((vi > v) != (vj > v) && u < (uj - ui) * (v - vi) / (vj - vi) + ui) in = !in;
  }
  return in;
}

void arith_lasso_finish(AppState& app, int p, int which, const std::vector<float>& uv) {
  const ModelPane& pane = app.panes[p];
  ArithGroup& g = which == 1 ? app.arith.a : app.arith.b;
  g.kind = ArithGroupKind::Selection;
  g.samples.clear();
  const size_t points = std::min(app.point_indices.size(), pane.plane_xy.size() / 2);
  if (uv.size() >= 6)
    for (size_t i = 0; i < points; ++i)
      if (inside_polygon(uv, pane.plane_xy[2 * i], pane.plane_xy[2 * i + 1])) g.samples.push_back(app.point_indices[i]);
  std::sort(g.samples.begin(), g.samples.end());
  app.arith.lasso = 0;
  app.arith.lasso_pane = -1;
  app.arith.lasso_uv.clear();
  ++app.arith.serial;
}

// While a lasso is armed (the panel's Lasso button): press on a map to start, drag to draw, release
// to close it; the points inside become the group. Esc cancels.
bool arith_lasso_input(AppState& app, int p, const MapFrame& f, bool hovered) {
  LatentArithmetic& la = app.arith;
  if (!app.view.show_arith || la.lasso == 0) return false;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
    la.lasso = 0;
    la.lasso_pane = -1;
    la.lasso_uv.clear();
    return false;
  }
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (la.lasso_pane < 0) {
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      la.lasso_pane = p;
      la.lasso_uv.assign({f.to_u(mouse.x), f.to_v(mouse.y)});
    }
    return hovered;
  }
  if (la.lasso_pane != p) return false;
  if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    const size_t n = la.lasso_uv.size();
    const ImVec2 last = f.to_screen(la.lasso_uv[n - 2], la.lasso_uv[n - 1]);
    if (std::fabs(mouse.x - last.x) + std::fabs(mouse.y - last.y) >= 3 * app.ui_scale) {
      la.lasso_uv.push_back(f.to_u(mouse.x));
      la.lasso_uv.push_back(f.to_v(mouse.y));
    }
  } else {
    const std::vector<float> uv = la.lasso_uv;
    arith_lasso_finish(app, p, la.lasso, uv);
  }
  return true;
}

static ArithGroup label_group(int label) {
  ArithGroup g;
  g.kind = ArithGroupKind::Label;
  g.group.label = label;
  return g;
}

// A new data set: A = its last label, B = the one before (faces: smiling and neutral); without labels,
// the top and bottom thirds of its first factor; else the selection.
static void arith_defaults(AppState& app) {
  LatentArithmetic& la = app.arith;
  la.defaults_for = app.data.get();
  ++la.serial;
  if (app.label_counts.size() >= 2) {
    la.a = label_group(app.label_counts[app.label_counts.size() - 1].label);
    la.b = label_group(app.label_counts[app.label_counts.size() - 2].label);
    return;
  }
  const Dataset& d = *app.data;
  if (d.factors.rows() > 0 && d.count > 0) {
    const float lo = d.factors.row(0).minCoeff(), hi = d.factors.row(0).maxCoeff(), third = (hi - lo) / 3;
    la.a.kind = la.b.kind = ArithGroupKind::Factor;
    la.a.group = SampleGroup{-1, 0, hi - third, hi};
    la.b.group = SampleGroup{-1, 0, lo, lo + third};
    return;
  }
  la.a = la.b = ArithGroup{};
  la.a.kind = la.b.kind = ArithGroupKind::Selection;
}

void arith_set_groups(AppState& app, const ArithGroup& a, const ArithGroup& b) {
  app.arith.a = a;
  app.arith.b = b;
  app.arith.defaults_for = app.data.get();
  ++app.arith.serial;
}

void arith_set_strength(AppState& app, float strength) {
  app.arith.strength = std::clamp(strength, -kArithMaxStrength, kArithMaxStrength);
  ++app.arith.serial;
}

// label=N | FACTOR=LO:HI (a factor by name) | selection (the samples selected now).
bool arith_parse_group(const AppState& app, const std::string& spec, ArithGroup* out) {
  ArithGroup g;
  if (spec == "selection") {
    take_selection(app, g);
    *out = g;
    return !g.samples.empty();
  }
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || !app.data) return false;
  const std::string key = spec.substr(0, eq), value = spec.substr(eq + 1);
  char* end = nullptr;
  if (key == "label") {
    const long label = std::strtol(value.c_str(), &end, 10);
    if (end == value.c_str() || *end || label < 0) return false;
    *out = label_group(static_cast<int>(label));
    return true;
  }
  const std::vector<std::string>& names = app.data->factor_names;
  const auto it = std::find(names.begin(), names.end(), key);
  const size_t colon = value.find(':');
  if (it == names.end() || colon == std::string::npos) return false;
  g.kind = ArithGroupKind::Factor;
  g.group.factor = static_cast<int>(it - names.begin());
  g.group.lo = std::strtof(value.c_str(), &end);
  if (end != value.c_str() + colon) return false;
  g.group.hi = std::strtof(value.c_str() + colon + 1, &end);
  if (*end || !(g.group.lo <= g.group.hi)) return false;
  *out = g;
  return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Computing
//-----------------------------------------------------------------------------

// The sample whose code gets the vector: the first selected one, else the first map point in B.
static int arith_sample(const AppState& app) {
  if (app.selected_count > 0) return app.selected[0];
  for (int i : app.point_indices)
    if (in_group(*app.data, app.arith.b, i)) return i;
  return app.point_indices.empty() ? -1 : app.point_indices[0];
}

static void arith_compute(AppState& app, int p, int sample) {
  ModelPane& pane = app.panes[p];
  ArithView& t = pane.arith;
  const LatentArithmetic& la = app.arith;
  const Network& net = app.snap->networks[p];
  t.serial = la.serial;
  t.codes_version = pane.codes_version;
  t.sample = sample;
  t.time = app.now;
  t.error.clear();
  if (!pane_matches(app, pane, net)) return;
  const Dataset& d = *app.data;
  std::vector<int> cols_a, cols_b;  // map columns in each group
  const int points = static_cast<int>(std::min<size_t>(app.point_indices.size(), size_t(pane.codes.cols())));
  for (int i = 0; i < points; ++i) {
    if (in_group(d, la.a, app.point_indices[i])) cols_a.push_back(i);
    if (in_group(d, la.b, app.point_indices[i])) cols_b.push_back(i);
  }
  t.count_a = static_cast<int>(cols_a.size());
  t.count_b = static_cast<int>(cols_b.size());
  if (cols_a.empty() || cols_b.empty() || sample < 0) {
    t.error = cols_a.empty() ? "group A has no point on the map" : "group B has no point on the map";
    t.v.resize(0);
    return;
  }
  t.v = attribute_vector(pane.codes, cols_a, cols_b);
  t.mean_a.setZero(pane.latent);
  for (int i : cols_a) t.mean_a += pane.codes.col(i);
  t.mean_a /= float(cols_a.size());
  t.mean_b = t.mean_a - t.v;
  d.gather(&sample, 1, t.x1);
  network_encode(net, t.x1, t.code, t.ws);
  for (int c = 0; c <= kArithTiles; ++c)
    latent_arithmetic_decode(net, t.code, t.v, c < kArithTiles ? kArithStrengths[c] : la.strength, t.x.middleCols(c, 1), t.ws);
  t.z.col(0) = t.mean_a;
  t.z.col(1) = t.mean_b;
  network_decode(net, t.z, t.x.middleCols(kArithTiles + 1, 2), t.ws);
  // How far each decoding went from B's decoded mean towards A's: 0 at B's, 1 at A's.
  const Vec ab = t.x.col(kArithTiles + 1) - t.x.col(kArithTiles + 2);
  const float ab2 = std::max(1e-12f, ab.squaredNorm());
  t.toward_a.resize(size_t(kArithTiles + 1));
  for (int c = 0; c <= kArithTiles; ++c) t.toward_a[size_t(c)] = (t.x.col(c) - t.x.col(kArithTiles + 2)).dot(ab) / ab2;
  const int width = (kArithTiles + 1) * app.tile_w;
  for (int c = 0; c <= kArithTiles; ++c) sample_to_rgba(app, t.x.col(c).data(), t.rgba.data(), width, c * app.tile_w, 0);
  gpu_image_upload(&t.image, t.rgba.data());
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void arith_configure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  ArithView& t = pane.arith;
  t.x1.setZero(pane.features, 1);
  t.code.setZero(pane.latent, 1);
  t.z.setZero(pane.latent, 2);
  t.x.setZero(pane.features, kArithTiles + 3);
  t.v.resize(0);
  t.rgba.assign(static_cast<size_t>(app.tile_w) * app.tile_h * 4 * (kArithTiles + 1), 0);
  gpu_image_resize(&t.image, (kArithTiles + 1) * app.tile_w, app.tile_h, true);
  t.serial = t.codes_version = 0;
  t.sample = -1;
  t.time = -1;
}

static void arith_update(AppState& app) {
  if (!app.view.show_arith || !app.data || !app.snap) return;
  if (app.arith.defaults_for != app.data.get()) arith_defaults(app);
  const int sample = arith_sample(app);
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    const ArithView& t = pane.arith;
    if (pane.latent == 0 || pane.codes_version == 0 || p >= static_cast<int>(app.snap->networks.size())) continue;
    const bool new_codes = t.codes_version != pane.codes_version && app.now - t.time >= kArithSeconds;
    if (t.serial != app.arith.serial || t.sample != sample || new_codes) arith_compute(app, p, sample);
  }
}

static bool arith_in_sync(const AppState& app) {
  if (!app.view.show_arith || !app.data) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.latent == 0) continue;
    if (pane.codes_version == 0 || pane.arith.codes_version != pane.codes_version || pane.arith.serial != app.arith.serial ||
        pane.arith.sample != arith_sample(app))
      return false;
  }
  return true;
}

static void arith_free_gl(ModelPane& pane) { gpu_image_free(&pane.arith.image); }

//-----------------------------------------------------------------------------
// [SECTION] Drawing: the row and the arrow
//-----------------------------------------------------------------------------

static void draw_arrow(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 color, float thickness, float head) {
  const float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return;
  const float ux = dx / len, uy = dy / len;
  const ImVec2 base(b.x - ux * head, b.y - uy * head);
  draw->AddLine(a, base, color, thickness);
  draw->AddTriangleFilled(b, ImVec2(base.x - uy * 0.5f * head, base.y + ux * 0.5f * head),
                          ImVec2(base.x + uy * 0.5f * head, base.y - ux * 0.5f * head), color);
}

// On the map: B's mean code to A's (the attribute vector), and the sample to the sample plus the vector at the strength.
static void arith_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  ModelPane& pane = app.panes[p];
  ArithView& t = pane.arith;
  t.arrow_from = t.arrow_to = ImVec2(0, 0);
  if (!app.view.show_arith) return;
  const float s = app.ui_scale;
  const LatentArithmetic& la = app.arith;
  if (la.lasso_pane == p && la.lasso_uv.size() >= 4) {  // the lasso being drawn, closed back to its start
    const size_t n = la.lasso_uv.size() / 2;
    for (size_t i = 0; i < n; ++i) {
      const size_t j = (i + 1) % n;
      draw->AddLine(f.to_screen(la.lasso_uv[2 * i], la.lasso_uv[2 * i + 1]), f.to_screen(la.lasso_uv[2 * j], la.lasso_uv[2 * j + 1]),
                    i + 1 == n ? app.theme->caption : app.theme->overlay_line, 1.5f * s);
    }
  }
  if (t.v.size() != pane.latent || t.serial == 0) return;
  float ua[2], ub[2], u0[2], us[2];
  plane_project(pane.plane, t.mean_a.data(), ua);
  plane_project(pane.plane, t.mean_b.data(), ub);
  t.arrow_from = f.to_screen(ub[0], ub[1]);
  t.arrow_to = f.to_screen(ua[0], ua[1]);
  const Vec shifted = t.code.col(0) + app.arith.strength * t.v;
  plane_project(pane.plane, t.code.col(0).data(), u0);
  plane_project(pane.plane, shifted.data(), us);
  // Drawn through each part of the map that no box covers (the hole legend): the arrows pass under
  // it. Only the parts the arrows and their letters reach: each part drawn is a draw command of its own.
  const ImVec2 sample_from = f.to_screen(u0[0], u0[1]), sample_to = f.to_screen(us[0], us[1]);
  const float reach = 14 * s + ImGui::GetFontSize();
  const ImVec2 lo(std::min({t.arrow_from.x, t.arrow_to.x, sample_from.x, sample_to.x}) - reach,
                  std::min({t.arrow_from.y, t.arrow_to.y, sample_from.y, sample_to.y}) - reach);
  const ImVec2 hi(std::max({t.arrow_from.x, t.arrow_to.x, sample_from.x, sample_to.x}) + reach,
                  std::max({t.arrow_from.y, t.arrow_to.y, sample_from.y, sample_to.y}) + reach);
  ImVec4 free[16];
  const int parts = map_free_rects(app, f.min, f.max, free, 16);
  for (int r = 0; r < parts; ++r) {
    if (free[r].x >= hi.x || free[r].z <= lo.x || free[r].y >= hi.y || free[r].w <= lo.y) continue;
    draw->PushClipRect(ImVec2(free[r].x, free[r].y), ImVec2(free[r].z, free[r].w), true);
    draw_arrow(draw, t.arrow_from, t.arrow_to, app.theme->overlay_shadow, 5 * s, 14 * s);
    draw_arrow(draw, t.arrow_from, t.arrow_to, pane_accent(p), 2.5f * s, 12 * s);
    draw->AddText(ImVec2(t.arrow_from.x + 4 * s, t.arrow_from.y), app.theme->strong_text, "B");
    draw->AddText(ImVec2(t.arrow_to.x + 4 * s, t.arrow_to.y), app.theme->strong_text, "A");
    draw_arrow(draw, sample_from, sample_to, app.theme->overlay_line, 1.5f * s, 9 * s);
    draw->PopClipRect();
  }
}

void ui_pane_arith(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  ArithView& t = pane.arith;
  const Theme& th = *app.theme;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing(), font = ImGui::GetFontSize();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  t.row_min = origin;
  t.row_max = ImVec2(origin.x + width, origin.y + height);
  ImGui::Dummy(ImVec2(width, height));
  char text[160];
  if (!t.error.empty() || t.v.size() != pane.latent || t.serial == 0) {
    std::snprintf(text, sizeof text, "Latent arithmetic: %s", t.error.empty() ? "computing..." : t.error.c_str());
    draw->AddText(nullptr, 0.0f, origin, th.caption, text, nullptr, width);
    const ImVec2 ts = ImGui::CalcTextSize(text, nullptr, false, width);
    layout_rect(&app.layout, "arith caption", origin, ImVec2(origin.x + std::min(width, ts.x), origin.y + ts.y));
    return;
  }
  std::snprintf(text, sizeof text, "A - B (%d - %d points), |v| %.2f, added to sample #%d", t.count_a, t.count_b, t.v.norm(), t.sample);
  if (ImGui::CalcTextSize(text).x > width) std::snprintf(text, sizeof text, "A - B, |v| %.2f", t.v.norm());
  draw->AddText(origin, th.caption, text);
  layout_rect(&app.layout, "arith caption", origin, ImVec2(origin.x + std::min(width, ImGui::CalcTextSize(text).x), origin.y + font));
  // The fixed strengths' tiles, a gap, then the slider's tile framed; each with its strength under it.
  const float gap = 8 * s, aspect = float(app.tile_h) / float(app.tile_w);
  const float tile = std::max(4.0f, std::min({(width - gap) / (kArithTiles + 1), (height - 2 * line) / aspect, 64 * s}));
  const float th_px = tile * aspect;
  const ImVec2 t0(origin.x, origin.y + line);
  const float u_tile = 1.0f / (kArithTiles + 1);
  // Every tile first, then their labels and frames: images and text alternating would switch
  // textures, and start a draw command, twice a tile.
  for (int c = 0; c <= kArithTiles; ++c) {
    const float x = t0.x + c * tile + (c == kArithTiles ? gap : 0);
    draw->AddImage(gpu_image_id(t.image), ImVec2(x, t0.y), ImVec2(x + tile, t0.y + th_px), ImVec2(c * u_tile, 0),
                   ImVec2((c + 1) * u_tile, 1));
  }
  for (int c = 0; c <= kArithTiles; ++c) {
    const float x = t0.x + c * tile + (c == kArithTiles ? gap : 0);
    const float strength = c < kArithTiles ? kArithStrengths[c] : app.arith.strength;
    std::snprintf(text, sizeof text, "%+.1f", strength);
    const float tw = ImGui::CalcTextSize(text).x;
    if (tw <= tile + 2 * s || c == kArithTiles)
      draw->AddText(ImVec2(x + 0.5f * (tile - tw), t0.y + th_px), c == kArithTiles ? th.strong_text : th.tick_text, text);
    if (c == kArithTiles) draw->AddRect(ImVec2(x - 1, t0.y - 1), ImVec2(x + tile + 1, t0.y + th_px + 1), pane_accent(p), 0, 0, 2 * s);
    if (c < kArithTiles && kArithStrengths[c] == 0.0f)  // the sample's own decoding
      draw->AddRect(ImVec2(x, t0.y), ImVec2(x + tile, t0.y + th_px), th.map_border);
  }
  const float right = t0.x + (kArithTiles + 1) * tile + gap;
  layout_rect(&app.layout, "arith tiles", t0, ImVec2(std::min(origin.x + width, right), t0.y + th_px + font));
  if (ImGui::IsMouseHoveringRect(t0, ImVec2(right, t0.y + th_px)))
    ImGui::SetTooltip("The sample's code plus the attribute vector (mean code of A - mean code of B) times the strength\n"
                      "under each tile, decoded; the framed tile is the panel's strength.");
}

//-----------------------------------------------------------------------------
// [SECTION] The left column's panel
//-----------------------------------------------------------------------------

static bool group_controls(AppState& app, const char* id, const char* title, ArithGroup& g) {
  bool changed = false;
  ImGui::PushID(id);
  const ChoiceList& kinds = choice_list<ArithGroupKind>();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(title);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::CalcTextSize(kinds.rows[2].title).x + 2 * ImGui::GetFrameHeight());
  if (ImGui::BeginCombo("##kind", choice_of(g.kind).title)) {
    for (int i = 0; i < kinds.count(); ++i) {
      if (ImGui::Selectable(kinds.rows[size_t(i)].title, i == static_cast<int>(g.kind)) && i != static_cast<int>(g.kind)) {
        g.kind = static_cast<ArithGroupKind>(i);
        if (g.kind == ArithGroupKind::Label && g.group.label < 0) g.group.label = app.label_counts.empty() ? 0 : app.label_counts[0].label;
        if (g.kind == ArithGroupKind::Factor) {
          g.group.label = -1;
          g.group.factor = std::max(0, g.group.factor);
        }
        if (g.kind == ArithGroupKind::Selection) take_selection(app, g);
        changed = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", kinds.rows[size_t(i)].description);
    }
    ImGui::EndCombo();
  }
  control_help(app, "arith_group");
  ImGui::SameLine();
  char name[64];
  if (g.kind == ArithGroupKind::Label) {
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
    if (ImGui::BeginCombo("##label", label_name(app, g.group.label, name, sizeof name))) {
      for (const LabelCount& lc : app.label_counts)
        if (ImGui::Selectable(label_name(app, lc.label, name, sizeof name), lc.label == g.group.label)) {
          g.group.label = lc.label;
          changed = true;
        }
      ImGui::EndCombo();
    }
    control_help(app, "arith_label");
  } else if (g.kind == ArithGroupKind::Factor) {
    const std::vector<std::string>& names = app.data->factor_names;
    if (names.empty()) {
      ImGui::TextDisabled("no factors in this data");
    } else {
      g.group.factor = std::min(g.group.factor, static_cast<int>(names.size()) - 1);
      ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
      if (ImGui::BeginCombo("##factor", names[size_t(g.group.factor)].c_str())) {
        for (size_t k = 0; k < names.size(); ++k)
          if (ImGui::Selectable(names[k].c_str(), static_cast<int>(k) == g.group.factor)) {
            g.group.factor = static_cast<int>(k);
            changed = true;
          }
        ImGui::EndCombo();
      }
      control_help(app, "arith_factor");
      ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
      changed |= ImGui::DragFloatRange2("##range", &g.group.lo, &g.group.hi, 0.01f, 0, 0, "from %.2f", "to %.2f");
      control_help(app, "arith_range");
    }
  } else {
    std::snprintf(name, sizeof name, "Take %d selected", app.selected_count);
    if (ImGui::Button(name)) {
      take_selection(app, g);
      changed = true;
    }
    control_help(app, "arith_take_selection");
    ImGui::SameLine();
    const int which = &g == &app.arith.a ? 1 : 2;
    const bool armed = app.arith.lasso == which;
    if (ImGui::Button(armed ? "Drawing..." : "Lasso")) app.arith.lasso = armed ? 0 : which;
    control_help(app, "arith_lasso");
    ImGui::SameLine();
    ImGui::TextDisabled("(%d)", static_cast<int>(g.samples.size()));
  }
  ImGui::PopID();
  return changed;
}

void ui_arith_panel(AppState& app) {
  if (!app.data) return;
  if (app.arith.defaults_for != app.data.get()) arith_defaults(app);
  LatentArithmetic& la = app.arith;
  bool changed = group_controls(app, "A", "A", la.a);
  changed |= group_controls(app, "B", "B", la.b);
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("strength");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
  changed |= ImGui::SliderFloat("##strength", &la.strength, -kArithMaxStrength, kArithMaxStrength, "%.2f");
  control_help(app, "arith_strength");
  if (changed) ++la.serial;
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void arith_view_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "arith=%d\narith_strength=%g\narith_strengths=", app.view.show_arith ? 1 : 0, app.arith.strength);
  for (int c = 0; c < kArithTiles; ++c) std::fprintf(f, "%s%g", c ? "," : "", kArithStrengths[c]);
  std::fprintf(f, "\n");
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  for (int p = 0; p < app.pane_count; ++p) {
    const ArithView& t = app.panes[p].arith;
    std::fprintf(f, "pane%d.arith_sample=%d\npane%d.arith_counts=%d %d\npane%d.arith_norm=%g\npane%d.arith_error=%s\npane%d.arith_toward_a=",
                 p, t.sample, p, t.count_a, t.count_b, p, t.v.size() ? double(t.v.norm()) : 0.0, p, t.error.c_str(), p);
    for (size_t c = 0; c < t.toward_a.size(); ++c) std::fprintf(f, "%s%g", c ? "," : "", t.toward_a[c]);
    std::fprintf(f, "\npane%d.arith_arrow=%d %d %d %d\npane%d.arith_row=%d %d %d %d\n", p,
                 static_cast<int>(t.arrow_from.x * scale.x), static_cast<int>(t.arrow_from.y * scale.y),
                 static_cast<int>(t.arrow_to.x * scale.x), static_cast<int>(t.arrow_to.y * scale.y), p,
                 static_cast<int>(t.row_min.x * scale.x), static_cast<int>(t.row_min.y * scale.y),
                 static_cast<int>((t.row_max.x - t.row_min.x) * scale.x), static_cast<int>((t.row_max.y - t.row_min.y) * scale.y));
  }
}

extern const PaneViewOps kArithView = {"arith", arith_configure, arith_update, arith_in_sync, nullptr, arith_draw_map,
                                       arith_free_gl};
