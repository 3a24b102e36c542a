// The views of a model's pane, and the one lifecycle they share. A view is a plain struct of its
// per-pane state (inputs, outputs, workspace, pixels, GPU image, version, time), one member of
// ModelPane (gui_state.h), and a row of kPaneViews with these free functions:
//
//   configure(app, pane)   the data or the model's shapes changed: size buffers, forget outputs
//   update(app)            once per frame after the UI, from app.snap: recompute what is stale for
//                          every pane, within the view's own time budget
//   in_sync(app)           every pane shows the newest snapshot (or the view is off); scripts wait on it
//   map_layer(app, pane)   optional: an image under the points of the offscreen map
//   draw_map(app, pane, draw, frame)   optional: overlays on the map, this frame
//   free_gl(pane)          GL objects, before the context goes
//   covers(pane, min, max) optional: the view's overlay box lay over that rectangle last frame
//
// Why a table of function pointers and not a base class: the structs stay plain members that the
// code drawing and dumping them reads directly (no casts, no allocation per view), and the table
// is the one list every caller walks. A new view is its struct below (and its member in ModelPane),
// its file in app/gui/views/, and one row in kPaneViews (views.cpp).
//
// Index:
//   [SECTION] Map geometry and layers
//   [SECTION] Per-pane view state
//   [SECTION] The lifecycle table
//   [SECTION] API by view file
#pragma once
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <vector>

#include <imgui.h>

#include <memory>
#include <string>

#include "measure/interpolate.h"
#include "models/model.h"
#include "measure/code_density.h"
#include "measure/kl_per_dim.h"
#include "measure/anomaly.h"
#include "measure/kind_figures.h"
#include "measure/decoder_jacobian.h"
#include "measure/colourise.h"
#include "measure/sensitivity.h"
#include "measure/latent_arithmetic.h"
#include "measure/mig.h"
#include "measure/jpeg_reference.h"
#include "train/trainer.h"
#include "gui_render.h"
#include "view_job.h"

struct AppState;
struct ModelPane;
struct MapView;

//-----------------------------------------------------------------------------
// [SECTION] Map geometry and layers
//-----------------------------------------------------------------------------

// Plane <-> screen for one latent map, this frame.
struct MapFrame {
  ImVec2 min, max, center;
  float scale = 1;  // pixels per plane unit
  float view_u = 0, view_v = 0;
  ImVec2 to_screen(float u, float v) const {
    return ImVec2(center.x + (u - view_u) * scale, center.y - (v - view_v) * scale);
  }
  float to_u(float x) const { return view_u + (x - center.x) / scale; }
  float to_v(float y) const { return view_v - (y - center.y) / scale; }
};

// An image a view puts under the points of the offscreen map (gui_compute.cpp's map_render).
struct MapLayer {
  const GpuImage* image = nullptr;  // null: nothing this frame
  ImVec2 min = {0, 0}, max = {0, 0};  // screen rectangle
  float alpha = 1;
  uint64_t serial = 0;              // bumped by the view on every upload: the map redraws when it changes
};

// A grid of square cells over a map as it is now: what the hole map and the decoder's ||J||_F
// layer measure. `key` is the view and the grid's size (a layer measures again when it moves);
// the grid's top-left corner is the map's, and it may run past the right and bottom edges by
// part of a cell. cols == 0: the map is too small to measure (under 8 pixels either way).
struct MapGrid {
  float key[6] = {};   // centre u, v, half extent, map width and height in pixels, cells along the longer side
  int cols = 0, rows = 0;
  float rect[4] = {};  // on the plane: u0, v0, u1, v1
};
MapGrid map_grid(const MapView& view, int cells);
bool map_grid_moved(const MapView& view, int cells, const float key[6]);  // the map no longer is the one `key` was made on
// A plane rectangle (u0, v0, u1, v1) on the map's screen as it is now: the layer's image corners.
void plane_rect_on_screen(const MapView& view, const float rect[4], ImVec2* min, ImVec2* max);
// The value of the grid's cell at plane point (u, v), row-major from the top; -1 outside the grid.
float map_grid_value(const float rect[4], int cols, int rows, const std::vector<float>& values, float u, float v);

//-----------------------------------------------------------------------------
// [SECTION] Per-pane view state
//-----------------------------------------------------------------------------

// Probe (view_probe.cpp): a plane point, decoded every frame it moves and whenever the weights change.
struct ProbeView {
  float uv[2] = {0, 0};
  bool dirty = true;
  uint64_t version = 0;            // snapshot decoded
  Mat z, x;                        // (latent, 1), (features, 1)
  InferenceWorkspace ws;
  std::vector<uint8_t> rgba;       // (tile_w * tile_h * 4)
  GpuImage image;
  ImVec2 rect_min = {0, 0}, rect_max = {0, 0};  // where its image was drawn (for tests)
};

// Decoded manifold (view_manifold.cpp): one decoded tile per cell of a grid, over the visible map
// (linear) or over the prior's quantiles (Kingma & Welling's figure).
struct ManifoldView {
  int cols = 0, rows = 0;
  float key[8] = {};               // view, rect, tiles and grid kind it was decoded for
  uint64_t version = 0;
  double time = -1;
  Mat z, x;                        // (latent, tiles), (features, tiles)
  InferenceWorkspace ws;
  std::vector<uint8_t> rgba;        // the tiles, cols x rows, each tile_w x tile_h
  // Prior quantiles: each tile spans its code's neighbours' midpoints on the plane, so the tiles
  // differ in size; `picture` is the atlas resampled onto the plane rectangle they cover.
  std::vector<float> col_edges, row_edges;  // (cols + 1), (rows + 1) plane units: u left to right, v top to bottom
  std::vector<uint8_t> picture;
  GpuImage image;
  ImVec2 min = {0, 0}, max = {0, 0};  // where the tiles sit on screen (linear grid)
  uint64_t serial = 0;             // bumped on every upload
};

