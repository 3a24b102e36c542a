// GL helpers: textures and the instanced point renderer. See gui_render.h.
//
// Index:
//   [SECTION] Images
//   [SECTION] Shaders
//   [SECTION] Instanced points
#include "gui_render.h"

#include <cstdio>

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

void gpu_image_upload(GpuImage* image, const uint8_t* rgba) {
  if (!image->texture) return;
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
  glBindBuffer(GL_ARRAY_BUFFER, c->position_vbo);
  glBufferSubData(GL_ARRAY_BUFFER, 0, static_cast<GLsizeiptr>(n) * 2 * sizeof(float), xy);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  c->count = n;
}

void point_cloud_set_colors(PointCloud* c, const uint8_t* rgba, int n) {
  if (n > c->capacity) n = c->capacity;
  glBindBuffer(GL_ARRAY_BUFFER, c->color_vbo);
  glBufferSubData(GL_ARRAY_BUFFER, 0, static_cast<GLsizeiptr>(n) * 4, rgba);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void point_draw_callback(const ImDrawList*, const ImDrawCmd* cmd) {
  const PointDrawCall* call = static_cast<const PointDrawCall*>(cmd->UserCallbackData);
  if (!call || !call->cloud || call->cloud->count == 0) return;
  const PointRenderer& r = *call->renderer;
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 fb_scale = io.DisplayFramebufferScale;
  const float fb_height = io.DisplaySize.y * fb_scale.y;
  // The clip rectangle is in display pixels, top-left origin; GL wants framebuffer pixels, bottom-left.
  const ImVec4 clip = cmd->ClipRect;
  glEnable(GL_SCISSOR_TEST);
  glScissor(static_cast<GLint>(clip.x * fb_scale.x), static_cast<GLint>(fb_height - clip.w * fb_scale.y),
            static_cast<GLsizei>((clip.z - clip.x) * fb_scale.x), static_cast<GLsizei>((clip.w - clip.y) * fb_scale.y));
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glUseProgram(r.program);
  glUniform2f(r.u_view_center, call->view_center[0], call->view_center[1]);
  glUniform1f(r.u_view_scale, call->view_scale);
  glUniform2f(r.u_rect_center, call->rect_center[0], call->rect_center[1]);
  glUniform2f(r.u_display_size, io.DisplaySize.x, io.DisplaySize.y);
  glUniform1f(r.u_radius, call->radius);
  glUniform1f(r.u_opacity, call->opacity);
  glBindVertexArray(call->cloud->vao);
  glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, call->cloud->count);
  glBindVertexArray(0);
}
