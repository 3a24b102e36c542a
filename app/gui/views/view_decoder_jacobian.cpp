// The decoder's ||J||_F layer (toolbar "Decoder ||J||"): a layer under each map's points that shades
// the visible plane by how fast the decoded image changes as the code moves there,
// ||d g(z) / dz||_F at the code z each point of the plane stands for (core/measure/decoder_jacobian.h:
// exact, forward-mode tangents through the dense decoder). Bright: a small step on the map changes
// the decoding a lot (the map is stretched, often between clusters, where one digit turns into
// another); dark: the decoder barely moves (inside a cluster, or far out where it saturates). It is
// the decoder's sensitivity, not the encoder's: the contractive AE flattens the encoder (colour the
// points by "encoder ||J||_F" to see that), and this layer shows what its decoder does in exchange.
//
// The plane is the hole map's (plane_lift: latent 2 is the latent itself; latent > 2 the chosen
// plane, other coordinates at the codes' mean). Up to kFullMaxLatent code units the shading is the
// full ||J||_F (one tangent per unit); wider codes take the plane's two directions only (||J A||_F,
// A the plane's two unit axes), and the legend says which. A grid of kCells cells along the map's
// longer side is measured a chunk at a time within kFrameSeconds of each frame for both maps,
// with the weights and plane pinned when the pass started; the finished pass replaces the shown
// layer. The ramp runs over the grid's 5th..95th percentile.
//
// Index:
//   [SECTION] Passes
//   [SECTION] Lifecycle
//   [SECTION] Legend and hover
//   [SECTION] Dumps
#include <algorithm>
#include <chrono>
#include <cmath>

#include "gui_help.h"
#include "gui_state.h"

