// What the UI computes from the trainer's snapshots, on the main thread, in preallocated buffers:
// the map's codes (a few hundred samples encoded per frame from a pinned snapshot, swapped in
// whole when the pass completes), the plane they are shown on (two chosen dimensions or a PCA
// plane) and the codes of the selected samples; then it runs every view's lifecycle
// (views/views.h: probe, manifold, strips, ...) and draws the maps offscreen with the views'
// layers under the points. The training thread is never waited for.
//
// Index:
//   [SECTION] Names and colours
//   [SECTION] Plane: project, lift, PCA
//   [SECTION] Pane shapes
//   [SECTION] Encoding passes and auto-fit
//   [SECTION] Selection
//   [SECTION] Map drawing
//   [SECTION] views_update
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui_state.h"
#include "perf/flops.h"

namespace {
// Start a new encoding pass at most this often. Encoding 10,000 points a map is the main thread's
// largest cost while training (README, "The explorer's frame budget"); once a second keeps it out
// of most frames, so the median frame is one without it, and the map still moves every second.
constexpr double kRefreshSeconds = 1.0;
constexpr double kMapContentSeconds = 0.5; // a map redraws for new content at most this often
constexpr double kGlideStepSeconds = 0.1; // following the data moves the view this often ...
constexpr float kGlideRate = 6.0f;        // ... by 1 - exp(-rate * step) of the way (~0.9 s to settle)
// A slice encodes kEncodeChunk samples of an encoder up to this many multiply-adds per sample (the
// default 784-256-2 model's); a costlier one (an overcomplete code) encodes proportionally fewer a
// slice and starts its passes proportionally less often, so that a frame's cost and the share of
// frames that encode stay those of the default model.
constexpr double kEncodeReferenceMacs = 784.0 * 256.0;
// Multiply-adds are a guess at the cost: a conv encoder's im2col products run at a lower rate than
// dense ones. So each slice's CPU time is measured, and a slice costing more than this per model
// is cut (to no less than a kEncodeMaxCut-th of its flops-based size) with its pass's start interval
// stretched to match, which keeps the share of frames that encode, and what such a frame costs,
// bounded whatever the encoder; the bound keeps a loaded machine's map moving.
constexpr double kEncodeSliceSeconds = 0.002;
constexpr int kEncodeMaxCut = 4;
// Above this many code units the PCA plane is fitted without the latent x latent covariance
// (latent^2 per point), on a strided subset of at most kPlaneFitPoints codes.
constexpr int kPlaneCovLatent = 64;
constexpr int kPlaneFitPoints = 2000;
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Names and colours
//-----------------------------------------------------------------------------

const char* pane_title(const ModelPane& pane) { return pane.pca ? "PCA" : model_kind_info(pane.kind).choice.title; }

void pane_heading(const AppState& app, int p, bool short_name, char* out, size_t n) {
  const ModelPane& pane = app.panes[p];
  const char* title = short_name && !pane.pca ? model_kind_short_name(pane.kind) : pane_title(pane);
  bool same_kind = false;
  for (int q = 0; q < app.pane_count; ++q)
    same_kind |= q != p && !pane.pca && !app.panes[q].pca && app.panes[q].kind == pane.kind;
  if (same_kind) std::snprintf(out, n, "%s, code %d", title, pane.latent);
  else std::snprintf(out, n, "%s", title);
}

ImU32 pane_accent(int pane) {
  return pane == 0 ? IM_COL32(246, 174, 45, 255) : pane == 1 ? IM_COL32(72, 202, 255, 255) : IM_COL32(150, 220, 120, 255);
}

//-----------------------------------------------------------------------------
// [SECTION] Plane: project, lift, PCA
//-----------------------------------------------------------------------------

void plane_project(const Plane& plane, const float* z, float* uv) {
  if (plane.mode == PlaneMode::Pca && plane.latent >= 2) {
    float u = 0, v = 0;
    for (int i = 0; i < plane.latent; ++i) {
      u += plane.axis_u[i] * z[i];
      v += plane.axis_v[i] * z[i];
    }
    uv[0] = u;
    uv[1] = v;
    return;
  }
  uv[0] = z[plane.dim_x];
  uv[1] = plane.dim_y >= 0 ? z[plane.dim_y] : 0.0f;
}

void plane_lift(const Plane& plane, float u, float v, float* z) {
  for (int i = 0; i < plane.latent; ++i) z[i] = plane.mean[i];
  if (plane.mode == PlaneMode::Pca && plane.latent >= 2) {
    float mu = 0, mv = 0;
    for (int i = 0; i < plane.latent; ++i) {
      mu += plane.axis_u[i] * plane.mean[i];
      mv += plane.axis_v[i] * plane.mean[i];
    }
    for (int i = 0; i < plane.latent; ++i) z[i] += (u - mu) * plane.axis_u[i] + (v - mv) * plane.axis_v[i];
    return;
  }
  z[plane.dim_x] = u;
  if (plane.dim_y >= 0) z[plane.dim_y] = v;
}

// The unit eigenvector of the largest eigenvalue of a symmetric matrix A, by power iteration from
// `v` (in/out); apply(v, out) sets out = A v. Returns the eigenvalue.
template <class Apply>
static float power_iteration(const Apply& apply, Vec& v, Vec& scratch) {
  float lambda = 0;
  for (int it = 0; it < 100; ++it) {
    apply(v, scratch);
    const float norm = scratch.norm();
    if (norm < 1e-20f) break;
    v = scratch / norm;
    if (std::fabs(norm - lambda) <= 1e-6f * norm) {
      lambda = norm;
      break;
    }
    lambda = norm;
  }
  return lambda;
}

// A for the covariance of the centred codes xc (latent, m) without forming it, deflated by (l1, u)
// when l1 > 0: A v = (xc xc^T / m - l1 u u^T) v. Costs 2 latent m per step instead of latent^2.
static auto implicit_covariance(const Mat& xc, float l1, const Vec& u) {
  return [&xc, l1, &u](const Vec& v, Vec& out) {
    out.noalias() = xc * (xc.transpose() * v);
    out /= static_cast<float>(std::max<Eigen::Index>(1, xc.cols()));
    if (l1 > 0) out -= l1 * u.dot(v) * u;
  };
}

static void plane_fit_cov(Plane& plane, const Mat& codes);

// Mean of the codes and, for the PCA plane, their two principal axes. The axes keep their previous
// signs so the map does not flip between refreshes.
static void plane_fit(Plane& plane, const Mat& codes) {
  const int latent = plane.latent, n = static_cast<int>(codes.cols());
  if (n == 0) return;
  plane.mean.noalias() = codes.rowwise().sum() / static_cast<float>(n);
  if (plane.mode != PlaneMode::Pca || latent < 2) return;
  if (latent > kPlaneCovLatent) {
    // A wide code: the axes of a strided subset's centred codes, by implicit power iteration.
    const int m = std::min(n, kPlaneFitPoints), stride = std::max(1, n / m);
    if (plane.cov.rows() != latent || plane.cov.cols() != m) plane.cov.resize(latent, m);
    for (int j = 0; j < m; ++j) plane.cov.col(j) = codes.col(std::min(n - 1, j * stride)) - plane.mean;
    plane.axis_u.array() += 1e-3f;
    const float l1 = power_iteration(implicit_covariance(plane.cov, 0, plane.axis_u), plane.axis_u, plane.scratch);
    plane.axis_v.array() += 1e-3f;
    plane.axis_v -= plane.axis_v.dot(plane.axis_u) * plane.axis_u;
    power_iteration(implicit_covariance(plane.cov, l1, plane.axis_u), plane.axis_v, plane.scratch);
  } else {
    plane_fit_cov(plane, codes);
  }
  plane.axis_v -= plane.axis_v.dot(plane.axis_u) * plane.axis_u;  // exact orthogonality
  plane.axis_v.normalize();
  // Sign convention: the largest component of each axis is positive.
  Eigen::Index k = 0;
  plane.axis_u.cwiseAbs().maxCoeff(&k);
  if (plane.axis_u[k] < 0) plane.axis_u = -plane.axis_u;
  plane.axis_v.cwiseAbs().maxCoeff(&k);
  if (plane.axis_v[k] < 0) plane.axis_v = -plane.axis_v;
}

// plane_fit's axes from the covariance, for a code of up to kPlaneCovLatent units.
static void plane_fit_cov(Plane& plane, const Mat& codes) {
  const int latent = plane.latent, n = static_cast<int>(codes.cols());
  if (plane.cov.rows() != latent || plane.cov.cols() != latent) plane.cov.resize(latent, latent);
  plane.cov.setZero();
  for (int j = 0; j < n; ++j)
    for (int a = 0; a < latent; ++a) {
      const float da = codes(a, j) - plane.mean[a];
      for (int b = 0; b <= a; ++b) plane.cov(a, b) += da * (codes(b, j) - plane.mean[b]);
    }
  for (int a = 0; a < latent; ++a)
    for (int b = 0; b <= a; ++b) plane.cov(b, a) = plane.cov(a, b) /= static_cast<float>(n);
  // Start from the previous axes (nudged, so a zero start cannot stall) and deflate for the second.
  plane.axis_u.array() += 1e-3f;
  const auto covariance = [&plane](const Vec& v, Vec& out) { out.noalias() = plane.cov * v; };
  const float l1 = power_iteration(covariance, plane.axis_u, plane.scratch);
  for (int a = 0; a < latent; ++a)
    for (int b = 0; b < latent; ++b) plane.cov(a, b) -= l1 * plane.axis_u[a] * plane.axis_u[b];
  plane.axis_v.array() += 1e-3f;
  plane.axis_v -= plane.axis_v.dot(plane.axis_u) * plane.axis_u;
  power_iteration(covariance, plane.axis_v, plane.scratch);
}

//-----------------------------------------------------------------------------
// [SECTION] Pane shapes
//-----------------------------------------------------------------------------

// Sizes every buffer of a pane for its model's shapes and the current points; called when the
// data, the architecture or the plane settings change, never in a steady-state frame.
static void pane_configure(AppState& app, int p, const Network& net) {
  ModelPane& pane = app.panes[p];
  const int latent = net.config.latent, features = net.config.input_size;
  const int n = static_cast<int>(app.point_indices.size());
  pane.latent = latent;
  pane.features = features;
  pane.kind = net.config.kind;
  pane.codes.setZero(latent, n);
  pane.pass_codes.setZero(latent, n);
  // The encoder's multiply-adds per sample, from its layers (dense and convolutional alike).
  const double macs = forward_flops_per_sample(net.encoder) / 2;
  pane.encode_chunk = macs > kEncodeReferenceMacs ? std::max(32, static_cast<int>(kEncodeChunk * kEncodeReferenceMacs / macs))
                                                   : kEncodeChunk;
  pane.encode_take = pane.encode_chunk;
  pane.encode_sample_cpu = 0;
  pane.chunk_x.resize(features, pane.encode_chunk);
  pane.chunk_code.resize(latent, pane.encode_chunk);
  pane.chunk_indices.assign(pane.encode_chunk, 0);
  pane.plane_xy.assign(static_cast<size_t>(n) * 2, 0.0f);
  pane.fit_scratch.assign(n, 0.0f);
  pane.codes_version = 0;
  pane.pass_next = -1;
  pane.pass_snapshot.reset();
  pane.hover_point = -1;

  Plane& plane = pane.plane;
  plane.latent = latent;
  plane.mode = latent >= 2 ? app.view.plane_mode : PlaneMode::Dims;
  plane.dim_x = std::min(app.view.dim_x, latent - 1);
  plane.dim_y = latent >= 2 ? std::min(app.view.dim_y, latent - 1) : -1;
  if (plane.dim_y == plane.dim_x) plane.dim_y = plane.dim_x == 0 ? 1 : 0;
  plane.mean.setZero(latent);
  plane.axis_u.setZero(latent);
  plane.axis_v.setZero(latent);
  plane.axis_u[0] = 1;
  if (latent >= 2) plane.axis_v[1] = 1;
  plane.cov.setZero(latent, latent);
  plane.scratch.setZero(latent);

  pane.view.follow_data = true;
  pane.view.has_target = false;

  point_cloud_init(&pane.cloud, app.point_renderer, std::max(1, n));
  point_cloud_set_colors(&pane.cloud, app.point_colors.data(), n);
  pane.cloud.count = 0;
  ++pane.positions_serial;

  pane.selection_x.setZero(features, kMaxSelected);
  pane.selection_mu.setZero(latent, kMaxSelected);
  pane.selection_logvar.setZero(latent, kMaxSelected);
  pane.selection_version = 0;
  pane.selection_serial = 0;
  ++pane.plane_serial;
  for (int v = 0; v < kPaneViewCount; ++v) kPaneViews[v]->configure(app, p);
}

void pane_free_gl(ModelPane& pane) {
  point_cloud_free(&pane.cloud);
  map_target_free(&pane.target);
  for (int v = 0; v < kPaneViewCount; ++v) kPaneViews[v]->free_gl(pane);
}

// The pane can use this network with the current data.
bool pane_matches(const AppState& app, const ModelPane& pane, const Network& net) {
  return net.config.input_size == app.data->features() && net.config.latent == pane.latent &&
         net.config.input_size == pane.features && net.config.kind == pane.kind;
}

//-----------------------------------------------------------------------------
// [SECTION] Encoding passes and auto-fit
//-----------------------------------------------------------------------------

// Where following the data heads: the central 98% of the points on each axis, with a margin;
// for a VAE with the prior shown, the prior's 2-sigma circle too.
static void view_set_target(AppState& app, ModelPane& pane, bool force) {
  const int n = static_cast<int>(app.point_indices.size());
  if (n == 0) return;
  float lo[2], hi[2];
  for (int axis = 0; axis < 2; ++axis) {
    for (int i = 0; i < n; ++i) pane.fit_scratch[i] = pane.plane_xy[2 * i + axis];
    const int k_lo = n / 200, k_hi = n - 1 - n / 200;
    std::nth_element(pane.fit_scratch.begin(), pane.fit_scratch.begin() + k_lo, pane.fit_scratch.end());
    lo[axis] = pane.fit_scratch[k_lo];
    std::nth_element(pane.fit_scratch.begin(), pane.fit_scratch.begin() + k_hi, pane.fit_scratch.end());
    hi[axis] = pane.fit_scratch[k_hi];
    if (model_kind_info(pane.kind).variational && app.view.show_prior) {
      lo[axis] = std::min(lo[axis], -2.1f);
      hi[axis] = std::max(hi[axis], 2.1f);
    }
  }
  MapView& view = pane.view;
  const float center[2] = {0.5f * (lo[0] + hi[0]), 0.5f * (lo[1] + hi[1])};
  const float half = std::max(0.05f, 0.58f * std::max(hi[0] - lo[0], hi[1] - lo[1]));
  // Hysteresis: while the data stays well inside the current frame, the axes stay still (calmer
  // to watch, and an unchanged view lets the map reuse its offscreen drawing).
  if (view.has_target && !force && std::fabs(center[0] - view.target_center[0]) < 0.08f * view.target_half_extent &&
      std::fabs(center[1] - view.target_center[1]) < 0.08f * view.target_half_extent &&
      half < view.target_half_extent * 1.02f && half > view.target_half_extent * 0.8f)
    return;
  view.target_center[0] = center[0];
  view.target_center[1] = center[1];
  view.target_half_extent = half * 1.04f;
  if (!view.has_target) {  // the first fit jumps; later ones glide
    view.center[0] = view.target_center[0];
    view.center[1] = view.target_center[1];
    view.half_extent = view.target_half_extent;
  }
  view.has_target = true;
}

// New codes: refit the plane, project, upload, and retarget the view.
static void pane_codes_changed(AppState& app, ModelPane& pane) {
  const int n = static_cast<int>(app.point_indices.size());
  plane_fit(pane.plane, pane.codes);
  for (int i = 0; i < n; ++i) plane_project(pane.plane, pane.codes.col(i).data(), &pane.plane_xy[2 * i]);
  point_cloud_set_positions(&pane.cloud, pane.plane_xy.data(), n);
  ++pane.positions_serial;
  view_set_target(app, pane, false);
  ++pane.plane_serial;
  pane.probe.dirty = true;          // the plane's mean (and axes) moved under the probe
}

// One frame's share of the encoding pass: chunks_per_frame slices of pane.encode_take samples
// (the last slice padded by repeating its last sample, so that calls keep their shape; the
// workspaces were sized by the first, full slice).
static void encode_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  const int n = static_cast<int>(app.point_indices.size());
  if (n == 0) return;
  if (pane.pass_next < 0) {
    const bool stale = pane.codes_version != app.snap->version;
    const double refresh = kRefreshSeconds * kEncodeChunk / pane.encode_take;
    if (!stale || (pane.codes_version != 0 && app.now - pane.codes_time < refresh)) return;
    if (pane.codes_version != 0 && app.now - pane.codes_time > 2 * refresh && pane.chunks_per_frame < 2)
      ++pane.chunks_per_frame;  // the last pass was slow: take bigger bites
    pane.pass_snapshot = app.snap;
    pane.pass_next = 0;
    pane.codes_time = app.now;
  }
  const Network& net = pane.pass_snapshot->networks[p];
  if (!pane_matches(app, pane, net)) {
    pane.pass_next = -1;
    pane.pass_snapshot.reset();
    return;
  }
  for (int slice = 0; slice < pane.chunks_per_frame && pane.pass_next >= 0; ++slice) {
    const int chunk = pane.encode_take;
    const int take = std::min(chunk, n - pane.pass_next);
    const double cpu0 = thread_cpu_seconds();
    for (int i = 0; i < chunk; ++i) pane.chunk_indices[i] = app.point_indices[pane.pass_next + std::min(i, take - 1)];
    app.data->gather(pane.chunk_indices.data(), chunk, pane.chunk_x.leftCols(chunk));
    network_encode(net, pane.chunk_x.leftCols(chunk), pane.chunk_code.leftCols(chunk), pane.encode_ws);
    const double per_sample = (thread_cpu_seconds() - cpu0) / chunk;
    pane.encode_sample_cpu = pane.encode_sample_cpu > 0 ? 0.75 * pane.encode_sample_cpu + 0.25 * per_sample : per_sample;
    const double fits = kEncodeSliceSeconds / std::max(1e-9, pane.encode_sample_cpu);
    pane.encode_take = std::clamp(static_cast<int>(fits), std::max(1, pane.encode_chunk / kEncodeMaxCut), pane.encode_chunk);
    pane.pass_codes.middleCols(pane.pass_next, take) = pane.chunk_code.leftCols(take);
    pane.pass_next += take;
    if (pane.pass_next >= n) {
      pane.codes.swap(pane.pass_codes);
      pane.codes_version = pane.pass_snapshot->version;
      pane.pass_snapshot.reset();
      pane.pass_next = -1;
      pane_codes_changed(app, pane);
    }
  }
}