// Samples z ~ N(0, I) and reconstructions (view_strips.cpp), refreshed a few times a second.
struct StripsView {
  uint64_t version = 0;
  double time = -1;
  Mat gallery_x;                   // (features, cols*rows) decodes of AppState::gallery_eps
  Mat recon_in, recon_code, recon_out;  // (features, kReconCount), (latent, ...), (features, ...)
  InferenceWorkspace ws;
  std::vector<uint8_t> gallery_rgba, recon_rgba;
  GpuImage gallery_image, recon_image;
  double recon_psnr = 0;           // dB, of the reconstructions shown: the compression line's quality
};

// Interpolation from sample A to sample B, one model's half (gui_interpolation.cpp): recomputed
// when the endpoints, steps or path kind change, and at most every few tenths of a second on new weights.
struct InterpView {
  uint64_t serial = 0;             // Interpolation::serial the path below was computed for
  uint64_t version = 0;            // snapshot version of the path; 0 = none yet
  double time = -1;
  int steps = 0;                   // the path's interpolants (the strip's tiles are 2 more)
  PathKind kind = PathKind::Linear;  // slerp only ever for a VAE
  Mat ends_x, ends_code;           // (features, 2), (latent, 2) A and B, encoded (mu for a VAE)
  Vec a, b;                        // (latent) the path's ends
  InferenceWorkspace encode_ws;
  PathWorkspace ws;                // the decoded path, its codes and distances
  PathMeasure measure;             // per interpolant distance to the data, mean, max, smoothness
  Mat curve;                       // (latent, kInterpCurvePoints) the path drawn on the maps
  std::vector<uint8_t> rgba;       // the strip: original A, the interpolants, original B
  GpuImage image;
  // The frame at the slider's t, decoded whenever t or the path moves.
  uint64_t computes = 0;           // bumped on every recompute of the path
  float frame_t = -1;
  uint64_t frame_computes = 0;     // `computes` it was decoded for
  Mat frame_z, frame_x;            // (latent, 1), (features, 1)
  InferenceWorkspace frame_ws;
  std::vector<double> frame_scratch;  // (1) its distance to the data
  double frame_distance = 0;
  std::vector<uint8_t> frame_rgba;
  GpuImage frame_image;            // rides along the path on the map
  // Where things were drawn this frame (screen coordinates, for tests and state dumps).
  ImVec2 strip_min = {0, 0}, strip_max = {0, 0};  // the strip's tiles
  ImVec2 path_min = {0, 0}, path_max = {0, 0};    // the path on the map, clipped to it
  char marker_text[16] = "";      // the figure the slider's marker showed on the map ("": none)
  ImVec2 frame_box_min = {0, 0}, frame_box_max = {0, 0};  // the slider's frame box on the map (empty: none)
};

// Hole map (view_holes.cpp): how empty the latent space is at every cell of a grid over the visible
// plane: the distance to the k-th nearest training code, in units of the same distance at the map's
// held-out codes (CodeDensity; 1.0 = as crowded as around a real held-out sample), under the points.
// A pass measures the held-out codes, then the grid, a chunk per frame, against the codes and plane
// pinned when it started, then replaces the shown map.
struct HoleMapView {
  // The pass in progress.
  bool pass_running = false;
  int pass_next = 0;               // next query: the held-out codes first, then the grid's cells
  int pass_cols = 0, pass_rows = 0;
  float pass_rect[4] = {};         // plane rectangle of the grid: u0, v0 (bottom-left), u1, v1 (top-right)
  float pass_key[6] = {};          // view centre, half extent, map size and grid cells it was started for
  uint64_t pass_version = 0;       // the codes' snapshot version
  Vec pass_mean, pass_axis_u, pass_axis_v;  // (latent) the plane it lifts cells with, pinned
  CodeDensity pass_density;        // the training codes, pinned
  Mat pass_held;                   // (latent, m) held-out codes: they set the unit
  bool pass_held_among = false;    // ... or, without enough training codes, some of the codes measured against
  std::vector<float> pass_held_values;  // (m) raw
  std::vector<float> pass_values;  // (cols * rows) top row first, raw until the pass ends
  Mat z;                           // (latent, chunk)
  // The map shown.
  int cols = 0, rows = 0;
  float rect[4] = {};              // as pass_rect
  float key[6] = {};
  std::vector<float> values;       // (cols * rows) top row first, in units of the held-out median
  float hover_value = -1;          // the value the mouse's tooltip shows this frame; -1 = none
  float hover_uv[2] = {};          // where on the plane
  float p95 = 2;                   // the held-out codes' 95th percentile, same units: the ramp's middle
  float legend_right = -1, legend_top = 0;  // where the legend went when the top right was taken (from that corner)
  bool legend_shown = false, legend_meets_path = false;  // this frame: drawn; over the interpolation's path
  bool legend_moved = false;       // ... away from the top right, which the path crossed
  int reference = 0, held = 0;     // codes measured against, held-out codes that set the unit (0: the codes themselves)
  uint64_t version = 0;            // snapshot the codes came from; 0 = none yet
  double time = -1;                // when its pass started
  double pass_seconds = 0;         // how long its pass took, first query to last
  double pass_step_seconds = 0;    // the main thread's time in its steps (steady clock: preemption counts)
  std::vector<uint8_t> rgba;       // (cols * rows * 4)
  GpuImage image;
  uint64_t serial = 0;             // bumped on every upload
  std::string error;               // why there is no map (too few points)
};

