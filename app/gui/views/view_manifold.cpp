// The decoded manifold behind the points: one decoded tile per cell of a grid, as in Kingma &
// Welling's figure, live. Two grids: "linear", a tile at the centre of every cell of the visible
// map (the tiles sit where their codes are), and "prior quantiles", the paper's figure: tile
// (i, j) decodes the plane point (Φ⁻¹((i + ½)/n), Φ⁻¹((j + ½)/n)), so every tile stands for an
// equal share of the prior's mass. Each quantile tile is drawn at its code, spanning to the
// midpoints between its code and its neighbours' (the outer ones as far out as in), so the tiles
// are narrow near 0 and wide in the tails, and every tile lies under the points it describes.
//
// Index:
//   [SECTION] Grid
//   [SECTION] Lifecycle
#include <algorithm>
#include <cmath>
#include <cstring>

#include "gui_state.h"
#include "measure/manifold_image.h"

static const ChoiceList kManifoldGrids = {
    "manifold grid",
    {{"linear", "Linear grid", "a tile at the centre of every cell of the visible map, where its code is"},
     {"quantiles", "Prior quantiles", "tiles at the prior's quantiles, as in Kingma & Welling's figure"}}};
template <> const ChoiceList& choice_list<ManifoldGrid>() { return kManifoldGrids; }

