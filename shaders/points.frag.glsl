#version 330 core
// A round, anti-aliased dot with a slightly darker rim, so that dense clusters keep their
// texture instead of melting into one blob of colour.
in vec2 v_offset;
in vec4 v_color;

uniform float u_radius;   // display pixels
uniform float u_opacity;  // global fade, e.g. over the decoded manifold

out vec4 frag_color;

void main() {
  float d = length(v_offset);
  float coverage = clamp(u_radius + 0.5 - d, 0.0, 1.0);
  if (coverage <= 0.0) discard;
  float rim = smoothstep(u_radius - 1.6, u_radius - 0.4, d);
  vec3 rgb = mix(v_color.rgb, v_color.rgb * 0.35, rim * 0.75);
  frag_color = vec4(rgb, coverage * u_opacity * v_color.a);
}