// Point colours (view_point_colors.cpp): the map's points by label, a true factor of the data,
// each sample's reconstruction error by this model, or its encoder's ||J||_F at the sample.
struct PointColorsView {
  int shown = 0;                   // ViewOptions::color_by the cloud's colours show
  float lo = 0, hi = 0;            // the values the ramp's ends stand for
  std::vector<float> error;        // (points) the measure's values (or a factor's)
  uint64_t error_version = 0;      // ModelPane::codes_version the values were measured on; 0 = none
  int values_mode = 0;             // the color_by whose measure `error` holds; pass_mode the running pass's
  int pass_mode = 0;
  bool too_wide = false;           // ||J||_F: this pane's code is too wide to measure at every point
  std::vector<double> norms;       // (jacobian chunk) one chunk's ||J||_F
  JacobianWorkspace jacobian_ws;
  std::vector<uint8_t> rgba;       // (points * 4)
  std::vector<float> sorted;       // (points) scratch for the percentiles
  // The error pass in progress.
  std::shared_ptr<const Snapshot> pass_snapshot;  // null: none running
  uint64_t pass_codes = 0;
  int pass_next = 0;
  double pass_started = -1e9;      // seconds (steady clock) the latest pass started
  Mat pass_z;                      // (latent, points) the codes it measures, pinned
  std::vector<float> pass_error;   // (points)
  std::vector<int> indices;        // (chunk)
  Mat x, out;                      // (features, chunk) the samples and their reconstructions
  InferenceWorkspace ws;
};

// Decoder ||J||_F layer (view_decoder_jacobian.cpp): the visible plane shaded by the decoder's
// ||d g(z)/dz||_F at a grid of codes (the hole map's plane), exact by forward-mode tangents; a pass
// pins the weights, the plane and the grid, measures a chunk of cells per frame, then replaces the
// shown layer. The full norm up to a few code units; wider codes, along the plane's 2 directions.
struct DecoderJacobianView {
  // The pass in progress (pass_snapshot null: none).
  std::shared_ptr<const Snapshot> pass_snapshot;
  int pass_next = 0, pass_cols = 0, pass_rows = 0;
  float pass_rect[4] = {};         // plane rectangle: u0, v0 (bottom-left), u1, v1 (top-right)
  float pass_key[6] = {};          // view centre, half extent, map size, cells it was started for
  Mat pass_z;                      // (latent, cells) the cells' codes, lifted when the pass started
  Mat pass_directions;             // (latent, tangents): the identity, or the plane's axes
  bool pass_full = true;
  std::vector<float> pass_values;  // (cells) top row first
  std::vector<double> norms;       // one chunk's
  DecoderJacobianWorkspace ws;
  // The layer shown.
  int cols = 0, rows = 0;
  float rect[4] = {}, key[6] = {};
  bool full = true;                // the full ||J||_F, or along the plane's directions
  std::vector<float> values, sorted;  // (cols * rows); scratch for the percentiles
  float lo = 0, hi = 0, median = 0;   // the ramp's ends (5th, 95th percentile of the grid) and the median
  float hover_value = -1;          // the tooltip's value this frame; -1 = none
  uint64_t version = 0;            // snapshot measured; 0 = none yet
  double time = -1;                // when its pass started
  double pass_seconds = 0, pass_step_seconds = 0;  // the pass's span, and the main thread's time in its steps
  std::vector<uint8_t> rgba;
  GpuImage image;
  uint64_t serial = 0;             // bumped on every upload
  std::string error;               // why there is no layer (a conv decoder)
};

// Inside the VAE (view_kl.cpp), in the row under each map ("Inside the VAE" on): on a variational
// pane, KL per latent dimension (sorted, live, the active units, the posterior-collapse warning, the
// KL warm-up's state) measured on up to kKlSamples held-out samples a chunk per frame, and the beta
// trade-off: one (KL, recon) point per beta the model has trained with, the current one moving as it
// trains; beside them (or, in a narrow row, behind tabs) the traversals. Nothing of it lies on the map.
struct KlView {
  struct BetaPoint {
    float beta = 1;
    double kl = 0, recon = 0;      // the newest training point's raw KL and reconstruction at this beta
  };
  // The pass in progress.
  std::shared_ptr<const Snapshot> pass_snapshot;  // null: none running
  int pass_next = 0, pass_total = 0;
  std::vector<double> pass_sum;    // (latent) KL summed over the samples so far
  std::vector<int> indices;        // (chunk)
  Mat x, mu, logvar;               // (features, chunk), (latent, chunk) x2
  InferenceWorkspace ws;
  // What is shown.
  KlPerDim kl;
  std::vector<int> order;          // dimensions, largest KL first
  uint64_t version = 0;            // snapshot measured; 0 = none yet
  double time = -1;                // when its pass started
  std::vector<BetaPoint> betas;    // in the order tried
  int current_beta = -1;           // index into betas of the model's beta now
  int64_t beta_since_step = -1;    // beta changed at this step: its point waits for a newer training point
  ImVec2 box_min = {0, 0}, box_max = {0, 0};  // where its part of the row was drawn (tests, layout)
  int tab_shown = -1;              // kInsideTabs index its narrow row showed last frame
};

