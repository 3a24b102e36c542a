// The hole map: a layer under each latent map's points that shades every point of the visible
// plane by how far its decoding is from the data, in units of the typical nearest-neighbour
// distance between real images (core/measure/projected_distance.h; 1.0 = as close as a real held-out
// image). Where a plain autoencoder's codes leave gaps, its decoder makes images no real one looks
// like, and the map lights up there; a VAE's prior presses its codes together and the map stays dark.
//
// A grid of kHoleCells cells along the map's longer side is decoded and measured a few rows per
// frame (kHoleFrameSeconds of each frame for both maps together) against one pinned snapshot and
// plane; the finished pass replaces the shown map, which stays put on the plane while the next one
// runs. Latent > 2: the chosen plane, other coordinates at the codes' mean (plane_lift), said on the map.
//
// Index:
//   [SECTION] Colours and lookup
//   [SECTION] Passes
//   [SECTION] Lifecycle
//   [SECTION] Legend and hover
//   [SECTION] Dumps
#include <algorithm>
#include <chrono>
#include <cmath>

#include "io/errors.h"
#include "gui_state.h"

namespace {
constexpr int kHoleCells = 48;              // cells along the map's longer side
constexpr int kHoleChunk = 16;              // cells decoded and measured at once (the least a frame does)
constexpr double kHoleFrameSeconds = 0.003; // the hole maps' share of a frame (at least one chunk a frame)
constexpr double kHoleRefreshSeconds = 0.5; // a new pass on new weights at most this often
constexpr int kHoleComponents = 32;         // principal components the candidates are found on
constexpr int kHoleCandidates = 8;          // ... and how many get the exact pixel distance
constexpr uint64_t kHoleSeed = 12;
constexpr float kHoleLegendMax = 3.0f;      // the colour scale's top: 3x the typical NN distance
constexpr float kHoleAlpha = 0.9f;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Colours and lookup
//-----------------------------------------------------------------------------

// Dark at the data (1.0 and below), through violet and red to a light amber at kHoleLegendMax:
// brighter = farther from anything real.
ImU32 hole_map_color(float d) {
  struct Stop { float at, r, g, b; };
  static constexpr Stop kStops[] = {{1.0f, 16, 22, 34},   {1.5f, 70, 38, 104}, {2.0f, 160, 52, 92},
                                    {2.5f, 226, 110, 60}, {3.0f, 250, 206, 112}};
  constexpr int n = sizeof kStops / sizeof kStops[0];
  if (!(d > kStops[0].at)) return IM_COL32(kStops[0].r, kStops[0].g, kStops[0].b, 255);
  for (int i = 1; i < n; ++i)
    if (d < kStops[i].at) {
      const Stop& a = kStops[i - 1];
      const Stop& b = kStops[i];
      const float k = (d - a.at) / (b.at - a.at);
      return IM_COL32(a.r + (b.r - a.r) * k, a.g + (b.g - a.g) * k, a.b + (b.b - a.b) * k, 255);
    }
  return IM_COL32(kStops[n - 1].r, kStops[n - 1].g, kStops[n - 1].b, 255);
}

float hole_map_value(const ModelPane& pane, float u, float v) {
  const HoleMapView& h = pane.holes;
  if (h.version == 0 || h.cols == 0) return -1;
  const float fx = (u - h.rect[0]) / (h.rect[2] - h.rect[0]), fy = (h.rect[3] - v) / (h.rect[3] - h.rect[1]);
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return -1;
  const int c = std::min(h.cols - 1, static_cast<int>(fx * h.cols)), r = std::min(h.rows - 1, static_cast<int>(fy * h.rows));
  return h.values[static_cast<size_t>(r) * h.cols + c];
}

//-----------------------------------------------------------------------------
// [SECTION] Passes
//-----------------------------------------------------------------------------

// The grid for the map as it is now: square cells, kHoleCells along the longer side.
static void hole_view_key(const ModelPane& pane, float key[6]) {
  const MapView& v = pane.view;
  key[0] = v.center[0];
  key[1] = v.center[1];
  key[2] = v.half_extent;
  key[3] = v.rect_max.x - v.rect_min.x;
  key[4] = v.rect_max.y - v.rect_min.y;
  key[5] = kHoleCells;
}

static bool hole_pass_start(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  HoleMapView& h = pane.holes;
  float key[6];
  hole_view_key(pane, key);
  const float w = key[3], hgt = key[4];
  if (w < 8 || hgt < 8 || pane.codes_version == 0) return false;
  const float cell = std::max(w, hgt) / kHoleCells;
  h.pass_cols = std::max(1, static_cast<int>(std::ceil(w / cell - 1e-3f)));
  h.pass_rows = std::max(1, static_cast<int>(std::ceil(hgt / cell - 1e-3f)));
  const float scale = 0.5f * std::min(w, hgt) / pane.view.half_extent;  // pixels per plane unit
  const float half_u = 0.5f * h.pass_cols * cell / scale, half_v = 0.5f * h.pass_rows * cell / scale;
  // The grid's top-left corner is the map's; it may run past the right and bottom edges by part of a cell.
  const float u0 = pane.view.center[0] - 0.5f * w / scale, v1 = pane.view.center[1] + 0.5f * hgt / scale;
  h.pass_rect[0] = u0;
  h.pass_rect[1] = v1 - 2 * half_v;
  h.pass_rect[2] = u0 + 2 * half_u;
  h.pass_rect[3] = v1;
  std::copy(key, key + 6, h.pass_key);
  h.pass_values.resize(static_cast<size_t>(h.pass_cols) * h.pass_rows);  // grows only with the window
  h.pass_mean = pane.plane.mean;
  h.pass_axis_u = pane.plane.axis_u;
  h.pass_axis_v = pane.plane.axis_v;
  h.pass_snapshot = app.snap;
  h.pass_version = app.snap->version;
  h.pass_next = 0;
  h.time = app.now;
  return true;
}

// The pinned plane's lift of the centre of cell i.
static void hole_cell_code(const ModelPane& pane, int i, float* z) {
  const HoleMapView& h = pane.holes;
  const int r = i / h.pass_cols, c = i % h.pass_cols;
  const float u = h.pass_rect[0] + (c + 0.5f) * (h.pass_rect[2] - h.pass_rect[0]) / h.pass_cols;
  const float v = h.pass_rect[3] - (r + 0.5f) * (h.pass_rect[3] - h.pass_rect[1]) / h.pass_rows;
  const Plane& live = pane.plane;  // its mode and dims; its mean and axes are the pinned ones
  if (live.mode == PlaneMode::Pca && live.latent >= 2) {
    float mu = 0, mv = 0;
    for (int k = 0; k < live.latent; ++k) {
      mu += h.pass_axis_u[k] * h.pass_mean[k];
      mv += h.pass_axis_v[k] * h.pass_mean[k];
    }
    for (int k = 0; k < live.latent; ++k)
      z[k] = h.pass_mean[k] + (u - mu) * h.pass_axis_u[k] + (v - mv) * h.pass_axis_v[k];
  } else {
    for (int k = 0; k < live.latent; ++k) z[k] = h.pass_mean[k];
    z[live.dim_x] = u;
    if (live.dim_y >= 0) z[live.dim_y] = v;
  }
}

// The finished pass becomes the shown map: values, colours, texture.
static void hole_pass_finish(AppState& app, ModelPane& pane) {
  HoleMapView& h = pane.holes;
  h.cols = h.pass_cols;
  h.rows = h.pass_rows;
  std::copy(h.pass_rect, h.pass_rect + 4, h.rect);
  std::copy(h.pass_key, h.pass_key + 6, h.key);
  h.values.swap(h.pass_values);
  const size_t cells = static_cast<size_t>(h.cols) * h.rows;
  h.rgba.resize(cells * 4);
  for (size_t i = 0; i < cells; ++i) {
    const ImU32 c = hole_map_color(h.values[i]);
    h.rgba[4 * i + 0] = (c >> IM_COL32_R_SHIFT) & 0xFF;
    h.rgba[4 * i + 1] = (c >> IM_COL32_G_SHIFT) & 0xFF;
    h.rgba[4 * i + 2] = (c >> IM_COL32_B_SHIFT) & 0xFF;
    h.rgba[4 * i + 3] = 255;
  }
  gpu_image_resize(&h.image, h.cols, h.rows, true);
  gpu_image_upload(&h.image, h.rgba.data());
  h.version = h.pass_version;
  h.pass_seconds = app.now - h.time;
  h.pass_snapshot.reset();
  ++h.serial;
}

// One chunk of cells: lift, decode, measure. Returns false when the pass cannot go on.
static bool hole_pass_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  HoleMapView& h = pane.holes;
  const Network& net = h.pass_snapshot->networks[p];
  if (!pane_matches(app, pane, net) || h.pass_mean.size() != pane.latent) {
    h.pass_snapshot.reset();
    return false;
  }
  const int cells = h.pass_cols * h.pass_rows;
  const int take = std::min(kHoleChunk, cells - h.pass_next);
  for (int j = 0; j < kHoleChunk; ++j) hole_cell_code(pane, h.pass_next + std::min(j, take - 1), h.z.col(j).data());
  network_decode(net, h.z, h.x, h.ws);
  app.holes.distance->normalized_distance(h.x.leftCols(take), h.pass_values.data() + h.pass_next);
  h.pass_next += take;
  if (h.pass_next >= cells) hole_pass_finish(app, pane);
  return true;
}