namespace {
constexpr double kManifoldSeconds = 0.25;  // refresh on new weights (view changes are immediate)
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Grid
//-----------------------------------------------------------------------------

namespace {
constexpr int kQuantilePictureMax = 1024;  // the resampled quantile picture's longer side, pixels

// Edges of the cells around sorted codes c[0..n): midpoints between neighbours; the outer edges
// as far out as the inner ones are in (a single code gets ±1).
void cell_edges(const std::vector<float>& c, std::vector<float>* edges) {
  const size_t n = c.size();
  edges->resize(n + 1);
  if (n == 1) {
    (*edges)[0] = c[0] - 1;
    (*edges)[1] = c[0] + 1;
    return;
  }
  for (size_t i = 1; i < n; ++i) (*edges)[i] = 0.5f * (c[i - 1] + c[i]);
  (*edges)[0] = c[0] - 0.5f * (c[1] - c[0]);
  (*edges)[n] = c[n - 1] + 0.5f * (c[n - 1] - c[n - 2]);
}

// For each of `pixels` samples across [edges[0], edges[n]] (either direction), the atlas
// coordinate it shows: tile index * tile + the position inside that tile.
void picture_lookup(const std::vector<float>& edges, int pixels, int tile, std::vector<int>* out) {
  const int n = static_cast<int>(edges.size()) - 1;
  out->resize(pixels);
  int cell = 0;
  for (int i = 0; i < pixels; ++i) {
    const float t = edges[0] + (edges[n] - edges[0]) * (i + 0.5f) / pixels;
    while (cell + 1 < n && (edges[n] > edges[0] ? t >= edges[cell + 1] : t <= edges[cell + 1])) ++cell;
    const float frac = (t - edges[cell]) / (edges[cell + 1] - edges[cell]);
    (*out)[i] = cell * tile + std::clamp(static_cast<int>(frac * tile), 0, tile - 1);
  }
}
}  // namespace

// The atlas of quantile tiles resampled onto the plane rectangle they cover, each tile over its
// own cell: as many pixels per plane unit as the narrowest tile needs for its own resolution.
static void manifold_quantile_picture(const AppState& app, ManifoldView& m) {
  float narrow_u = 1e30f, narrow_v = 1e30f;
  for (int c = 0; c < m.cols; ++c) narrow_u = std::min(narrow_u, m.col_edges[c + 1] - m.col_edges[c]);
  for (int r = 0; r < m.rows; ++r) narrow_v = std::min(narrow_v, m.row_edges[r] - m.row_edges[r + 1]);
  const float span_u = m.col_edges[m.cols] - m.col_edges[0], span_v = m.row_edges[0] - m.row_edges[m.rows];
  const int w = std::clamp(static_cast<int>(std::ceil(span_u / narrow_u * app.tile_w)), m.cols, kQuantilePictureMax);
  const int h = std::clamp(static_cast<int>(std::ceil(span_v / narrow_v * app.tile_h)), m.rows, kQuantilePictureMax);
  std::vector<int> sx, sy;
  picture_lookup(m.col_edges, w, app.tile_w, &sx);
  picture_lookup(m.row_edges, h, app.tile_h, &sy);
  const int atlas_w = m.cols * app.tile_w;
  m.picture.resize(static_cast<size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y) {
    const uint8_t* src = m.rgba.data() + static_cast<size_t>(sy[y]) * atlas_w * 4;
    uint8_t* dst = m.picture.data() + static_cast<size_t>(y) * w * 4;
    for (int x = 0; x < w; ++x) std::memcpy(dst + 4 * x, src + 4 * sx[x], 4);
  }
  gpu_image_resize(&m.image, w, h, true);
  gpu_image_upload(&m.image, m.picture.data());
}

// Linear: manifold_tiles across the map, anchored at its top-left corner, cells square. Quantiles:
// manifold_tiles x manifold_tiles at their codes.
static void manifold_decode(AppState& app, int p, const Network& net) {
  ModelPane& pane = app.panes[p];
  ManifoldView& m = pane.manifold;
  const MapView& view = pane.view;
  const float w = view.rect_max.x - view.rect_min.x, h = view.rect_max.y - view.rect_min.y;
  const bool quantiles = app.view.manifold_grid == ManifoldGrid::PriorQuantiles;
  const int cols = app.view.manifold_tiles;
  const float cell = w / cols;
  const int rows = quantiles ? cols : static_cast<int>(std::ceil(h / cell));
  if (cols * rows != m.z.cols() || m.z.rows() != pane.latent || m.x.rows() != pane.features) {
    m.z.resize(pane.latent, cols * rows);  // new data of the same latent size: new tiles
    m.x.resize(pane.features, cols * rows);
    m.rgba.assign(static_cast<size_t>(cols) * rows * app.tile_w * app.tile_h * 4, 0);
  }
  const float scale = 0.5f * std::min(w, h) / view.half_extent;  // pixels per plane unit
  const float cx = 0.5f * (view.rect_min.x + view.rect_max.x), cy = 0.5f * (view.rect_min.y + view.rect_max.y);
  std::vector<float> us(cols), vs(rows);  // the grid's codes: u left to right, v top to bottom
  for (int c = 0; c < cols; ++c)
    us[c] = quantiles ? static_cast<float>(normal_quantile((c + 0.5) / cols))
                      : view.center[0] + (view.rect_min.x + (c + 0.5f) * cell - cx) / scale;
  for (int r = 0; r < rows; ++r)  // the top row is the highest quantile of v, as on the map
    vs[r] = quantiles ? static_cast<float>(normal_quantile((rows - r - 0.5) / rows))
                      : view.center[1] - (view.rect_min.y + (r + 0.5f) * cell - cy) / scale;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) plane_lift(pane.plane, us[c], vs[r], m.z.col(r * cols + c).data());
  network_decode(net, m.z, m.x, m.ws);
  const int atlas_w = cols * app.tile_w;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      sample_to_rgba(app, m.x.col(r * cols + c).data(), m.rgba.data(), atlas_w, c * app.tile_w, r * app.tile_h);
  m.cols = cols;
  m.rows = rows;
  cell_edges(us, &m.col_edges);
  cell_edges(vs, &m.row_edges);
  if (quantiles) {
    manifold_quantile_picture(app, m);
  } else {
    gpu_image_resize(&m.image, atlas_w, rows * app.tile_h, true);
    gpu_image_upload(&m.image, m.rgba.data());
  }
  m.min = view.rect_min;
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
    // Quantile tiles sit on the plane whatever the view (the layer follows it): only the linear
    // grid is decoded again for a new view.
    const bool linear = app.view.manifold_grid == ManifoldGrid::Linear;
    const float key[8] = {linear ? view.center[0] : 0, linear ? view.center[1] : 0, linear ? view.half_extent : 0,
                          linear ? w : 0, linear ? h : 0, static_cast<float>(app.view.manifold_tiles),
                          linear ? 0.0f : 1.0f, static_cast<float>(pane.plane_serial)};
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

// Where the quantile tiles' plane rectangle is on screen with the map's view now.
static void manifold_quantile_rect(const ModelPane& pane, ImVec2* min, ImVec2* max) {
  const ManifoldView& m = pane.manifold;
  const MapView& v = pane.view;
  const float scale = 0.5f * std::min(v.rect_max.x - v.rect_min.x, v.rect_max.y - v.rect_min.y) / v.half_extent;
  const float cx = 0.5f * (v.rect_min.x + v.rect_max.x), cy = 0.5f * (v.rect_min.y + v.rect_max.y);
  *min = ImVec2(cx + (m.col_edges.front() - v.center[0]) * scale, cy - (m.row_edges.front() - v.center[1]) * scale);
  *max = ImVec2(cx + (m.col_edges.back() - v.center[0]) * scale, cy - (m.row_edges.back() - v.center[1]) * scale);
}

static MapLayer manifold_map_layer(const AppState& app, int p) {
  const ModelPane& pane = app.panes[p];
  const ManifoldView& m = pane.manifold;
  MapLayer layer;
  if (!app.view.show_manifold || m.cols == 0) return layer;
  layer.image = &m.image;
  if (app.view.manifold_grid == ManifoldGrid::PriorQuantiles) {
    manifold_quantile_rect(pane, &layer.min, &layer.max);
  } else {
    layer.min = m.min;
    layer.max = m.max;
  }
  layer.alpha = app.view.show_points ? 0.45f : 1.0f;  // decoded digits dimmed under the points
  layer.serial = m.serial;
  return layer;
}

// What the quantile grid is, said on the map (its tiles differ in size on purpose).
static void manifold_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  const ManifoldView& m = app.panes[p].manifold;
  if (!app.view.show_manifold || app.view.manifold_grid != ManifoldGrid::PriorQuantiles || m.cols == 0) return;
  char text[128];
  std::snprintf(text, sizeof text, "Prior quantiles: each tile holds 1/%d of N(0, I)", m.cols * m.rows);
  const float pad = 4 * app.ui_scale;
  const ImVec2 ts = ImGui::CalcTextSize(text);
  const ImVec2 at(f.min.x + pad * 2 + 60 * app.ui_scale, f.max.y - 2 * ts.y - 3 * pad);  // above the x ticks
  if (at.x + ts.x > f.max.x - pad) return;  // a narrow map: the toolbar's tooltip says it
  draw->AddRectFilled(ImVec2(at.x - pad, at.y), ImVec2(at.x + ts.x + pad, at.y + ts.y), IM_COL32(0, 0, 0, 170));
  draw->AddText(at, app.theme->caption, text);
  layout_rect(&app.layout, "manifold note", ImVec2(at.x - pad, at.y), ImVec2(at.x + ts.x + pad, at.y + ts.y));
}

