// The centre of the window: the toolbar (gui_toolbar.cpp), then one pane per model
// side by side. A pane is a title row, the latent map (points drawn by our shaders through an
// ImDrawCallback, with the decoded manifold behind them and the probe, prior and selection over
// them) and a strip below: the probe's decoding, samples from the prior, and reconstructions.
// With "Interpolation" on, each pane's strip becomes its interpolation strip (gui_interpolation.cpp),
// the path from A to B is drawn on the maps, and a row of controls runs under the panes; the maps
// keep their place and size, so switching it on and off only adds and removes the path.
//
// Index:
//   [SECTION] Helpers: numbers, ticks, ellipses
//   [SECTION] Centre
//   [SECTION] Pane
//   [SECTION] Latent map: input
//   [SECTION] Latent map: the interpolation path
//   [SECTION] Latent map: drawing
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "gui_state.h"


//-----------------------------------------------------------------------------
// [SECTION] Helpers: numbers, ticks, ellipses
//-----------------------------------------------------------------------------

// The grid's tick labels' names in the layout recorder (is_tick_label).
constexpr const char* kTickU = "tick u";
constexpr const char* kTickV = "tick v";

// The 1-2-5 step nearest above `raw`.
static float nice_step(float raw) {
  const float base = std::pow(10.0f, std::floor(std::log10(raw)));
  const float m = raw / base;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * base;
}

static void pane_row_choose(AppState& app);

static MapFrame map_frame(const MapView& view) {
  MapFrame f;
  f.min = view.rect_min;
  f.max = view.rect_max;
  f.center = ImVec2(0.5f * (f.min.x + f.max.x), 0.5f * (f.min.y + f.max.y));
  f.scale = 0.5f * std::min(f.max.x - f.min.x, f.max.y - f.min.y) / view.half_extent;
  f.view_u = view.center[0];
  f.view_v = view.center[1];
  return f;
}

// The 1-sigma ellipse of a diagonal Gaussian (variances exp(logvar)) seen on the plane.
static void plane_ellipse(const Plane& plane, const float* logvar, float* a, float* b, float* angle) {
  float cuu = 0, cuv = 0, cvv = 0;
  if (plane.mode == PlaneMode::Pca && plane.latent >= 2) {
    for (int k = 0; k < plane.latent; ++k) {
      const float var = std::exp(logvar[k]);
      cuu += var * plane.axis_u[k] * plane.axis_u[k];
      cuv += var * plane.axis_u[k] * plane.axis_v[k];
      cvv += var * plane.axis_v[k] * plane.axis_v[k];
    }
  } else {
    cuu = std::exp(logvar[plane.dim_x]);
    cvv = plane.dim_y >= 0 ? std::exp(logvar[plane.dim_y]) : 0.0f;
  }
  const float mean = 0.5f * (cuu + cvv), diff = 0.5f * (cuu - cvv);
  const float root = std::sqrt(diff * diff + cuv * cuv);
  *a = std::sqrt(std::max(0.0f, mean + root));
  *b = std::sqrt(std::max(0.0f, mean - root));
  *angle = 0.5f * std::atan2(2 * cuv, cuu - cvv);
}

//-----------------------------------------------------------------------------
// [SECTION] Centre
//-----------------------------------------------------------------------------

void ui_centre(AppState& app) {
  const ImGuiIO& io = ImGui::GetIO();
  const float left = left_column_width(app);
  ImGui::SetNextWindowPos(ImVec2(left, 0));
  ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x - left, io.DisplaySize.y));
  ImGui::SetNextWindowBgAlpha(0.0f);  // the clear colour is this window's background: one layer less to fill
  ImGui::Begin("##centre", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
  layout_push_window(&app.layout, "centre");
  ui_toolbar(app);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ImGui::GetStyle().ItemSpacing.x * 1.5f;
  const int panes = std::max(1, app.pane_count);
  const float width = std::floor((avail.x - gap * (panes - 1)) / panes);
  if (app.pane_count == 0) {
    ImGui::TextDisabled("Waiting for the trainer's first snapshot...");
  }
  pane_row_choose(app);
  // The interpolation's controls take one row under the panes (and that much off their strips).
  app.interp.control_rows = interp_controls_rows(app, avail.x);
  const float controls_h = app.interp.show ? interp_controls_height(app) : 0.0f;
  for (int p = 0; p < app.pane_count; ++p) {
    if (p > 0) ImGui::SameLine(0, gap);
    ui_pane(app, p, ImVec2(width, avail.y - controls_h));
  }
  if (app.interp.show && app.pane_count > 0 && app.data) {
    ImGui::BeginGroup();
    ui_interp_controls(app);
    ImGui::EndGroup();
    layout_item(&app.layout, "interpolation controls");
  }
  layout_pop(&app.layout);
  ImGui::End();
}

//-----------------------------------------------------------------------------
// [SECTION] Pane
//-----------------------------------------------------------------------------

bool pane_loss_header(const AppState& app, int p, char* buf, int size) {
  buf[0] = 0;
  if (pca_pane(app, p)) return pca_pane_header(app, buf, size);  // no loss: what it keeps
  if (!app.snap || p >= static_cast<int>(app.snap->history.size())) return false;
  const ModelHistory& h = app.snap->history[p];
  if (h.train.empty()) return false;
  // The newest training point, the one the loss plot ends on: for a VAE `penalty` is the raw KL and
  // total = recon + beta * KL, with beta ramped by the warm-up. The beta shown is the one that point
  // was trained with, (total - recon) / KL, so the line adds up; with no KL to divide by, the setting.
  const LossParts& l = h.train.back().parts;
  const ModelKindInfo& kind = model_kind_info(app.panes[p].kind);
  if (kind.variational) {
    const double beta = l.penalty > 1e-9 ? (l.total - l.recon) / l.penalty : app.snap->networks[p].config.beta;
    std::snprintf(buf, size, "loss %.1f = recon %.1f + \xce\xb2 %.2f \xc3\x97 KL %.2f", l.total, l.recon, beta,
                  l.penalty);  // "β 1.00 × KL 5.47"
  } else if (kind.critic) {
    // ACAI: the autoencoder's loss, then the critic's own loss and its mean guess of alpha on the last
    // step's mixes against the mean alpha they were made with (both 0.25 on average when it guesses well).
    double guess = 0, alpha = 0;
    if (p < static_cast<int>(app.snap->critic.size())) {
      const CriticReadout& c = app.snap->critic[p];
      for (size_t i = 0; i < c.alpha.size(); ++i) guess += c.guess[i], alpha += c.alpha[i];
      if (!c.alpha.empty()) guess /= c.alpha.size(), alpha /= c.alpha.size();
    }
    std::snprintf(buf, size, "loss %.1f = recon %.1f + \xce\xbb\xc2\xb7" "critic %.2f | L_d %.3f, guess %.2f "
                  "(\xce\xb1 %.2f)", l.total, l.recon, l.penalty, l.critic, guess, alpha);
  } else if (kind.penalty) {
    std::snprintf(buf, size, "loss %.1f = recon %.1f + %s penalty %.2f", l.total, l.recon, kind.penalty, l.penalty);
  } else {
    std::snprintf(buf, size, "loss %.1f", l.total);
  }
  return true;
}

