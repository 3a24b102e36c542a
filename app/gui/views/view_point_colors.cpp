// What the map's points are coloured by: their label (the default, AppState::point_colors), one
// of the dataset's true generative factors (sprites: scale, rotation, x, y; faces: smile, eye
// openness, width, tilt), each sample's reconstruction error by this model, or the Frobenius norm
// of its encoder's Jacobian at the sample (the contractive AE's subject). A factor shows whether a
// model lays that factor out along a direction of its latent space; the error shows where on the
// map the model reconstructs badly; ||J||_F where its code is most sensitive to its input.
//
// A measure is taken for the map's newest codes (the error on a pinned copy of them, decoded and
// compared; ||J||_F on the samples, with kind_figures.h's jacobian_norms) a chunk per frame within
// a time budget, with the snapshot's weights of the frame it started, and redone when they change,
// at most every kMeasurePassSeconds: while training, a pass over every point is what keeps the
// colours current, and a budget that stays small leaves the frame to the map and the other views.
// ||J||_F costs a backward pass per code unit and sample: a code wider than kJacobianMaxLatent
// units keeps its label colours, and the legend says why.
// Colours run from dark blue (low) to yellow (high) over the points' 2nd..98th percentile.
//
// Index:
//   [SECTION] Colours
//   [SECTION] Lifecycle
//   [SECTION] Legend
#include <algorithm>
#include <chrono>
#include <cmath>

#include "gui_state.h"