namespace {
constexpr int kCells = 40;                  // cells along the map's longer side
constexpr int kStepColumns = 64;            // cells x tangents measured at once (the least a frame does): 32
                                            // cells at latent 2, 4 at the full norm of 16 units
constexpr double kFrameSeconds = 0.002;     // the layers' share of a frame, both maps (at least one chunk)
constexpr double kRefreshSeconds = 1.0;     // a new pass on new weights at most this often
constexpr int kFullMaxLatent = 16;          // wider codes: the plane's two directions, not every unit's
constexpr float kAlpha = 0.9f;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ImU32 ramp(float t) { return value_ramp_color(t) | IM_COL32(0, 0, 0, 255); }
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Passes
//-----------------------------------------------------------------------------

// Pins the weights and the grid, and lifts every cell's centre to a code on the plane as it is now.
static bool dj_pass_start(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  DecoderJacobianView& d = pane.decoder_j;
  const MapGrid grid = map_grid(pane.view, kCells);
  if (grid.cols == 0 || pane.codes_version == 0 || !app.snap) return false;
  const Network& net = app.snap->networks[p];
  if (!pane_matches(app, pane, net)) return false;
  d.error.clear();
  if (!decoder_jacobian_supported(net)) {
    d.error = "the decoder is convolutional (dense decoders only)";
    return false;
  }
  d.pass_cols = grid.cols;
  d.pass_rows = grid.rows;
  std::copy(grid.rect, grid.rect + 4, d.pass_rect);
  std::copy(grid.key, grid.key + 6, d.pass_key);
  const Plane& pin = pane.plane;  // every cell is lifted now: the pass keeps codes, not the plane
  const int cells = d.pass_cols * d.pass_rows, latent = pane.latent;
  d.pass_z.resize(latent, cells);
  for (int i = 0; i < cells; ++i) {
    const int r = i / d.pass_cols, c = i % d.pass_cols;
    const float u = d.pass_rect[0] + (c + 0.5f) * (d.pass_rect[2] - d.pass_rect[0]) / d.pass_cols;
    const float v = d.pass_rect[3] - (r + 0.5f) * (d.pass_rect[3] - d.pass_rect[1]) / d.pass_rows;
    plane_lift(pin, u, v, d.pass_z.col(i).data());
  }
  // The tangents: every code unit, or the plane's directions.
  d.pass_full = latent <= kFullMaxLatent;
  if (d.pass_full) {
    d.pass_directions.setIdentity(latent, latent);
  } else if (pin.mode == PlaneMode::Pca) {
    d.pass_directions.resize(latent, 2);
    d.pass_directions.col(0) = pin.axis_u;
    d.pass_directions.col(1) = pin.axis_v;
  } else {
    d.pass_directions.setZero(latent, pin.dim_y >= 0 ? 2 : 1);
    d.pass_directions(pin.dim_x, 0) = 1;
    if (pin.dim_y >= 0) d.pass_directions(pin.dim_y, 1) = 1;
  }
  d.pass_snapshot = app.snap;
  d.pass_values.resize(static_cast<size_t>(cells));
  d.pass_next = 0;
  d.pass_step_seconds = 0;
  d.time = app.now;
  return true;
}

static void dj_pass_finish(AppState& app, DecoderJacobianView& d) {
  const size_t cells = d.pass_values.size();
  d.sorted.assign(d.pass_values.begin(), d.pass_values.end());
  std::nth_element(d.sorted.begin(), d.sorted.begin() + cells / 20, d.sorted.end());
  d.lo = d.sorted[cells / 20];
  std::nth_element(d.sorted.begin(), d.sorted.begin() + (cells - 1 - cells / 20), d.sorted.end());
  d.hi = d.sorted[cells - 1 - cells / 20];
  std::nth_element(d.sorted.begin(), d.sorted.begin() + cells / 2, d.sorted.end());
  d.median = d.sorted[cells / 2];
  d.cols = d.pass_cols;
  d.rows = d.pass_rows;
  d.full = d.pass_full;
  std::copy(d.pass_rect, d.pass_rect + 4, d.rect);
  std::copy(d.pass_key, d.pass_key + 6, d.key);
  d.values.swap(d.pass_values);
  const float span = d.hi > d.lo ? d.hi - d.lo : 1.0f;
  d.rgba.resize(cells * 4);
  for (size_t i = 0; i < cells; ++i) {
    const ImU32 c = ramp((d.values[i] - d.lo) / span);
    d.rgba[4 * i + 0] = (c >> IM_COL32_R_SHIFT) & 0xFF;
    d.rgba[4 * i + 1] = (c >> IM_COL32_G_SHIFT) & 0xFF;
    d.rgba[4 * i + 2] = (c >> IM_COL32_B_SHIFT) & 0xFF;
    d.rgba[4 * i + 3] = 255;
  }
  gpu_image_resize(&d.image, d.cols, d.rows, true);
  gpu_image_upload(&d.image, d.rgba.data());
  d.version = d.pass_snapshot->version;
  d.pass_seconds = app.now - d.time;
  d.pass_snapshot.reset();
  ++d.serial;
}

// One chunk of cells.
static bool dj_pass_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  DecoderJacobianView& d = pane.decoder_j;
  const Network& net = d.pass_snapshot->networks[p];
  if (d.pass_z.rows() != pane.latent || !pane_matches(app, pane, net)) {  // the model changed under the pass
    d.pass_snapshot.reset();
    return false;
  }
  const double start = seconds_now();
  const int step = std::max(1, kStepColumns / static_cast<int>(d.pass_directions.cols()));
  const int cells = static_cast<int>(d.pass_z.cols()), take = std::min(step, cells - d.pass_next);
  decoder_jacobian_norms(net, d.pass_z.middleCols(d.pass_next, take), d.pass_directions, d.norms, d.ws);
  for (int j = 0; j < take; ++j) d.pass_values[static_cast<size_t>(d.pass_next + j)] = static_cast<float>(d.norms[size_t(j)]);
  d.pass_next += take;
  d.pass_step_seconds += seconds_now() - start;
  if (d.pass_next >= cells) dj_pass_finish(app, d);
  return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void dj_configure(AppState& app, int p) {
  DecoderJacobianView& d = app.panes[p].decoder_j;
  d.pass_snapshot.reset();
  d.version = 0;
  d.cols = d.rows = 0;
  d.error.clear();
}

static void dj_update(AppState& app) {
  if (!app.view.show_decoder_j || !app.data || !app.snap) return;
  const double start = seconds_now();
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    DecoderJacobianView& d = pane.decoder_j;
    if (pane.latent == 0 || pane.pca || d.pass_snapshot) continue;
    const bool moved = d.version == 0 || map_grid_moved(pane.view, kCells, d.key);
    const bool new_weights = d.version != app.snap->version && app.now - d.time >= kRefreshSeconds;
    if ((moved && d.error.empty()) || new_weights) dj_pass_start(app, p);
  }
  // The panes take turns chunk by chunk within the share (one chunk at least a frame).
  int turn = static_cast<int>(app.frame % kMaxPanes);
  for (int idle = 0; idle < app.pane_count;) {
    const int p = turn % app.pane_count;
    if (app.panes[p].decoder_j.pass_snapshot && dj_pass_step(app, p)) {
      idle = 0;
      if (seconds_now() - start >= kFrameSeconds) break;
    } else {
      ++idle;
    }
    ++turn;
  }
}