// Where a loss line breaks to fit `width`: before " = ", " + " and " | " (never inside a number), greedily.
// starts[0 .. lines] are the offsets of each line's first character (a line after the first starts
// at the space before its operator) and the text's length; returns the number of lines.
constexpr int kLossLineParts = 4;  // "loss T", " = recon R", " + beta B x KL K", " | critic's loss C" (ACAI)
static int loss_line_breaks(const char* loss, float width, int* starts) {
  int cuts[kLossLineParts + 1], parts = 0;
  cuts[parts++] = 0;
  for (const char* op : {" = ", " + ", " | "}) {
    const char* at = std::strstr(loss, op);
    if (at && parts < kLossLineParts) cuts[parts++] = static_cast<int>(at - loss);
  }
  const int length = static_cast<int>(std::strlen(loss));
  cuts[parts] = length;
  int lines = 0;
  starts[lines++] = 0;
  for (int k = 1; k < parts; ++k)  // part k joins the current line if the line still fits with it
    if (ImGui::CalcTextSize(loss + starts[lines - 1], loss + cuts[k + 1]).x > width) starts[lines++] = cuts[k];
  starts[lines] = length;
  return lines;
}

// The lines pane p's loss takes under its title in a pane whose content is `width` wide: 0 beside
// the title, else as loss_line_breaks splits it (ui_pane's rule). The panes use the most any of them
// needs, so that their maps start at the same height.
static int pane_loss_lines(const AppState& app, int p, float width) {
  char loss[128];
  if (!pane_loss_header(app, p, loss, sizeof loss)) return 0;
  const ModelPane& pane = app.panes[p];
  if (app.font_large) ImGui::PushFont(app.font_large);
  char title[96] = "...";
  if (pane.latent) pane_heading(app, p, false, title, sizeof title);
  if (pane.latent && ImGui::CalcTextSize(title).x > width - 10 * app.ui_scale) pane_heading(app, p, true, title, sizeof title);
  const float title_w = ImGui::CalcTextSize(title).x;
  if (app.font_large) ImGui::PopFont();
  const float fit_w = pane.view.follow_data ? 0.0f : ImGui::CalcTextSize("Fit view").x + 3 * ImGui::GetStyle().FramePadding.x;
  const float loss_w = ImGui::CalcTextSize(loss).x;
  if (10 * app.ui_scale + title_w + 14 * app.ui_scale + loss_w + fit_w <= width) return 0;
  int starts[kLossLineParts + 1];
  return loss_line_breaks(loss, width - fit_w, starts);
}

// The views that take the row under a map in place of the samples and reconstructions, by the
// toolbar switch of each; the one switched on most recently wins (their switches are independent),
// and when it goes off, the first still on in this table.
struct PaneRow {
  const char* name;            // the layout recorder's name
  bool ViewOptions::*on;       // its toolbar switch
  void (*draw)(AppState& app, int pane, float height);
  bool (*available)(const AppState& app);  // nullptr: always; else only when this says so
};
static const PaneRow kPaneRows[] = {
    {"anomaly", &ViewOptions::show_anomaly, ui_pane_anomaly, nullptr},
    {"factors", &ViewOptions::show_factors, ui_pane_factors, factors_available},  // data with true factors
    {"arithmetic", &ViewOptions::show_arith, ui_pane_arith, nullptr},
    {"denoise", &ViewOptions::show_denoise, ui_pane_denoise, nullptr},
    {"colourise", &ViewOptions::show_colourise, ui_pane_colourise, colourise_available},  // colour data
    {"linear probe", &ViewOptions::show_linear_probe, ui_pane_linear_probe, nullptr},
    {"rate-distortion", &ViewOptions::show_rate_distortion, ui_pane_rate_distortion, nullptr},
    {"feed", &ViewOptions::show_feed, ui_pane_feed, nullptr},
    {"units", &ViewOptions::show_units, ui_pane_units, nullptr},
    {"sensitivity", &ViewOptions::show_sensitivity, ui_pane_sensitivity, nullptr},
    {"inside the VAE", &ViewOptions::show_kl, ui_pane_inside, nullptr},  // KL, trade-off, traversals: off the map
};
constexpr int kPaneRowCount = static_cast<int>(sizeof kPaneRows / sizeof kPaneRows[0]);
static_assert(kPaneRowCount <= 32, "AppState::pane_rows_on holds a bit per row");

// Once a frame, before the panes: AppState::pane_row from the switches now and last frame.
static void pane_row_choose(AppState& app) {
  uint32_t on = 0;
  for (int i = 0; i < kPaneRowCount; ++i)
    if (app.view.*kPaneRows[i].on && (!kPaneRows[i].available || kPaneRows[i].available(app))) on |= 1u << i;
  for (int i = 0; i < kPaneRowCount; ++i)
    if ((on & ~app.pane_rows_on) >> i & 1u) app.pane_row = i;  // just switched on
  if (app.pane_row >= 0 && !(on >> app.pane_row & 1u)) app.pane_row = -1;
  for (int i = 0; i < kPaneRowCount && app.pane_row < 0; ++i)
    if (on >> i & 1u) app.pane_row = i;
  app.pane_rows_on = on;
}