// Following the data glides the view towards its target, in steps of kGlideStepSeconds: each step
// redraws the map's 10k points offscreen (~10 ms for software GL), so a glide at the frame rate
// would make every frame of the first seconds of training slow. The two maps step on alternate
// frames. The view snaps once close, and the map comes to rest.
static void view_follow(AppState& app, int p) {
  MapView& view = app.panes[p].view;
  if (!view.follow_data || !view.has_target) return;
  if (app.now - view.glide_time < kGlideStepSeconds || static_cast<int>(app.frame % 2) != p % 2) return;
  view.glide_time = app.now;
  const float k = 1.0f - std::exp(-static_cast<float>(kGlideStepSeconds) * kGlideRate);
  view.center[0] += (view.target_center[0] - view.center[0]) * k;
  view.center[1] += (view.target_center[1] - view.center[1]) * k;
  view.half_extent *= std::pow(view.target_half_extent / view.half_extent, k);
  // Close enough is there: snapping lets the view (and the map's drawing) come to rest.
  if (std::fabs(view.center[0] - view.target_center[0]) < 5e-3f * view.half_extent &&
      std::fabs(view.center[1] - view.target_center[1]) < 5e-3f * view.half_extent &&
      std::fabs(view.half_extent / view.target_half_extent - 1.0f) < 5e-3f) {
    view.center[0] = view.target_center[0];
    view.center[1] = view.target_center[1];
    view.half_extent = view.target_half_extent;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Selection
//-----------------------------------------------------------------------------

static void selection_update(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  if (app.selected_count == 0) return;
  if (pane.selection_serial == app.selection_serial && pane.selection_version == app.snap->version) return;
  const Network& net = app.snap->networks[p];
  if (!pane_matches(app, pane, net)) return;
  int indices[kMaxSelected];
  for (int i = 0; i < kMaxSelected; ++i) indices[i] = app.selected[std::min(i, app.selected_count - 1)];
  app.data->gather(indices, kMaxSelected, pane.selection_x);
  network_encode(net, pane.selection_x, pane.selection_mu, pane.selection_ws,
                 model_kind_info(pane.kind).variational ? &pane.selection_logvar : nullptr);
  pane.selection_serial = app.selection_serial;
  pane.selection_version = app.snap->version;
}

//-----------------------------------------------------------------------------
// [SECTION] Map drawing
//-----------------------------------------------------------------------------

// Redraws the map offscreen when anything it shows has changed: its view or size, the points'
// positions, a view's layer (hole map, manifold), the point style. Most frames while training
// change none of them.
static void map_render(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  const MapView& v = pane.view;
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  const float w = v.rect_max.x - v.rect_min.x, h = v.rect_max.y - v.rect_min.y;
  if (w < 2 || h < 2) return;
  MapLayer layers[kMaxMapLayers];
  int layer_count = 0;
  for (int k = 0; k < kPaneViewCount && layer_count < kMaxMapLayers; ++k)
    if (kPaneViews[k]->map_layer) {
      const MapLayer layer = kPaneViews[k]->map_layer(app, p);
      if (layer.image) layers[layer_count++] = layer;
    }
  const float radius = app.view.point_radius * app.ui_scale * fb.x;
  const bool points = app.view.show_points;
  const float opacity = !points ? 0.0f : layer_count > 0 ? 0.8f : 0.92f;
  const float key[9] = {v.center[0], v.center[1], v.half_extent, w, h, fb.x, radius, opacity, static_cast<float>(layer_count)};
  bool same_layers = true;
  for (int k = 0; k < layer_count; ++k) same_layers &= pane.target_layers[k] == layers[k].serial;
  const bool same_view = pane.target.fbo && std::equal(key, key + 9, pane.target_key);
  if (same_view && pane.target_positions == pane.positions_serial && same_layers) {
    pane.target_stale = false;
    return;
  }
  // New content under a still view (new codes, a view's new layer) waits for the map's turn: at
  // most one such redraw per kMapContentSeconds, the two maps on alternate frames. On a slow
  // frame every refresh is due every frame, and the redraw (10k points in software GL) would be
  // in every frame too. Pans, zooms and new sizes redraw at once.
  if (same_view && (app.now - pane.target_time < kMapContentSeconds || static_cast<int>(app.frame % 2) != p % 2)) {
    pane.target_stale = true;
    return;
  }
  pane.target_time = app.now;
  pane.target_stale = false;
  map_target_resize(&pane.target, static_cast<int>(std::round(w * fb.x)), static_cast<int>(std::round(h * fb.y)));
  MapScene scene;
  const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(app.theme->map_background);
  scene.background[0] = bg.x;
  scene.background[1] = bg.y;
  scene.background[2] = bg.z;
  scene.background[3] = 1.0f;
  scene.view_center[0] = v.center[0];
  scene.view_center[1] = v.center[1];
  scene.view_scale = 0.5f * std::min(w, h) / v.half_extent * fb.x;
  scene.radius = radius;
  scene.opacity = opacity;
  scene.layer_count = layer_count;
  for (int k = 0; k < layer_count; ++k) {
    scene.layers[k].image = layers[k].image;
    scene.layers[k].rect[0] = (layers[k].min.x - v.rect_min.x) * fb.x;
    scene.layers[k].rect[1] = (layers[k].min.y - v.rect_min.y) * fb.y;
    scene.layers[k].rect[2] = (layers[k].max.x - v.rect_min.x) * fb.x;
    scene.layers[k].rect[3] = (layers[k].max.y - v.rect_min.y) * fb.y;
    scene.layers[k].tint[3] = layers[k].alpha;
  }
  if (!points) scene.point_count = 0;
  map_target_render(&pane.target, app.point_renderer, app.image_renderer, pane.cloud, scene);
  std::copy(key, key + 9, pane.target_key);
  pane.target_positions = pane.positions_serial;
  for (int k = 0; k < layer_count; ++k) pane.target_layers[k] = layers[k].serial;
}

//-----------------------------------------------------------------------------
// [SECTION] views_update
//-----------------------------------------------------------------------------

void views_update(AppState& app) {
  // The frame statistics' main-thread CPU per part (FrameStats::part_ms).
  std::vector<double>& part_ms = app.stats.part_ms;
  part_ms.assign(1 + kPaneViewCount, 0.0);
  double mark = thread_cpu_seconds();
  auto lap = [&](int part) {
    const double now = thread_cpu_seconds();
    part_ms[part] += (now - mark) * 1e3;
    mark = now;
  };
  app.snap = pca_map_snapshot(app, app.trainer->snapshot());  // with the PCA map's network when it is on
  const Snapshot& snap = *app.snap;
  app.pane_count = std::min(kMaxPanes, static_cast<int>(snap.networks.size()));
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    const Network& net = snap.networks[p];
    pane.pca = pca_pane(app, p);
    if (net.config.input_size != app.data->features()) continue;  // the trainer has not switched data yet
    if (!pane_matches(app, pane, net) || pane.codes.cols() != static_cast<Eigen::Index>(app.point_indices.size()))
      pane_configure(app, p, net);
    encode_step(app, p);
    view_follow(app, p);
    selection_update(app, p);
  }
  lap(0);
  for (int v = 0; v < kPaneViewCount; ++v) {
    kPaneViews[v]->update(app);
    lap(1 + v);
  }
}

void views_render_maps(AppState& app) {
  for (int p = 0; p < app.pane_count; ++p)
    if (app.panes[p].latent > 0) map_render(app, p);
}

bool views_in_sync(const AppState& app) {
  if (!app.snap) return false;
  const uint64_t version = app.snap->version;
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || pane.codes_version != version || pane.pass_next >= 0) return false;
    if (pane.target_stale) return false;  // the offscreen map has yet to show its new content
    const MapView& v = pane.view;  // a view that follows the data has arrived where it was heading
    if (v.follow_data && v.has_target &&
        (std::fabs(v.center[0] - v.target_center[0]) > 0.01f * v.half_extent ||
         std::fabs(v.center[1] - v.target_center[1]) > 0.01f * v.half_extent ||
         std::fabs(v.half_extent / v.target_half_extent - 1.0f) > 0.01f))
      return false;
  }
  if (app.pane_count == 0) return false;
  for (int v = 0; v < kPaneViewCount; ++v)
    if (!kPaneViews[v]->in_sync(app)) return false;
  return true;
}

void pane_plane_changed(AppState& app) {
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    if (pane.latent == 0) continue;
    Plane& plane = pane.plane;
    plane.mode = pane.latent >= 2 ? app.view.plane_mode : PlaneMode::Dims;
    plane.dim_x = std::min(app.view.dim_x, pane.latent - 1);
    plane.dim_y = pane.latent >= 2 ? std::min(app.view.dim_y, pane.latent - 1) : -1;
    if (plane.dim_y == plane.dim_x) plane.dim_y = plane.dim_x == 0 ? 1 : 0;
    pane.view.follow_data = true;
    pane.view.has_target = false;
    if (pane.codes_version != 0) pane_codes_changed(app, pane);
  }
}

void view_fit(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  pane.view.follow_data = true;
  if (pane.codes_version != 0) view_set_target(app, pane, true);
}

void view_zoom(AppState& app, int p, float factor) {
  MapView& view = app.panes[p].view;
  view.half_extent = std::max(1e-4f, view.half_extent / std::max(1e-3f, factor));
  view.follow_data = false;
}
