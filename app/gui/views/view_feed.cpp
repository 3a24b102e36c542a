// Feed it anything, in the row under each map (toolbar: "Feed it anything"): the risk of learning to
// copy. Beside a held-out sample, inputs that no training set holds (uniform noise, a blank image, the
// sample inverted, an image of another built-in set, and a canvas drawn with the mouse), each over
// this model's reconstruction with its error. A model that describes the data rebuilds the strange
// inputs badly (as something like the data); one that has learned to copy rebuilds them about as well
// as the sample. Every pane gets the same inputs, so compare mode shows both models on each.
// Reconstructed when the snapshot changes (at most every kFeedRefreshSeconds) or an input does.
//
// Index:
//   [SECTION] Inputs
//   [SECTION] Lifecycle
//   [SECTION] Drawing
//   [SECTION] State dump
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui_help.h"
#include "gui_state.h"

namespace {
constexpr double kFeedRefreshSeconds = 0.3;  // on new weights at most this often
constexpr uint64_t kFeedNoiseSeed = 11;      // the noise column: the same image in every pane
constexpr float kFeedBrushRadius = 1.6f;     // image pixels: about a pen stroke on a 28x28 digit

enum FeedInput { kFeedDigit, kFeedNoise, kFeedBlank, kFeedInverted, kFeedOther, kFeedDrawn };
// The columns, in FeedInput's order: name (state dump), title (caption), what it is (tooltip).
const Choice kFeedInputTable[kFeedInputs] = {
    {"sample", "held-out", "A held-out sample of the data: the yardstick for the others' errors."},
    {"noise", "noise", "Uniform noise in the data's range: no digit at all. A model that copies rebuilds it well."},
    {"blank", "blank", "An empty image."},
    {"inverted", "inverted", "The held-out sample with its values inverted (dark on light)."},
    {"other", "other set", "An image of another built-in set, resampled to this data's size."},
    {"drawn", "draw here", "Draw with the left mouse button; right-click clears. Every pane gets the same drawing."},
};
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Inputs
//-----------------------------------------------------------------------------

// The first sample of the first built-in set that is not this data (same channels preferred),
// resampled (nearest pixel) into column `col` of x; false when the data is not an image.
static bool other_set_sample(const AppState& app, Mat& x, int col, std::string* name) {
  const Dataset& d = *app.data;
  if (!d.is_image) return false;
  const BuiltinDataset* pick = nullptr;
  for (const BuiltinDataset& b : builtin_datasets()) {
    if (builtin_dataset_family(d.name) == builtin_dataset_family(b.name)) continue;  // digits-noise's digits too
    if (!pick || (pick->channels != d.channels && b.channels == d.channels)) pick = &b;
  }
  if (!pick) return false;
  const Dataset o = pick->generate(2, 1, 1, 28);
  *name = pick->name;
  for (int y = 0; y < d.height; ++y)
    for (int xx = 0; xx < d.width; ++xx) {
      const int sy = y * o.height / d.height, sx = xx * o.width / d.width;
      for (int c = 0; c < d.channels; ++c) {
        float v = 0;  // grey from colour: the channels' mean; colour from grey: the grey in each
        if (o.channels == d.channels) v = o.pixels[size_t((sy * o.width + sx) * o.channels + c)] / 255.0f;
        else if (o.channels == 1) v = o.pixels[size_t(sy * o.width + sx)] / 255.0f;
        else for (int k = 0; k < o.channels; ++k) v += o.pixels[size_t((sy * o.width + sx) * o.channels + k)] / (255.0f * o.channels);
        x(Eigen::Index((y * d.width + xx) * d.channels + c), col) = app.display_lo + v * (app.display_hi - app.display_lo);
      }
    }
  return true;
}

static void feed_make_inputs(AppState& app, int p) {
  FeedView& f = app.panes[p].feed;
  const Dataset& d = *app.data;
  const int features = d.features();
  const float lo = app.display_lo, hi = app.display_hi;
  f.x.resize(features, kFeedInputs);
  const int held = d.count - d.train_count;
  const int sample = held > 0 ? d.train_count : 0;
  Mat one(features, 1);
  d.gather(&sample, 1, one);
  f.x.col(kFeedDigit) = one.col(0);
  Rng rng(kFeedNoiseSeed);
  for (int i = 0; i < features; ++i) f.x(i, kFeedNoise) = lo + rng.uniform() * (hi - lo);
  f.x.col(kFeedBlank).setConstant(lo);
  f.x.col(kFeedInverted) = (lo + hi) - one.col(0).array();
  f.x.col(kFeedOther).setConstant(lo);
  f.x.col(kFeedDrawn).setConstant(lo);
  for (int k = 0; k < kFeedInputs; ++k) f.available[k] = true;
  f.available[kFeedOther] = other_set_sample(app, f.x, kFeedOther, &f.other_name);
  ++f.inputs_serial;
}

void feed_stroke(AppState& app, float x0, float y0, float x1, float y1) {
  if (!app.data || !app.data->is_image) return;
  const Dataset& d = *app.data;
  const float len = std::hypot(x1 - x0, y1 - y0);
  const int steps = std::max(1, static_cast<int>(std::ceil(len / 0.5f)));
  for (int p = 0; p < app.pane_count; ++p) {
    FeedView& f = app.panes[p].feed;
    if (f.x.cols() != kFeedInputs || f.x.rows() != d.features()) continue;
    for (int s = 0; s <= steps; ++s) {
      const float cx = x0 + (x1 - x0) * s / steps, cy = y0 + (y1 - y0) * s / steps;
      for (int y = std::max(0, int(cy - 3)); y <= std::min(d.height - 1, int(cy + 3)); ++y)
        for (int x = std::max(0, int(cx - 3)); x <= std::min(d.width - 1, int(cx + 3)); ++x) {
          // A soft pen: full inside the radius, fading over the next pixel.
          const float r = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
          const float ink = std::min(1.0f, std::max(0.0f, kFeedBrushRadius + 0.5f - r));
          for (int c = 0; c < d.channels; ++c) {
            float& v = f.x(Eigen::Index((y * d.width + x) * d.channels + c), kFeedDrawn);
            v = std::max(v, app.display_lo + ink * (app.display_hi - app.display_lo));
          }
        }
    }
    ++f.inputs_serial;
  }
}

void feed_clear(AppState& app) {
  for (int p = 0; p < app.pane_count; ++p) {
    FeedView& f = app.panes[p].feed;
    if (f.x.cols() != kFeedInputs) continue;
    f.x.col(kFeedDrawn).setConstant(app.display_lo);
    ++f.inputs_serial;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void feed_reconstruct(AppState& app, int p, const Network& net) {
  ModelPane& pane = app.panes[p];
  FeedView& f = pane.feed;
  reconstruct(net, f.x, f.code, f.out, f.ws);
  const int w = kFeedInputs * app.tile_w;
  for (int k = 0; k < kFeedInputs; ++k) {
    f.error[k] = double((f.out.col(k) - f.x.col(k)).squaredNorm()) / double(f.x.rows());
    sample_to_rgba(app, f.x.col(k).data(), f.rgba.data(), w, k * app.tile_w, 0);
    sample_to_rgba(app, f.out.col(k).data(), f.rgba.data(), w, k * app.tile_w, app.tile_h);
  }
  gpu_image_upload(&f.image, f.rgba.data());
  f.version = app.snap->version;
  f.shown_serial = f.inputs_serial;
  f.time = app.now;
}

static void feed_configure(AppState& app, int p) {
  FeedView& f = app.panes[p].feed;
  f.version = 0;
  f.time = -1;
  feed_make_inputs(app, p);
  std::fill(f.error, f.error + kFeedInputs, 0.0);
  f.rgba.assign(static_cast<size_t>(app.tile_w) * app.tile_h * 4 * kFeedInputs * 2, 0);
  gpu_image_resize(&f.image, kFeedInputs * app.tile_w, 2 * app.tile_h, true);
}

static void feed_update(AppState& app) {
  if (!app.view.show_feed || !app.data || !app.snap) return;
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    if (pane.latent == 0 || p >= static_cast<int>(app.snap->networks.size())) continue;
    const Network& net = app.snap->networks[p];
    FeedView& f = pane.feed;
    if (!pane_matches(app, pane, net) || f.x.rows() != pane.features) continue;
    const bool drawn = f.shown_serial != f.inputs_serial;
    if (drawn || (f.version != app.snap->version && (f.version == 0 || app.now - f.time >= kFeedRefreshSeconds)))
      feed_reconstruct(app, p, net);
  }
}

static bool feed_in_sync(const AppState& app) {
  if (!app.view.show_feed) return true;
  for (int p = 0; p < app.pane_count; ++p) {
    const FeedView& f = app.panes[p].feed;
    if (app.panes[p].latent > 0 && (f.version != app.snap->version || f.shown_serial != f.inputs_serial)) return false;
  }
  return true;
}

static void feed_free_gl(ModelPane& pane) { gpu_image_free(&pane.feed.image); }

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

// The canvas under the mouse: a left drag draws (from the last frame's point), a right click clears.
static void feed_canvas_input(AppState& app, ImVec2 a, float cell, const char* id) {
  ImGui::SetCursorScreenPos(a);
  ImGui::InvisibleButton(id, ImVec2(cell, cell), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  if (ImGui::IsItemHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) feed_clear(app);
  if (!ImGui::IsItemActive() || !ImGui::IsMouseDown(ImGuiMouseButton_Left)) return;
  const ImGuiIO& io = ImGui::GetIO();
  const float kx = app.data->width / cell, ky = app.data->height / cell;
  const ImVec2 now = io.MousePos;
  const ImVec2 before = ImGui::IsMouseClicked(ImGuiMouseButton_Left) ? now : ImVec2(now.x - io.MouseDelta.x, now.y - io.MouseDelta.y);
  feed_stroke(app, (before.x - a.x) * kx, (before.y - a.y) * ky, (now.x - a.x) * kx, (now.y - a.y) * ky);
}

void ui_pane_feed(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  FeedView& f = pane.feed;
  const Theme& th = *app.theme;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale, line = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  f.row_min = origin;
  f.row_max = ImVec2(origin.x + width, origin.y + height);
  if (f.version == 0) {
    draw->AddText(origin, th.caption, "Feed it anything: reconstructing...");
    ImGui::Dummy(ImVec2(width, height));
    return;
  }
  // The headline: how the noise's error compares with the held-out sample's.
  const double ratio = f.error[kFeedNoise] / std::max(1e-12, f.error[kFeedDigit]);
  char text[160], short_text[64];
  std::snprintf(text, sizeof text, "Noise rebuilt with %.3g\xc3\x97 the error of a held-out sample (MSE %.4f vs %.4f)", ratio,
                f.error[kFeedNoise], f.error[kFeedDigit]);
  std::snprintf(short_text, sizeof short_text, "noise/sample error %.3g\xc3\x97", ratio);
  const char* caption = fitting_caption(width, text, short_text);
  draw->AddText(origin, th.strong_text, caption);
  layout_rect(&app.layout, "feed caption", origin, ImVec2(origin.x + ImGui::CalcTextSize(caption).x, origin.y + ImGui::GetTextLineHeight()));
  if (ImGui::IsMouseHoveringRect(origin, ImVec2(origin.x + width, origin.y + line))) help_tooltip("feed");
  // A column per input: its title, the input over its reconstruction, the error under them.
  const float gap = 6 * s;
  const float cell = std::floor(std::min((height - 3 * line) / 2, (width - (kFeedInputs - 1) * gap) / kFeedInputs));
  const float top = origin.y + line;
  for (int k = 0; k < kFeedInputs; ++k) {
    const float x = origin.x + k * (cell + gap);
    const char* title = k == kFeedOther && f.available[k] ? f.other_name.c_str() : kFeedInputTable[k].title;
    if (ImGui::CalcTextSize(title).x <= cell + gap) draw->AddText(ImVec2(x, top), th.caption, title);
    const ImVec2 a(x, top + line), b(x + cell, top + line + cell), c(x, b.y), e(x + cell, b.y + cell);
    const float tw = 1.0f / kFeedInputs;
    draw->AddImage(gpu_image_id(f.image), a, b, ImVec2(k * tw, 0), ImVec2((k + 1) * tw, 0.5f));
    draw->AddImage(gpu_image_id(f.image), c, e, ImVec2(k * tw, 0.5f), ImVec2((k + 1) * tw, 1));
    if (k == kFeedDrawn) {
      draw->AddRect(a, b, pane_accent(p), 0, 0, 1.5f * s);
      f.canvas_min = a, f.canvas_max = b;
      char id[24];
      std::snprintf(id, sizeof id, "##feed_canvas%d", p);
      feed_canvas_input(app, a, cell, id);
    }
    if (!f.available[k]) {
      draw->AddText(ImVec2(x, b.y + cell), th.caption, "n/a");
      continue;
    }
    char err[32];
    std::snprintf(err, sizeof err, "%.4f", f.error[k]);
    if (ImGui::CalcTextSize(err).x <= cell + gap)
      draw->AddText(ImVec2(x, e.y), k == kFeedDigit ? th.caption : pane_accent(p), err);
    if (ImGui::IsMouseHoveringRect(a, e))
      ImGui::SetTooltip("%s\nTop: the input; bottom: this model's reconstruction.\nError (MSE per value): %.4f, %.3g\xc3\x97 "
                        "the held-out sample's.", kFeedInputTable[k].description, f.error[k],
                        f.error[k] / std::max(1e-12, f.error[kFeedDigit]));
  }
  layout_rect(&app.layout, "feed tiles", ImVec2(origin.x, top), ImVec2(origin.x + kFeedInputs * (cell + gap) - gap, top + line + 2 * cell + line));
  ImGui::SetCursorScreenPos(origin);
  ImGui::Dummy(ImVec2(width, height));
}

//-----------------------------------------------------------------------------
// [SECTION] State dump
//-----------------------------------------------------------------------------

void feed_view_write_state(const AppState& app, FILE* out) {
  std::fprintf(out, "feed=%d\n", app.view.show_feed ? 1 : 0);
  for (int p = 0; p < app.pane_count; ++p) {
    const FeedView& f = app.panes[p].feed;
    std::fprintf(out, "pane%d.feed_version=%llu\npane%d.feed_other=%s\n", p, static_cast<unsigned long long>(f.version), p,
                 f.other_name.c_str());
    for (int k = 0; k < kFeedInputs; ++k)
      std::fprintf(out, "pane%d.feed_error.%s=%g\n", p, kFeedInputTable[k].name, f.available[k] ? f.error[k] : -1.0);
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    std::fprintf(out, "pane%d.feed_canvas=%d %d %d %d\n", p, static_cast<int>(f.canvas_min.x * scale.x),
                 static_cast<int>(f.canvas_min.y * scale.y), static_cast<int>((f.canvas_max.x - f.canvas_min.x) * scale.x),
                 static_cast<int>((f.canvas_max.y - f.canvas_min.y) * scale.y));
  }
}

extern const PaneViewOps kFeedView = {"feed", feed_configure, feed_update, feed_in_sync, nullptr, nullptr, feed_free_gl};