void ui_pane(AppState& app, int p, ImVec2 size) {
  ModelPane& pane = app.panes[p];
  char id[16];
  std::snprintf(id, sizeof id, "pane%d", p);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10 * app.ui_scale, 8 * app.ui_scale));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));  // a border only: software GL pays per pixel
  ImGui::BeginChild(id, size, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleColor();
  ImGui::PopStyleVar();
  layout_push_window(&app.layout, id);

  // Title: the model's name in its accent colour, its loss, and "Fit" once the user has moved the view.
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  if (app.font_large) ImGui::PushFont(app.font_large);
  const float h = ImGui::GetTextLineHeight();
  draw->AddRectFilled(ImVec2(pos.x, pos.y + 2), ImVec2(pos.x + 4 * app.ui_scale, pos.y + h - 1), pane_accent(p), 2);
  ImGui::SetCursorScreenPos(ImVec2(pos.x + 10 * app.ui_scale, pos.y));
  char title[96] = "...";
  if (pane.latent) pane_heading(app, p, false, title, sizeof title);
  if (pane.latent && ImGui::CalcTextSize(title).x > ImGui::GetContentRegionAvail().x) pane_heading(app, p, true, title, sizeof title);
  ImGui::TextUnformatted(title);
  layout_item(&app.layout, "pane title");
  if (app.font_large) ImGui::PopFont();
  char loss[128];
  pane_loss_header(app, p, loss, sizeof loss);
  // The loss beside the title where it fits (with room for "Fit view"), else on a line of its own.
  const float fit_w = pane.view.follow_data ? 0.0f : ImGui::CalcTextSize("Fit view").x + 3 * ImGui::GetStyle().FramePadding.x;
  const float loss_x = ImGui::GetItemRectMax().x + 14 * app.ui_scale;
  const bool beside = loss_x + ImGui::CalcTextSize(loss).x + fit_w <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (beside) {
    ImGui::SameLine(0, 14 * app.ui_scale);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 1.5f * app.ui_scale);
  }
  // A pane too narrow for the line even on its own breaks it before " = " or " + " (never inside a
  // number), as few times as it needs.
  int starts[kLossLineParts + 1];
  const int lines = beside ? 1 : loss_line_breaks(loss, ImGui::GetContentRegionAvail().x - fit_w, starts);
  if (lines > 1) {
    ImGui::BeginGroup();
    for (int k = 0; k < lines; ++k) {
      const char* from = loss + starts[k] + (k > 0);  // the space before the operator starts no line
      ImGui::TextDisabled("%.*s", starts[k + 1] - starts[k] - (k > 0), from);
    }
    ImGui::EndGroup();
  } else {
    ImGui::TextDisabled("%s", loss);
  }
  layout_item(&app.layout, "pane loss");
  if (loss[0] && ImGui::IsItemHovered()) help_tooltip(pane.pca ? "pca_pane" : "pane_loss");
  if (!pane.view.follow_data) {
    const float button_w = ImGui::CalcTextSize("Fit view").x + 2 * ImGui::GetStyle().FramePadding.x;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - button_w);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() - 3 * app.ui_scale);
    char label[32];
    std::snprintf(label, sizeof label, "Fit view##%d", p);
    if (ImGui::SmallButton(label)) view_fit(app, p);
    layout_item(&app.layout, "fit view");
  }
  int most_lines = 0;
  for (int q = 0; q < app.pane_count; ++q)
    most_lines = std::max(most_lines, pane_loss_lines(app, q, ImGui::GetContentRegionMax().x - ImGui::GetWindowContentRegionMin().x));
  const int own_lines = pane_loss_lines(app, p, ImGui::GetContentRegionMax().x - ImGui::GetWindowContentRegionMin().x);
  // As many lines as the pane that needs most, so that the maps start at the same height; the lines
  // this pane does not need for its loss say what the loss is (the kind's formula), whole lines only.
  if (most_lines > own_lines) {
    const float band_h = (most_lines - own_lines) * ImGui::GetTextLineHeightWithSpacing() - ImGui::GetStyle().ItemSpacing.y;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float band_w = ImGui::GetContentRegionAvail().x;
    ImGui::Dummy(ImVec2(band_w, band_h));
    if (pane.latent) {
      char formula[192];
      std::snprintf(formula, sizeof formula, "loss = %s", model_kind_info(pane.kind).loss_symbols);
      const float drawn = draw_text_clamped(draw, at, ImGui::GetColorU32(ImGuiCol_TextDisabled), formula, band_w, most_lines - own_lines);
      if (drawn > 0)
        layout_rect(&app.layout, "pane formula", at,
                    ImVec2(at.x + std::min(band_w, ImGui::CalcTextSize(formula, nullptr, false, band_w).x), at.y + drawn));
    }
  }
  ImGui::Dummy(ImVec2(0, 2 * app.ui_scale));

  // The strips' row is 200 pixels high; the interpolation's is shorter by its controls' row, which
  // runs under the panes, so that the map keeps its size either way; but never shorter than the
  // least the strip draws in (a large UI scale), whose tiles and rows then shrink to fit.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float strips_h = std::round(std::min(200 * app.ui_scale, 0.4f * avail.y));
  const float interp_h = std::max(interp_strip_min_height(app, avail.x), strips_h - interp_controls_height(app));
  const float row_h = app.interp.show ? interp_h : strips_h;
  ui_latent_map(app, p, ImVec2(avail.x, std::max(100.0f, avail.y - row_h - spacing)));
  const ImVec2 row = ImGui::GetCursorScreenPos();  // its captions and tiles must stay inside it, and apart
  // The row: the interpolation's strip, else the first row view switched on, else the strips.
  const PaneRow* shown = app.pane_row >= 0 ? &kPaneRows[app.pane_row] : nullptr;
  const char* row_name = app.interp.show ? "interpolation strip" : shown ? shown->name : "strips";
  layout_push(&app.layout, row_name, row, ImVec2(row.x + ImGui::GetContentRegionAvail().x, row.y + row_h));
  if (app.interp.show) ui_interp_strip(app, p, interp_h);
  else if (shown) shown->draw(app, p, strips_h);
  else ui_pane_strips(app, p, strips_h);
  layout_pop(&app.layout);
  layout_item(&app.layout, row_name);
  layout_pop(&app.layout);
  ui_export_context(app, p, app.panes[p].view.rect_min, app.panes[p].view.rect_max, row,
                    ImVec2(row.x + avail.x, row.y + row_h));  // right-click: Export
  ImGui::EndChild();
  layout_item(&app.layout, id);
}

//-----------------------------------------------------------------------------
// [SECTION] Latent map: input
//-----------------------------------------------------------------------------

static void map_select(AppState& app, int sample, bool add) {
  if (!add) app.selected_count = 0;
  for (int i = 0; i < app.selected_count; ++i)
    if (app.selected[i] == sample) return;
  if (app.selected_count == kMaxSelected) {
    for (int i = 1; i < kMaxSelected; ++i) app.selected[i - 1] = app.selected[i];
    --app.selected_count;
  }
  app.selected[app.selected_count++] = sample;
  ++app.selection_serial;
}

// Wheel zooms about the mouse; right or middle drag pans; left press puts the probe there (on a
// point: selects the point and puts the probe on its code) and dragging moves it; double-click fits.
static void map_input(AppState& app, int p, const MapFrame& f, bool hovered) {
  ModelPane& pane = app.panes[p];
  MapView& view = pane.view;
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 mouse = io.MousePos;
  if (hovered && io.MouseWheel != 0) {
    const float u = f.to_u(mouse.x), v = f.to_v(mouse.y);
    const float factor = std::pow(1.18f, -io.MouseWheel);
    view.half_extent = std::min(1e6f, std::max(1e-4f, view.half_extent * factor));
    const float scale = f.scale / factor;
    view.center[0] = u - (mouse.x - f.center.x) / scale;
    view.center[1] = v + (mouse.y - f.center.y) / scale;
    view.follow_data = false;
  }
  if (ImGui::IsItemActive() && (ImGui::IsMouseDragging(ImGuiMouseButton_Right, 0) || ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 0)) &&
      (io.MouseDelta.x != 0 || io.MouseDelta.y != 0)) {
    view.center[0] -= io.MouseDelta.x / f.scale;
    view.center[1] += io.MouseDelta.y / f.scale;
    view.follow_data = false;
  }
  if (app.interp.show && app.interp.pick) {  // pick mode: a click chooses an endpoint, nothing else
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && pane.hover_point >= 0)
      interp_pick(app, pane.hover_point);
    return;
  }
  if (arith_lasso_input(app, p, f, hovered)) return;  // drawing latent arithmetic's lasso: nothing else
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) view_fit(app, p);
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    app.drag_pane = p;
    if (pane.hover_point >= 0) {
      map_select(app, app.point_indices[pane.hover_point], io.KeyShift || io.KeyCtrl);
      probe_set(app, p, pane.plane_xy[2 * pane.hover_point], pane.plane_xy[2 * pane.hover_point + 1]);
    } else {
      probe_set(app, p, f.to_u(mouse.x), f.to_v(mouse.y));
    }
  } else if (app.drag_pane == p && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0) probe_set(app, p, f.to_u(mouse.x), f.to_v(mouse.y));
  }
  if (app.drag_pane == p && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) app.drag_pane = -1;
}