namespace {
constexpr int kErrorChunk = 256;              // points decoded at once for the error
constexpr int kJacobianChunk = 16;            // points whose ||J||_F is measured at once
constexpr double kMeasureFrameSeconds = 0.001;  // a measure's share of a frame (at least one chunk)
constexpr double kMeasurePassSeconds = 2.0;     // a new pass of the same measure starts at most this often
constexpr int kJacobianMaxLatent = kWideCodeLatent;  // wider codes: ||J||_F is not measured per point

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Colours
//-----------------------------------------------------------------------------

// Dark blue, teal, green, yellow: low to high, readable on the dark map and apart from the hole map's ramp.
ImU32 value_ramp_color(float t) {
  struct Stop { float at, r, g, b; };
  static constexpr Stop kStops[] = {{0.0f, 52, 62, 160}, {0.35f, 34, 150, 170}, {0.7f, 110, 200, 90}, {1.0f, 250, 230, 70}};
  constexpr int n = sizeof kStops / sizeof kStops[0];
  t = std::clamp(t, 0.0f, 1.0f);
  for (int i = 1; i < n; ++i)
    if (t <= kStops[i].at) {
      const Stop& a = kStops[i - 1];
      const Stop& b = kStops[i];
      const float k = (t - a.at) / (b.at - a.at);
      return IM_COL32(a.r + (b.r - a.r) * k, a.g + (b.g - a.g) * k, a.b + (b.b - a.b) * k, 235);
    }
  return IM_COL32(kStops[n - 1].r, kStops[n - 1].g, kStops[n - 1].b, 235);
}

// ViewOptions::color_by: 0 label, 1 .. factors the factor color_by - 1, factors + 1 the error,
// factors + 2 the encoder's ||J||_F. The last two are measures of each model.
static int factor_count(const AppState& app) { return app.data ? static_cast<int>(app.data->factor_names.size()) : 0; }
static bool by_measure(const AppState& app) { return app.view.color_by > factor_count(app); }
static bool jacobian_mode(const AppState& app, int mode) { return mode == factor_count(app) + 2; }
int point_color_last(const AppState& app) { return factor_count(app) + 2; }

const char* point_color_name(const AppState& app, int mode) {
  if (mode <= 0) return "label";
  if (mode <= factor_count(app)) return app.data->factor_names[mode - 1].c_str();
  return jacobian_mode(app, mode) ? "encoder \xe2\x80\x96J\xe2\x80\x96_F" : "reconstruction error";
}

// values (points) -> rgba over their 2nd..98th percentile; lo and hi are that range.
static void values_to_colors(PointColorsView& pc, const std::vector<float>& values) {
  const size_t n = values.size();
  pc.sorted.assign(values.begin(), values.end());
  if (n == 0) return;
  std::nth_element(pc.sorted.begin(), pc.sorted.begin() + n / 50, pc.sorted.end());
  pc.lo = pc.sorted[n / 50];
  std::nth_element(pc.sorted.begin(), pc.sorted.begin() + (n - 1 - n / 50), pc.sorted.end());
  pc.hi = pc.sorted[n - 1 - n / 50];
  const float span = pc.hi > pc.lo ? pc.hi - pc.lo : 1.0f;
  pc.rgba.resize(n * 4);
  for (size_t i = 0; i < n; ++i) {
    const ImU32 c = value_ramp_color((values[i] - pc.lo) / span);
    pc.rgba[4 * i + 0] = (c >> IM_COL32_R_SHIFT) & 0xFF;
    pc.rgba[4 * i + 1] = (c >> IM_COL32_G_SHIFT) & 0xFF;
    pc.rgba[4 * i + 2] = (c >> IM_COL32_B_SHIFT) & 0xFF;
    pc.rgba[4 * i + 3] = 235;
  }
}

static void upload(AppState& app, ModelPane& pane, const uint8_t* rgba) {
  point_cloud_set_colors(&pane.cloud, rgba, static_cast<int>(app.point_indices.size()));
  ++pane.positions_serial;  // the offscreen map redraws
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void point_colors_configure(AppState& app, int p) {
  PointColorsView& pc = app.panes[p].point_colors;
  pc.shown = 0;  // pane_configure uploaded the label colours
  pc.pass_snapshot.reset();
  pc.error_version = 0;
  pc.values_mode = 0;
  pc.too_wide = app.panes[p].latent > kJacobianMaxLatent;
  pc.x.setZero(app.panes[p].features, kErrorChunk);
  pc.out.setZero(app.panes[p].features, kErrorChunk);
  pc.indices.assign(kErrorChunk, 0);
}

// One chunk of a measure's pass: the error (decode the codes, squared pixel error against the
// samples) or ||J||_F of the encoder at the samples.
static void measure_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  PointColorsView& pc = pane.point_colors;
  const Network& net = pc.pass_snapshot->networks[p];
  const int n = static_cast<int>(app.point_indices.size());
  if (!pane_matches(app, pane, net) || pc.pass_z.cols() != n) {
    pc.pass_snapshot.reset();
    return;
  }
  const bool jacobian = jacobian_mode(app, pc.pass_mode);
  const int chunk = jacobian ? kJacobianChunk : kErrorChunk;
  const int take = std::min(chunk, n - pc.pass_next);
  for (int j = 0; j < chunk; ++j) pc.indices[j] = app.point_indices[pc.pass_next + std::min(j, take - 1)];
  app.data->gather(pc.indices.data(), chunk, pc.x);  // the chunk's tail repeats its last sample
  if (jacobian) {
    jacobian_norms(net, pc.x.leftCols(take), pc.norms, pc.jacobian_ws);
    for (int j = 0; j < take; ++j) pc.pass_error[pc.pass_next + j] = static_cast<float>(pc.norms[j]);
  } else {
    network_decode(net, pc.pass_z.middleCols(pc.pass_next, take), pc.out.leftCols(take), pc.ws);
    for (int j = 0; j < take; ++j) pc.pass_error[pc.pass_next + j] = (pc.out.col(j) - pc.x.col(j)).squaredNorm();
  }
  pc.pass_next += take;
  if (pc.pass_next < n) return;
  pc.error.swap(pc.pass_error);
  pc.error_version = pc.pass_codes;
  pc.values_mode = pc.pass_mode;
  pc.pass_snapshot.reset();
  values_to_colors(pc, pc.error);
  upload(app, pane, pc.rgba.data());
  pc.shown = pc.values_mode;
}

static void point_colors_update(AppState& app) {
  if (!app.data) return;
  const int mode = app.view.color_by > point_color_last(app) ? 0 : app.view.color_by;
  const int n = static_cast<int>(app.point_indices.size());
  const double start = seconds_now();
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    PointColorsView& pc = pane.point_colors;
    if (pane.latent == 0 || n == 0) continue;
    if (mode == 0 || mode <= factor_count(app)) {
      if (pc.shown == mode) continue;
      if (mode == 0) {
        upload(app, pane, app.point_colors.data());
      } else {
        pc.sorted.resize(n);
        std::vector<float>& values = pc.error;  // the factor's values, in the same scratch
        values.resize(n);
        for (int i = 0; i < n; ++i) values[i] = app.data->factors(mode - 1, app.point_indices[i]);
        values_to_colors(pc, values);
        upload(app, pane, pc.rgba.data());
        pc.error_version = 0;  // the scratch no longer holds a measure
        pc.values_mode = 0;
      }
      pc.shown = mode;
      continue;
    }
    // A measure of the model, on the newest codes; a code too wide for ||J||_F keeps the labels.
    if (jacobian_mode(app, mode) && pc.too_wide) {
      if (pc.shown != mode) upload(app, pane, app.point_colors.data());
      pc.pass_snapshot.reset();
      pc.shown = mode;
      continue;
    }
    if (pane.codes_version == 0) continue;
    if (pc.pass_snapshot && pc.pass_mode != mode) pc.pass_snapshot.reset();  // the other measure's pass
    const bool refresh = pc.error_version != pane.codes_version && start - pc.pass_started >= kMeasurePassSeconds;
    if (!pc.pass_snapshot && (refresh || pc.values_mode != mode)) {
      pc.pass_started = start;
      pc.pass_snapshot = app.snap;
      pc.pass_codes = pane.codes_version;
      pc.pass_mode = mode;
      if (!jacobian_mode(app, mode)) pc.pass_z = pane.codes;  // pinned: the next encoding pass swaps the pane's codes
      else if (pc.pass_z.cols() != n) pc.pass_z.resize(pane.latent, n);  // only its shape is read
      pc.pass_next = 0;
      pc.pass_error.resize(n);
    }
  }
  if (mode == 0 || mode <= factor_count(app)) return;
  for (int turn = 0, idle = 0; idle < app.pane_count; ++turn) {
    const int p = turn % app.pane_count;
    if (!app.panes[p].point_colors.pass_snapshot) {
      ++idle;
      continue;
    }
    idle = 0;
    measure_step(app, p);
    if (seconds_now() - start >= kMeasureFrameSeconds) break;
  }
}

