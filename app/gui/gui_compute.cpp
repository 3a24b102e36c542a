// What the UI computes from the trainer's snapshots, on the main thread, in preallocated buffers:
// the map's codes (a few hundred samples encoded per frame from a pinned snapshot, swapped in
// whole when the pass completes), the plane they are shown on (two chosen dimensions or a PCA
// plane), the probe's decoding, the decoded manifold, the sample gallery, the reconstructions
// and the codes of the selected samples. The training thread is never waited for.
//
// Index:
//   [SECTION] Names and colours
//   [SECTION] Plane: project, lift, PCA
//   [SECTION] Pane shapes
//   [SECTION] Encoding passes and auto-fit
//   [SECTION] Probe
//   [SECTION] Decoded manifold
//   [SECTION] Gallery, reconstructions, selection
//   [SECTION] Map drawing
//   [SECTION] views_update
#include <algorithm>
#include <cmath>

#include "gui_state.h"

namespace {
constexpr double kRefreshSeconds = 0.5;  // start a new encoding pass at most this often
constexpr double kStripsSeconds = 0.3;    // gallery and reconstructions refresh
constexpr double kManifoldSeconds = 0.25; // manifold refresh on new weights (view changes are immediate)
constexpr double kGlideStepSeconds = 0.1; // following the data moves the view this often ...
constexpr float kGlideRate = 6.0f;        // ... by 1 - exp(-rate * step) of the way (~0.9 s to settle)
constexpr ImU32 kMapBackground = IM_COL32(13, 15, 19, 255);
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Names and colours
//-----------------------------------------------------------------------------

const char* pane_title(const ModelPane& pane) {
  switch (pane.kind) {
    case ModelKind::Plain: return "Autoencoder";
    case ModelKind::Sparse: return "Sparse autoencoder";
    case ModelKind::Denoising: return "Denoising autoencoder";
    case ModelKind::Contractive: return "Contractive autoencoder";
    case ModelKind::VAE: return "Variational autoencoder";
  }
  return "Model";
}

ImU32 pane_accent(int pane) { return pane == 0 ? IM_COL32(246, 174, 45, 255) : IM_COL32(72, 202, 255, 255); }

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

// The unit eigenvector of the largest eigenvalue of `c`, by power iteration from `v` (in/out).
static float power_iteration(const Mat& c, Vec& v, Vec& scratch) {
  float lambda = 0;
  for (int it = 0; it < 100; ++it) {
    scratch.noalias() = c * v;
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

// Mean of the codes and, for the PCA plane, their two principal axes. The axes keep their previous
// signs so the map does not flip between refreshes.
static void plane_fit(Plane& plane, const Mat& codes) {
  const int latent = plane.latent, n = static_cast<int>(codes.cols());
  if (n == 0) return;
  plane.mean.noalias() = codes.rowwise().sum() / static_cast<float>(n);
  if (plane.mode != PlaneMode::Pca || latent < 2) return;
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
  const float l1 = power_iteration(plane.cov, plane.axis_u, plane.scratch);
  for (int a = 0; a < latent; ++a)
    for (int b = 0; b < latent; ++b) plane.cov(a, b) -= l1 * plane.axis_u[a] * plane.axis_u[b];
  plane.axis_v.array() += 1e-3f;
  plane.axis_v -= plane.axis_v.dot(plane.axis_u) * plane.axis_u;
  power_iteration(plane.cov, plane.axis_v, plane.scratch);
  plane.axis_v -= plane.axis_v.dot(plane.axis_u) * plane.axis_u;  // exact orthogonality
  plane.axis_v.normalize();
  // Sign convention: the largest component of each axis is positive.
  Eigen::Index k = 0;
  plane.axis_u.cwiseAbs().maxCoeff(&k);
  if (plane.axis_u[k] < 0) plane.axis_u = -plane.axis_u;
  plane.axis_v.cwiseAbs().maxCoeff(&k);
  if (plane.axis_v[k] < 0) plane.axis_v = -plane.axis_v;
}

//-----------------------------------------------------------------------------
// [SECTION] Pane shapes
//-----------------------------------------------------------------------------

static void gallery_resample(AppState& app, int latent) {
  Rng rng(app.gallery_seed);
  app.gallery_eps.resize(latent, kGalleryCols * kGalleryRows);
  for (Eigen::Index j = 0; j < app.gallery_eps.cols(); ++j)
    for (int i = 0; i < latent; ++i) app.gallery_eps(i, j) = rng.normal();
}

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
  pane.chunk_x.resize(features, kEncodeChunk);
  pane.chunk_code.resize(latent, kEncodeChunk);
  pane.chunk_indices.assign(kEncodeChunk, 0);
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

  const size_t tile_bytes = static_cast<size_t>(app.tile_w) * app.tile_h * 4;
  pane.probe_z.setZero(latent, 1);
  pane.probe_x.setZero(features, 1);
  pane.probe_rgba.assign(tile_bytes, 0);
  gpu_image_resize(&pane.probe_image, app.tile_w, app.tile_h, true);
  pane.probe_dirty = true;

  pane.manifold_version = 0;
  pane.manifold_cols = pane.manifold_rows = 0;

  if (app.gallery_eps.rows() != latent) gallery_resample(app, latent);
  pane.gallery_x.setZero(features, kGalleryCols * kGalleryRows);
  pane.gallery_rgba.assign(tile_bytes * kGalleryCols * kGalleryRows, 0);
  gpu_image_resize(&pane.gallery_image, kGalleryCols * app.tile_w, kGalleryRows * app.tile_h, true);
  pane.recon_in.setZero(features, kReconCount);
  if (app.data->features() == features) app.data->gather(app.recon_indices.data(), kReconCount, pane.recon_in);
  pane.recon_code.setZero(latent, kReconCount);
  pane.recon_out.setZero(features, kReconCount);
  pane.recon_rgba.assign(tile_bytes * kReconCount * 2, 0);
  gpu_image_resize(&pane.recon_image, kReconCount * app.tile_w, 2 * app.tile_h, true);
  pane.strips_version = 0;

  pane.selection_x.setZero(features, kMaxSelected);
  pane.selection_mu.setZero(latent, kMaxSelected);
  pane.selection_logvar.setZero(latent, kMaxSelected);
  pane.selection_version = 0;
  pane.selection_serial = 0;
  pane.interp_serial = 0;  // gui_interpolation.cpp sizes its buffers when it next computes
  pane.interp_version = 0;
}

void pane_free_gl(ModelPane& pane) {
  point_cloud_free(&pane.cloud);
  map_target_free(&pane.target);
  gpu_image_free(&pane.probe_image);
  gpu_image_free(&pane.manifold_image);
  gpu_image_free(&pane.gallery_image);
  gpu_image_free(&pane.recon_image);
  gpu_image_free(&pane.interp_image);
  gpu_image_free(&pane.frame_image);
}

// The pane can use this network with the current data.
static bool pane_matches(const AppState& app, const ModelPane& pane, const Network& net) {
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
    if (pane.kind == ModelKind::VAE && app.view.show_prior) {
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
  pane.probe_dirty = true;          // the plane's mean (and axes) moved under the probe
  pane.manifold_version = 0;
}

// One frame's share of the encoding pass: chunks_per_frame slices of kEncodeChunk samples
// (the last slice padded by repeating its last sample, so every call has the same shape).
static void encode_step(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  const int n = static_cast<int>(app.point_indices.size());
  if (n == 0) return;
  if (pane.pass_next < 0) {
    const bool stale = pane.codes_version != app.snap->version;
    if (!stale || (pane.codes_version != 0 && app.now - pane.codes_time < kRefreshSeconds)) return;
    if (pane.codes_version != 0 && app.now - pane.codes_time > 2 * kRefreshSeconds && pane.chunks_per_frame < 2)
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
    const int take = std::min(kEncodeChunk, n - pane.pass_next);
    for (int i = 0; i < kEncodeChunk; ++i) pane.chunk_indices[i] = app.point_indices[pane.pass_next + std::min(i, take - 1)];
    app.data->gather(pane.chunk_indices.data(), kEncodeChunk, pane.chunk_x);
    network_encode(net, pane.chunk_x, pane.chunk_code, pane.encode_ws);
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
// [SECTION] Probe
//-----------------------------------------------------------------------------

void probe_set(AppState& app, int p, float u, float v) {
  for (int q = 0; q < app.pane_count; ++q) {
    if (q != p && !app.view.link_probes) continue;
    app.panes[q].probe[0] = u;
    app.panes[q].probe[1] = v;
    app.panes[q].probe_dirty = true;
  }
}

void probe_decode(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  if (p >= static_cast<int>(app.snap->networks.size()) || pane.latent == 0) return;
  const Network& net = app.snap->networks[p];
  if (!pane_matches(app, pane, net)) return;
  plane_lift(pane.plane, pane.probe[0], pane.probe[1], pane.probe_z.data());
  network_decode(net, pane.probe_z, pane.probe_x, pane.probe_ws);
  sample_to_rgba(app, pane.probe_x.data(), pane.probe_rgba.data(), app.tile_w, 0, 0);
  gpu_image_upload(&pane.probe_image, pane.probe_rgba.data());
  pane.probe_dirty = false;
  pane.probe_version = app.snap->version;
}

//-----------------------------------------------------------------------------
// [SECTION] Decoded manifold
//-----------------------------------------------------------------------------

// One tile per cell of a grid anchored at the map's top-left corner, manifold_tiles across; each
// tile is the decoding of the plane point at its cell's centre (Kingma & Welling's figure, live).
static void manifold_update(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  const MapView& view = pane.view;
  const float w = view.rect_max.x - view.rect_min.x, h = view.rect_max.y - view.rect_min.y;
  if (w < 8 || h < 8 || pane.codes_version == 0) return;
  const float key[6] = {view.center[0], view.center[1], view.half_extent, w, h,
                        static_cast<float>(app.view.manifold_tiles)};
  bool moved = false;
  for (int i = 0; i < 6; ++i) moved |= std::fabs(key[i] - pane.manifold_key[i]) > 1e-6f * (1 + std::fabs(key[i]));
  const bool new_weights = pane.manifold_version != app.snap->version;
  if (!moved && !(new_weights && app.now - pane.manifold_time >= kManifoldSeconds)) return;
  const Network& net = app.snap->networks[p];
  if (!pane_matches(app, pane, net)) return;

  const int cols = app.view.manifold_tiles;
  const float cell = w / cols;
  const int rows = static_cast<int>(std::ceil(h / cell));
  if (cols * rows != pane.manifold_z.cols() || pane.manifold_z.rows() != pane.latent ||
      pane.manifold_x.rows() != pane.features) {  // new data of the same latent size: new tiles
    pane.manifold_z.resize(pane.latent, cols * rows);
    pane.manifold_x.resize(pane.features, cols * rows);
    pane.manifold_rgba.assign(static_cast<size_t>(cols) * rows * app.tile_w * app.tile_h * 4, 0);
  }
  const float scale = 0.5f * std::min(w, h) / view.half_extent;  // pixels per plane unit
  const float cx = 0.5f * (view.rect_min.x + view.rect_max.x), cy = 0.5f * (view.rect_min.y + view.rect_max.y);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const float sx = view.rect_min.x + (c + 0.5f) * cell, sy = view.rect_min.y + (r + 0.5f) * cell;
      plane_lift(pane.plane, view.center[0] + (sx - cx) / scale, view.center[1] - (sy - cy) / scale,
                 pane.manifold_z.col(r * cols + c).data());
    }
  network_decode(net, pane.manifold_z, pane.manifold_x, pane.manifold_ws);
  const int atlas_w = cols * app.tile_w;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      sample_to_rgba(app, pane.manifold_x.col(r * cols + c).data(), pane.manifold_rgba.data(), atlas_w,
                     c * app.tile_w, r * app.tile_h);
  gpu_image_resize(&pane.manifold_image, atlas_w, rows * app.tile_h, true);
  gpu_image_upload(&pane.manifold_image, pane.manifold_rgba.data());
  pane.manifold_cols = cols;
  pane.manifold_rows = rows;
  pane.manifold_min = view.rect_min;
  pane.manifold_max = ImVec2(view.rect_min.x + cols * cell, view.rect_min.y + rows * cell);
  for (int i = 0; i < 6; ++i) pane.manifold_key[i] = key[i];
  pane.manifold_version = app.snap->version;
  pane.manifold_time = app.now;
  ++pane.manifold_serial;
}

//-----------------------------------------------------------------------------
// [SECTION] Gallery, reconstructions, selection
//-----------------------------------------------------------------------------

static void strips_update(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  if (pane.strips_version == app.snap->version) return;
  if (pane.strips_version != 0 && app.now - pane.strips_time < kStripsSeconds) return;
  const Network& net = app.snap->networks[p];
  if (!pane_matches(app, pane, net)) return;
  if (app.gallery_eps.rows() != pane.latent) gallery_resample(app, pane.latent);  // the other pane's size
  network_decode(net, app.gallery_eps, pane.gallery_x, pane.strips_ws);
  const int gallery_w = kGalleryCols * app.tile_w;
  for (int k = 0; k < kGalleryCols * kGalleryRows; ++k)
    sample_to_rgba(app, pane.gallery_x.col(k).data(), pane.gallery_rgba.data(), gallery_w,
                   (k % kGalleryCols) * app.tile_w, (k / kGalleryCols) * app.tile_h);
  gpu_image_upload(&pane.gallery_image, pane.gallery_rgba.data());

  network_encode(net, pane.recon_in, pane.recon_code, pane.strips_ws);
  network_decode(net, pane.recon_code, pane.recon_out, pane.strips_ws);
  const int recon_w = kReconCount * app.tile_w;
  for (int k = 0; k < kReconCount; ++k) {
    dataset_sample_rgba(app, app.recon_indices[k], pane.recon_rgba.data(), recon_w, k * app.tile_w, 0);
    sample_to_rgba(app, pane.recon_out.col(k).data(), pane.recon_rgba.data(), recon_w, k * app.tile_w, app.tile_h);
  }
  gpu_image_upload(&pane.recon_image, pane.recon_rgba.data());
  pane.strips_version = app.snap->version;
  pane.strips_time = app.now;
}

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
                 pane.kind == ModelKind::VAE ? &pane.selection_logvar : nullptr);
  pane.selection_serial = app.selection_serial;
  pane.selection_version = app.snap->version;
}

//-----------------------------------------------------------------------------
// [SECTION] Map drawing
//-----------------------------------------------------------------------------

// Redraws the map offscreen when anything it shows has changed: its view or size, the points'
// positions, the manifold, the point style. Most frames while training change none of them.
static void map_render(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  const MapView& v = pane.view;
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  const float w = v.rect_max.x - v.rect_min.x, h = v.rect_max.y - v.rect_min.y;
  if (w < 2 || h < 2) return;
  const bool manifold = app.view.show_manifold && pane.manifold_cols > 0;
  const float radius = app.view.point_radius * app.ui_scale * fb.x;
  const float opacity = manifold ? 0.8f : 0.92f;
  const float key[9] = {v.center[0], v.center[1], v.half_extent, w, h, fb.x, radius, opacity, manifold ? 1.0f : 0.0f};
  if (pane.target.fbo && std::equal(key, key + 9, pane.target_key) && pane.target_positions == pane.positions_serial &&
      (!manifold || pane.target_manifold == pane.manifold_serial))
    return;
  map_target_resize(&pane.target, static_cast<int>(std::round(w * fb.x)), static_cast<int>(std::round(h * fb.y)));
  MapScene scene;
  const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(kMapBackground);
  scene.background[0] = bg.x;
  scene.background[1] = bg.y;
  scene.background[2] = bg.z;
  scene.background[3] = 1.0f;
  scene.view_center[0] = v.center[0];
  scene.view_center[1] = v.center[1];
  scene.view_scale = 0.5f * std::min(w, h) / v.half_extent * fb.x;
  scene.radius = radius;
  scene.opacity = opacity;
  if (manifold) {
    scene.underlay = &pane.manifold_image;
    scene.underlay_rect[0] = (pane.manifold_min.x - v.rect_min.x) * fb.x;
    scene.underlay_rect[1] = (pane.manifold_min.y - v.rect_min.y) * fb.y;
    scene.underlay_rect[2] = (pane.manifold_max.x - v.rect_min.x) * fb.x;
    scene.underlay_rect[3] = (pane.manifold_max.y - v.rect_min.y) * fb.y;
    scene.underlay_tint[3] = 0.45f;  // decoded digits dimmed under the points
  }
  map_target_render(&pane.target, app.point_renderer, app.image_renderer, pane.cloud, scene);
  std::copy(key, key + 9, pane.target_key);
  pane.target_positions = pane.positions_serial;
  pane.target_manifold = pane.manifold_serial;
}

//-----------------------------------------------------------------------------
// [SECTION] views_update
//-----------------------------------------------------------------------------

void views_update(AppState& app) {
  app.snap = app.trainer->snapshot();
  const Snapshot& snap = *app.snap;
  app.pane_count = std::min(kMaxPanes, static_cast<int>(snap.networks.size()));
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    const Network& net = snap.networks[p];
    if (net.config.input_size != app.data->features()) continue;  // the trainer has not switched data yet
    if (!pane_matches(app, pane, net) || pane.codes.cols() != static_cast<Eigen::Index>(app.point_indices.size()))
      pane_configure(app, p, net);
    encode_step(app, p);
    view_follow(app, p);
    if (pane.probe_dirty || pane.probe_version != snap.version) probe_decode(app, p);
    if (app.view.show_manifold) manifold_update(app, p);
    if (app.view.show_gallery || app.view.show_recon) strips_update(app, p);
    selection_update(app, p);
  }
  interp_update(app);
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
    if (pane.probe_dirty || pane.probe_version != version) return false;
    if (app.view.show_manifold && pane.manifold_version != version) return false;
    if ((app.view.show_gallery || app.view.show_recon) && pane.strips_version != version) return false;
    const MapView& v = pane.view;  // a view that follows the data has arrived where it was heading
    if (v.follow_data && v.has_target &&
        (std::fabs(v.center[0] - v.target_center[0]) > 0.01f * v.half_extent ||
         std::fabs(v.center[1] - v.target_center[1]) > 0.01f * v.half_extent ||
         std::fabs(v.half_extent / v.target_half_extent - 1.0f) > 0.01f))
      return false;
  }
  return app.pane_count > 0 && interp_in_sync(app);
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
