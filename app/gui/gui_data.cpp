// Datasets and what the UI derives from them: which samples go on the maps and in what colour,
// the reconstruction strip's samples, the Data panel's preview grid, and turning a sample (or a
// decoded one) into RGBA pixels. Loading runs on the main thread: the built-in sets take a
// fraction of a second, and a failed load leaves everything as it was.
//
// Index:
//   [SECTION] Labels and colours
//   [SECTION] Samples as pixels
//   [SECTION] Loading and switching datasets
//   [SECTION] Holding a label out of training
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <new>

#include "io/errors.h"
#include "io/file_input.h"
#include "gui_help.h"
#include "gui_state.h"
#include "measure/anomaly.h"

//-----------------------------------------------------------------------------
// [SECTION] Labels and colours
//-----------------------------------------------------------------------------

// Tableau 10, which keeps ten labels apart on a dark background; more labels get golden-ratio hues.
ImU32 label_color(int label) {
  static constexpr ImU32 kPalette[10] = {
      IM_COL32(78, 154, 232, 255),  IM_COL32(245, 133, 24, 255),  IM_COL32(84, 178, 75, 255),
      IM_COL32(228, 87, 86, 255),   IM_COL32(178, 121, 210, 255), IM_COL32(201, 162, 107, 255),
      IM_COL32(255, 157, 166, 255), IM_COL32(200, 200, 200, 255), IM_COL32(238, 202, 59, 255),
      IM_COL32(114, 206, 198, 255)};
  if (label < 0) return IM_COL32(150, 155, 165, 255);
  if (label < 10) return kPalette[label];
  float h = std::fmod(0.13f + label * 0.618034f, 1.0f), r, g, b;
  ImGui::ColorConvertHSVtoRGB(h, 0.6f, 0.95f, r, g, b);
  return IM_COL32(static_cast<int>(r * 255), static_cast<int>(g * 255), static_cast<int>(b * 255), 255);
}

const char* label_name(const AppState& app, int label, char* buf, int size) {
  if (label < 0) {
    std::snprintf(buf, size, "unlabelled");
  } else if (app.data && label < static_cast<int>(app.data->label_names.size()) &&
             !app.data->label_names[label].empty()) {
    std::snprintf(buf, size, "%s", app.data->label_names[label].c_str());
  } else {
    std::snprintf(buf, size, "%d", label);
  }
  return buf;
}

//-----------------------------------------------------------------------------
// [SECTION] Samples as pixels
//-----------------------------------------------------------------------------

// The one place a sample becomes pixels: every view (data grid, probe, manifold, gallery,
// reconstructions, interpolation strips, hover preview) draws through the two functions below.
// Images are row-major with interleaved channels, (y, x, c) (core/data/dataset.h): a grey pixel
// repeats its one channel in R, G and B; an RGB pixel uses its three. Other data is laid out row
// by row in a square of tile_w x tile_h, one value per pixel, grey. `to_byte(i)` gives feature i
// as 0..255; the tile goes to (x0, y0) of an RGBA image `stride` pixels wide.
template <class ToByte>
static void tile_to_rgba(const AppState& app, ToByte to_byte, uint8_t* rgba, int stride, int x0, int y0) {
  const Dataset& d = *app.data;
  const int f = d.features();
  const int channels = d.is_image ? d.channels : 1;
  const int colour_step = channels >= 3 ? 1 : 0;  // which channel feeds G and B: the next, or the same
  for (int y = 0; y < app.tile_h; ++y) {
    uint8_t* row = rgba + (static_cast<size_t>(y0 + y) * stride + x0) * 4;
    for (int x = 0; x < app.tile_w; ++x) {
      const int i = (y * app.tile_w + x) * channels;
      if (i < f) {
        row[4 * x + 0] = to_byte(i);
        row[4 * x + 1] = to_byte(i + colour_step);
        row[4 * x + 2] = to_byte(i + 2 * colour_step);
      } else {  // beyond the last feature of non-image data
        row[4 * x + 0] = 24;
        row[4 * x + 1] = 26;
        row[4 * x + 2] = 30;
      }
      row[4 * x + 3] = 255;
    }
  }
}

