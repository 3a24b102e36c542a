// The row under each map: the probe's decoding, samples decoded from z ~ N(0, I) (the same
// codes for every model), and held-out originals beside their reconstructions. Samples and
// reconstructions are one view (one decode and one encode-decode, a few times a second).
//
// Index:
//   [SECTION] Lifecycle
//   [SECTION] Drawing the row
#include <algorithm>
#include <cmath>

#include "gui_state.h"
#include "measure/reduction.h"

namespace {
constexpr double kStripsSeconds = 0.3;  // refresh while training
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

void gallery_resample(AppState& app, int latent) {
  Rng rng(app.gallery_seed);
  app.gallery_eps.resize(latent, kGalleryCols * kGalleryRows);
  for (Eigen::Index j = 0; j < app.gallery_eps.cols(); ++j)
    for (int i = 0; i < latent; ++i) app.gallery_eps(i, j) = rng.normal();
}

static void strips_configure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  StripsView& s = pane.strips;
  const int latent = pane.latent, features = pane.features;
  const size_t tile_bytes = static_cast<size_t>(app.tile_w) * app.tile_h * 4;
  if (app.gallery_eps.rows() != latent) gallery_resample(app, latent);
  s.gallery_x.setZero(features, kGalleryCols * kGalleryRows);
  s.gallery_rgba.assign(tile_bytes * kGalleryCols * kGalleryRows, 0);
  gpu_image_resize(&s.gallery_image, kGalleryCols * app.tile_w, kGalleryRows * app.tile_h, true);
  s.recon_in.setZero(features, kReconCount);
  if (app.data->features() == features) app.data->gather(app.recon_indices.data(), kReconCount, s.recon_in);
  s.recon_code.setZero(latent, kReconCount);
  s.recon_out.setZero(features, kReconCount);
  s.recon_rgba.assign(tile_bytes * kReconCount * 2, 0);
  gpu_image_resize(&s.recon_image, kReconCount * app.tile_w, 2 * app.tile_h, true);
  s.version = 0;
}

static void strips_compute(AppState& app, int p, const Network& net) {
  ModelPane& pane = app.panes[p];
  StripsView& s = pane.strips;
  if (app.gallery_eps.rows() != pane.latent) gallery_resample(app, pane.latent);  // the other pane's size
  network_decode(net, app.gallery_eps, s.gallery_x, s.ws);
  const int gallery_w = kGalleryCols * app.tile_w;
  for (int k = 0; k < kGalleryCols * kGalleryRows; ++k)
    sample_to_rgba(app, s.gallery_x.col(k).data(), s.gallery_rgba.data(), gallery_w, (k % kGalleryCols) * app.tile_w,
                   (k / kGalleryCols) * app.tile_h);
  gpu_image_upload(&s.gallery_image, s.gallery_rgba.data());

  network_encode(net, s.recon_in, s.recon_code, s.ws);
  network_decode(net, s.recon_code, s.recon_out, s.ws);
  const int recon_w = kReconCount * app.tile_w;
  for (int k = 0; k < kReconCount; ++k) {
    dataset_sample_rgba(app, app.recon_indices[k], s.recon_rgba.data(), recon_w, k * app.tile_w, 0);
    sample_to_rgba(app, s.recon_out.col(k).data(), s.recon_rgba.data(), recon_w, k * app.tile_w, app.tile_h);
  }
  gpu_image_upload(&s.recon_image, s.recon_rgba.data());
  s.recon_psnr = psnr_from_mse(double((s.recon_out - s.recon_in).squaredNorm()) / double(s.recon_in.size()));
  s.version = app.snap->version;
  s.time = app.now;
}

