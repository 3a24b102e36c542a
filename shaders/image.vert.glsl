#version 330 core
// A textured rectangle with no vertex buffer: the four corners come from gl_VertexID (draw a
// 4-vertex triangle strip). Used to lay the decoded manifold under a latent map's points.
uniform vec4 u_rect;         // x0, y0, x1, y1 in target pixels, top-left origin
uniform vec2 u_target_size;  // target size in pixels

out vec2 v_uv;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));  // (0,0) (1,0) (0,1) (1,1)
  vec2 p = mix(u_rect.xy, u_rect.zw, corner);
  gl_Position = vec4(p.x / u_target_size.x * 2.0 - 1.0, 1.0 - p.y / u_target_size.y * 2.0, 0.0, 1.0);
  v_uv = corner;  // the image's first row is its top
}
