// GL helpers for the explorer: RGBA textures for images, the instanced point renderer that draws
// a latent map's points with shaders/points.*.glsl in one draw call, and the offscreen target a
// map is drawn into (background, decoded manifold, points), shown with ImGui as one image under
// the map's overlays (grid labels, probe, selection). Everything here needs the GL context, so:
// main thread only.
//
//   PointRenderer r;  point_renderer_init(&r, &error);
//   PointCloud c;     point_cloud_init(&c, r, 10000);
//   point_cloud_set_colors(&c, rgba, n);  point_cloud_set_positions(&c, xy, n);
//   map_target_resize(&t, w, h);  map_target_render(&t, r, images, c, scene);  // when it changed
//   draw_target_opaque(ImGui::GetWindowDrawList(), t.texture, min, max);        // every frame
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
// The GL driver (llvmpipe) allocates inside texture and buffer uploads. Uploads made during the
// app's part of a frame open a DriverAllocScope, so the frame statistics count those allocations
// with the driver's (GLFW/Xlib + GL) and the app's own count stays honest (gui_main.cpp).
struct DriverAllocScope {
  uint64_t start;
  DriverAllocScope();
  ~DriverAllocScope();
};

void gpu_image_upload(GpuImage* image, const uint8_t* rgba);  // width*height*4 bytes, top row first

// What the app asks of the GL driver in a frame, counted where it is asked (main thread): the
// frame statistics read and reset it every frame. Software GL's cost follows these, whatever the
// machine's load, so they compare builds where wall-clock times cannot.
struct GlTally {
  uint64_t upload_bytes = 0;     // texture and vertex buffer data handed to the driver
  int offscreen_redraws = 0;     // map targets and panel lists redrawn offscreen
  uint64_t offscreen_pixels = 0; // their targets' pixels (each redraw clears and fills its target)
  uint64_t offscreen_vertices = 0;  // point instances x 4 and the panel lists' vertices
};
GlTally& gl_tally();
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

bool point_renderer_init(PointRenderer* renderer, std::string* error);  // compiles the shaders
void point_renderer_free(PointRenderer* renderer);
void point_cloud_init(PointCloud* cloud, const PointRenderer& renderer, int capacity);  // (re)allocates buffers
void point_cloud_free(PointCloud* cloud);
void point_cloud_set_positions(PointCloud* cloud, const float* xy, int n);    // (2 * n) floats; n <= capacity
void point_cloud_set_colors(PointCloud* cloud, const uint8_t* rgba, int n);   // (4 * n) bytes; n <= capacity

//-----------------------------------------------------------------------------
// [SECTION] Map targets: a latent map rendered offscreen, redrawn only when it changes
//-----------------------------------------------------------------------------
// Software GL (llvmpipe, Xvfb) pays for every pixel and every instance, every frame. A map's
// background, decoded manifold and points are drawn into a texture only when one of them changes
// (new codes a few times a second, a pan or zoom, a new manifold); other frames show the texture.

struct MapTarget {
  GLuint fbo = 0, texture = 0;
  int width = 0, height = 0;  // framebuffer pixels
};

struct ImageRenderer {  // a textured rectangle (shaders/image.*.glsl)
  GLuint program = 0, vao = 0;
  GLint u_rect = -1, u_target_size = -1, u_tint = -1;
};

struct MapScene {
  float background[4] = {0, 0, 0, 1};
  float view_center[2] = {0, 0};  // plane coordinates at the target's centre
  float view_scale = 1;           // target pixels per plane unit
  float radius = 3;               // point radius, target pixels
  float opacity = 1;              // of the points
  struct Layer {                  // an image drawn before the points (hole map, decoded manifold)
    const GpuImage* image = nullptr;
    float rect[4] = {0, 0, 0, 0};  // x0, y0, x1, y1 in target pixels, top-left origin
    float tint[4] = {1, 1, 1, 1};
  };
  Layer layers[2];                // in drawing order
  int layer_count = 0;
  int point_count = -1;           // points drawn: -1 = all of the cloud's
};

void map_target_resize(MapTarget* target, int width, int height);  // no-op when unchanged
void map_target_free(MapTarget* target);
// Draws the scene into the target: clear, the layers, then the points in one instanced draw call.
// Leaves the default framebuffer bound; Dear ImGui's renderer sets up the rest of its state itself.
void map_target_render(MapTarget* target, const PointRenderer& points, const ImageRenderer& images,
                       const PointCloud& cloud, const MapScene& scene);
// Renders a Dear ImGui draw list into the target, cleared to `background` first; the list's
// coordinates are display coordinates with `origin` at the target's top-left corner. For panels
// that change a few times a second but are shown every frame (the loss plots).
void map_target_render_list(MapTarget* target, ImDrawList* list, ImVec2 origin, ImVec2 framebuffer_scale,
                            const float background[4]);
// Shows a target's texture in a Dear ImGui draw list without blending (the drawing is opaque, and
// software GL pays for every blended pixel), clipped like the list's other items. In the same GL
// pass as the rest of the UI: no framebuffer copy and no flush between passes. min and max are
// display coordinates; for a 1:1 copy, max - min is the texture's size over the framebuffer scale.
void draw_target_opaque(ImDrawList* draw, GLuint texture, ImVec2 min, ImVec2 max);

bool image_renderer_init(ImageRenderer* renderer, std::string* error);
void image_renderer_free(ImageRenderer* renderer);