// Latent traversals (view_traversal.cpp), in the "Inside the VAE" row with a sample selected (clicked):
// one row per latent dimension, that dimension swept across +-3 sigma (the prior's for a VAE, the
// codes' own spread for other kinds) with the others at the sample's code; rows sorted by KL for a
// VAE (by the codes' spread otherwise), collapsed dimensions marked.
struct TraversalView {
  int sample = -1;                 // the dataset sample decoded; -1 = none
  uint64_t version = 0;            // snapshot decoded; 0 = none yet
  double time = -1;
  std::vector<int> rows;           // dimension of each row, top first
  std::vector<char> collapsed;     // (rows) KL below kActiveUnitNats (VAE only)
  std::vector<float> change;       // (rows) mean |first tile - last tile| per pixel: how much the row changes
  Mat x1, code, z, x;              // (features, 1), (latent, 1), (latent, rows * cols), (features, rows * cols)
  Vec center, sigma;               // (latent) the sweep's middle and sigma per dimension
  std::vector<float> scratch;      // (points) one dimension of the map's codes
  InferenceWorkspace ws;
  std::vector<uint8_t> rgba;       // cols x rows tiles
  GpuImage image;
  ImVec2 rect_min = {0, 0}, rect_max = {0, 0};  // where it was drawn this frame
  float tile = 0;                  // the tiles' side there, display pixels
};

// Anomaly (view_anomaly.cpp), in the row under a map: core/measure/anomaly.h's score of up to
// kAnomalySamples held-out samples (chunks within a share of the frame), its histogram with a threshold (the 95th
// percentile until the user moves it), the share above it, the top-k samples beside their
// reconstructions, and the points above it ringed on the map.
constexpr int kAnomalyBins = 40;
constexpr int kAnomalyTop = 6;
struct AnomalyView {
  // The pass in progress.
  std::shared_ptr<const Snapshot> pass_snapshot;  // null: none running
  int pass_next = 0, pass_total = 0;
  AnomalyScorer scorer;            // the pass's copy of the network and score
  std::vector<int> indices;        // (chunk)
  Mat x;                           // (features, chunk)
  std::vector<float> chunk, pass_scores;
  // What is shown.
  AnomalyScore score = AnomalyScore::Recon;  // the score measured (the chosen one, or recon where it does not apply)
  std::vector<float> scores;       // (samples) score of map point i (the held-out points come first)
  std::vector<float> sorted;       // (samples) ascending
  float p95 = 0;
  float threshold = 0;
  bool threshold_moved = false;    // the user (or a script) moved it: it no longer follows the 95th percentile
  int bins[kAnomalyBins] = {};
  int top[kAnomalyTop] = {};       // map point indices, most anomalous first
  int top_count = 0;
  Mat top_x, top_code, top_out;    // (features, kAnomalyTop), (latent, ...), (features, ...)
  InferenceWorkspace ws;
  std::vector<uint8_t> rgba;       // the top-k: originals (top row) over reconstructions
  GpuImage image;
  uint64_t version = 0;            // snapshot measured; 0 = none yet
  double time = -1;                // when its pass started
  ImVec2 row_min = {0, 0}, row_max = {0, 0};  // where the row was drawn (tests, layout)
  // With a label held out of training (the Data panel): how well the score finds it among the scored
  // held-out samples. roc_label -1 = no hold-out (or a class empty): no curve.
  RocCurve roc;
  int roc_label = -1;
};

// Denoising (view_denoise.cpp), in the row under each map: a few held-out samples corrupted with the
// toolbar's noise (the same corruption for every pane: a fixed seed), each as a triptych noisy input ->
// this model's reconstruction -> clean original with the PSNR of the first two, and the PSNR of
// reconstructions against the noise level for every pane's model, measured a chunk at a time against
// one snapshot and kept until the snapshot or the noise changes.
constexpr int kDenoiseSamples = 4;         // triptychs in the row
constexpr int kDenoiseLevels = 9;          // points of the curve, the level slider's span evenly
struct DenoiseView {
  // The triptychs.
  NoiseKind noise = NoiseKind::Mask;       // the corruption they show
  float level = -1;
  uint64_t version = 0;                    // snapshot reconstructed; 0 = none yet
  double time = -1;
  Mat clean, noisy, code, out;             // (features, kDenoiseSamples) x2, (latent, ...), (features, ...)
  InferenceWorkspace ws;
  double psnr_noisy[kDenoiseSamples] = {}, psnr_out[kDenoiseSamples] = {};  // dB against the clean original
  std::vector<uint8_t> rgba;               // rows noisy, reconstruction, clean; kDenoiseSamples tiles each
  GpuImage image;
  // The curve's pass in progress: every level in turn over the same held-out samples.
  std::shared_ptr<const Snapshot> pass_snapshot;  // null: none running
  NoiseKind pass_noise = NoiseKind::Mask;
  int pass_level = 0, pass_next = 0;       // level index, next sample at that level
  double pass_sum[kDenoiseLevels] = {}, pass_input_sum[kDenoiseLevels] = {};
  Mat curve_clean;                         // (features, m) the held-out samples the curve averages over
  Mat curve_noisy, curve_code, curve_out;  // (features, chunk), (latent, chunk), (features, chunk)
  // The curve shown.
  NoiseKind curve_noise = NoiseKind::Mask;
  uint64_t curve_version = 0;              // snapshot measured; 0 = none yet
  double curve_time = -1;                  // when its pass started
  double curve[kDenoiseLevels] = {};       // mean PSNR of the reconstructions, dB
  double curve_input[kDenoiseLevels] = {}; // mean PSNR of the noisy inputs themselves (no model)
  ImVec2 row_min = {0, 0}, row_max = {0, 0};  // where the row was drawn (tests, layout)
};