// The point nearest the mouse within a few pixels (more when picking endpoints), or -1.
static int map_pick(const AppState& app, const ModelPane& pane, const MapFrame& f) {
  if (pane.codes_version == 0) return -1;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const float reach = app.view.point_radius * app.ui_scale + (app.interp.show && app.interp.pick ? 12 : 3) * app.ui_scale;
  float best = reach * reach;
  int best_i = -1;
  const int n = static_cast<int>(app.point_indices.size());
  const float mu = f.to_u(mouse.x), mv = f.to_v(mouse.y), inv = 1.0f / (f.scale * f.scale);
  const float limit = best * inv;
  for (int i = 0; i < n; ++i) {
    const float du = pane.plane_xy[2 * i] - mu, dv = pane.plane_xy[2 * i + 1] - mv;
    const float d = du * du + dv * dv;
    if (d < limit && d * f.scale * f.scale < best) {
      best = d * f.scale * f.scale;
      best_i = i;
    }
  }
  return best_i;
}

//-----------------------------------------------------------------------------
// [SECTION] Latent map: the interpolation path
//-----------------------------------------------------------------------------

// The path drawn on this map in screen coordinates; false when there is none to draw yet (until
// the new endpoints' path is computed, a frame or two, the previous one stays).
static bool interp_screen_path(const AppState& app, const ModelPane& pane, const MapFrame& f, ImVec2 curve[kInterpCurvePoints]) {
  if (!app.interp.show || pane.interp.version == 0 || pane.interp.curve.rows() != pane.latent ||
      pane.interp.a.size() != pane.latent)
    return false;
  float uv[2];
  for (int i = 0; i < kInterpCurvePoints; ++i) {
    plane_project(pane.plane, pane.interp.curve.col(i).data(), uv);
    curve[i] = f.to_screen(uv[0], uv[1]);
  }
  return true;
}

// Where an end's letter (A: end 0, B: end 1, of text size `ts`) sits: beyond the path's end along
// its direction `dir`, and inside the map even when the end is at its edge (the map clips).
static ImVec2 end_letter_at(const MapFrame& f, ImVec2 c, ImVec2 dir, int end, ImVec2 ts, float s) {
  const float reach = end == 0 ? -19 * s : 19 * s;
  return ImVec2(std::round(std::clamp(c.x + reach * dir.x - ts.x * 0.5f, f.min.x + 2 * s, f.max.x - ts.x - 2 * s)),
                std::round(std::clamp(c.y + reach * dir.y - ts.y * 0.5f, f.min.y + 1 * s, f.max.y - ts.y - 1 * s)));
}

// Whether segment a-b meets the rectangle (Liang-Barsky clipping).
static bool segment_meets_rect(ImVec2 a, ImVec2 b, ImVec2 min, ImVec2 max) {
  float t0 = 0, t1 = 1;
  const float d[2] = {b.x - a.x, b.y - a.y}, from[2] = {a.x, a.y}, lo[2] = {min.x, min.y}, hi[2] = {max.x, max.y};
  for (int k = 0; k < 2; ++k) {
    if (d[k] == 0) {
      if (from[k] < lo[k] || from[k] > hi[k]) return false;
      continue;
    }
    float e0 = (lo[k] - from[k]) / d[k], e1 = (hi[k] - from[k]) / d[k];
    if (e0 > e1) std::swap(e0, e1);
    t0 = std::max(t0, e0);
    t1 = std::min(t1, e1);
    if (t0 > t1) return false;
  }
  return true;
}

bool interp_path_crosses(const AppState& app, int p, const MapFrame& f, ImVec2 min, ImVec2 max) {
  ImVec2 curve[kInterpCurvePoints];
  if (!interp_screen_path(app, app.panes[p], f, curve)) return false;
  // The ends' rings and their letters, placed as interp_draw_map places them; the line's outline.
  const float s = app.ui_scale, ring = 10 * s, line = 4 * s;
  auto meets = [&](ImVec2 lo, ImVec2 hi) { return lo.x < max.x && hi.x > min.x && lo.y < max.y && hi.y > min.y; };
  const ImVec2 end_a = curve[0], end_b = curve[kInterpCurvePoints - 1];
  const float length = std::hypot(end_b.x - end_a.x, end_b.y - end_a.y);
  const ImVec2 dir = length > 1e-3f ? ImVec2((end_b.x - end_a.x) / length, (end_b.y - end_a.y) / length) : ImVec2(1, 0);
  for (int end = 0; end < 2; ++end) {
    const ImVec2 c = end == 0 ? end_a : end_b, ts = ImGui::CalcTextSize(end == 0 ? "A" : "B");
    const ImVec2 t = end_letter_at(f, c, dir, end, ts, s);
    if (meets(ImVec2(c.x - ring, c.y - ring), ImVec2(c.x + ring, c.y + ring)) ||
        meets(ImVec2(t.x - 1, t.y - 1), ImVec2(t.x + ts.x + 2, t.y + ts.y + 2)))
      return true;
  }
  const ImVec2 lo(min.x - line, min.y - line), hi(max.x + line, max.y + line);
  for (int i = 0; i + 1 < kInterpCurvePoints; ++i)
    if (segment_meets_rect(curve[i], curve[i + 1], lo, hi)) return true;
  return false;
}

// The grid's tick labels: the slider's frame box may lie over them (they are left out under it:
// interp_covers), and over nothing else recorded on the map.
static bool is_tick_label(const LayoutItem& item) {
  return std::strcmp(item.name, kTickU) == 0 || std::strcmp(item.name, kTickV) == 0;
}