// The measure for the current dataset, built the frame after "measuring" has been shown.
static bool hole_measure_ready(AppState& app) {
  HoleMapShared& s = app.holes;
  if (s.distance_data.lock() == app.data) return s.distance != nullptr;
  s.distance.reset();
  if (s.measure_frame == 0 || app.frame <= s.measure_frame) {
    if (s.measure_frame == 0) s.measure_frame = app.frame;
    return false;
  }
  s.measure_frame = 0;
  s.error.clear();
  s.distance_data = app.data;
  const double start = seconds_now();
  try {
    s.distance = std::make_unique<ProjectedDistance>(
        ProjectedDistance::build(*app.data, kHoleComponents, kInterpReference, kHoleCandidates,
                                 kInterpCalibration, kHoleSeed));
  } catch (const InputError& e) {
    s.error = e.what();
  }
  s.build_seconds = seconds_now() - start;
  return s.distance != nullptr;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void holes_configure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  HoleMapView& h = pane.holes;
  h.pass_snapshot.reset();
  h.z.setZero(pane.latent, kHoleChunk);
  h.x.setZero(pane.features, kHoleChunk);
  h.version = 0;
  h.cols = h.rows = 0;
}

static void holes_update(AppState& app) {
  if (!app.view.show_holes || !app.data || !hole_measure_ready(app)) return;
  const double start = seconds_now();
  // Start what is due: a new view at once, new weights every kHoleRefreshSeconds.
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    HoleMapView& h = pane.holes;
    if (pane.latent == 0 || h.pass_snapshot) continue;
    float key[6];
    hole_view_key(pane, key);
    bool moved = h.version == 0;
    for (int i = 0; i < 6; ++i) moved |= std::fabs(key[i] - h.key[i]) > 1e-6f * (1 + std::fabs(key[i]));
    const bool new_weights = h.version != app.snap->version && app.now - h.time >= kHoleRefreshSeconds;
    if (moved || new_weights) hole_pass_start(app, p);
  }
  // Then work within the frame's share, the panes taking turns chunk by chunk (one chunk at least,
  // so that a slow machine still gets there, and never a chunk per pane regardless of the time).
  int turn = static_cast<int>(app.frame % kMaxPanes);
  for (int idle = 0; idle < app.pane_count;) {
    HoleMapView& h = app.panes[turn % app.pane_count].holes;
    if (h.pass_snapshot && hole_pass_step(app, turn % app.pane_count)) {
      idle = 0;
      if (seconds_now() - start >= kHoleFrameSeconds) break;
    } else {
      ++idle;
    }
    ++turn;
  }
}

