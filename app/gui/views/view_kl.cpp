// Inside the VAE, the row under each map (toolbar: "Inside the VAE"), off the map so that nothing on
// the map (the arithmetic arrow, the probe's arrow, the legend) meets it: on a variational pane the KL
// of every latent dimension, sorted and live, with the active units (KL above kActiveUnitNats) and, when none is
// active, the posterior-collapse warning with what it means and what to try; the KL warm-up's state;
// and the beta trade-off, reconstruction against KL with one point per beta the model has trained
// with, the current model's point moving as it trains. The figures are core/measure/kl_per_dim.h's,
// measured on up to kKlSamples held-out samples a chunk per frame, refreshed at most every
// kKlRefreshSeconds on new weights; beside them the traversals (view_traversal.cpp). Where the row is
// too narrow for the KL and tiles of kInsideMinTile side by side, its parts are tabs (kInsideTabs).
//
// Index:
//   [SECTION] Measuring
//   [SECTION] Lifecycle
//   [SECTION] Drawing
//   [SECTION] State dump
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "gui_state.h"

namespace {
constexpr int kKlSamples = 512;            // held-out samples a pass measures at most
constexpr int kKlChunk = 32;               // samples encoded per pane per frame (a few ms at most)
constexpr double kKlRefreshSeconds = 1.0;  // a new pass on new weights at most this often
constexpr int kMaxBetaPoints = 16;         // the trade-off keeps the betas tried, oldest dropped first
constexpr float kInsideMinTile = 20;       // traversal tiles below this (at 100%) do not show a digit: tabs instead
constexpr float kKlMinWidth = 220, kKlMaxWidth = 320, kPlotMinWidth = 180;  // at 100%

bool variational(const ModelPane& pane) { return model_kind_info(pane.kind).variational; }
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Measuring
//-----------------------------------------------------------------------------

// The samples a pass measures: the map's held-out points first (point_indices holds them first),
// up to kKlSamples; training points only when there are no held-out ones.
static int kl_sample_count(const AppState& app) {
  const int n = static_cast<int>(app.point_indices.size());
  int held = 0;
  while (held < n && app.point_indices[held] >= app.data->train_count) ++held;
  return std::min(kKlSamples, held > 0 ? held : n);
}

static void kl_pass_start(AppState& app, int p) {
  KlView& k = app.panes[p].kl;
  k.pass_snapshot = app.snap;
  k.pass_next = 0;
  k.pass_total = kl_sample_count(app);
  k.pass_sum.assign(static_cast<size_t>(app.panes[p].latent), 0.0);
  k.time = app.now;
}

// One chunk; at the end of the pass the figures replace the shown ones.
static void kl_pass_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  KlView& k = pane.kl;
  const Network& net = k.pass_snapshot->networks[p];
  if (!pane_matches(app, pane, net) || k.pass_total == 0) {
    k.pass_snapshot.reset();
    return;
  }
  const int m = std::min(kKlChunk, k.pass_total - k.pass_next);
  // A short last chunk still resizes the buffers; every other chunk reuses them as they are.
  k.indices.assign(app.point_indices.begin() + k.pass_next, app.point_indices.begin() + k.pass_next + m);
  if (k.x.cols() != m) k.x.resize(pane.features, m);
  if (k.mu.cols() != m) k.mu.resize(pane.latent, m);
  app.data->gather(k.indices.data(), m, k.x);
  network_encode(net, k.x, k.mu, k.ws, &k.logvar);
  kl_per_dim_accumulate(k.mu, k.logvar, k.pass_sum);
  k.pass_next += m;
  if (k.pass_next < k.pass_total) return;
  for (double& s : k.pass_sum) s /= k.pass_total;
  k.kl = kl_per_dim_from_means(k.pass_sum);
  k.order = kl_order(k.kl.kl);
  k.version = k.pass_snapshot->version;
  k.pass_snapshot.reset();
}