// A sample as floats (a decoding, or a non-image dataset's values), mapped from [display_lo, display_hi].
void sample_to_rgba(const AppState& app, const float* values, uint8_t* rgba, int stride, int x0, int y0) {
  const float lo = app.display_lo, inv = 1.0f / std::max(1e-12f, app.display_hi - app.display_lo);
  tile_to_rgba(
      app,
      [&](int i) {
        const float v = (values[i] - lo) * inv;
        return static_cast<uint8_t>((v < 0 ? 0 : (v > 1 ? 1 : v)) * 255.0f + 0.5f);
      },
      rgba, stride, x0, y0);
}

// A dataset sample, straight from its bytes or floats (no allocation).
void dataset_sample_rgba(const AppState& app, int sample, uint8_t* rgba, int stride, int x0, int y0) {
  const Dataset& d = *app.data;
  if (d.pixels.empty()) {
    sample_to_rgba(app, d.values.col(sample).data(), rgba, stride, x0, y0);
    return;
  }
  const uint8_t* src = d.pixels.data() + static_cast<size_t>(sample) * d.features();
  tile_to_rgba(app, [src](int i) { return src[i]; }, rgba, stride, x0, y0);
}

//-----------------------------------------------------------------------------
// [SECTION] Loading and switching datasets
//-----------------------------------------------------------------------------

// Why the running models cannot be rebuilt for `data` ("" if they can). Checked before switching:
// the trainer would refuse the new data and keep the old, and the views would wait for models
// that never come.
static std::string models_problem(const AppState& app, const Dataset& data) {
  if (!app.snap) return "";
  for (const Network& net : app.snap->networks) {
    const std::string problem = model_config_problem(fit_to_data(net.config, data));
    if (!problem.empty()) return problem;
  }
  return "";
}

bool app_load_data(AppState& app, const DataSpec& spec) {
  // Every failure is caught here, where the load happens: the current dataset and models stay.
  const std::string where = printable_path(spec.source);
  std::shared_ptr<const Dataset> data;
  try {
    data = std::make_shared<const Dataset>(load_dataset(spec));
  } catch (const InputError& e) {
    app.data_error = e.what();
    return false;
  } catch (const std::bad_alloc&) {
    app.data_error = "cannot load " + where + ": not enough memory";
    return false;
  } catch (const std::exception& e) {
    app.data_error = "cannot load " + where + ": " + e.what();
    return false;
  }
  if (data->count < 2) {
    app.data_error = where + ": needs at least 2 samples";
    return false;
  }
  const std::string problem = models_problem(app, *data);
  if (!problem.empty()) {
    app.data_error = "cannot use " + where + " with the current models: " + problem;
    return false;
  }
  app.data_error.clear();
  app.data_spec = spec;
  app.trainer->set_data(data);
  app_set_data(app, data);
  return true;
}

// Evenly spaced picks of `want` out of [first, first + n), appended to `out`.
static void pick_evenly(int first, int n, int want, std::vector<int>* out) {
  if (want >= n) {
    for (int i = 0; i < n; ++i) out->push_back(first + i);
    return;
  }
  for (int i = 0; i < want; ++i) out->push_back(first + static_cast<int>(static_cast<int64_t>(i) * n / want));
}