// Colourisation (view_colourise.cpp), in the row under each map on colour data: a few held-out
// samples as grey input -> this model's colourisation -> original with their PSNRs, and the mean of
// both over more held-out samples (measure/colourise.h), measured a chunk a frame on one snapshot.
constexpr int kColouriseTiles = 4;         // columns in the row
struct ColouriseView {
  uint64_t version = 0;                    // snapshot of the columns; 0 = none yet
  double time = -1;
  bool trained = false;                    // the model is a drop-colour denoising AE
  Mat colour, grey, code, out;             // (features, kColouriseTiles) x2, (latent, ...), (features, ...)
  InferenceWorkspace ws;
  double psnr_grey[kColouriseTiles] = {}, psnr_out[kColouriseTiles] = {};  // dB against the original
  std::vector<uint8_t> rgba;               // rows grey, colourised, original
  GpuImage image;
  // The mean's pass in progress, and the mean shown.
  std::shared_ptr<const Snapshot> pass_snapshot;  // null: none running
  int pass_next = 0;
  double pass_sum = 0, pass_grey_sum = 0;
  Mat mean_x;                              // (features, m) the held-out samples of the mean
  ColouriseFigures mean;
  uint64_t mean_version = 0;               // snapshot measured; 0 = none yet
  double mean_time = -1;
  ImVec2 row_min = {0, 0}, row_max = {0, 0};  // where the row was drawn (tests, layout)
};

// Linear probe (view_linear_probe.cpp), in the row under each map, measured when asked (its button or
// the script's probe-measure) on a worker thread: the held-out accuracy of a softmax classifier on
// frozen features, for the raw pixels, PCA and this model's code at its size (measure/reduction.h).
struct LinearProbeResult {
  double raw = std::nan(""), pca = std::nan(""), model = std::nan("");  // linear probe accuracy
  double pca_knn = std::nan(""), model_knn = std::nan("");              // 5-NN accuracy
  int latent = 0, features = 0;
  int64_t step = 0;                // training step of the weights measured
  uint64_t version = 0;            // snapshot measured; 0 = never
  uint64_t generation = 0;         // LinearProbeView::generation it was asked in
};
struct LinearProbeView {
  ViewJob<LinearProbeResult> job;  // the worker and its copies (view_job.h)
  LinearProbeResult shown;
  uint64_t generation = 0;         // bumped when the data or the shapes change: older results are dropped
  double asked_time = -1;
  ImVec2 row_min = {0, 0}, row_max = {0, 0};  // where the row was drawn (tests, layout)
};

// Rate-distortion (view_rate_distortion.cpp), in the row under each map, measured when asked (its
// button or the script's rd-measure) on a worker thread: held-out PSNR against the bytes sent per
// image, for PCA at every code size, JPEG over qualities and this model (measure/rate_distortion.h).
struct RateDistortionPoint {
  std::string model;  // the model kind's short name when measured ("AE", "VAE")
  int latent = 0;
  double psnr = 0;
};
struct RateDistortionResult {
  std::vector<double> pca;       // pca[k - 1]: held-out PSNR with k components
  std::vector<JpegPoint> jpeg;   // one per kRateDistortionJpegQualities; empty: the data are not images
  RateDistortionPoint model;
  int64_t step = 0;              // training step of the weights measured
  uint64_t version = 0;          // snapshot measured; 0 = never
  uint64_t generation = 0;       // RateDistortionView::generation it was asked in
};
struct RateDistortionView {
  ViewJob<RateDistortionResult> job;  // the worker and its copies (view_job.h)
  RateDistortionResult shown;
  std::vector<RateDistortionPoint> history;  // every model point measured on these data in this run
  std::weak_ptr<const Dataset> data;         // the data shown and history were measured on
  uint64_t generation = 0;       // bumped when the data or the shapes change: the model point is dropped
  double asked_time = -1;
  ImVec2 row_min = {0, 0}, row_max = {0, 0};  // where the row was drawn (tests, layout)
};

// Feed it anything (view_feed.cpp), in the row under each map: inputs no training set holds (uniform
// noise, a blank image, an inverted digit, an image of another built-in set, one drawn with the mouse)
// beside a held-out sample, each with this model's reconstruction and its error: the risk of copying.
// Every pane gets the same inputs (a fixed seed; a stroke on the canvas draws in every pane).
constexpr int kFeedInputs = 6;             // the columns: kFeedInputTable in view_feed.cpp
struct FeedView {
  Mat x, code, out;                        // (features, kFeedInputs), (latent, ...), (features, ...)
  InferenceWorkspace ws;
  bool available[kFeedInputs] = {};        // the other set's column needs image data of a built-in's channels
  std::string other_name;                  // the built-in set the "another set" column comes from
  uint64_t inputs_serial = 1, shown_serial = 0;  // bumped when an input changes (a stroke); reconstructed for
  uint64_t version = 0;                    // snapshot reconstructed; 0 = none yet
  double time = -1;
  double error[kFeedInputs] = {};          // mean squared error per value of each reconstruction
  std::vector<uint8_t> rgba;               // inputs (top row) over reconstructions
  GpuImage image;
  ImVec2 canvas_min = {0, 0}, canvas_max = {0, 0};  // the drawing canvas on screen this frame
  ImVec2 row_min = {0, 0}, row_max = {0, 0};
};

