#version 330 core
// The latent map's points: one instance per encoded sample, drawn as a screen-aligned quad
// around its position on the map's plane. Positions are in plane units; the view uniforms
// turn them into ImGui display pixels, then into clip space for the whole framebuffer.
layout(location = 0) in vec2 a_corner;    // quad corner, in [-1, 1]^2 (per vertex)
layout(location = 1) in vec2 a_position;  // plane coordinates (per instance)
layout(location = 2) in vec4 a_color;     // label colour, RGBA8 normalised (per instance)

uniform vec2 u_view_center;   // plane coordinates at the map's centre
uniform float u_view_scale;   // display pixels per plane unit
uniform vec2 u_rect_center;   // the map's centre, in display pixels
uniform vec2 u_display_size;  // ImGui display size, in display pixels
uniform float u_radius;       // point radius, in display pixels

out vec2 v_offset;  // from the point's centre, in display pixels
out vec4 v_color;

void main() {
  vec2 centre = u_rect_center + vec2(1.0, -1.0) * (a_position - u_view_center) * u_view_scale;
  v_offset = a_corner * (u_radius + 1.0);  // one extra pixel for the anti-aliased edge
  vec2 p = centre + v_offset;
  gl_Position = vec4(p.x / u_display_size.x * 2.0 - 1.0, 1.0 - p.y / u_display_size.y * 2.0, 0.0, 1.0);
  v_color = a_color;
}