static bool point_colors_in_sync(const AppState& app) {
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    const PointColorsView& pc = pane.point_colors;
    if (pc.shown != app.view.color_by) return false;
    if (jacobian_mode(app, app.view.color_by) && pc.too_wide) continue;
    if (by_measure(app) && (pc.pass_snapshot || pc.error_version != pane.codes_version)) return false;
  }
  return true;
}

static void point_colors_free_gl(ModelPane&) {}  // the colours live in the pane's point cloud

//-----------------------------------------------------------------------------
// [SECTION] Legend
//-----------------------------------------------------------------------------

// Top left of the map, right of the axis name: "colour: scale, 0.52 .. 1.48" over the ramp.
static void point_colors_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  const PointColorsView& pc = app.panes[p].point_colors;
  if (app.view.color_by == 0 || pc.shown != app.view.color_by || !app.view.show_points) return;
  const float s = app.ui_scale, pad = 5 * s, bar_w = 110 * s, bar_h = 7 * s;
  char text[128];
  if (jacobian_mode(app, app.view.color_by) && pc.too_wide) {  // the labels' colours, and why
    std::snprintf(text, sizeof text, "colour: label (%s not measured per point: a %d-unit code)",
                  point_color_name(app, app.view.color_by), app.panes[p].latent);
    const ImVec2 ts = ImGui::CalcTextSize(text), a(f.min.x + 56 * s, f.min.y + 4 * s);
    draw->AddRectFilled(a, ImVec2(a.x + ts.x + 2 * pad, a.y + ts.y + 2 * pad), IM_COL32(0, 0, 0, 185), 4 * s);
    draw->AddText(ImVec2(a.x + pad, a.y + pad), app.theme->caption, text);
    return;
  }
  std::snprintf(text, sizeof text, "colour: %s, %.3g .. %.3g", point_color_name(app, app.view.color_by), pc.lo, pc.hi);
  const ImVec2 ts = ImGui::CalcTextSize(text);
  const ImVec2 a(f.min.x + 56 * s, f.min.y + 4 * s);
  const float w = std::max(ts.x, bar_w);
  draw->AddRectFilled(a, ImVec2(a.x + w + 2 * pad, a.y + ts.y + bar_h + 3 * pad), IM_COL32(0, 0, 0, 185), 4 * s);
  draw->AddText(ImVec2(a.x + pad, a.y + pad), app.theme->caption, text);
  const int steps = 24;
  const float y = a.y + pad + ts.y + 3 * s;
  for (int i = 0; i < steps; ++i)
    draw->AddRectFilled(ImVec2(a.x + pad + bar_w * i / steps, y), ImVec2(a.x + pad + bar_w * (i + 1) / steps + 0.5f, y + bar_h),
                        value_ramp_color((i + 0.5f) / steps));
}

extern const PaneViewOps kPointColorsView = {"point colours", point_colors_configure, point_colors_update,
                                             point_colors_in_sync, nullptr, point_colors_draw_map, point_colors_free_gl};

void point_colors_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "color_by=%s\n", point_color_name(app, app.view.color_by));
  for (int p = 0; p < app.pane_count; ++p) {
    const PointColorsView& pc = app.panes[p].point_colors;
    std::fprintf(f, "pane%d.color_range=%g,%g\n", p, pc.lo, pc.hi);
    if (by_measure(app) && !pc.error.empty() && pc.error_version != 0 && pc.values_mode == app.view.color_by) {
      double mean = 0;
      for (float e : pc.error) mean += e / pc.error.size();
      std::fprintf(f, "pane%d.%s=%g\n", p, jacobian_mode(app, pc.values_mode) ? "jacobian_norm_mean" : "recon_error_mean", mean);
    }
    if (jacobian_mode(app, app.view.color_by)) std::fprintf(f, "pane%d.jacobian_too_wide=%d\n", p, pc.too_wide ? 1 : 0);
  }
}