static void strips_update(AppState& app) {
  if (!app.view.show_gallery && !app.view.show_recon) return;
  for (int p = 0; p < app.pane_count; ++p) {
    ModelPane& pane = app.panes[p];
    StripsView& s = pane.strips;
    if (pane.latent == 0 || s.version == app.snap->version) continue;
    if (s.version != 0 && app.now - s.time < kStripsSeconds) continue;
    const Network& net = app.snap->networks[p];
    if (pane_matches(app, pane, net)) strips_compute(app, p, net);
  }
}

static bool strips_in_sync(const AppState& app) {
  if (!app.view.show_gallery && !app.view.show_recon) return true;
  for (int p = 0; p < app.pane_count; ++p)
    if (app.panes[p].strips.version != app.snap->version) return false;
  return true;
}

static void strips_free_gl(ModelPane& pane) {
  gpu_image_free(&pane.strips.gallery_image);
  gpu_image_free(&pane.strips.recon_image);
}

void strips_write_state(const AppState& app, FILE* f) {
  for (int p = 0; p < app.pane_count; ++p) {
    const ModelPane& pane = app.panes[p];
    if (pane.latent == 0) continue;
    std::fprintf(f, "pane%d.compression_ratio=%.2f\n", p, compression_ratio(pane.features, pane.latent));
    std::fprintf(f, "pane%d.recon_psnr=%.2f\n", p, pane.strips.recon_psnr);
  }
}

extern const PaneViewOps kStripsView = {"strips", strips_configure, strips_update, strips_in_sync, nullptr, nullptr,
                                 strips_free_gl};

//-----------------------------------------------------------------------------
// [SECTION] Drawing the row
//-----------------------------------------------------------------------------

// A tile of `image` (uv rectangle) at pos, size side x side.
static void draw_tile(ImDrawList* draw, const GpuImage& image, ImVec2 pos, float side, ImVec2 uv0, ImVec2 uv1) {
  draw->AddImage(gpu_image_id(image), pos, ImVec2(pos.x + side, pos.y + side), uv0, uv1);
}

// A column's caption: the long form where it fits the column's width, else the short one, else
// none; reported to the layout recorder with the column's tiles.
static void strip_caption(AppState& app, ImDrawList* draw, ImVec2 pos, float width, const char* long_text,
                          const char* short_text, const char* name) {
  const char* text = ImGui::CalcTextSize(long_text).x <= width ? long_text : short_text;
  if (ImGui::CalcTextSize(text).x > width) return;  // tiles this small speak for themselves (the toolbar names them)
  draw->AddText(pos, app.theme->caption, text);
  const ImVec2 size = ImGui::CalcTextSize(text);
  layout_rect(&app.layout, name, pos, ImVec2(pos.x + size.x, pos.y + size.y));
}

