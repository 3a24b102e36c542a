// The probe: a point of the map's plane whose decoding is shown large under the map, decoded
// every frame it moves and whenever the weights change. In twin mode both probes can be linked,
// so that both decoders show the same coordinates.
//
// Index:
//   [SECTION] Moving and decoding
//   [SECTION] Lifecycle
//   [SECTION] Drawing
#include <algorithm>

#include "gui_state.h"

//-----------------------------------------------------------------------------
// [SECTION] Moving and decoding
//-----------------------------------------------------------------------------

void probe_set(AppState& app, int p, float u, float v) {
  for (int q = 0; q < app.pane_count; ++q) {
    if (q != p && !app.view.link_probes) continue;
    ProbeView& probe = app.panes[q].probe;
    probe.uv[0] = u;
    probe.uv[1] = v;
    probe.dirty = true;
  }
}

void probe_decode(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  ProbeView& probe = pane.probe;
  if (p >= static_cast<int>(app.snap->networks.size()) || pane.latent == 0) return;
  const Network& net = app.snap->networks[p];
  if (!pane_matches(app, pane, net)) return;
  plane_lift(pane.plane, probe.uv[0], probe.uv[1], probe.z.data());
  network_decode(net, probe.z, probe.x, probe.ws);
  sample_to_rgba(app, probe.x.data(), probe.rgba.data(), app.tile_w, 0, 0);
  gpu_image_upload(&probe.image, probe.rgba.data());
  probe.dirty = false;
  probe.version = app.snap->version;
}

//-----------------------------------------------------------------------------
// [SECTION] Lifecycle
//-----------------------------------------------------------------------------

static void probe_configure(AppState& app, int p) {
  ModelPane& pane = app.panes[p];
  ProbeView& probe = pane.probe;
  probe.z.setZero(pane.latent, 1);
  probe.x.setZero(pane.features, 1);
  probe.rgba.assign(static_cast<size_t>(app.tile_w) * app.tile_h * 4, 0);
  gpu_image_resize(&probe.image, app.tile_w, app.tile_h, true);
  probe.dirty = true;
}

static void probe_update(AppState& app) {
  for (int p = 0; p < app.pane_count; ++p) {
    const ProbeView& probe = app.panes[p].probe;
    if (app.panes[p].latent > 0 && (probe.dirty || probe.version != app.snap->version)) probe_decode(app, p);
  }
}

static bool probe_in_sync(const AppState& app) {
  for (int p = 0; p < app.pane_count; ++p) {
    const ProbeView& probe = app.panes[p].probe;
    if (probe.dirty || probe.version != app.snap->version) return false;
  }
  return true;
}

static void probe_free_gl(ModelPane& pane) { gpu_image_free(&pane.probe.image); }

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

// The crosshair on the map (the interpolation's marker takes its place while that view is on).
static void probe_draw_map(AppState& app, int p, ImDrawList* draw, const MapFrame& f) {
  if (app.interp.show) return;
  const ProbeView& probe = app.panes[p].probe;
  const ImVec2 c = f.to_screen(probe.uv[0], probe.uv[1]);
  const ImU32 accent = pane_accent(p);
  const float s = app.ui_scale;
  draw->AddCircle(c, 9 * s, IM_COL32(0, 0, 0, 170), 32, 4.5f * s);
  draw->AddCircle(c, 9 * s, accent, 32, 2.5f * s);
  draw->AddLine(ImVec2(c.x - 15 * s, c.y), ImVec2(c.x - 5 * s, c.y), accent, 1.5f * s);
  draw->AddLine(ImVec2(c.x + 5 * s, c.y), ImVec2(c.x + 15 * s, c.y), accent, 1.5f * s);
  draw->AddLine(ImVec2(c.x, c.y - 15 * s), ImVec2(c.x, c.y - 5 * s), accent, 1.5f * s);
  draw->AddLine(ImVec2(c.x, c.y + 5 * s), ImVec2(c.x, c.y + 15 * s), accent, 1.5f * s);
  draw->AddCircleFilled(c, 2 * s, IM_COL32(255, 255, 255, 255), 12);
}

void probe_draw_tile(AppState& app, int p, ImDrawList* draw, ImVec2 img, float side) {
  ProbeView& probe = app.panes[p].probe;
  const ImVec2 end(img.x + side, img.y + side);
  draw->AddRectFilled(img, end, IM_COL32(0, 0, 0, 255));
  draw->AddImage(gpu_image_id(probe.image), img, end);
  probe.rect_min = img;
  probe.rect_max = end;
  draw->AddRect(ImVec2(img.x - 1, img.y - 1), ImVec2(end.x + 1, end.y + 1), pane_accent(p), 0, 0, 1.5f * app.ui_scale);
}

extern const PaneViewOps kProbeView = {"probe", probe_configure, probe_update, probe_in_sync, nullptr, probe_draw_map, probe_free_gl};
