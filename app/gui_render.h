// GL helpers for the explorer: RGBA textures for images, and the instanced point renderer that
// draws a latent map's points with shaders/points.*.glsl in one draw call. The points are drawn
// from inside Dear ImGui's render pass (an ImDrawCallback), so they sit exactly between the map's
// background (grid, decoded manifold) and its overlays (probe, selection), clipped to the map.
// Everything here needs the GL context, so: main thread only.
//
//   PointRenderer r;  point_renderer_init(&r, &error);
//   PointCloud c;     point_cloud_init(&c, 10000);
//   point_cloud_set_colors(&c, rgba, n);  point_cloud_set_positions(&c, xy, n);
//   draw->AddCallback(point_draw_callback, &call);  draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
#pragma once
#include <cstdint>
#include <string>

#include <glad/gl.h>
#include <imgui.h>

//-----------------------------------------------------------------------------
// [SECTION] Images
//-----------------------------------------------------------------------------

// An RGBA8 texture of a fixed size; re-created only when the size changes.
struct GpuImage {
  GLuint texture = 0;
  int width = 0, height = 0;
};

void gpu_image_resize(GpuImage* image, int width, int height, bool smooth);  // no-op when unchanged
void gpu_image_upload(GpuImage* image, const uint8_t* rgba);  // width*height*4 bytes, top row first
void gpu_image_free(GpuImage* image);
inline ImTextureID gpu_image_id(const GpuImage& image) {
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(image.texture));
}

//-----------------------------------------------------------------------------
// [SECTION] Instanced points
//-----------------------------------------------------------------------------

struct PointRenderer {
  GLuint program = 0;
  GLuint quad_vbo = 0;  // 4 corners of a triangle strip, shared by every cloud
  GLint u_view_center = -1, u_view_scale = -1, u_rect_center = -1, u_display_size = -1;
  GLint u_radius = -1, u_opacity = -1;
};

// One set of points on the GPU: per-instance position (2 floats) and colour (RGBA8).
struct PointCloud {
  GLuint vao = 0, position_vbo = 0, color_vbo = 0;
  int capacity = 0;  // instances the buffers hold
  int count = 0;     // instances drawn
};

// What one map's draw callback needs; lives in the app state so the pointer stays valid until
// ImGui renders the frame.
struct PointDrawCall {
  const PointRenderer* renderer = nullptr;
  const PointCloud* cloud = nullptr;
  float view_center[2] = {0, 0};  // plane coordinates at the map's centre
  float view_scale = 1;           // display pixels per plane unit
  float rect_center[2] = {0, 0};  // display pixels
  float radius = 3;               // display pixels
  float opacity = 1;
};

bool point_renderer_init(PointRenderer* renderer, std::string* error);  // compiles the shaders
void point_renderer_free(PointRenderer* renderer);
void point_cloud_init(PointCloud* cloud, const PointRenderer& renderer, int capacity);  // (re)allocates buffers
void point_cloud_free(PointCloud* cloud);
void point_cloud_set_positions(PointCloud* cloud, const float* xy, int n);    // (2 * n) floats; n <= capacity
void point_cloud_set_colors(PointCloud* cloud, const uint8_t* rgba, int n);   // (4 * n) bytes; n <= capacity
// An ImDrawCallback: draws the cloud of cmd->UserCallbackData (a PointDrawCall*), clipped to the
// command's clip rectangle. Follow it with ImDrawCallback_ResetRenderState.
void point_draw_callback(const ImDrawList* list, const ImDrawCmd* cmd);