// The trade-off's point for the model's beta now, from the newest training point (recon and raw KL).
// After beta changes, the newest point is still the old beta's until a step has been taken with the
// new one: the new point waits for it.
static void kl_track_beta(AppState& app, int p) {
  KlView& k = app.panes[p].kl;
  if (p >= static_cast<int>(app.snap->history.size()) || app.snap->history[p].train.empty()) return;
  const LossPoint& newest = app.snap->history[p].train.back();
  const float beta = app.snap->networks[p].config.beta;
  int at = -1;
  for (int i = 0; i < static_cast<int>(k.betas.size()); ++i)
    if (std::fabs(k.betas[i].beta - beta) <= 1e-6f * (1 + beta)) at = i;
  if (at != k.current_beta || k.current_beta < 0) {
    if (k.beta_since_step < 0) k.beta_since_step = k.current_beta < 0 ? 0 : app.snap->step;
    if (k.current_beta >= 0 && newest.step <= k.beta_since_step) return;
  }
  k.beta_since_step = -1;
  if (at < 0) {
    if (static_cast<int>(k.betas.size()) >= kMaxBetaPoints) k.betas.erase(k.betas.begin());
    k.betas.push_back(KlView::BetaPoint{beta, 0, 0});
    at = static_cast<int>(k.betas.size()) - 1;
  }
  k.betas[at].kl = newest.parts.penalty;
  k.betas[at].recon = newest.parts.recon;
  k.current_beta = at;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void kl_configure(AppState& app, int p) {
  KlView& k = app.panes[p].kl;
  k.pass_snapshot.reset();
  k.kl = KlPerDim{};
  k.order.clear();
  k.version = 0;
  k.time = -1;
  k.betas.clear();  // another model: the points of the old one mean nothing for it
  k.current_beta = -1;
  k.beta_since_step = -1;
}

static void kl_update(AppState& app) {
  if (!app.view.show_kl || !app.data || !app.snap) return;
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || !variational(pane) || p >= static_cast<int>(app.snap->networks.size())) continue;
    KlView& k = pane.kl;
    kl_track_beta(app, p);
    if (!k.pass_snapshot && k.version != app.snap->version && app.now - k.time >= kKlRefreshSeconds) kl_pass_start(app, p);
    if (k.pass_snapshot) kl_pass_step(app, p);
  }
}

static bool kl_in_sync(const AppState& app) {
  if (!app.view.show_kl) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || !variational(pane)) continue;
    if (pane.kl.pass_snapshot || pane.kl.version != app.snap->version) return false;
  }
  return true;
}

static void kl_free_gl(ModelPane&) {}

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

// The KL warm-up's state in words: off, ramping (how far), or done.
static void warmup_text(const AppState& app, int p, char* buf, int size) {
  const ModelConfig& c = app.snap->networks[p].config;
  if (c.kl_warmup_steps <= 0) {
    std::snprintf(buf, size, "KL warm-up off: \xce\xb2 %.2f from the first step", c.beta);
    return;
  }
  const double t = std::min(1.0, double(app.snap->step) / c.kl_warmup_steps);
  if (t < 1)
    std::snprintf(buf, size, "KL warm-up on: \xce\xb2 %.2f of %.2f (%.0f%% of %d steps)", t * c.beta, c.beta, 100 * t,
                  c.kl_warmup_steps);
  else
    std::snprintf(buf, size, "KL warm-up done: \xce\xb2 %.2f since step %d", c.beta, c.kl_warmup_steps);
}

