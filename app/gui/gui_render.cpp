// GL helpers: textures and the instanced point renderer. See gui_render.h.
//
// Index:
//   [SECTION] Images
//   [SECTION] Shaders
//   [SECTION] Instanced points
#include "gui_render.h"

#include <algorithm>
#include <cstdio>

#include <backends/imgui_impl_opengl3.h>

#include "shaders_embedded.h"

//-----------------------------------------------------------------------------
// [SECTION] Images
//-----------------------------------------------------------------------------

void gpu_image_resize(GpuImage* image, int width, int height, bool smooth) {
  if (image->texture && image->width == width && image->height == height) return;
  if (!image->texture) glGenTextures(1, &image->texture);
  image->width = width;
  image->height = height;
  glBindTexture(GL_TEXTURE_2D, image->texture);
  GLint filter = smooth ? GL_LINEAR : GL_NEAREST;
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
}

GlTally& gl_tally() {
  static GlTally tally;
  return tally;
}

void gpu_image_upload(GpuImage* image, const uint8_t* rgba) {
  if (!image->texture) return;
  gl_tally().upload_bytes += static_cast<uint64_t>(image->width) * image->height * 4;
  DriverAllocScope driver_allocs;
  glBindTexture(GL_TEXTURE_2D, image->texture);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, image->width, image->height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

void gpu_image_free(GpuImage* image) {
  if (image->texture) glDeleteTextures(1, &image->texture);
  *image = GpuImage{};
}

//-----------------------------------------------------------------------------
// [SECTION] Shaders
//-----------------------------------------------------------------------------

static GLuint compile_shader(GLenum kind, const char* source, const char* name, std::string* error) {
  GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048];
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    *error = std::string("shader ") + name + ": " + log;
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

static GLuint link_program(const char* vertex_source, const char* fragment_source, const char* name,
                           std::string* error) {
  GLuint vs = compile_shader(GL_VERTEX_SHADER, vertex_source, name, error);
  if (!vs) return 0;
  GLuint fs = compile_shader(GL_FRAGMENT_SHADER, fragment_source, name, error);
  if (!fs) {
    glDeleteShader(vs);
    return 0;
  }
  GLuint program = glCreateProgram();
  glAttachShader(program, vs);
  glAttachShader(program, fs);
  glLinkProgram(program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048];
    glGetProgramInfoLog(program, sizeof log, nullptr, log);
    *error = std::string("program ") + name + ": " + log;
    glDeleteProgram(program);
    return 0;
  }
  return program;
}

//-----------------------------------------------------------------------------
// [SECTION] Instanced points
//-----------------------------------------------------------------------------

bool point_renderer_init(PointRenderer* r, std::string* error) {
  r->program = link_program(kShader_points_vert, kShader_points_frag, "points", error);
  if (!r->program) return false;
  r->u_view_center = glGetUniformLocation(r->program, "u_view_center");
  r->u_view_scale = glGetUniformLocation(r->program, "u_view_scale");
  r->u_rect_center = glGetUniformLocation(r->program, "u_rect_center");
  r->u_display_size = glGetUniformLocation(r->program, "u_display_size");
  r->u_radius = glGetUniformLocation(r->program, "u_radius");
  r->u_opacity = glGetUniformLocation(r->program, "u_opacity");
  const float corners[8] = {-1, -1, 1, -1, -1, 1, 1, 1};
  glGenBuffers(1, &r->quad_vbo);
  glBindBuffer(GL_ARRAY_BUFFER, r->quad_vbo);
  glBufferData(GL_ARRAY_BUFFER, sizeof corners, corners, GL_STATIC_DRAW);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  return true;
}

void point_renderer_free(PointRenderer* r) {
  if (r->program) glDeleteProgram(r->program);
  if (r->quad_vbo) glDeleteBuffers(1, &r->quad_vbo);
  *r = PointRenderer{};
}

void point_cloud_init(PointCloud* c, const PointRenderer& r, int capacity) {
  if (c->vao && c->capacity == capacity) return;
  point_cloud_free(c);
  c->capacity = capacity;
  glGenVertexArrays(1, &c->vao);
  glGenBuffers(1, &c->position_vbo);
  glGenBuffers(1, &c->color_vbo);
  glBindVertexArray(c->vao);
  glBindBuffer(GL_ARRAY_BUFFER, r.quad_vbo);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glBindBuffer(GL_ARRAY_BUFFER, c->position_vbo);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(capacity) * 2 * sizeof(float), nullptr, GL_DYNAMIC_DRAW);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glVertexAttribDivisor(1, 1);
  glBindBuffer(GL_ARRAY_BUFFER, c->color_vbo);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(capacity) * 4, nullptr, GL_DYNAMIC_DRAW);
  glEnableVertexAttribArray(2);
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, 0, nullptr);
  glVertexAttribDivisor(2, 1);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void point_cloud_free(PointCloud* c) {
  if (c->vao) glDeleteVertexArrays(1, &c->vao);
  if (c->position_vbo) glDeleteBuffers(1, &c->position_vbo);
  if (c->color_vbo) glDeleteBuffers(1, &c->color_vbo);
  *c = PointCloud{};
}

void point_cloud_set_positions(PointCloud* c, const float* xy, int n) {
  if (n > c->capacity) n = c->capacity;
  DriverAllocScope driver_allocs;
  gl_tally().upload_bytes += static_cast<uint64_t>(n) * 2 * sizeof(float);
  glBindBuffer(GL_ARRAY_BUFFER, c->position_vbo);
  glBufferSubData(GL_ARRAY_BUFFER, 0, static_cast<GLsizeiptr>(n) * 2 * sizeof(float), xy);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  c->count = n;
}