// Code units (view_units.cpp), in the row under a map: the code of up to kUnitsSamples held-out
// samples, measured a chunk at a time against one snapshot: a heatmap of |h| (units sorted by mean
// activation, busiest on top; kUnitsHeatSamples samples across), each unit's mean activation as a bar
// against the sparse AE's target rho, the share of values near zero (|h| <= kActiveThreshold, as
// kind_figures' active_fraction), and each unit's favourite inputs (code_units.h) as a grid of tiles.
constexpr int kUnitsShown = 32;        // units drawn at most (the busiest); the figures cover all
constexpr int kUnitsHeatSamples = 96;  // the heatmap's columns
struct CodeUnitsView {
  // The pass in progress.
  std::shared_ptr<const Snapshot> pass_snapshot;  // null: none running
  int pass_next = 0, pass_total = 0;
  std::vector<int> indices;        // (pass_total) dataset samples measured
  Mat x, code, chunk_code;         // (features, pass_total), (latent, pass_total), (latent, chunk)
  InferenceWorkspace ws;
  // What is shown.
  std::vector<double> unit_mean;   // (latent) mean |h| per unit
  std::vector<int> order;          // units, busiest first
  double mean_activation = 0;      // over units and samples
  double active_fraction = 0;      // share of values with |h| > kActiveThreshold
  int samples = 0;                 // measured
  Mat favourites;                  // (features, latent) code_unit_favourites
  std::vector<uint8_t> heat_rgba, tiles_rgba;  // (kUnitsHeatSamples x shown units), (cols x rows tiles)
  GpuImage heat_image, tiles_image;
  int tile_cols = 0, tile_rows = 0;
  uint64_t version = 0;            // snapshot measured; 0 = none yet
  double time = -1;                // when its pass started
  ImVec2 row_min = {0, 0}, row_max = {0, 0};    // where the row was drawn (tests, layout)
  ImVec2 heat_min = {0, 0}, heat_max = {0, 0};  // the heatmap
};

// Sensitivity (view_sensitivity.cpp), in the row under a map: ||J||_F of the encoder for each of up
// to kSensitivitySamples held-out samples (a histogram and its mean, a few samples a frame), and the
// demo: one sample (the one clicked last, else the first held-out point) nudged by a perturbation of
// ViewOptions::sensitivity_size, its code's move in this model and the other pane's, and on the map
// an arrow from the code to the moved code.
constexpr int kSensitivityBins = 32;
struct SensitivityView {
  // The Jacobian pass in progress.
  std::shared_ptr<const Snapshot> pass_snapshot;  // null: none running
  int pass_next = 0, pass_total = 0;
  std::vector<int> indices;        // (chunk)
  Mat x;                           // (features, chunk)
  std::vector<double> chunk, pass_norms;
  JacobianWorkspace jacobian_ws;
  // What is shown.
  std::vector<double> norms;       // (samples) ||J||_F per held-out sample
  double mean_norm = 0, max_norm = 0;
  int bins[kSensitivityBins] = {};  // over 0 .. bins_max, the largest norm of any pane (one axis for all)
  double bins_max = 0;
  uint64_t bins_version = 0;       // `version` they were counted for
  uint64_t version = 0;            // snapshot of the norms; 0 = none yet
  double time = -1;
  // The demo, recomputed when the snapshot, sample, size or direction change.
  int sample = -1, toward = -1;    // dataset samples: the one nudged, and the one it is nudged toward (-1: random)
  float size = 0;                  // ViewOptions::sensitivity_size it was computed for
  PerturbDirection direction = PerturbDirection::Random;
  uint64_t demo_version = 0;       // snapshot of the demo; 0 = none yet
  Mat demo_x, demo_toward, delta, demo_nudged;  // (features, 1) each: the sample, its target, the nudge, the nudged sample
  Mat demo_codes;                  // (latent, 2) the code before and after
  CodeShift shift;
  double spread = 0;               // the map's codes' spread (code_spread): the shift in its units
  uint64_t spread_codes = 0;       // ModelPane::codes_version it was measured on
  InferenceWorkspace ws;
  std::vector<uint8_t> rgba;       // two tiles: the sample, the sample nudged
  GpuImage image;
  ImVec2 row_min = {0, 0}, row_max = {0, 0};    // where the row was drawn (tests, layout)
  ImVec2 arrow_from = {0, 0}, arrow_to = {0, 0};  // the moved code's arrow on the map, this frame
};

// Disentanglement (view_factors.cpp), in the row under each map on data with true factors (sprites,
// faces): the mutual information between every latent dimension and every factor (core/measure/mig.h,
// the same estimator as `latentlab train --json`'s mig: mean codes, 20-bin histograms) of the map's
// held-out points as a heatmap, the MIG and each factor's gap beside it, and what was measured about
// beta and the MIG on this data set (BuiltinDataset::disentanglement_note). Measured again when the
// map's codes change, at most every few seconds.
struct FactorsView {
  Mig mig;                         // mi (latent, factors), entropy, gap, best_dim
  int samples = 0;                 // held-out points measured
  uint64_t codes_version = 0;      // ModelPane::codes_version measured; 0 = none yet
  double time = -1;
  Mat codes, factors;              // (latent, samples), (factors, samples) scratch: the held-out columns
  ImVec2 row_min = {0, 0}, row_max = {0, 0};  // where the row was drawn (tests, layout)
};