// The path from A's code to B's on the map's plane (a curve when it is a slerp, or when the PCA
// plane is not the one the path lies in), a dot per interpolant coloured by its distance to the
// data, A and B ringed in their labels' colours, and a marker with the decoded frame at the
// slider's t. Records the path's on-screen bounds for tests.
void interp_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  ModelPane& pane = app.panes[p];
  pane.interp.frame_box_min = pane.interp.frame_box_max = f.min;
  if (!app.interp.show) return;
  const Interpolation& it = app.interp;
  const float s = app.ui_scale;
  // Pick mode, A chosen: ring it until B is.
  if (it.pick == 2 && it.pick_point >= 0 && it.pick_point < static_cast<int>(app.point_indices.size())) {
    const ImVec2 c = f.to_screen(pane.plane_xy[2 * it.pick_point], pane.plane_xy[2 * it.pick_point + 1]);
    draw->AddCircle(c, 10 * s, IM_COL32(0, 0, 0, 200), 24, 5 * s);
    draw->AddCircle(c, 10 * s, IM_COL32(255, 255, 255, 255), 24, 2.5f * s);
    draw->AddText(ImVec2(c.x + 12 * s, c.y - 20 * s), IM_COL32(255, 255, 255, 255), "A");
  }
  pane.interp.path_min = pane.interp.path_max = f.min;
  pane.interp.marker_text[0] = '\0';
  ImVec2 curve[kInterpCurvePoints];
  if (!interp_screen_path(app, pane, f, curve)) return;
  float uv[2];
  ImVec2 lo(1e30f, 1e30f), hi(-1e30f, -1e30f);
  for (const ImVec2 c : curve) {
    lo = ImVec2(std::min(lo.x, c.x), std::min(lo.y, c.y));
    hi = ImVec2(std::max(hi.x, c.x), std::max(hi.y, c.y));
  }
  const float half_line = 3.0f * s;  // the outline's half width: a level path still covers pixels
  pane.interp.path_min = ImVec2(std::max(lo.x - half_line, f.min.x), std::max(lo.y - half_line, f.min.y));
  pane.interp.path_max = ImVec2(std::min(hi.x + half_line, f.max.x), std::min(hi.y + half_line, f.max.y));
  draw->AddPolyline(curve, kInterpCurvePoints, IM_COL32(0, 0, 0, 190), 0, 6.0f * s);
  draw->AddPolyline(curve, kInterpCurvePoints, IM_COL32(255, 255, 255, 235), 0, 2.5f * s);

  // The interpolants the strip shows, where they sit (smaller dots when they crowd).
  const int steps = pane.interp.steps;
  const ImVec2 end_a = curve[0], end_b = curve[kInterpCurvePoints - 1];
  const float length = std::sqrt((end_b.x - end_a.x) * (end_b.x - end_a.x) + (end_b.y - end_a.y) * (end_b.y - end_a.y));
  const float dot = std::clamp(0.4f * length / (steps + 1), 2.0f * s, 4.0f * s);
  for (int i = 1; i <= steps; ++i) {
    plane_project(pane.plane, pane.interp.ws.codes.col(i).data(), uv);
    const ImVec2 c = f.to_screen(uv[0], uv[1]);
    draw->AddCircleFilled(c, dot + 1.5f * s, IM_COL32(0, 0, 0, 220), 16);
    draw->AddCircleFilled(c, dot, interp_interpolant_color(app, p, i), 16);
  }
  // A and B: the encoded originals, named beyond the path's ends.
  ImVec2 dir(1, 0);  // A to B on screen
  if (length > 1e-3f) dir = ImVec2((end_b.x - end_a.x) / length, (end_b.y - end_a.y) / length);
  for (int end = 0; end < 2; ++end) {
    const ImVec2 c = end == 0 ? end_a : end_b;
    const int sample = end == 0 ? it.a : it.b;
    const int label = sample < static_cast<int>(app.data->labels.size()) ? app.data->labels[sample] : -1;
    draw->AddCircleFilled(c, 9 * s, IM_COL32(0, 0, 0, 220), 24);
    draw->AddCircleFilled(c, 7 * s, label_color(label), 24);
    draw->AddCircle(c, 9 * s, IM_COL32(255, 255, 255, 255), 24, 2 * s);
    const char* name = end == 0 ? "A" : "B";
    const ImVec2 ts = ImGui::CalcTextSize(name);
    const ImVec2 at = end_letter_at(f, c, dir, end, ts, s);
    draw->AddText(ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 255), name);
    draw->AddText(at, IM_COL32(255, 255, 255, 255), name);
  }
  // The slider's point, with what this model decodes there riding beside it.
  if (pane.interp.frame_computes == pane.interp.computes && pane.interp.frame_z.rows() == pane.latent) {
    plane_project(pane.plane, pane.interp.frame_z.data(), uv);
    const ImVec2 c = f.to_screen(uv[0], uv[1]);
    const ImU32 accent = pane_accent(p);
    draw->AddCircle(c, 8 * s, IM_COL32(0, 0, 0, 200), 24, 5 * s);
    draw->AddCircle(c, 8 * s, accent, 24, 2.5f * s);
    // Beside the path, not on it: off to the side (above when it can be), inside the map, and clear
    // of the map's boxes and names (the hole legend, the KL box, the axis names). The sides first,
    // then along the path and the diagonals; with no clear place, the first side.
    const float side = 56 * s, edge = 2 * s;  // the box's border reaches `edge` beyond the image
    ImVec2 normal(dir.y, -dir.x);
    if (normal.y > 0) normal = ImVec2(-normal.x, -normal.y);
    const float away = 0.72f * side + 12 * s;
    const ImVec2 diag_a((normal.x + dir.x) * 0.7071f, (normal.y + dir.y) * 0.7071f);
    const ImVec2 diag_b((normal.x - dir.x) * 0.7071f, (normal.y - dir.y) * 0.7071f);
    const ImVec2 ways[8] = {normal, ImVec2(-normal.x, -normal.y), diag_a, diag_b, ImVec2(-diag_b.x, -diag_b.y),
                            ImVec2(-diag_a.x, -diag_a.y), dir, ImVec2(-dir.x, -dir.y)};
    auto place = [&](ImVec2 way, ImVec2* a, ImVec2* b) {
      ImVec2 centre(c.x + way.x * away, c.y + way.y * away);
      centre.x = std::clamp(centre.x, f.min.x + side * 0.5f + 4 * s, f.max.x - side * 0.5f - 4 * s);
      centre.y = std::clamp(centre.y, f.min.y + side * 0.5f + 4 * s, f.max.y - side * 0.5f - 4 * s);
      *a = ImVec2(std::round(centre.x - side * 0.5f), std::round(centre.y - side * 0.5f));
      *b = ImVec2(a->x + side, a->y + side);
      return layout_is_free(app.layout, ImVec2(a->x - edge, a->y - edge), ImVec2(b->x + edge, b->y + edge), 0.0f, is_tick_label);
    };
    ImVec2 a, b;
    bool clear = false;
    for (int w = 0; w < 8 && !clear; ++w) clear = place(ways[w], &a, &b);
    if (!clear) place(ways[0], &a, &b);
    pane.interp.frame_box_min = ImVec2(a.x - edge, a.y - edge);
    pane.interp.frame_box_max = ImVec2(b.x + edge, b.y + edge);
    layout_rect(&app.layout, "interpolation frame", pane.interp.frame_box_min, pane.interp.frame_box_max);
    draw->AddRectFilled(ImVec2(a.x - 2 * s, a.y - 2 * s), ImVec2(b.x + 2 * s, b.y + 2 * s), IM_COL32(0, 0, 0, 255));
    draw->AddImage(gpu_image_id(pane.interp.frame_image), a, b);
    draw->AddRect(ImVec2(a.x - 2 * s, a.y - 2 * s), ImVec2(b.x + 2 * s, b.y + 2 * s), accent, 0, 0, 2 * s);
    char text[sizeof pane.interp.marker_text];
    ImU32 color = 0;
    if (interp_frame_figure(app, p, text, sizeof text, &color)) {
      const ImVec2 ts = ImGui::CalcTextSize(text);
      const ImVec2 tp(a.x + side - ts.x - 3 * s, b.y - ts.y - 1 * s);
      draw->AddRectFilled(ImVec2(tp.x - 3 * s, tp.y), ImVec2(b.x, b.y), IM_COL32(0, 0, 0, 200));
      draw->AddText(tp, color, text);
      std::snprintf(pane.interp.marker_text, sizeof pane.interp.marker_text, "%s", text);
    }
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Latent map: drawing
//-----------------------------------------------------------------------------

// Text on a map, reported to the layout recorder (inside the map's container).
static void map_text(AppState& app, ImDrawList* draw, ImVec2 pos, ImU32 color, const char* text, const char* name) {
  draw->AddText(pos, color, text);
  const ImVec2 size = ImGui::CalcTextSize(text);
  layout_rect(&app.layout, name, pos, ImVec2(pos.x + size.x, pos.y + size.y));
}

// Whether a view's overlay box (the KL box, the traversals) lay over this rectangle last frame: the
// grid's labels under it are left out rather than drawn over.
static bool under_overlay(const ModelPane& pane, ImVec2 min, ImVec2 max) {
  for (int v = 0; v < kPaneViewCount; ++v)
    if (kPaneViews[v]->covers && kPaneViews[v]->covers(pane, min, max)) return true;
  return false;
}

static bool edge_arrow_triangle(const AppState& app, int p, const MapFrame& f, ImVec2 t[3], ImVec2* dir);

// A tick label, unless an overlay covers it or it would sit on the probe's edge arrow (`arrow`, its
// bounding box; empty when there is none): the arrow is drawn later and says more.
static void tick_text(AppState& app, const ModelPane& pane, ImDrawList* draw, ImVec2 pos, const char* text, const char* name,
                      const ImVec2 arrow[2]) {
  const ImVec2 size = ImGui::CalcTextSize(text), end(pos.x + size.x, pos.y + size.y);
  if (under_overlay(pane, pos, end)) return;
  if (pos.x < arrow[1].x && end.x > arrow[0].x && pos.y < arrow[1].y && end.y > arrow[0].y) return;
  map_text(app, draw, pos, app.theme->tick_text, text, name);
}

static void draw_grid(AppState& app, int p, ImDrawList* draw, const MapFrame& f, const Plane& plane) {
  const ModelPane& pane = app.panes[p];
  ImVec2 arrow[2] = {ImVec2(0, 0), ImVec2(0, 0)}, t[3], dir;
  if (edge_arrow_triangle(app, p, f, t, &dir)) {
    arrow[0] = ImVec2(std::min({t[0].x, t[1].x, t[2].x}), std::min({t[0].y, t[1].y, t[2].y}));
    arrow[1] = ImVec2(std::max({t[0].x, t[1].x, t[2].x}), std::max({t[0].y, t[1].y, t[2].y}));
  }
  const Theme& theme = *app.theme;
  const float step = nice_step(70.0f * app.ui_scale / f.scale);
  const float u0 = f.to_u(f.min.x), u1 = f.to_u(f.max.x), v0 = f.to_v(f.max.y), v1 = f.to_v(f.min.y);
  char text[32];
  const float pad = 4 * app.ui_scale;
  for (float u = std::ceil(u0 / step) * step; u <= u1; u += step) {
    const float x = std::round(f.to_screen(u, 0).x) + 0.5f;
    const bool axis = std::fabs(u) < step * 0.01f;
    draw->AddLine(ImVec2(x, f.min.y), ImVec2(x, f.max.y), axis ? theme.grid_axis : theme.grid_minor, 1.0f);
    if (x < f.min.x + 40 * app.ui_scale || x > f.max.x - 40 * app.ui_scale) continue;  // corners belong to the axis names
    std::snprintf(text, sizeof text, "%g", std::fabs(u) < step * 0.01f ? 0.0f : u);
    // A long label near the right corner would cross the map's edge (a barely trained map's ticks
    // read like 0.000125): skip it rather than draw over the neighbouring pane.
    if (x + 3 * app.ui_scale + ImGui::CalcTextSize(text).x > f.max.x - pad) continue;
    tick_text(app, pane, draw, ImVec2(x + 3 * app.ui_scale, f.max.y - ImGui::GetTextLineHeight() - pad * 0.5f), text, kTickU, arrow);
  }
  for (float v = std::ceil(v0 / step) * step; v <= v1; v += step) {
    const float y = std::round(f.to_screen(0, v).y) + 0.5f;
    const bool axis = std::fabs(v) < step * 0.01f;
    draw->AddLine(ImVec2(f.min.x, y), ImVec2(f.max.x, y), axis ? theme.grid_axis : theme.grid_minor, 1.0f);
    if (y < f.min.y + 30 * app.ui_scale || y > f.max.y - 30 * app.ui_scale) continue;
    std::snprintf(text, sizeof text, "%g", std::fabs(v) < step * 0.01f ? 0.0f : v);
    tick_text(app, pane, draw, ImVec2(f.min.x + pad, y - ImGui::GetTextLineHeight() - 1), text, kTickV, arrow);
  }
  // Axis names in the corners they point to.
  char ux[16], vy[16];
  if (plane.mode == PlaneMode::Pca && plane.latent >= 2) {
    std::snprintf(ux, sizeof ux, "PC1");
    std::snprintf(vy, sizeof vy, "PC2");
  } else {
    std::snprintf(ux, sizeof ux, "z%d", plane.dim_x + 1);
    std::snprintf(vy, sizeof vy, plane.dim_y >= 0 ? "z%d" : "-", plane.dim_y + 1);
  }
  const ImU32 name = theme.axis_name;
  map_text(app, draw, ImVec2(f.max.x - ImGui::CalcTextSize(ux).x - pad * 2, f.max.y - 2 * ImGui::GetTextLineHeight() - pad), name, ux, "axis name u");
  map_text(app, draw, ImVec2(f.min.x + pad * 2 + 28 * app.ui_scale, f.min.y + pad), name, vy, "axis name v");
}

static void draw_ellipse(ImDrawList* draw, const MapFrame& f, float u, float v, float a, float b, float angle,
                         ImU32 fill, ImU32 line, float thickness) {
  const int segments = 48;
  const float ca = std::cos(angle), sa = std::sin(angle);
  for (int i = 0; i < segments; ++i) {
    const float t = 6.2831853f * i / segments;
    const float x = a * std::cos(t), y = b * std::sin(t);
    draw->PathLineTo(f.to_screen(u + ca * x - sa * y, v + sa * x + ca * y));
  }
  if (fill & IM_COL32_A_MASK) {
    draw->PathFillConvex(fill);
    for (int i = 0; i < segments; ++i) {
      const float t = 6.2831853f * i / segments;
      const float x = a * std::cos(t), y = b * std::sin(t);
      draw->PathLineTo(f.to_screen(u + ca * x - sa * y, v + sa * x + ca * y));
    }
  }
  draw->PathStroke(line, ImDrawFlags_Closed, thickness);
}

// A probe off the visible map (a linked probe set on a map with a wider spread, or a view zoomed
// in) is shown as an arrow at the edge, on the line from the map's centre to the probe, pointing at
// it, with its coordinates beside it: the probe's decoding below the map still shows that point.
static bool edge_arrow(const AppState& app, int p, const MapFrame& f, ImVec2* tip, ImVec2* dir, ImVec2* probe_at) {
  const ModelPane& pane = app.panes[p];
  const ImVec2 q = f.to_screen(pane.probe.uv[0], pane.probe.uv[1]);
  *probe_at = q;
  if (q.x >= f.min.x && q.x <= f.max.x && q.y >= f.min.y && q.y <= f.max.y) return false;
  const float inset = 3 * app.ui_scale;  // the tip stays inside the map's border
  const ImVec2 d(q.x - f.center.x, q.y - f.center.y);
  const float half_w = 0.5f * (f.max.x - f.min.x) - inset, half_h = 0.5f * (f.max.y - f.min.y) - inset;
  if (half_w <= 0 || half_h <= 0) return false;
  // The largest t with centre + t * d inside the inset rectangle: where the line leaves it.
  const float t = std::min(d.x != 0 ? half_w / std::fabs(d.x) : 1e30f, d.y != 0 ? half_h / std::fabs(d.y) : 1e30f);
  const float len = std::sqrt(d.x * d.x + d.y * d.y);
  *tip = ImVec2(f.center.x + t * d.x, f.center.y + t * d.y);
  *dir = ImVec2(d.x / len, d.y / len);
  return true;
}

bool probe_edge_arrow(const AppState& app, int p, ImVec2* tip, ImVec2* dir, ImVec2* probe_at) {
  return app.panes[p].latent > 0 && edge_arrow(app, p, map_frame(app.panes[p].view), tip, dir, probe_at);
}

// The arrow's triangle (tip, two base corners) and its direction; false when the probe is on the map.
static bool edge_arrow_triangle(const AppState& app, int p, const MapFrame& f, ImVec2 t[3], ImVec2* dir) {
  ImVec2 tip, probe_at;
  if (!edge_arrow(app, p, f, &tip, dir, &probe_at)) return false;
  const float s = app.ui_scale, length = 18 * s, half_base = 8 * s;
  const ImVec2 back(tip.x - dir->x * length, tip.y - dir->y * length);
  const ImVec2 side(-dir->y * half_base, dir->x * half_base);
  t[0] = tip;
  t[1] = ImVec2(back.x + side.x, back.y + side.y);
  t[2] = ImVec2(back.x - side.x, back.y - side.y);
  return true;
}

// The arrow is recorded before the views' overlays are drawn, so that their legends keep off it.
static void record_probe_edge_arrow(AppState& app, int p, const MapFrame& f) {
  ImVec2 t[3], dir;
  if (!edge_arrow_triangle(app, p, f, t, &dir)) return;
  layout_rect(&app.layout, "probe arrow", ImVec2(std::min({t[0].x, t[1].x, t[2].x}), std::min({t[0].y, t[1].y, t[2].y})),
              ImVec2(std::max({t[0].x, t[1].x, t[2].x}), std::max({t[0].y, t[1].y, t[2].y})));
}

static void draw_probe_edge_arrow(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  ImVec2 t[3], dir;
  if (!edge_arrow_triangle(app, p, f, t, &dir)) return;
  const float s = app.ui_scale;
  const ImU32 accent = pane_accent(p);
  const float length = 18 * s;
  const ImVec2 tip = t[0], b1 = t[1], b2 = t[2];
  const ImVec2 back(tip.x - dir.x * length, tip.y - dir.y * length);
  draw->AddTriangleFilled(tip, b1, b2, accent);
  draw->AddTriangle(tip, b1, b2, app.theme->overlay_shadow, 1.5f * s);
  // The coordinates behind the arrow, inside the map, on a dark plate.
  char text[48];
  const float gap = 6 * s, room = f.max.x - f.min.x - 2 * gap - 8 * s;  // the label stays inside the map
  std::snprintf(text, sizeof text, "probe (%.2f, %.2f)", app.panes[p].probe.uv[0], app.panes[p].probe.uv[1]);
  if (ImGui::CalcTextSize(text).x > room)  // a narrow map (presenter mode): the short form
    std::snprintf(text, sizeof text, "(%.3g, %.3g)", app.panes[p].probe.uv[0], app.panes[p].probe.uv[1]);
  const ImVec2 ts = ImGui::CalcTextSize(text);
  if (ts.x > room) return;  // no room for coordinates: the arrow alone
  ImVec2 at(back.x - dir.x * gap - 0.5f * ts.x * (1 + dir.x), back.y - dir.y * gap - 0.5f * ts.y * (1 + dir.y));
  auto clamp_in = [&](ImVec2 q) {
    return ImVec2(std::clamp(q.x, f.min.x + gap, std::max(f.min.x + gap, f.max.x - gap - ts.x)),
                  std::clamp(q.y, f.min.y + gap, std::max(f.min.y + gap, f.max.y - gap - ts.y)));
  };
  at = clamp_in(at);
  // Off whatever the map already shows there (a legend, an axis name): beside the first thing in
  // the way, the nearest free place of the four.
  const ImVec2 plate(4 * s, 2 * s);
  auto plate_free = [&](ImVec2 q) {
    return layout_is_free(app.layout, ImVec2(q.x - plate.x, q.y - plate.y), ImVec2(q.x + ts.x + plate.x, q.y + ts.y + plate.y));
  };
  for (int round = 0; round < 3 && !plate_free(at); ++round) {
    const LayoutItem* hit = nullptr;
    for (int i = 0; i < app.layout.item_count && !hit; ++i) {
      const LayoutItem& it = app.layout.items[i];
      if (it.container == app.layout.stack[app.layout.depth - 1] && std::min(at.x + ts.x + plate.x, it.max.x) > std::max(at.x - plate.x, it.min.x) &&
          std::min(at.y + ts.y + plate.y, it.max.y) > std::max(at.y - plate.y, it.min.y))
        hit = &it;
    }
    if (!hit) break;
    const ImVec2 options[4] = {clamp_in(ImVec2(at.x, hit->max.y + plate.y + 1)), clamp_in(ImVec2(hit->min.x - ts.x - plate.x - 1, at.y)),
                               clamp_in(ImVec2(at.x, hit->min.y - ts.y - plate.y - 1)), clamp_in(ImVec2(hit->max.x + plate.x + 1, at.y))};
    float best = 1e30f;
    ImVec2 next = options[0];
    for (const ImVec2& o : options) {
      const float d = std::fabs(o.x - at.x) + std::fabs(o.y - at.y);
      if (plate_free(o) && d < best) best = d, next = o;
    }
    at = next;
  }
  draw->AddRectFilled(ImVec2(at.x - plate.x, at.y - plate.y), ImVec2(at.x + ts.x + plate.x, at.y + ts.y + plate.y),
                      app.theme->overlay_shadow, 3 * s);
  draw->AddText(at, accent, text);
  layout_rect(&app.layout, "probe arrow label", ImVec2(at.x - plate.x, at.y - plate.y), ImVec2(at.x + ts.x + plate.x, at.y + ts.y + plate.y));
}

static void map_tooltip(AppState& app, int p) {
  const ModelPane& pane = app.panes[p];
  const int i = pane.hover_point;
  const int sample = app.point_indices[i];
  if (app.hover_image_sample != sample) {
    dataset_sample_rgba(app, sample, app.hover_rgba.data(), app.tile_w, 0, 0);
    gpu_image_upload(&app.hover_image, app.hover_rgba.data());
    app.hover_image_sample = sample;
  }
  const int label = sample < static_cast<int>(app.data->labels.size()) ? app.data->labels[sample] : -1;
  char name[64];
  ImGui::BeginTooltip();
  const float side = 4.0f * std::max(app.tile_w, app.tile_h) * app.ui_scale;
  const float max_side = 112 * app.ui_scale;
  const float k = std::min(1.0f, max_side / side);
  ImGui::Image(gpu_image_id(app.hover_image), ImVec2(side * k * app.tile_w / std::max(app.tile_w, app.tile_h),
                                                     side * k * app.tile_h / std::max(app.tile_w, app.tile_h)));
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::PushStyleColor(ImGuiCol_Text, label_color(label));
  ImGui::Text("label %s", label_name(app, label, name, sizeof name));
  ImGui::PopStyleColor();
  ImGui::TextDisabled("sample #%d, %s", sample, sample >= app.data->train_count ? "held-out" : "training");
  ImGui::TextDisabled("(%.2f, %.2f) on the map", pane.plane_xy[2 * i], pane.plane_xy[2 * i + 1]);
  if (app.interp.show && app.interp.pick)
    ImGui::TextDisabled("click: endpoint %s", app.interp.pick == 2 ? "B" : "A");
  else
    ImGui::TextDisabled("click: select; shift-click: add");
  ImGui::EndGroup();
  ImGui::EndTooltip();
}

void ui_latent_map(AppState& app, int p, ImVec2 size) {
  ModelPane& pane = app.panes[p];
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  char id[16];
  std::snprintf(id, sizeof id, "map%d", p);
  ImGui::InvisibleButton(id, size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                                       ImGuiButtonFlags_MouseButtonMiddle);
  const bool hovered = ImGui::IsItemHovered();
  layout_item(&app.layout, "map");
  pane.view.rect_min = p0;
  pane.view.rect_max = ImVec2(p0.x + size.x, p0.y + size.y);
  if (pane.latent == 0) return;

  MapFrame f = map_frame(pane.view);
  const bool panning = ImGui::IsMouseDown(ImGuiMouseButton_Right) || ImGui::IsMouseDown(ImGuiMouseButton_Middle);
  pane.hover_point = hovered && !panning && app.drag_pane < 0 ? map_pick(app, pane, f) : -1;
  map_input(app, p, f, hovered);
  f = map_frame(pane.view);  // after this frame's pan and zoom
  if (pane.hover_point >= 0) app.hover_sample = app.point_indices[pane.hover_point];

  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(f.min, f.max, true);
  // Background, decoded manifold and points: drawn offscreen by views_render_maps (after this UI
  // code, with this frame's view and size) whenever they change, and shown here under the overlays.
  if (pane.target.fbo) {
    const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
    const ImVec2 min(std::round(f.min.x * fb.x) / fb.x, std::round(f.min.y * fb.y) / fb.y);
    const ImVec2 max(min.x + std::round((f.max.x - f.min.x) * fb.x) / fb.x,
                     min.y + std::round((f.max.y - f.min.y) * fb.y) / fb.y);
    draw_target_opaque(draw, pane.target.texture, min, max);
  } else {
    draw->AddRectFilled(f.min, f.max, app.theme->map_background);
  }
  // The grid's labels, the views' legends and the probe arrow's label must stay inside the map and apart.
  layout_push(&app.layout, id, f.min, f.max);
  draw_grid(app, p, draw, f, pane.plane);

  // The prior's 1 and 2 sigma circles; the posterior's 1 sigma ellipse of each selected sample.
  const bool vae = model_kind_info(pane.kind).variational;
  if (vae && app.view.show_prior) {
    const ImVec2 c = f.to_screen(0, 0);
    for (int k = 1; k <= 2; ++k) {
      const ImU32 line = app.theme->overlay_line;
      draw->AddCircle(c, k * f.scale, (line & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, k == 1 ? 120 : 80), 96, 1.5f * app.ui_scale);
      char text[8];
      std::snprintf(text, sizeof text, "%d\xcf\x83", k);  // "1σ"
      draw->AddText(ImVec2(c.x + 4 * app.ui_scale, c.y - k * f.scale - ImGui::GetTextLineHeight()),
                    (line & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 150), text);
    }
  }
  if (pane.selection_serial == app.selection_serial) {
    for (int i = 0; i < app.selected_count; ++i) {
      float uv[2];
      plane_project(pane.plane, pane.selection_mu.col(i).data(), uv);
      const int sample = app.selected[i];
      const int label = sample < static_cast<int>(app.data->labels.size()) ? app.data->labels[sample] : -1;
      const ImU32 color = label_color(label);
      if (vae && app.view.show_prior) {
        float a, b, angle;
        plane_ellipse(pane.plane, pane.selection_logvar.col(i).data(), &a, &b, &angle);
        draw_ellipse(draw, f, uv[0], uv[1], a, b, angle, (color & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 50),
                     color, 2.0f * app.ui_scale);
      }
      const ImVec2 c = f.to_screen(uv[0], uv[1]);
      draw->AddCircleFilled(c, 6 * app.ui_scale, color, 20);
      draw->AddCircle(c, 6 * app.ui_scale, app.theme->overlay_line, 20, 2 * app.ui_scale);
    }
  }
  if (pane.hover_point >= 0) {
    const ImVec2 c = f.to_screen(pane.plane_xy[2 * pane.hover_point], pane.plane_xy[2 * pane.hover_point + 1]);
    draw->AddCircle(c, 7 * app.ui_scale, app.theme->overlay_line, 20, 1.5f * app.ui_scale);
  }
  if (!app.interp.show) record_probe_edge_arrow(app, p, f);
  for (int v = 0; v < kPaneViewCount; ++v)
    if (kPaneViews[v]->draw_map) kPaneViews[v]->draw_map(app, p, draw, f);
  if (!app.interp.show) draw_probe_edge_arrow(app, p, draw, f);  // the probe's marker is hidden there too
  layout_pop(&app.layout);
  if (pane.codes_version == 0) {
    const char* text = "Encoding the points...";
    const ImVec2 ts = ImGui::CalcTextSize(text);
    draw->AddText(ImVec2(f.center.x - ts.x * 0.5f, f.center.y - ts.y * 0.5f), app.theme->caption, text);
  }
  draw->PopClipRect();
  draw->AddRect(f.min, f.max, hovered ? app.theme->map_border_hovered : app.theme->map_border, 0, 0, 1.0f);

  if (pane.hover_point >= 0 && app.drag_pane < 0) map_tooltip(app, p);
}