void ui_pane_strips(AppState& app, int p, float height) {
  ModelPane& pane = app.panes[p];
  const StripsView& strips = pane.strips;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float s = app.ui_scale;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float caption_h = ImGui::GetTextLineHeight() + 4 * s;
  const float body = height - caption_h;
  const float gap = 18 * s;
  // Probe: a square as tall as the strip. Samples: 5 x 4. Reconstructions: 5 rows of 2 pairs.
  float probe_side = body;
  float cell = std::floor(body / kReconRows);
  const float gaps = (app.view.show_gallery ? gap : 0) + (app.view.show_recon ? 6 * s + gap : 0);  // these stay
  const float needed = probe_side + (app.view.show_gallery ? kGalleryCols * cell : 0) + (app.view.show_recon ? 4 * cell : 0);
  if (needed + gaps > width) {  // narrow window: shrink the tiles together
    const float k = std::max(0.0f, width - gaps) / needed;
    probe_side = std::floor(probe_side * k);
    cell = std::floor(cell * k);
  }
  char text[96];
  float x = origin.x;
  if (pane.latent > 0) {
    std::snprintf(text, sizeof text, "Probe (%.2f, %.2f)", pane.probe.uv[0], pane.probe.uv[1]);
    strip_caption(app, draw, ImVec2(x, origin.y), probe_side + gap * 0.5f, text, "Probe", "probe caption");
    probe_draw_tile(app, p, draw, ImVec2(x, origin.y + caption_h), probe_side);
    layout_rect(&app.layout, "probe tile", ImVec2(x, origin.y + caption_h), ImVec2(x + probe_side, origin.y + caption_h + probe_side));
    x += probe_side + gap;

    if (app.view.show_gallery) {
      strip_caption(app, draw, ImVec2(x, origin.y), kGalleryCols * cell + gap * 0.5f, "Samples, z ~ N(0, I)", "Samples",
                    "samples caption");
      layout_rect(&app.layout, "samples", ImVec2(x, origin.y + caption_h),
                  ImVec2(x + kGalleryCols * cell, origin.y + caption_h + kGalleryRows * cell));
      const float tw = 1.0f / kGalleryCols, th = 1.0f / kGalleryRows;
      for (int r = 0; r < kGalleryRows; ++r)
        for (int c = 0; c < kGalleryCols; ++c)
          draw_tile(draw, strips.gallery_image, ImVec2(x + c * cell, origin.y + caption_h + r * cell), cell,
                    ImVec2(c * tw, r * th), ImVec2((c + 1) * tw, (r + 1) * th));
      x += kGalleryCols * cell + gap;
    }
    if (app.view.show_recon) {
      // What compression sends: the code instead of the sample (core/measure/reduction.h), and the
      // quality of these reconstructions; shorter forms where the column is narrow.
      const double ratio = compression_ratio(pane.features, pane.latent);
      char line[160], short_line[64], tiny_line[32];
      std::snprintf(line, sizeof line, "%d %s \xe2\x86\x92 %d number%s: %.3g\xc3\x97 smaller (as float32), PSNR %.1f dB",
                    pane.features, app.data->is_image && app.data->channels == 1 ? "pixels" : "values", pane.latent,
                    pane.latent == 1 ? "" : "s", ratio, strips.recon_psnr);
      std::snprintf(short_line, sizeof short_line, "%.3g\xc3\x97 smaller, PSNR %.1f dB", ratio, strips.recon_psnr);
      std::snprintf(tiny_line, sizeof tiny_line, "%.3g\xc3\x97, %.1f dB", ratio, strips.recon_psnr);
      const float column = origin.x + width - x;
      const char* fits = ImGui::CalcTextSize(line).x <= column ? line
                         : ImGui::CalcTextSize(short_line).x <= column ? short_line : tiny_line;
      strip_caption(app, draw, ImVec2(x, origin.y), column, fits, "Recon.", "reconstructions caption");
      if (ImGui::IsMouseHoveringRect(ImVec2(x, origin.y), ImVec2(x + 4 * cell + 6 * s, origin.y + caption_h + kReconRows * cell)))
        ImGui::SetTooltip("Held-out samples beside their reconstructions. Compression sends the code and\n"
                          "decodes it on the other side:\n%s\n(sample as 8-bit values; PSNR of these %d pairs)",
                          line, kReconCount);
      layout_rect(&app.layout, "reconstructions", ImVec2(x, origin.y + caption_h),
                  ImVec2(x + 4 * cell + 6 * s, origin.y + caption_h + kReconRows * cell));
      const float tw = 1.0f / kReconCount;
      for (int k = 0; k < kReconCount; ++k) {
        const int r = k % kReconRows, pair = k / kReconRows;
        const float px = x + pair * (2 * cell + 6 * s), py = origin.y + caption_h + r * cell;
        draw_tile(draw, strips.recon_image, ImVec2(px, py), cell, ImVec2(k * tw, 0), ImVec2((k + 1) * tw, 0.5f));
        draw_tile(draw, strips.recon_image, ImVec2(px + cell, py), cell, ImVec2(k * tw, 0.5f), ImVec2((k + 1) * tw, 1));
      }
    }
  }
  ImGui::Dummy(ImVec2(width, height));
}