static bool holes_in_sync(const AppState& app) {
  if (!app.view.show_holes) return true;
  if (!app.holes.error.empty() && app.holes.distance_data.lock() == app.data) return true;  // nothing to measure
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    const HoleMapView& h = pane.holes;
    if (h.pass_snapshot || h.version != app.snap->version) return false;
    float key[6];
    hole_view_key(pane, key);
    for (int i = 0; i < 6; ++i)
      if (std::fabs(key[i] - h.key[i]) > 1e-6f * (1 + std::fabs(key[i]))) return false;
  }
  return true;
}

static MapLayer holes_map_layer(const AppState& app, int p) {
  const ModelPane& pane = app.panes[p];
  const HoleMapView& h = pane.holes;
  MapLayer layer;
  if (!app.view.show_holes || h.version == 0) return layer;
  const MapView& v = pane.view;
  const float w = v.rect_max.x - v.rect_min.x, hgt = v.rect_max.y - v.rect_min.y;
  const float scale = 0.5f * std::min(w, hgt) / v.half_extent;
  const float cx = 0.5f * (v.rect_min.x + v.rect_max.x), cy = 0.5f * (v.rect_min.y + v.rect_max.y);
  layer.image = &h.image;
  layer.min = ImVec2(cx + (h.rect[0] - v.center[0]) * scale, cy - (h.rect[3] - v.center[1]) * scale);
  layer.max = ImVec2(cx + (h.rect[2] - v.center[0]) * scale, cy - (h.rect[1] - v.center[1]) * scale);
  layer.alpha = kHoleAlpha;
  layer.serial = h.serial;
  return layer;
}

