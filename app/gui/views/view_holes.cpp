// The hole map: a layer under each latent map's points that shades every point of the visible
// plane by how empty the latent space is there: the distance to the k-th nearest training code, in
// units of the same distance at the map's held-out codes (core/measure/code_density.h). 1.0 is as
// crowded as around a real held-out sample; the colour ramp is anchored on the held-out codes' own
// spread, dark at their median and turning from red to amber past their 95th percentile, so what
// lights up is space emptier than around 95% of real samples: no data was ever encoded there, and
// the decoder was never trained there. A plain autoencoder leaves such gaps between and around its
// clusters; a VAE's KL term packs its codes into the prior, and its map stays dark inside it.
// Why not the decoding's distance to the nearest training image: at latent 2 an AE decodes
// blurry but digit-like images everywhere, about as near the data between the clusters as on
// them (bench/bench_hole_measures and the README give the numbers).
//
// A grid of kHoleCells cells along the map's longer side is measured a chunk at a time (kHoleFrameSeconds
// of each frame for both maps together), held-out codes first, against the codes and plane pinned
// when the pass started; the finished pass replaces the shown map, which stays put on the plane
// while the next one runs. Latent > 2: the chosen plane, other coordinates at the codes' mean
// (plane_lift), said on the map; distances are in the full latent space.
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

#include "gui_state.h"