// Latent arithmetic, the settings both panes share (view_arith.cpp; the left column's panel sets them):
// group A and group B, each a label, a range of a true factor, or the samples selected on the map;
// the strength the attribute vector (mean code of A - mean code of B) is added with.
enum class ArithGroupKind { Label, Factor, Selection };
struct ArithGroup {
  ArithGroupKind kind = ArithGroupKind::Label;
  SampleGroup group;               // label, or factor with [lo, hi]
  std::vector<int> samples;        // Selection: the dataset samples picked (clicked, or in a lasso), sorted
};
struct LatentArithmetic {
  ArithGroup a, b;
  float strength = 1;
  int lasso = 0;                   // 1 (A) or 2 (B): the next left-drag on a map draws that group's lasso
  int lasso_pane = -1;             // the map being drawn on; -1 = none yet
  std::vector<float> lasso_uv;     // (2 * vertices) the lasso so far, plane coordinates
  uint64_t serial = 1;             // bumped on every change of the groups or the strength
  const Dataset* defaults_for = nullptr;  // the data set the defaults were chosen for
};

// One pane's half (view_arith.cpp): the attribute vector from the map's codes, the chosen sample
// (the first selected, else the first held-out point of group B) plus the vector at the fixed
// strengths of the row and at the slider's, decoded; the arrow from B's mean to A's mean on the map.
struct ArithView {
  uint64_t serial = 0, codes_version = 0;  // LatentArithmetic::serial and the codes they were computed for
  double time = -1;
  int sample = -1;                 // the dataset sample decoded; -1 = none
  int count_a = 0, count_b = 0;    // map points in each group
  std::string error;               // why there is no vector (an empty group)
  Vec mean_a, mean_b, v;           // (latent)
  Mat x1, code, z, x;              // (features, 1), (latent, 1), (latent, tiles + 2), (features, tiles + 2)
  std::vector<float> toward_a;     // (tiles + 1) how far each decoding has gone from B's decoded mean to A's
  InferenceWorkspace ws;
  std::vector<uint8_t> rgba;       // the tiles in a row
  GpuImage image;
  ImVec2 row_min = {0, 0}, row_max = {0, 0};      // where the row was drawn (tests, layout)
  ImVec2 arrow_from = {0, 0}, arrow_to = {0, 0};  // the arrow on the map this frame (screen)
};

//-----------------------------------------------------------------------------
// [SECTION] The lifecycle table
//-----------------------------------------------------------------------------

struct PaneViewOps {
  const char* name;
  void (*configure)(AppState& app, int pane);
  void (*update)(AppState& app);
  bool (*in_sync)(const AppState& app);
  MapLayer (*map_layer)(const AppState& app, int pane);   // or null
  void (*draw_map)(AppState& app, int pane, ImDrawList* draw, const MapFrame& frame);  // or null
  void (*free_gl)(ModelPane& pane);
  bool (*covers)(const ModelPane& pane, ImVec2 min, ImVec2 max) = nullptr;  // optional: an overlay of the last
                                                                          // frame lies there (the grid's labels skip it)
};

extern const PaneViewOps* const kPaneViews[];  // in the order they update and draw (views.cpp)
extern const int kPaneViewCount;

// Wrapped text in at most `max_lines` lines (0 draws nothing); a text that needs more ends its last
// line in "...", so a small row shows whole lines rather than a line cut through. Returns the
// height drawn. Allocates nothing.
float draw_text_clamped(ImDrawList* draw, ImVec2 at, ImU32 color, const char* text, float wrap, int max_lines);

// A row's caption in the longest of its forms (longest first) that fits `width`, so that a narrow
// row shows a shorter caption whole rather than a long one cut; null or empty forms are skipped, and
// the last one given is shown when none fits.
const char* fitting_caption(float width, const char* long_text, const char* short_text, const char* tiny_text = nullptr);

// The map's free parts: [min, max] less every box recorded so far in the open layout container (an
// item at least two text lines tall and wide: a legend, not a tick or an axis name), as at most `cap`
// rectangles (x0, y0, x1, y1). A line drawn on the map through each as a clip rectangle crosses no box.
int map_free_rects(const AppState& app, ImVec2 min, ImVec2 max, ImVec4* out, int cap);

//-----------------------------------------------------------------------------
// [SECTION] API by view file
//-----------------------------------------------------------------------------

// view_probe.cpp
void probe_set(AppState& app, int pane, float u, float v);  // moves the probe (and linked ones)
void probe_decode(AppState& app, int pane);     // decodes the probe now (the map does it every frame)
void probe_draw_tile(AppState& app, int pane, ImDrawList* draw, ImVec2 min, float side);  // its decoding, framed

// view_holes.cpp
float hole_map_value(const ModelPane& pane, float u, float v);  // the shown map at a plane point; -1 outside or none
ImU32 hole_map_color(float value, float p95);                 // the map's colour, its ramp anchored on the held-out codes
bool hole_map_write(const AppState& app, int pane, const char* path);  // dump-holes: grid, values, held-out codes
void hole_map_write_state(const AppState& app, FILE* f);