// Reconstruction (y, up is worse: the distortion) against KL (x, the rate), one point per beta tried; the current one ringed.
static void draw_trade_off(const AppState& app, int p, ImDrawList* draw, ImVec2 p0, ImVec2 p1) {
  const KlView& k = app.panes[p].kl;
  const Theme& th = *app.theme;
  const float s = app.ui_scale;
  draw->AddRect(p0, p1, th.grid_axis);
  double kl_hi = 0, r_lo = 1e300, r_hi = -1e300;
  for (const KlView::BetaPoint& b : k.betas) {
    kl_hi = std::max(kl_hi, b.kl);
    r_lo = std::min(r_lo, b.recon);
    r_hi = std::max(r_hi, b.recon);
  }
  if (k.betas.empty()) return;
  kl_hi = kl_hi > 0 ? 1.1 * kl_hi : 1;
  const double pad = std::max(1e-6, 0.1 * (r_hi - r_lo) + 1e-3 * std::fabs(r_hi));
  r_lo -= pad;
  r_hi += pad;
  const float m = 4 * s;
  auto at = [&](const KlView::BetaPoint& b) {
    return ImVec2(p0.x + m + float(b.kl / kl_hi) * (p1.x - p0.x - 2 * m),
                  p1.y - m - float((b.recon - r_lo) / (r_hi - r_lo)) * (p1.y - p0.y - 2 * m));
  };
  char label[32];
  for (int i = 0; i < static_cast<int>(k.betas.size()); ++i) {
    const ImVec2 c = at(k.betas[i]);
    const bool current = i == k.current_beta;
    draw->AddCircleFilled(c, (current ? 4.0f : 3.0f) * s, current ? pane_accent(p) : th.caption, 12);
    if (current) draw->AddCircle(c, 7 * s, th.strong_text, 16, 1.5f * s);
    std::snprintf(label, sizeof label, "\xce\xb2 %.3g", k.betas[i].beta);
    const float tw = ImGui::CalcTextSize(label).x;  // right of the point, or left of it at the right edge
    const float tx = c.x + 7 * s + tw <= p1.x ? c.x + 7 * s : c.x - 7 * s - tw;
    draw->AddText(ImVec2(tx, c.y - ImGui::GetFontSize() * 0.5f), th.caption, label);
  }
}