namespace {
constexpr int kHoleCells = 48;              // cells along the map's longer side
constexpr int kHoleChunk = 32;              // queries measured at once (the least a frame does)
constexpr double kHoleFrameSeconds = 0.003; // the hole maps' share of a frame (at least one chunk a frame)
constexpr double kHoleRefreshSeconds = 0.5; // a new pass on new codes at most this often
constexpr int kHoleNeighbour = 8;           // the k-th nearest training code: a gap wider than a few stray codes
constexpr int kHoleReference = 2000;        // training codes at most (evenly spread over the map's points)
constexpr int kHoleCalibration = 500;       // held-out codes at most, for the unit and the ramp
constexpr int kHoleMinTraining = 500;       // training codes among the points needed to measure against them alone
constexpr float kHoleAlpha = 0.9f;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The ramp's top: as far past the 95th percentile as that is past the median.
float ramp_top(float p95) { return 1.0f + 2.0f * std::max(0.05f, p95 - 1.0f); }
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Colours and lookup
//-----------------------------------------------------------------------------

// Dark at the held-out median (1.0) and below, through violet to red at the held-out codes' 95th
// percentile, then to a light amber at ramp_top: the bright half is what is unlike the data.
ImU32 hole_map_color(float d, float p95) {
  struct Stop { float at, r, g, b; };
  static constexpr Stop kStops[] = {{0.0f, 16, 22, 34},   {0.25f, 70, 38, 104}, {0.5f, 160, 52, 92},
                                    {0.75f, 226, 110, 60}, {1.0f, 250, 206, 112}};
  constexpr int n = sizeof kStops / sizeof kStops[0];
  const float top = ramp_top(p95), mid = 1.0f + 0.5f * (top - 1.0f);
  const float t = d <= mid ? 0.5f * (d - 1.0f) / (mid - 1.0f) : 0.5f + 0.5f * (d - mid) / (top - mid);
  if (!(t > kStops[0].at)) return IM_COL32(kStops[0].r, kStops[0].g, kStops[0].b, 255);
  for (int i = 1; i < n; ++i)
    if (t < kStops[i].at) {
      const Stop& a = kStops[i - 1];
      const Stop& b = kStops[i];
      const float k = (t - a.at) / (b.at - a.at);
      return IM_COL32(a.r + (b.r - a.r) * k, a.g + (b.g - a.g) * k, a.b + (b.b - a.b) * k, 255);
    }
  return IM_COL32(kStops[n - 1].r, kStops[n - 1].g, kStops[n - 1].b, 255);
}

float hole_map_value(const ModelPane& pane, float u, float v) {
  const HoleMapView& h = pane.holes;
  return h.version == 0 ? -1 : map_grid_value(h.rect, h.cols, h.rows, h.values, u, v);
}

//-----------------------------------------------------------------------------
// [SECTION] Passes
//-----------------------------------------------------------------------------

// Pins the map's codes, the plane and the grid. The codes measured against are the training
// samples among the map's points and the unit comes from its held-out ones; when the points hold
// too few training samples (they are held-out samples first: a small --points, or a dataset with
// a large test split) every point is measured against, and the unit comes from the points
// themselves, each one's own zero distance skipped. False, with the reason in h.error, when the
// map has too few points.
static bool hole_pass_start(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  HoleMapView& h = pane.holes;
  const MapGrid grid = map_grid(pane.view, kHoleCells);  // square cells, kHoleCells along the longer side
  if (grid.cols == 0 || pane.codes_version == 0) return false;
  const int n = static_cast<int>(app.point_indices.size());
  int held = 0;
  while (held < n && app.point_indices[held] >= app.data->train_count) ++held;
  const int train = n - held;
  h.error.clear();
  if (n < 2 * kHoleNeighbour) {
    h.error = "too few points on the map";
    return false;
  }
  const bool own = train >= kHoleMinTraining;  // measured against the training codes; else every point
  const int first = own ? held : 0, count = own ? train : n;
  const int refs = std::min(count, kHoleReference);
  Mat codes(pane.latent, refs);
  for (int i = 0; i < refs; ++i) codes.col(i) = pane.codes.col(first + static_cast<int>(static_cast<long long>(i) * count / refs));
  h.pass_density.set_codes(codes, kHoleNeighbour);
  h.pass_held_among = !own || held == 0;
  const int cal_first = h.pass_held_among ? first : 0, cal_count = h.pass_held_among ? count : held;
  const int cal = std::min(cal_count, kHoleCalibration);
  h.pass_held.resize(pane.latent, cal);
  for (int i = 0; i < cal; ++i)
    h.pass_held.col(i) = pane.codes.col(cal_first + static_cast<int>(static_cast<long long>(i) * cal_count / cal));
  h.pass_held_values.resize(cal);

  h.pass_cols = grid.cols;
  h.pass_rows = grid.rows;
  std::copy(grid.rect, grid.rect + 4, h.pass_rect);
  std::copy(grid.key, grid.key + 6, h.pass_key);
  h.pass_values.resize(static_cast<size_t>(h.pass_cols) * h.pass_rows);  // grows only with the window
  h.pass_mean = pane.plane.mean;
  h.pass_axis_u = pane.plane.axis_u;
  h.pass_axis_v = pane.plane.axis_v;
  h.pass_version = pane.codes_version;
  h.pass_next = 0;
  h.pass_running = true;
  h.pass_step_seconds = 0;
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

// The finished pass becomes the shown map: the unit and the ramp from the held-out codes, values,
// colours, texture.
static void hole_pass_finish(AppState& app, ModelPane& pane) {
  HoleMapView& h = pane.holes;
  std::vector<float>& held = h.pass_held_values;
  const size_t m = held.size();
  std::nth_element(held.begin(), held.begin() + m / 2, held.end());
  const float unit = std::max(held[m / 2], 1e-30f);
  std::nth_element(held.begin(), held.begin() + (m * 95) / 100, held.end());
  h.p95 = held[(m * 95) / 100] / unit;
  h.reference = static_cast<int>(h.pass_density.codes.cols());
  h.held = h.pass_held_among ? 0 : static_cast<int>(m);
  h.cols = h.pass_cols;
  h.rows = h.pass_rows;
  std::copy(h.pass_rect, h.pass_rect + 4, h.rect);
  std::copy(h.pass_key, h.pass_key + 6, h.key);
  h.values.swap(h.pass_values);
  const size_t cells = static_cast<size_t>(h.cols) * h.rows;
  h.rgba.resize(cells * 4);
  for (size_t i = 0; i < cells; ++i) {
    h.values[i] /= unit;
    const ImU32 c = hole_map_color(h.values[i], h.p95);
    h.rgba[4 * i + 0] = (c >> IM_COL32_R_SHIFT) & 0xFF;
    h.rgba[4 * i + 1] = (c >> IM_COL32_G_SHIFT) & 0xFF;
    h.rgba[4 * i + 2] = (c >> IM_COL32_B_SHIFT) & 0xFF;
    h.rgba[4 * i + 3] = 255;
  }
  gpu_image_resize(&h.image, h.cols, h.rows, true);
  gpu_image_upload(&h.image, h.rgba.data());
  h.version = h.pass_version;
  h.pass_seconds = app.now - h.time;
  h.pass_running = false;
  ++h.serial;
}

// One chunk: held-out codes first, then the grid's cells.
static bool hole_pass_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  HoleMapView& h = pane.holes;
  if (h.pass_mean.size() != pane.latent) {  // the model changed under the pass
    h.pass_running = false;
    return false;
  }
  const double start = seconds_now();
  const int held = static_cast<int>(h.pass_held_values.size()), cells = h.pass_cols * h.pass_rows;
  if (h.pass_next < held) {
    const int take = std::min(kHoleChunk, held - h.pass_next);
    h.pass_density.kth_distance(h.pass_held.middleCols(h.pass_next, take), h.pass_held_values.data() + h.pass_next,
                                h.pass_held_among);
    h.pass_next += take;
  } else {
    const int first = h.pass_next - held, take = std::min(kHoleChunk, cells - first);
    for (int j = 0; j < take; ++j) hole_cell_code(pane, first + j, h.z.col(j).data());
    h.pass_density.kth_distance(h.z.leftCols(take), h.pass_values.data() + first);
    h.pass_next += take;
  }
  h.pass_step_seconds += seconds_now() - start;
  if (h.pass_next >= held + cells) hole_pass_finish(app, pane);
  return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void holes_configure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  HoleMapView& h = pane.holes;
  h.pass_running = false;
  h.z.setZero(pane.latent, kHoleChunk);
  h.version = 0;
  h.cols = h.rows = 0;
  h.error.clear();
}

static void holes_update(AppState& app) {
  if (!app.view.show_holes || !app.data) return;
  const double start = seconds_now();
  // Start what is due: a new view at once, new codes every kHoleRefreshSeconds.
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    HoleMapView& h = pane.holes;
    if (pane.latent == 0 || h.pass_running) continue;
    const bool moved = h.version == 0 || map_grid_moved(pane.view, kHoleCells, h.key);
    const bool new_codes = h.version != pane.codes_version && app.now - h.time >= kHoleRefreshSeconds;
    if ((moved && h.error.empty()) || new_codes) hole_pass_start(app, p);
  }
  // Then work within the frame's share, the panes taking turns chunk by chunk (one chunk at least,
  // so that a slow machine still gets there, and never a chunk per pane regardless of the time).
  int turn = static_cast<int>(app.frame % kMaxPanes);
  for (int idle = 0; idle < app.pane_count;) {
    HoleMapView& h = app.panes[turn % app.pane_count].holes;
    if (h.pass_running && hole_pass_step(app, turn % app.pane_count)) {
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
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    const HoleMapView& h = pane.holes;
    if (!h.error.empty() && h.version == 0) continue;  // nothing to measure with
    if (h.pass_running || h.version != app.snap->version) return false;
    if (map_grid_moved(pane.view, kHoleCells, h.key)) return false;
  }
  return true;
}

static MapLayer holes_map_layer(const AppState& app, int p) {
  const ModelPane& pane = app.panes[p];
  const HoleMapView& h = pane.holes;
  MapLayer layer;
  if (!app.view.show_holes || h.version == 0) return layer;
  layer.image = &h.image;
  plane_rect_on_screen(pane.view, h.rect, &layer.min, &layer.max);
  layer.alpha = kHoleAlpha;
  layer.serial = h.serial;
  return layer;
}

static void holes_free_gl(ModelPane& pane) { gpu_image_free(&pane.holes.image); }

//-----------------------------------------------------------------------------
// [SECTION] Legend and hover
//-----------------------------------------------------------------------------

// The legend's text: the long form on a wide map, the short one on a projector's window.
struct HoleLegendText {
  const char* title;
  const char* lines[2];  // under the bar's ticks; null = none
};
static const HoleLegendText kHoleLegendLong = {
    "Hole map: where no data was ever encoded",
    {"1 = as crowded with codes as around a real sample", "past the mark: emptier than around 95% of them"}};
static const HoleLegendText kHoleLegendShort = {"Hole map: no data encoded here", {"mark: 95% of real samples", nullptr}};

// Where the legend goes: top right of the map, moved down past what is recorded there (the probe's
// edge arrow), where it overlaps nothing the map already shows (its axis names and ticks) and
// not the interpolation's path. Else where it was last frame, if that is still clear, so it does
// not hop as the path moves while training; else the first clear place, row by row from the top
// right. False when there is no such place (a small map with a path across it): the path matters
// more, and the toolbar's tooltip explains the colours.
static bool hole_legend_place(AppState& app, int p, const MapFrame& f, float w, float h, ImVec2* a, ImVec2* b) {
  HoleMapView& holes = app.panes[p].holes;
  const float s = app.ui_scale, margin = 4 * s;
  auto clear = [&](ImVec2 lo, ImVec2 hi) {
    return layout_is_free(app.layout, lo, hi) && !interp_path_crosses(app, p, f, lo, hi);
  };
  *a = ImVec2(std::round(f.max.x - w - margin), std::round(f.min.y + margin));
  *b = ImVec2(a->x + w, a->y + h);
  holes.legend_moved = false;
  if (layout_place_below(app.layout, a, b, 2 * s) && !interp_path_crosses(app, p, f, *a, *b)) return true;
  holes.legend_moved = true;
  auto at = [&](float right, float top) {  // offsets from the map's top right corner
    *a = ImVec2(std::round(f.max.x - right - w), std::round(f.min.y + top));
    *b = ImVec2(a->x + w, a->y + h);
    return clear(*a, *b);
  };
  if (holes.legend_right >= 0 && at(holes.legend_right, holes.legend_top)) return true;
  const float step = 2 * ImGui::GetTextLineHeight();
  for (float top = margin; top + h + margin <= f.max.y - f.min.y; top += step)
    for (float right = margin; right + w + margin <= f.max.x - f.min.x; right += step)
      if (at(right, top)) {
        holes.legend_right = right;
        holes.legend_top = top;
        return true;
      }
  return false;
}

// The legend (the long form, else the short one, else none), then
// what the plane is for latent > 2, and the value under the mouse.
static void holes_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  ModelPane& pane = app.panes[p];
  HoleMapView& h = pane.holes;
  h.hover_value = -1;
  if (!app.view.show_holes) return;
  const float s = app.ui_scale, line = ImGui::GetTextLineHeight(), pad = 5 * s, bar_h = 8 * s;
  char text[160], plane_text[96] = "";
  if (pane.latent > 2)
    std::snprintf(plane_text, sizeof plane_text, pane.plane.mode == PlaneMode::Pca ? "PCA plane through the codes' mean"
                                                                                   : "other coordinates at the codes' mean");
  const bool ready = h.version != 0;
  if (!ready) {
    if (!h.error.empty()) std::snprintf(text, sizeof text, "No hole map: %s", h.error.c_str());
    else std::snprintf(text, sizeof text, "Hole map: measuring...");
  }
  const HoleLegendText* forms[2] = {&kHoleLegendLong, &kHoleLegendShort};
  float form_w[2], form_h[2], form_bar_w[2];
  for (int k = 0; k < 2; ++k) {
    const bool full = k == 0;
    form_bar_w[k] = (full ? 170 : 120) * s;
    float w = std::max(ready ? form_bar_w[k] : 0.0f, ImGui::CalcTextSize(ready ? forms[k]->title : text).x);
    int lines = 1;
    if (ready) {
      lines += 1;  // the ticks
      for (const char* l : forms[k]->lines)
        if (l) w = std::max(w, ImGui::CalcTextSize(l).x), ++lines;
    }
    if (plane_text[0] && full) w = std::max(w, ImGui::CalcTextSize(plane_text).x), ++lines;
    form_w[k] = w + 2 * pad;
    form_h[k] = line * lines + (ready ? bar_h + 4 * s : 0) + 2 * pad;
  }
  int chosen = -1;
  ImVec2 a, b;
  for (int k = 0; k < 2 && chosen < 0; ++k)
    if (hole_legend_place(app, p, f, form_w[k], form_h[k], &a, &b)) chosen = k;
  h.legend_shown = chosen >= 0;
  h.legend_meets_path = chosen >= 0 && interp_path_crosses(app, p, f, a, b);
  if (chosen >= 0) {
    const HoleLegendText* form = forms[chosen];
    const bool full = chosen == 0;
    const float bar_w = form_bar_w[chosen];
    const char* title = ready ? form->title : text;
    draw->AddRectFilled(a, b, app.theme->overlay_shadow, 4 * s);  // a plate of the theme: the caption reads on it
    layout_rect(&app.layout, "hole legend", a, b);
    float y = a.y + pad;
    draw->AddText(ImVec2(a.x + pad, y), app.theme->caption, title);
    y += line;
    if (ready) {
      // The bar from 1 (the held-out median) to the ramp's top; the 95th percentile marked.
      const float top = 1.0f + 2.0f * std::max(0.05f, h.p95 - 1.0f);
      const int steps = 32;
      for (int i = 0; i < steps; ++i) {
        const float x0 = a.x + pad + bar_w * i / steps, x1 = a.x + pad + bar_w * (i + 1) / steps;
        draw->AddRectFilled(ImVec2(x0, y + 2 * s), ImVec2(x1 + 0.5f, y + 2 * s + bar_h),
                            hole_map_color(1.0f + (top - 1.0f) * (i + 0.5f) / steps, h.p95));
      }
      const float mark = a.x + pad + bar_w * 0.5f;
      draw->AddLine(ImVec2(mark, y), ImVec2(mark, y + 4 * s + bar_h), app.theme->overlay_line, 2 * s);
      y += bar_h + 4 * s;
      const float ticks[3] = {1.0f, h.p95, top};
      for (int i = 0; i < 3; ++i) {
        std::snprintf(text, sizeof text, i == 2 ? "%.1f+" : "%.1f", ticks[i]);
        const float x = a.x + pad + bar_w * 0.5f * i, tw = ImGui::CalcTextSize(text).x;
        draw->AddText(ImVec2(std::max(a.x + pad, std::min(x - tw * 0.5f, a.x + pad + bar_w - tw)), y), app.theme->caption, text);
      }
      y += line;
      for (const char* l : form->lines)
        if (l) {
          draw->AddText(ImVec2(a.x + pad, y), app.theme->caption, l);
          y += line;
        }
    }
    if (plane_text[0] && full) draw->AddText(ImVec2(a.x + pad, y), app.theme->caption, plane_text);
  }