static void holes_free_gl(ModelPane& pane) { gpu_image_free(&pane.holes.image); }

//-----------------------------------------------------------------------------
// [SECTION] Legend and hover
//-----------------------------------------------------------------------------

// Top right of the map: the colour scale with its unit, what the plane is for latent > 2, and
// the value under the mouse.
static void holes_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  if (!app.view.show_holes) return;
  const ModelPane& pane = app.panes[p];
  const float s = app.ui_scale, line = ImGui::GetTextLineHeight();
  char text[160];
  // A small map (a projector's window) gets the short form: the bar, its ticks and a short title.
  const bool compact = f.max.x - f.min.x < 420 * s;
  const char* title = compact ? "distance to data" : "Hole map: distance to the data";
  const char* unit = compact ? "" : "1 = a real held-out image";
  if (!app.holes.error.empty() && app.holes.distance_data.lock() == app.data) {
    std::snprintf(text, sizeof text, "No hole map: %s", app.holes.error.c_str());
    title = text;
    unit = nullptr;
  } else if (!app.holes.distance) {
    title = "Hole map: measuring the data...";
    unit = nullptr;
  }
  const float bar_w = (compact ? 110 : 150) * s, bar_h = 8 * s, pad = (compact ? 4 : 6) * s;
  const float box_w = std::max({bar_w, ImGui::CalcTextSize(title).x, unit ? ImGui::CalcTextSize(unit).x : 0.0f});
  char plane_text[96] = "";
  if (pane.latent > 2) {
    if (pane.plane.mode == PlaneMode::Pca) std::snprintf(plane_text, sizeof plane_text, "PCA plane through the codes' mean");
    else std::snprintf(plane_text, sizeof plane_text, "other %d coordinates at the codes' mean", pane.latent - 2);
  }
  const float box_h = line * (unit ? (unit[0] ? 3 : 2) : 1) + (unit ? bar_h + 4 * s : 0) + (plane_text[0] ? line : 0);
  const float w = std::max(box_w, plane_text[0] ? ImGui::CalcTextSize(plane_text).x : 0.0f);
  const ImVec2 a(f.max.x - w - 2 * pad - 4 * s, f.min.y + 4 * s);
  if (a.x < f.min.x + 60 * s) return;  // a map too narrow for a legend: the toolbar's tooltip explains
  draw->AddRectFilled(a, ImVec2(a.x + w + 2 * pad, a.y + box_h + 2 * pad), IM_COL32(0, 0, 0, 185), 4 * s);
  float y = a.y + pad;
  draw->AddText(ImVec2(a.x + pad, y), app.theme->caption, title);
  y += line;
  if (unit) {
    // The bar from 1 to kHoleLegendMax, ticks under it.
    const int steps = 32;
    for (int i = 0; i < steps; ++i) {
      const float x0 = a.x + pad + bar_w * i / steps, x1 = a.x + pad + bar_w * (i + 1) / steps;
      draw->AddRectFilled(ImVec2(x0, y + 2 * s), ImVec2(x1 + 0.5f, y + 2 * s + bar_h),
                          hole_map_color(1.0f + (kHoleLegendMax - 1.0f) * (i + 0.5f) / steps));
    }
    y += bar_h + 4 * s;
    const float ticks[] = {1.0f, 1.5f, 2.0f, 2.5f, 3.0f};
    for (float t : ticks) {
      if (compact && (t == 1.5f || t == 2.5f)) continue;
      std::snprintf(text, sizeof text, t == kHoleLegendMax ? "%g+" : "%g", t);
      const float x = a.x + pad + bar_w * (t - 1.0f) / (kHoleLegendMax - 1.0f);
      const float tw = ImGui::CalcTextSize(text).x;
      draw->AddText(ImVec2(std::max(a.x + pad, std::min(x - tw * 0.5f, a.x + pad + bar_w - tw)), y), app.theme->caption, text);
    }
    y += line;
    if (unit[0]) {
      draw->AddText(ImVec2(a.x + pad, y), app.theme->caption, unit);
      y += line;
    }
  }
  if (plane_text[0]) draw->AddText(ImVec2(a.x + pad, y), app.theme->caption, plane_text);

  // The value under the mouse, when no point is (a point's own tooltip wins).
  if (pane.hover_point < 0 && app.drag_pane < 0 && ImGui::IsMouseHoveringRect(f.min, f.max) && ImGui::IsWindowHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const float d = hole_map_value(pane, f.to_u(m.x), f.to_v(m.y));
    if (d >= 0)
      ImGui::SetTooltip("Distance to the data here: %.2f\n(1.0 = as close as a real held-out image;\n"
                        "the decoding of (%.2f, %.2f) by this model)", d, f.to_u(m.x), f.to_v(m.y));
  }
}