// The KL part in [min, max] (as tall as its content, at most the rectangle): title, bars, the
// active units, the collapse warning, the warm-up; the trade-off plot under them when `plot` and the
// rectangle has room for it.
static void kl_draw_box(AppState& app, int p, ImVec2 min, ImVec2 max, bool plot) {
  ModelPane& pane = app.panes[p];
  KlView& k = pane.kl;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const Theme& th = *app.theme;
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing(), pad = 6 * s;
  const float w = max.x - min.x, room = max.y - min.y;
  const bool collapsed = k.version != 0 && k.kl.collapsed;
  char advice[640];
  std::snprintf(advice, sizeof advice, "%s", collapsed ? posterior_collapse_advice(app.snap->networks[p].config.beta).c_str() : "");
  const float wrap = w - 2 * pad;
  // The title's short form, and the two status lines wrapped, where the box is narrow.
  const char* title = "KL per dimension (nats), largest first";
  if (ImGui::CalcTextSize(title).x > wrap) title = "KL per dimension (nats)";
  const int latent = static_cast<int>(k.kl.kl.size());
  char status[160], warmup[160];
  std::snprintf(status, sizeof status, "active %d of %d (KL > %.2g nats), KL %.2f", k.kl.active_units, latent,
                kActiveUnitNats, k.kl.total);
  warmup_text(app, p, warmup, sizeof warmup);
  const float text_gap = line - ImGui::GetTextLineHeight();
  const float status_h = ImGui::CalcTextSize(status, nullptr, false, wrap).y + text_gap;
  const float warmup_h = ImGui::CalcTextSize(warmup, nullptr, false, wrap).y + text_gap;
  const float fixed_h = pad + line + line + status_h + warmup_h + pad;  // all but the bars and the warning
  // The collapse warning gets the room first (the bars are all but empty then), as many whole lines
  // as fit, the rest in the box's tooltip; the bars take what is left, up to 70 px.
  const float advice_full = collapsed ? ImGui::CalcTextSize(advice, nullptr, false, wrap).y : 0;
  const float bars_h = std::clamp(room - fixed_h - advice_full, 12 * s, 70 * s);
  const int advice_lines = collapsed ? std::max(1, static_cast<int>((room - fixed_h - bars_h) / ImGui::GetFontSize())) : 0;
  const float advice_h = collapsed ? std::min(advice_full, advice_lines * ImGui::GetFontSize()) + 0.3f * line : 0;
  const float base_h = fixed_h + bars_h + advice_h;
  const float plot_h = std::min(90 * s, room - base_h - line);
  const bool with_plot = plot && plot_h >= 40 * s;
  const ImVec2 b0 = min, b1(max.x, std::min(max.y, min.y + base_h + (with_plot ? line + plot_h : 0)));
  k.box_min = b0;
  k.box_max = b1;
  draw->AddRectFilled(b0, b1, (th.map_background & 0x00FFFFFF) | 0xE0000000, 4 * s);
  draw->AddRect(b0, b1, th.map_border, 4 * s);
  draw->PushClipRect(b0, b1, true);
  float y = b0.y + pad;
  const float x0 = b0.x + pad, x1 = b1.x - pad;
  draw->AddText(ImVec2(x0, y), th.strong_text, title);
  y += line;
  // The bars: one per dimension in KL order; below the active threshold in the caption's grey.
  if (latent > 0) {
    const double top = std::max(k.kl.kl[k.order[0]], kActiveUnitNats);
    const float slot = (x1 - x0) / latent, gap = std::min(2 * s, 0.2f * slot);
    for (int i = 0; i < latent; ++i) {
      const int j = k.order[i];
      const double v = k.kl.kl[j];
      const float bh = std::max(1.0f, float(v / top) * bars_h);
      const bool active = v > kActiveUnitNats;
      draw->AddRectFilled(ImVec2(x0 + i * slot + gap, y + bars_h - bh), ImVec2(x0 + (i + 1) * slot - gap, y + bars_h),
                          active ? pane_accent(p) : th.caption);
      char dim[16];
      std::snprintf(dim, sizeof dim, "z%d", j + 1);  // as the map's axes name them
      const float tw = ImGui::CalcTextSize(dim).x;
      if (tw < slot) draw->AddText(ImVec2(x0 + (i + 0.5f) * slot - 0.5f * tw, y + bars_h), th.tick_text, dim);
    }
  } else {
    draw->AddText(ImVec2(x0, y), th.caption, "measuring...");
  }
  y += bars_h + line;
  draw->AddText(nullptr, 0.0f, ImVec2(x0, y), th.caption, status, nullptr, wrap);
  y += status_h;
  draw->AddText(nullptr, 0.0f, ImVec2(x0, y), th.caption, warmup, nullptr, wrap);
  y += warmup_h;
  if (collapsed) {
    draw_text_clamped(draw, ImVec2(x0, y), ImGui::ColorConvertFloat4ToU32(th.error_text), advice, wrap, advice_lines);
    y += advice_h;
  }
  if (with_plot) {
    draw->AddText(ImVec2(x0, y), th.caption, "\xce\xb2 trade-off: recon (up) against KL (right)");
    y += line;
    draw_trade_off(app, p, draw, ImVec2(x0, y), ImVec2(x1, b1.y - pad));
  }
  draw->PopClipRect();
  layout_rect(&app.layout, "kl box", b0, b1);
  if (collapsed && ImGui::IsMouseHoveringRect(b0, b1) && ImGui::IsWindowHovered()) {  // the whole warning
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
    ImGui::TextUnformatted(advice);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

// The trade-off plot alone, in a box of its own.
static void kl_draw_trade_off_box(AppState& app, int p, ImVec2 min, ImVec2 max) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const Theme& th = *app.theme;
  const float s = app.ui_scale, pad = 6 * s, line = ImGui::GetTextLineHeightWithSpacing();
  const float h = std::min(max.y - min.y, 2 * pad + line + 120 * s);
  const ImVec2 b1(max.x, min.y + h);
  draw->AddRectFilled(min, b1, (th.map_background & 0x00FFFFFF) | 0xE0000000, 4 * s);
  draw->AddRect(min, b1, th.map_border, 4 * s);
  draw->PushClipRect(min, b1, true);
  const char* title = "\xce\xb2 trade-off: recon (up) against KL (right)";
  if (ImGui::CalcTextSize(title).x > max.x - min.x - 2 * pad) title = "\xce\xb2 trade-off";
  draw->AddText(ImVec2(min.x + pad, min.y + pad), th.caption, title);
  draw_trade_off(app, p, draw, ImVec2(min.x + pad, min.y + pad + line), ImVec2(b1.x - pad, b1.y - pad));
  draw->PopClipRect();
  layout_rect(&app.layout, "trade-off box", min, b1);
}

// The parts a narrow row shows one at a time.
struct InsideTab {
  const char* name;   // the script's `inside-tab NAME`
  const char* label;
  void (*draw)(AppState& app, int pane, ImVec2 min, ImVec2 max);
};
const InsideTab kInsideTabs[] = {
    {"kl", "KL per dimension", [](AppState& app, int p, ImVec2 a, ImVec2 b) { kl_draw_box(app, p, a, b, true); }},
    {"tradeoff", "\xce\xb2 trade-off", kl_draw_trade_off_box},
    {"traversals", "Traversals", traversal_draw},
};
const int kInsideTabCount = static_cast<int>(sizeof kInsideTabs / sizeof kInsideTabs[0]);

int inside_tab_find(const char* name) {
  for (int i = 0; i < kInsideTabCount; ++i)
    if (std::strcmp(kInsideTabs[i].name, name) == 0) return i;
  return -1;
}

void inside_tab_names(char* buf, int size) {
  buf[0] = 0;
  for (int i = 0, n = 0; i < kInsideTabCount; ++i) n += std::snprintf(buf + n, size > n ? size - n : 0, "%s%s", i ? ", " : "", kInsideTabs[i].name);
}

// Tabs kInsideTabs[first, first + count) in [origin, origin + size] (a child region, so that the tab
// bar spans it alone), the chosen one's part under them. The choice is shared (AppState::inside_tab:
// a click in one pane, or a script, sets it for both); a choice outside the range shows `first`.
static void inside_tabs(AppState& app, int p, ImVec2 origin, ImVec2 size, int first, int count) {
  KlView& k = app.panes[p].kl;
  const int wanted = app.inside_tab >= first && app.inside_tab < first + count ? app.inside_tab : first;
  char id[24];
  std::snprintf(id, sizeof id, "##inside%d.%d", p, first);
  ImGui::SetCursorScreenPos(origin);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::BeginChild(id, size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
  ImGui::PopStyleVar();
  int chosen = wanted;
  if (ImGui::BeginTabBar("##tabs", ImGuiTabBarFlags_FittingPolicyResizeDown)) {
    for (int i = first; i < first + count; ++i) {
      const ImGuiTabItemFlags flags = i == wanted && k.tab_shown != wanted ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(kInsideTabs[i].label, nullptr, flags)) {
        chosen = i;
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
  }
  layout_item(&app.layout, "inside tabs");
  if (chosen != k.tab_shown && k.tab_shown >= 0 && chosen != wanted) app.inside_tab = chosen;  // a click here
  k.tab_shown = chosen;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImVec2 end(origin.x + size.x, origin.y + size.y);
  if (end.y - at.y > 1) kInsideTabs[chosen].draw(app, p, at, end);
  ImGui::EndChild();
}

void ui_pane_inside(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  const float s = app.ui_scale, gap = 8 * s;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 end(origin.x + width, origin.y + height);
  const bool vae = variational(pane) && app.snap && p < static_cast<int>(app.snap->networks.size());
  if (!vae) {  // the traversals alone, the whole row
    traversal_draw(app, p, origin, end);
  } else {
    // Side by side: the KL (the trade-off in a column of its own where there is room, else a tab
    // beside the KL's), and the traversals with tiles of at least kInsideMinTile.
    const float kl_w = std::clamp(0.45f * width, kKlMinWidth * s, kKlMaxWidth * s);
    int groups = 1;
    const float trav_w = width - kl_w - gap;
    const float tile = traversal_fit_tile(app, p, trav_w, height, &groups);
    if (kl_w <= 0.6f * width && tile >= kInsideMinTile * s) {
      const float label_w = ImGui::CalcTextSize("z00").x + 4 * s;
      const float trav_need = 12 * s + groups * (label_w + 7 * tile) + (groups - 1) * gap;
      const float spare = trav_w - trav_need;
      float x = origin.x + kl_w + gap;
      if (spare >= kPlotMinWidth * s + gap) {
        kl_draw_box(app, p, origin, ImVec2(origin.x + kl_w, end.y), false);
        const float plot_w = std::min(spare - gap, kKlMaxWidth * s);
        kl_draw_trade_off_box(app, p, ImVec2(x, origin.y), ImVec2(x + plot_w, end.y));
        x += plot_w + gap;
      } else {
        inside_tabs(app, p, origin, ImVec2(kl_w, height), 0, 2);  // KL | trade-off
      }
      traversal_draw(app, p, ImVec2(x, origin.y), end);
    } else {
      inside_tabs(app, p, origin, ImVec2(width, height), 0, kInsideTabCount);  // one part at a time
    }
  }
  ImGui::SetCursorScreenPos(origin);
  ImGui::Dummy(ImVec2(width, height));  // the row's last item: the row itself
}

// Nothing on the map: where the row drew last frame is forgotten here, each frame before the row,
// so that a row another view replaced leaves no stale rectangles in the state.
static void kl_draw_map(AppState& app, int p, ImDrawList*, const MapFrame&) {
  ModelPane& pane = app.panes[p];
  pane.kl.box_min = pane.kl.box_max = ImVec2(0, 0);
  pane.traversal.rect_min = pane.traversal.rect_max = ImVec2(0, 0);
  pane.traversal.tile = 0;
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void kl_view_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "kl=%d\n", app.view.show_kl ? 1 : 0);
  for (int p = 0; p < app.pane_count; ++p) {
    const KlView& k = app.panes[p].kl;
    std::fprintf(f, "pane%d.kl_version=%llu\npane%d.kl_active=%d\npane%d.kl_collapsed=%d\npane%d.kl_total=%g\npane%d.kl_dims=",
                 p, static_cast<unsigned long long>(k.version), p, k.kl.active_units, p, k.kl.collapsed ? 1 : 0, p,
                 k.kl.total, p);
    for (size_t i = 0; i < k.order.size(); ++i) std::fprintf(f, "%s%g", i ? "," : "", k.kl.kl[size_t(k.order[i])]);
    std::fprintf(f, "\npane%d.kl_betas=", p);
    for (size_t i = 0; i < k.betas.size(); ++i)
      std::fprintf(f, "%s%g:%g:%g", i ? "," : "", k.betas[i].beta, k.betas[i].kl, k.betas[i].recon);
    // The overlay's rectangle as "x y w h" in framebuffer pixels, as the state's other rectangles.
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    std::fprintf(f, "\npane%d.kl_box=%d %d %d %d\n", p, static_cast<int>(k.box_min.x * scale.x),
                 static_cast<int>(k.box_min.y * scale.y), static_cast<int>((k.box_max.x - k.box_min.x) * scale.x),
                 static_cast<int>((k.box_max.y - k.box_min.y) * scale.y));
  }
}

extern const PaneViewOps kKlView = {"kl", kl_configure, kl_update, kl_in_sync, nullptr, kl_draw_map, kl_free_gl};