void point_cloud_set_colors(PointCloud* c, const uint8_t* rgba, int n) {
  if (n > c->capacity) n = c->capacity;
  DriverAllocScope driver_allocs;
  gl_tally().upload_bytes += static_cast<uint64_t>(n) * 4;
  glBindBuffer(GL_ARRAY_BUFFER, c->color_vbo);
  glBufferSubData(GL_ARRAY_BUFFER, 0, static_cast<GLsizeiptr>(n) * 4, rgba);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

//-----------------------------------------------------------------------------
// [SECTION] Map targets
//-----------------------------------------------------------------------------

bool image_renderer_init(ImageRenderer* r, std::string* error) {
  r->program = link_program(kShader_image_vert, kShader_image_frag, "image", error);
  if (!r->program) return false;
  r->u_rect = glGetUniformLocation(r->program, "u_rect");
  r->u_target_size = glGetUniformLocation(r->program, "u_target_size");
  r->u_tint = glGetUniformLocation(r->program, "u_tint");
  glGenVertexArrays(1, &r->vao);  // core profile needs a VAO bound even with no attributes
  return true;
}

void image_renderer_free(ImageRenderer* r) {
  if (r->program) glDeleteProgram(r->program);
  if (r->vao) glDeleteVertexArrays(1, &r->vao);
  *r = ImageRenderer{};
}

void map_target_resize(MapTarget* t, int width, int height) {
  width = width < 1 ? 1 : width;
  height = height < 1 ? 1 : height;
  if (t->fbo && t->width == width && t->height == height) return;
  if (!t->fbo) {
    glGenFramebuffers(1, &t->fbo);
    glGenTextures(1, &t->texture);
  }
  t->width = width;
  t->height = height;
  glBindTexture(GL_TEXTURE_2D, t->texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);  // shown 1:1
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t->texture, 0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

void map_target_free(MapTarget* t) {
  if (t->fbo) glDeleteFramebuffers(1, &t->fbo);
  if (t->texture) glDeleteTextures(1, &t->texture);
  *t = MapTarget{};
}

void map_target_render(MapTarget* t, const PointRenderer& points, const ImageRenderer& images,
                       const PointCloud& cloud, const MapScene& scene) {
  GlTally& tally = gl_tally();
  ++tally.offscreen_redraws;
  tally.offscreen_pixels += static_cast<uint64_t>(t->width) * t->height;
  glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
  glViewport(0, 0, t->width, t->height);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glClearColor(scene.background[0], scene.background[1], scene.background[2], scene.background[3]);
  glClear(GL_COLOR_BUFFER_BIT);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  for (int k = 0; k < scene.layer_count; ++k) {
    const MapScene::Layer& layer = scene.layers[k];
    if (!layer.image || !layer.image->texture) continue;
    glUseProgram(images.program);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, layer.image->texture);
    glUniform4f(images.u_rect, layer.rect[0], layer.rect[1], layer.rect[2], layer.rect[3]);
    glUniform2f(images.u_target_size, static_cast<float>(t->width), static_cast<float>(t->height));
    glUniform4f(images.u_tint, layer.tint[0], layer.tint[1], layer.tint[2], layer.tint[3]);
    glBindVertexArray(images.vao);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  }
  const int point_count = scene.point_count >= 0 ? std::min(scene.point_count, cloud.count) : cloud.count;
  if (point_count > 0) {
    glUseProgram(points.program);
    glUniform2f(points.u_view_center, scene.view_center[0], scene.view_center[1]);
    glUniform1f(points.u_view_scale, scene.view_scale);
    glUniform2f(points.u_rect_center, 0.5f * t->width, 0.5f * t->height);
    glUniform2f(points.u_display_size, static_cast<float>(t->width), static_cast<float>(t->height));
    glUniform1f(points.u_radius, scene.radius);
    glUniform1f(points.u_opacity, scene.opacity);
    glBindVertexArray(cloud.vao);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, point_count);
    tally.offscreen_vertices += static_cast<uint64_t>(point_count) * 4;
  }
  glBindVertexArray(0);
  glUseProgram(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

void map_target_render_list(MapTarget* t, ImDrawList* list, ImVec2 origin, ImVec2 framebuffer_scale,
                            const float background[4]) {
  if (!t->fbo) return;
  GlTally& tally = gl_tally();
  ++tally.offscreen_redraws;
  tally.offscreen_pixels += static_cast<uint64_t>(t->width) * t->height;
  tally.offscreen_vertices += static_cast<uint64_t>(list->VtxBuffer.Size);
  glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
  glDisable(GL_SCISSOR_TEST);
  glViewport(0, 0, t->width, t->height);
  glClearColor(background[0], background[1], background[2], background[3]);
  glClear(GL_COLOR_BUFFER_BIT);
  ImDrawList* lists[1] = {list};
  ImDrawData data;
  data.Valid = true;
  data.CmdLists = lists;
  data.CmdListsCount = 1;
  data.TotalVtxCount = list->VtxBuffer.Size;
  data.TotalIdxCount = list->IdxBuffer.Size;
  data.DisplayPos = origin;
  data.DisplaySize = ImVec2(t->width / framebuffer_scale.x, t->height / framebuffer_scale.y);
  data.FramebufferScale = framebuffer_scale;
  ImGui_ImplOpenGL3_RenderDrawData(&data);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

static void blend_off(const ImDrawList*, const ImDrawCmd*) { glDisable(GL_BLEND); }

void draw_target_opaque(ImDrawList* draw, GLuint texture, ImVec2 min, ImVec2 max) {
  if (!texture) return;
  draw->AddCallback(blend_off, nullptr);
  // An FBO's first row is its bottom: flip v.
  draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture)), min, max, ImVec2(0, 1), ImVec2(1, 0));
  draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}