extern const PaneViewOps kHoleMapView = {"holes", holes_configure, holes_update, holes_in_sync,
                                         holes_map_layer, holes_draw_map, holes_free_gl};

//-----------------------------------------------------------------------------
// [SECTION] Dumps
//-----------------------------------------------------------------------------

// dump-holes: "grid COLS ROWS U0 V0 U1 V1", one line of values per grid row (top first), then
// "heldout N" and the plane coordinates of the map's held-out points, one per line.
bool hole_map_write(const AppState& app, int p, const char* path) {
  const ModelPane& pane = app.panes[p];
  const HoleMapView& h = pane.holes;
  if (h.version == 0) return false;
  FILE* f = std::fopen(path, "w");
  if (!f) return false;
  std::fprintf(f, "grid %d %d %g %g %g %g\n", h.cols, h.rows, h.rect[0], h.rect[1], h.rect[2], h.rect[3]);
  for (int r = 0; r < h.rows; ++r)
    for (int c = 0; c < h.cols; ++c) std::fprintf(f, "%g%c", h.values[static_cast<size_t>(r) * h.cols + c], c + 1 < h.cols ? ' ' : '\n');
  int held = 0;
  const int n = static_cast<int>(app.point_indices.size());
  for (int i = 0; i < n; ++i) held += app.point_indices[i] >= app.data->train_count;
  std::fprintf(f, "heldout %d\n", held);
  for (int i = 0; i < n; ++i)
    if (app.point_indices[i] >= app.data->train_count) std::fprintf(f, "%g %g\n", pane.plane_xy[2 * i], pane.plane_xy[2 * i + 1]);
  return std::fclose(f) == 0;
}

void hole_map_write_state(const AppState& app, FILE* f) {
  std::fprintf(f, "holes=%d\nholes.error=%s\n", app.view.show_holes ? 1 : 0, app.holes.error.c_str());
  if (app.holes.distance)
    std::fprintf(f, "holes.components=%d\nholes.reference=%d\nholes.typical_nn_distance=%g\nholes.build_seconds=%g\n",
                 static_cast<int>(app.holes.distance->basis.cols()), static_cast<int>(app.holes.distance->reference.cols()),
                 app.holes.distance->typical_nn_distance, app.holes.build_seconds);
  for (int p = 0; p < app.pane_count; ++p) {
    const HoleMapView& h = app.panes[p].holes;
    std::fprintf(f, "pane%d.holes_grid=%dx%d\npane%d.holes_version=%llu\npane%d.holes_pass_seconds=%g\n", p, h.cols, h.rows, p,
                 static_cast<unsigned long long>(h.version), p, h.pass_seconds);
  }
}