static bool dj_in_sync(const AppState& app) {
  if (!app.view.show_decoder_j) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    const DecoderJacobianView& d = pane.decoder_j;
    if (pane.latent == 0 || pane.pca) continue;
    if (!d.error.empty() && d.version == 0) continue;  // nothing it can measure
    if (d.pass_snapshot || d.version != app.snap->version) return false;
    if (map_grid_moved(pane.view, kCells, d.key)) return false;
  }
  return true;
}

static MapLayer dj_map_layer(const AppState& app, int p) {
  const ModelPane& pane = app.panes[p];
  const DecoderJacobianView& d = pane.decoder_j;
  MapLayer layer;
  if (!app.view.show_decoder_j || d.version == 0) return layer;
  layer.image = &d.image;
  plane_rect_on_screen(pane.view, d.rect, &layer.min, &layer.max);
  layer.alpha = kAlpha;
  layer.serial = d.serial;
  return layer;
}

static void dj_free_gl(ModelPane& pane) { gpu_image_free(&pane.decoder_j.image); }

float decoder_jacobian_value(const ModelPane& pane, float u, float v) {
  const DecoderJacobianView& d = pane.decoder_j;
  return d.version == 0 ? -1 : map_grid_value(d.rect, d.cols, d.rows, d.values, u, v);
}

void decoder_jacobian_show(AppState& app, bool on) {
  app.view.show_decoder_j = on;
  if (on) app.view.show_holes = false;  // both shade the same plane: one at a time
}

void hole_map_show(AppState& app, bool on) {
  app.view.show_holes = on;
  if (on) app.view.show_decoder_j = false;
}

void ui_decoder_jacobian_switch(AppState& app) {
  bool on = app.view.show_decoder_j;
  if (ImGui::Checkbox("Decoder \xe2\x80\x96J\xe2\x80\x96", &on)) decoder_jacobian_show(app, on);
  control_help(app, "decoder_j");
}

//-----------------------------------------------------------------------------
// [SECTION] Legend and hover
//-----------------------------------------------------------------------------

// The legend's text: the long form on a wide map, the short one on a small window.
struct DjLegendText {
  const char* title;
  const char* lines[2];  // under the bar; null = none
};
static const DjLegendText kDjLegendLong = {
    "Decoder \xe2\x80\x96J\xe2\x80\x96_F: how fast the decoding changes here",
    {"bright: a small step on the map changes the image a lot", "(the encoder's: colour the points by encoder \xe2\x80\x96J\xe2\x80\x96_F)"}};
static const DjLegendText kDjLegendShort = {"Decoder \xe2\x80\x96J\xe2\x80\x96_F", {"bright: the image changes fast", nullptr}};