static void manifold_free_gl(ModelPane& pane) { gpu_image_free(&pane.manifold.image); }

// The codes of the top-left and bottom-right tiles, for tests of the grid; for the quantile grid
// also each column's and row's code and the screen edges of its cells (display pixels).
void manifold_write_state(const AppState& app, FILE* f) {
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    const ManifoldView& m = pane.manifold;
    if (m.cols == 0 || m.z.cols() < m.cols * m.rows) continue;
    const int last = m.cols * m.rows - 1;
    std::fprintf(f, "pane%d.manifold_first_z=", p);
    for (Eigen::Index i = 0; i < m.z.rows(); ++i) std::fprintf(f, "%s%g", i ? "," : "", m.z(i, 0));
    std::fprintf(f, "\npane%d.manifold_last_z=", p);
    for (Eigen::Index i = 0; i < m.z.rows(); ++i) std::fprintf(f, "%s%g", i ? "," : "", m.z(i, last));
    std::fprintf(f, "\n");
    if (app.view.manifold_grid != ManifoldGrid::PriorQuantiles || pane.plane.mode == PlaneMode::Pca) continue;
    ImVec2 a, b;
    manifold_quantile_rect(pane, &a, &b);
    std::fprintf(f, "pane%d.manifold_layer=%.2f %.2f %.2f %.2f\n", p, a.x, a.y, b.x, b.y);
    const float scale = (b.x - a.x) / (m.col_edges.back() - m.col_edges.front());
    std::fprintf(f, "pane%d.manifold_col_codes=", p);
    for (int c = 0; c < m.cols; ++c) std::fprintf(f, "%s%g", c ? "," : "", m.z(pane.plane.dim_x, c));
    std::fprintf(f, "\npane%d.manifold_col_edges=", p);
    for (int c = 0; c <= m.cols; ++c) std::fprintf(f, "%s%.2f", c ? "," : "", a.x + (m.col_edges[c] - m.col_edges[0]) * scale);
    std::fprintf(f, "\npane%d.manifold_row_codes=", p);
    for (int r = 0; r < m.rows; ++r) std::fprintf(f, "%s%g", r ? "," : "", pane.plane.dim_y >= 0 ? m.z(pane.plane.dim_y, r * m.cols) : 0.0f);
    std::fprintf(f, "\npane%d.manifold_row_edges=", p);
    for (int r = 0; r <= m.rows; ++r) std::fprintf(f, "%s%.2f", r ? "," : "", a.y + (m.row_edges[0] - m.row_edges[r]) * scale);
    std::fprintf(f, "\n");
  }
}

extern const PaneViewOps kManifoldView = {"manifold", manifold_configure, manifold_update, manifold_in_sync,
                                   manifold_map_layer, manifold_draw_map, manifold_free_gl};
