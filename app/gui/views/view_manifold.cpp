// The decoded manifold behind the points: one decoded tile per cell of a grid, as in Kingma &
// Welling's figure, live. Two grids: "linear", a tile at the centre of every cell of the visible
// map (the tiles sit where their codes are), and "prior quantiles", the paper's figure: tile
// (i, j) decodes the plane point (Φ⁻¹((i + ½)/n), Φ⁻¹((j + ½)/n)), so every tile stands for an
// equal share of the prior's mass. Quantile tiles are evenly laid out in a square over the map,
// not at their map coordinates, and the map says so.
//
// Index:
//   [SECTION] Grid
//   [SECTION] Lifecycle
#include <algorithm>
#include <cmath>

#include "gui_state.h"

namespace {
constexpr double kManifoldSeconds = 0.25;  // refresh on new weights (view changes are immediate)
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Grid
//-----------------------------------------------------------------------------

// The inverse of the standard normal CDF, Φ⁻¹(p) for p in (0, 1): Acklam's rational
// approximation (relative error below 1.2e-9), enough for tile positions.
double inverse_normal_cdf(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549671324901348e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -inverse_normal_cdf(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Linear: manifold_tiles across the map, anchored at its top-left corner, cells square. Quantiles:
// manifold_tiles x manifold_tiles in the largest square centred on the map.
static void manifold_decode(AppState& app, int p, const Network& net) {
  ModelPane& pane = app.panes[p];
  ManifoldView& m = pane.manifold;
  const MapView& view = pane.view;
  const float w = view.rect_max.x - view.rect_min.x, h = view.rect_max.y - view.rect_min.y;
  const bool quantiles = app.view.manifold_quantiles;
  const int cols = app.view.manifold_tiles;
  const float cell = quantiles ? std::floor(std::min(w, h) / cols) : w / cols;
  const int rows = quantiles ? cols : static_cast<int>(std::ceil(h / cell));
  if (cols * rows != m.z.cols() || m.z.rows() != pane.latent || m.x.rows() != pane.features) {
    m.z.resize(pane.latent, cols * rows);  // new data of the same latent size: new tiles
    m.x.resize(pane.features, cols * rows);
    m.rgba.assign(static_cast<size_t>(cols) * rows * app.tile_w * app.tile_h * 4, 0);
  }
  const float scale = 0.5f * std::min(w, h) / view.half_extent;  // pixels per plane unit
  const float cx = 0.5f * (view.rect_min.x + view.rect_max.x), cy = 0.5f * (view.rect_min.y + view.rect_max.y);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      float u, v;
      if (quantiles) {  // the top row is the highest quantile of v, as on the map
        u = static_cast<float>(inverse_normal_cdf((c + 0.5) / cols));
        v = static_cast<float>(inverse_normal_cdf((rows - r - 0.5) / rows));
      } else {
        const float sx = view.rect_min.x + (c + 0.5f) * cell, sy = view.rect_min.y + (r + 0.5f) * cell;
        u = view.center[0] + (sx - cx) / scale;
        v = view.center[1] - (sy - cy) / scale;
      }
      plane_lift(pane.plane, u, v, m.z.col(r * cols + c).data());
    }
  network_decode(net, m.z, m.x, m.ws);
  const int atlas_w = cols * app.tile_w;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      sample_to_rgba(app, m.x.col(r * cols + c).data(), m.rgba.data(), atlas_w, c * app.tile_w, r * app.tile_h);
  gpu_image_resize(&m.image, atlas_w, rows * app.tile_h, true);
  gpu_image_upload(&m.image, m.rgba.data());
  m.cols = cols;
  m.rows = rows;
  if (quantiles) {
    m.min = ImVec2(std::round(cx - 0.5f * cols * cell), std::round(cy - 0.5f * rows * cell));
  } else {
    m.min = view.rect_min;
  }
  m.max = ImVec2(m.min.x + cols * cell, m.min.y + rows * cell);
  ++m.serial;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void manifold_configure(AppState&, int) {}  // sized when it first decodes (it follows the map's size)

static void manifold_update(AppState& app) {
  if (!app.view.show_manifold) return;
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    ManifoldView& m = pane.manifold;
    const MapView& view = pane.view;
    const float w = view.rect_max.x - view.rect_min.x, h = view.rect_max.y - view.rect_min.y;
    if (pane.latent == 0 || w < 8 || h < 8 || pane.codes_version == 0) continue;
    const float key[8] = {view.center[0], view.center[1], view.half_extent, w, h,
                          static_cast<float>(app.view.manifold_tiles), app.view.manifold_quantiles ? 1.0f : 0.0f,
                          static_cast<float>(pane.plane_serial)};
    bool moved = false;
    for (int i = 0; i < 8; ++i) moved |= std::fabs(key[i] - m.key[i]) > 1e-6f * (1 + std::fabs(key[i]));
    const bool new_weights = m.version != app.snap->version;
    if (!moved && !(new_weights && app.now - m.time >= kManifoldSeconds)) continue;
    const Network& net = app.snap->networks[p];
    if (!pane_matches(app, pane, net)) continue;
    manifold_decode(app, p, net);
    std::copy(key, key + 8, m.key);
    m.version = app.snap->version;
    m.time = app.now;
  }
}

static bool manifold_in_sync(const AppState& app) {
  if (!app.view.show_manifold) return true;
  for (int p = 0; p < app.pane_count; ++p)
    if (app.panes[p].manifold.version != app.snap->version) return false;
  return true;
}

static MapLayer manifold_map_layer(const AppState& app, int p) {
  const ManifoldView& m = app.panes[p].manifold;
  MapLayer layer;
  if (!app.view.show_manifold || m.cols == 0) return layer;
  layer.image = &m.image;
  layer.min = m.min;
  layer.max = m.max;
  layer.alpha = app.view.show_points ? 0.45f : 1.0f;  // decoded digits dimmed under the points
  layer.serial = m.serial;
  return layer;
}

// Quantile tiles are not at their map coordinates: say so on the map.
static void manifold_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  const ManifoldView& m = app.panes[p].manifold;
  if (!app.view.show_manifold || !app.view.manifold_quantiles || m.cols == 0) return;
  char text[128];
  std::snprintf(text, sizeof text, "Tiles at prior quantiles \xce\xa6^-1(p), not at their map coordinates");
  const float pad = 4 * app.ui_scale;
  const ImVec2 ts = ImGui::CalcTextSize(text);
  const ImVec2 at(f.min.x + pad * 2 + 60 * app.ui_scale, f.max.y - 2 * ts.y - 3 * pad);  // above the x ticks
  if (at.x + ts.x > f.max.x - pad) return;  // a narrow map: the toolbar's tooltip says it
  draw->AddRectFilled(ImVec2(at.x - pad, at.y), ImVec2(at.x + ts.x + pad, at.y + ts.y), IM_COL32(0, 0, 0, 170));
  draw->AddText(at, app.theme->caption, text);
}

static void manifold_free_gl(ModelPane& pane) { gpu_image_free(&pane.manifold.image); }

// The codes of the top-left and bottom-right tiles, for tests of the grid.
void manifold_write_state(const AppState& app, FILE* f) {
  for (int p = 0; p < app.pane_count; ++p) {
    const ManifoldView& m = app.panes[p].manifold;
    if (m.cols == 0 || m.z.cols() < m.cols * m.rows) continue;
    const int last = m.cols * m.rows - 1;
    std::fprintf(f, "pane%d.manifold_first_z=", p);
    for (Eigen::Index i = 0; i < m.z.rows(); ++i) std::fprintf(f, "%s%g", i ? "," : "", m.z(i, 0));
    std::fprintf(f, "\npane%d.manifold_last_z=", p);
    for (Eigen::Index i = 0; i < m.z.rows(); ++i) std::fprintf(f, "%s%g", i ? "," : "", m.z(i, last));
    std::fprintf(f, "\n");
  }
}

extern const PaneViewOps kManifoldView = {"manifold", manifold_configure, manifold_update, manifold_in_sync,
                                   manifold_map_layer, manifold_draw_map, manifold_free_gl};