// view_decoder_jacobian.cpp
float decoder_jacobian_value(const ModelPane& pane, float u, float v);  // the shown layer at a plane point; -1 none
void decoder_jacobian_show(AppState& app, bool on);  // the layer's switch; on turns the hole map off (same plane)
void hole_map_show(AppState& app, bool on);          // the hole map's switch; on turns this layer off
void ui_decoder_jacobian_switch(AppState& app);      // the toolbar's checkbox
void decoder_jacobian_write_state(const AppState& app, FILE* f);

// view_point_colors.cpp
const char* point_color_name(const AppState& app, int mode);  // "label", a factor's name, "reconstruction error", ...
int point_color_last(const AppState& app);                   // the last color_by mode (the encoder's ||J||_F)
ImU32 value_ramp_color(float t);                              // low (0) to high (1)
void point_colors_write_state(const AppState& app, FILE* f);

// view_kl.cpp
void ui_pane_inside(AppState& app, int pane, float height);  // the row under a map: KL, trade-off, traversals
int inside_tab_find(const char* name);                        // kInsideTabs index of a script name; -1 = none
void inside_tab_names(char* buf, int size);                   // "kl, tradeoff, traversals", for an error
void kl_view_write_state(const AppState& app, FILE* f);

// view_traversal.cpp
// The largest tile side the traversals can have in a w x h rectangle (their rows flow into as many
// columns as make the tiles largest); traversal_draw draws them there.
float traversal_fit_tile(const AppState& app, int pane, float w, float h, int* columns);
void traversal_draw(AppState& app, int pane, ImVec2 min, ImVec2 max);
void traversal_write_state(const AppState& app, FILE* f);
// view_anomaly.cpp
void ui_pane_anomaly(AppState& app, int pane, float height);  // the row under a map, in place of the strips
float anomaly_share_above(const AnomalyView& a);              // share of the scored samples above the threshold
void anomaly_set_quantile(AppState& app, int pane, float q);  // threshold at the scores' q-quantile (scripts)
void anomaly_view_write_state(const AppState& app, FILE* f);

// view_denoise.cpp
void ui_pane_denoise(AppState& app, int pane, float height);  // the row under a map, in place of the strips
float denoise_level_at(int i);                                // the curve's i-th noise level
void denoise_view_write_state(const AppState& app, FILE* f);

// view_colourise.cpp
void ui_pane_colourise(AppState& app, int pane, float height);  // the row under a map: grey -> colourised -> original
bool colourise_available(const AppState& app);                  // the data are in colour
void colourise_view_write_state(const AppState& app, FILE* f);

// view_linear_probe.cpp
void ui_pane_linear_probe(AppState& app, int pane, float height);  // the row under a map: the probe table
void linear_probe_measure(AppState& app, int pane);  // starts a measurement of the newest weights (one at a time)
bool linear_probe_busy(const AppState& app);         // a pane's measurement is running
void linear_probe_write_state(const AppState& app, FILE* f);

// view_rate_distortion.cpp
void ui_pane_rate_distortion(AppState& app, int pane, float height);  // the row under a map: the plot
void rate_distortion_measure(AppState& app, int pane);  // starts a measurement of the newest weights (one at a time)
void rate_distortion_write_state(const AppState& app, FILE* f);

// view_feed.cpp
void ui_pane_feed(AppState& app, int pane, float height);     // the row under a map, in place of the strips
void feed_stroke(AppState& app, float x0, float y0, float x1, float y1);  // draws on every pane's canvas, image pixels
void feed_clear(AppState& app);                                // blanks the canvas
void feed_view_write_state(const AppState& app, FILE* f);
// view_units.cpp
void ui_pane_units(AppState& app, int pane, float height);  // the row under a map: heatmap, means against rho, favourites
void units_view_write_state(const AppState& app, FILE* f);

// view_sensitivity.cpp
void ui_pane_sensitivity(AppState& app, int pane, float height);  // the row under a map: ||J|| histogram, the nudge demo
void sensitivity_view_write_state(const AppState& app, FILE* f);

// view_manifold.cpp
void manifold_write_state(const AppState& app, FILE* f);

// view_strips.cpp
void ui_pane_strips(AppState& app, int pane, float height);  // the row under a map: probe, samples, reconstructions
void gallery_resample(AppState& app, int latent);            // AppState::gallery_eps for this latent size
void strips_write_state(const AppState& app, FILE* f);        // each pane's compression ratio and PSNR

// view_factors.cpp
void ui_pane_factors(AppState& app, int pane, float height);  // the row under a map: MI heatmap, MIG, the note
bool factors_available(const AppState& app);                  // the data carry true factors
void factors_view_write_state(const AppState& app, FILE* f);

// view_arith.cpp
void ui_pane_arith(AppState& app, int pane, float height);    // the row under a map: decodings over strengths
void ui_arith_panel(AppState& app);                           // the left column's panel: groups A and B, strength
bool arith_parse_group(const AppState& app, const std::string& spec, ArithGroup* out);  // label=N | FACTOR=LO:HI | selection
void arith_set_groups(AppState& app, const ArithGroup& a, const ArithGroup& b);
void arith_set_strength(AppState& app, float strength);
bool arith_lasso_input(AppState& app, int pane, const MapFrame& f, bool hovered);  // a lasso being drawn took the mouse
void arith_lasso_finish(AppState& app, int pane, int which, const std::vector<float>& uv);  // group `which` (1 A, 2 B) = the points inside
void arith_view_write_state(const AppState& app, FILE* f);