void app_set_data(AppState& app, std::shared_ptr<const Dataset> data) {
  app.data = std::move(data);
  app.data_all = app.data;  // new data trains whole; app_set_holdout sets these after calling here
  app.holdout_label = -1;
  const Dataset& d = *app.data;

  // Geometry and value range of a sample drawn as an image.
  if (d.is_image) {
    app.tile_w = d.width;
    app.tile_h = d.height;
  } else {
    app.tile_w = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(d.features())))));
    app.tile_h = (d.features() + app.tile_w - 1) / app.tile_w;
  }
  app.display_lo = 0;
  app.display_hi = 1;
  if (!d.in_unit_range && d.values.size() > 0) {
    // A plain loop: GCC 12 warns inside Eigen's AVX-512 minCoeff/maxCoeff (a false positive).
    const float* v = d.values.data();
    float lo = v[0], hi = v[0];
    for (Eigen::Index i = 1; i < d.values.size(); ++i) {
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
    app.display_lo = lo;
    app.display_hi = hi;
  }

  // The map's points: every held-out sample, then training samples, up to max_points.
  const int max_points = app.launch.max_points;
  app.point_indices.clear();
  const int held_out = d.test_count();
  pick_evenly(d.train_count, held_out, std::min(held_out, max_points), &app.point_indices);
  const int room = max_points - static_cast<int>(app.point_indices.size());
  if (room > 0) pick_evenly(0, d.train_count, room, &app.point_indices);
  const int n = static_cast<int>(app.point_indices.size());
  // Labels are whatever numbers the file had: count the distinct ones, never index by them.
  std::vector<int> distinct(d.labels.begin(), d.labels.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  distinct.erase(distinct.begin(), std::lower_bound(distinct.begin(), distinct.end(), 0));  // -1 = unlabelled
  app.label_total = static_cast<int>(distinct.size());
  std::vector<int> point_labels;
  point_labels.reserve(n);
  app.point_colors.resize(static_cast<size_t>(n) * 4);
  for (int i = 0; i < n; ++i) {
    const int sample = app.point_indices[i];
    const int label = sample < static_cast<int>(d.labels.size()) ? d.labels[sample] : -1;
    if (label >= 0) point_labels.push_back(label);
    const ImU32 c = label_color(label);
    app.point_colors[4 * i + 0] = static_cast<uint8_t>(c >> IM_COL32_R_SHIFT);
    app.point_colors[4 * i + 1] = static_cast<uint8_t>(c >> IM_COL32_G_SHIFT);
    app.point_colors[4 * i + 2] = static_cast<uint8_t>(c >> IM_COL32_B_SHIFT);
    app.point_colors[4 * i + 3] = 235;
  }
  std::sort(point_labels.begin(), point_labels.end());
  app.label_counts.clear();
  for (int label : point_labels) {
    if (app.label_counts.empty() || app.label_counts.back().label != label) app.label_counts.push_back({label, 0});
    ++app.label_counts.back().points;
  }

  // Reconstructions: held-out samples, one per label in label order where the labels allow.
  app.recon_indices.clear();
  const int pool_first = held_out > 0 ? d.train_count : 0, pool_n = held_out > 0 ? held_out : d.count;
  for (size_t k = 0; k < distinct.size() && static_cast<int>(app.recon_indices.size()) < kReconCount; ++k)
    for (int i = pool_first; i < pool_first + pool_n; ++i)
      if (i < static_cast<int>(d.labels.size()) && d.labels[i] == distinct[k]) {
        app.recon_indices.push_back(i);
        break;
      }
  for (int i = pool_first; i < pool_first + pool_n && static_cast<int>(app.recon_indices.size()) < kReconCount; ++i)
    if (std::find(app.recon_indices.begin(), app.recon_indices.end(), i) == app.recon_indices.end())
      app.recon_indices.push_back(i);
  while (static_cast<int>(app.recon_indices.size()) < kReconCount) app.recon_indices.push_back(0);

  // The Data panel's preview: kGridCols x kGridRows samples spread over the dataset, 2-pixel gutters.
  const int gw = kGridCols * (app.tile_w + 2) + 2, gh = kGridRows * (app.tile_h + 2) + 2;
  app.grid_rgba.assign(static_cast<size_t>(gw) * gh * 4, 0);
  for (size_t i = 3; i < app.grid_rgba.size(); i += 4) app.grid_rgba[i] = 0;
  for (int k = 0; k < kGridCols * kGridRows; ++k) {
    const int sample = static_cast<int>(static_cast<int64_t>(k) * d.count / (kGridCols * kGridRows));
    dataset_sample_rgba(app, sample, app.grid_rgba.data(), gw, 2 + (k % kGridCols) * (app.tile_w + 2),
                        2 + (k / kGridCols) * (app.tile_h + 2));
  }
  gpu_image_resize(&app.data_grid, gw, gh, false);
  gpu_image_upload(&app.data_grid, app.grid_rgba.data());
  app.hover_rgba.assign(static_cast<size_t>(app.tile_w) * app.tile_h * 4, 0);
  gpu_image_resize(&app.hover_image, app.tile_w, app.tile_h, false);
  app.hover_image_sample = -1;

  // Every view starts over; views_update sizes the panes for the models the trainer publishes.
  app.selected_count = 0;
  ++app.selection_serial;
  app.interp.a = app.interp.b = app.interp.pick_point = -1;  // new endpoints on the new data
  app.interp.pick = 0;
  ++app.interp.serial;
  app.hover_sample = -1;
  for (ModelPane& pane : app.panes) {
    pane.latent = 0;
    pane.features = 0;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Holding a label out of training
//-----------------------------------------------------------------------------

// The policy is measure/anomaly.h's, the one `latentlab anomaly --holdout-label K` and the anomaly
// lesson's check train by: the training samples of label K are dropped, the held-out split keeps every
// sample. The models start again from their seeds on the new training split (the trainer's new data).
bool app_set_holdout(AppState& app, int label) {
  if (label == app.holdout_label) return true;
  const std::shared_ptr<const Dataset> all = app.data_all ? app.data_all : app.data;
  std::shared_ptr<const Dataset> use = all;
  if (label >= 0) {
    const std::string problem = holdout_label_problem(*all, label);
    if (!problem.empty()) {
      app.data_error = "cannot hold out label " + std::to_string(label) + ": " + problem;
      return false;
    }
    try {
      use = std::make_shared<const Dataset>(dataset_holding_out(*all, label));
    } catch (const std::bad_alloc&) {
      app.data_error = "cannot hold out label " + std::to_string(label) + ": not enough memory";
      return false;
    }
  }
  const std::string problem = models_problem(app, *use);
  if (!problem.empty()) {
    app.data_error = "cannot hold out label " + std::to_string(label) + " with the current models: " + problem;
    return false;
  }
  app.data_error.clear();
  app.trainer->set_data(use);
  app_set_data(app, use);
  app.data_all = all;
  app.holdout_label = label;
  return true;
}

// The Data panel's row: "Hold out of training: none | 0 | 1 ...", for labelled data only.
void ui_data_holdout(AppState& app) {
  const Dataset& all = app.data_all ? *app.data_all : *app.data;
  if (all.labels.empty() || app.label_total < 2) return;
  char preview[64] = "none";
  if (app.holdout_label >= 0) label_name(app, app.holdout_label, preview, sizeof preview);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Hold out of training:");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(ImGui::CalcTextSize("none").x, ImGui::CalcTextSize(preview).x) +
                          ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x);
  if (ImGui::BeginCombo("##holdout", preview)) {
    if (ImGui::Selectable("none", app.holdout_label < 0)) app_set_holdout(app, -1);
    std::vector<int> distinct(all.labels.begin(), all.labels.end());
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (int label : distinct) {
      if (label < 0) continue;
      char name[64];
      label_name(app, label, name, sizeof name);
      ImGui::PushID(label);
      if (ImGui::Selectable(name, label == app.holdout_label)) app_set_holdout(app, label);
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  control_help(app, "holdout_label");
  if (app.holdout_label >= 0)
    ImGui::TextDisabled("%d training samples left out; the held-out split keeps its %d",
                        all.train_count - app.data->train_count,
                        static_cast<int>(std::count(all.labels.begin() + all.train_count, all.labels.end(), app.holdout_label)));
}