// Top right of the map, below whatever is recorded there; the long form, else the short one.
static void dj_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  ModelPane& pane = app.panes[p];
  DecoderJacobianView& d = pane.decoder_j;
  d.hover_value = -1;
  if (!app.view.show_decoder_j || pane.pca) return;
  const float s = app.ui_scale, line = ImGui::GetTextLineHeight(), pad = 5 * s, bar_h = 8 * s;
  char text[160], what[112] = "";
  const bool ready = d.version != 0;
  if (ready)
    std::snprintf(what, sizeof what, d.full ? "full norm: all %d code units" : "along the plane's 2 directions (of %d units)",
                  pane.latent);
  const DjLegendText* forms[2] = {&kDjLegendLong, &kDjLegendShort};
  for (const DjLegendText* form : forms) {
    const char* title = form->title;
    if (!ready) {
      if (!d.error.empty()) std::snprintf(text, sizeof text, "No decoder \xe2\x80\x96J\xe2\x80\x96: %s", d.error.c_str());
      else std::snprintf(text, sizeof text, "Decoder \xe2\x80\x96J\xe2\x80\x96_F: measuring...");
      title = text;
    }
    const bool full = form == &kDjLegendLong;
    const float bar_w = (full ? 170 : 120) * s;
    float w = std::max(ready ? bar_w : 0.0f, ImGui::CalcTextSize(title).x);
    int lines = 1;
    if (ready) {
      lines += 2;  // the ticks, and what the norm is over
      w = std::max(w, ImGui::CalcTextSize(what).x);
      for (const char* l : form->lines)
        if (l) w = std::max(w, ImGui::CalcTextSize(l).x), ++lines;
    }
    const float box_h = line * lines + (ready ? bar_h + 4 * s : 0) + 2 * pad;
    ImVec2 a(std::round(f.max.x - w - 2 * pad - 4 * s), std::round(f.min.y + 4 * s));
    ImVec2 b(a.x + w + 2 * pad, a.y + box_h);
    if (!layout_place_below(app.layout, &a, &b, 2 * s) || b.y > f.max.y) continue;
    draw->AddRectFilled(a, b, app.theme->overlay_shadow, 4 * s);
    layout_rect(&app.layout, "decoder jacobian legend", a, b);
    float y = a.y + pad;
    draw->AddText(ImVec2(a.x + pad, y), app.theme->caption, title);
    y += line;
    if (ready) {
      const int steps = 32;
      for (int i = 0; i < steps; ++i) {
        const float x0 = a.x + pad + bar_w * i / steps, x1 = a.x + pad + bar_w * (i + 1) / steps;
        draw->AddRectFilled(ImVec2(x0, y + 2 * s), ImVec2(x1 + 0.5f, y + 2 * s + bar_h), ramp((i + 0.5f) / steps));
      }
      y += bar_h + 4 * s;
      const float ticks[2] = {d.lo, d.hi};
      for (int i = 0; i < 2; ++i) {
        std::snprintf(text, sizeof text, i == 0 ? "%.3g" : "%.3g+", ticks[i]);
        const float tw = ImGui::CalcTextSize(text).x;
        draw->AddText(ImVec2(i == 0 ? a.x + pad : a.x + pad + bar_w - tw, y), app.theme->caption, text);
      }
      y += line;
      draw->AddText(ImVec2(a.x + pad, y), app.theme->caption, what);
      y += line;
      for (const char* l : form->lines)
        if (l) {
          draw->AddText(ImVec2(a.x + pad, y), app.theme->caption, l);
          y += line;
        }
    }
    break;
  }

  // The value under the mouse, when no point is (a point's own tooltip wins).
  if (ready && pane.hover_point < 0 && app.drag_pane < 0 && ImGui::IsMouseHoveringRect(f.min, f.max) && ImGui::IsWindowHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const float v = decoder_jacobian_value(pane, f.to_u(m.x), f.to_v(m.y));
    d.hover_value = v;
    if (v >= 0)
      ImGui::SetTooltip("Decoder \xe2\x80\x96J\xe2\x80\x96_F here: %.3g (median of the map %.3g)\n"
                        "How much the decoded image changes per unit step of the code, %s.\n(%.2f, %.2f) on the map%s",
                        v, d.median, d.full ? "in any direction of the code" : "along the map's plane", f.to_u(m.x), f.to_v(m.y),
                        pane.latent > 2 ? ", other coordinates at the codes' mean" : "");
  }
}

extern const PaneViewOps kDecoderJacobianView = {"decoder-j", dj_configure, dj_update, dj_in_sync,
                                                 dj_map_layer, dj_draw_map, dj_free_gl};

//-----------------------------------------------------------------------------
// [SECTION] Dumps
//-----------------------------------------------------------------------------

void decoder_jacobian_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "decoder_j=%d\n", app.view.show_decoder_j ? 1 : 0);
  for (int p = 0; p < app.pane_count; ++p) {
    const DecoderJacobianView& d = app.panes[p].decoder_j;
    std::fprintf(f, "pane%d.decoder_j_grid=%dx%d\npane%d.decoder_j_version=%llu\npane%d.decoder_j_full=%d\n", p, d.cols, d.rows, p,
                 static_cast<unsigned long long>(d.version), p, d.full ? 1 : 0);
    std::fprintf(f, "pane%d.decoder_j_range=%g %g\npane%d.decoder_j_median=%g\npane%d.decoder_j_pass_seconds=%g\n"
                 "pane%d.decoder_j_pass_step_seconds=%g\npane%d.decoder_j_error=%s\n",
                 p, d.lo, d.hi, p, d.median, p, d.pass_seconds, p, d.pass_step_seconds, p, d.error.c_str());
  }
}