  // The value under the mouse, when no point is (a point's own tooltip wins).
  if (pane.hover_point < 0 && app.drag_pane < 0 && ImGui::IsMouseHoveringRect(f.min, f.max) && ImGui::IsWindowHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const float d = hole_map_value(pane, f.to_u(m.x), f.to_v(m.y));
    h.hover_value = d;
    h.hover_uv[0] = f.to_u(m.x);
    h.hover_uv[1] = f.to_v(m.y);
    if (d >= 0)
      ImGui::SetTooltip("Hole map here: %.2f (%s)\nThe %d nearest training codes are %.2fx as far as around\n"
                        "a typical held-out sample; 95%% of held-out samples read below %.2f.\n(%.2f, %.2f) on the map%s",
                        d, d > h.p95 ? "a hole: emptier than 95% of the data" : "like the data", kHoleNeighbour, d, h.p95,
                        f.to_u(m.x), f.to_v(m.y), pane.latent > 2 ? ", other coordinates at the codes' mean" : "");
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
  std::fprintf(f, "holes=%d\nholes.neighbour=%d\n", app.view.show_holes ? 1 : 0, kHoleNeighbour);
  for (int p = 0; p < app.pane_count; ++p) {
    const HoleMapView& h = app.panes[p].holes;
    std::fprintf(f, "pane%d.holes_grid=%dx%d\npane%d.holes_version=%llu\npane%d.holes_pass_seconds=%g\n", p, h.cols, h.rows, p,
                 static_cast<unsigned long long>(h.version), p, h.pass_seconds);
    std::fprintf(f, "pane%d.holes_pass_step_seconds=%g\npane%d.holes_p95=%g\npane%d.holes_reference=%d\npane%d.holes_held=%d\n"
                 "pane%d.holes_error=%s\n", p, h.pass_step_seconds, p, h.p95, p, h.reference, p, h.held, p, h.error.c_str());
    std::fprintf(f, "pane%d.holes_legend=%d\npane%d.holes_legend_meets_path=%d\npane%d.holes_legend_moved=%d\n", p,
                 h.legend_shown ? 1 : 0, p, h.legend_meets_path ? 1 : 0, p, h.legend_moved ? 1 : 0);
    if (h.hover_value >= 0)  // the mouse's tooltip: value, plane point, and its verdict
      std::fprintf(f, "pane%d.holes_hover=%.6g %.6g %.6g %s\n", p, h.hover_value, h.hover_uv[0], h.hover_uv[1],
                   h.hover_value > h.p95 ? "hole" : "data");
  }
}
