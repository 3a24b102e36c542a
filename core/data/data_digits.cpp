// The built-in "digits" dataset: handwriting-like 0-9 drawn from stroke templates. See
// data_generated.h. Sections: templates, one digit (deform, normalise, centre, draw), the set.
#include <cmath>
#include <string>
#include <vector>

#include "data/data_generated.h"
#include "data/data_raster.h"
#include "nn/rng.h"

namespace {

//---- templates ------------------------------------------------------------------------------
// A template is a few pen strokes in a box x in [0, 0.7], y in [0, 1] (y down), each a list of
// points the pen passes through (smoothed by a Catmull-Rom spline). A sharp corner is where one
// stroke ends and the next begins.
struct Stroke {
  std::vector<Pt> points;
  bool closed = false;
};
using DigitTemplate = std::vector<Stroke>;

// Points along an oval centred at (cx, cy), from `start` turns past the top, counter-clockwise
// (as most people draw a 0), over `turns` turns.
std::vector<Pt> oval(float cx, float cy, float rx, float ry, float start, float turns) {
  std::vector<Pt> points;
  const int n = turns >= 1.0f ? static_cast<int>(14 * turns) : 14;
  for (int k = 0; k < n; ++k) {
    const float a = 6.2831853f * (start + turns * k / (turns == 1.0f ? n : n - 1));
    points.push_back({cx - rx * std::sin(a), cy - ry * std::cos(a)});
  }
  return points;
}

const std::vector<std::vector<DigitTemplate>>& digit_templates() {
  static const std::vector<std::vector<DigitTemplate>> templates = {
      // 0: ovals, one closed and one whose pen overshoots its start
      {{{oval(0.38f, 0.5f, 0.38f, 0.5f, 0.0f, 1.0f), true}},
       {{oval(0.36f, 0.5f, 0.34f, 0.5f, -0.1f, 1.12f), false}},
       {{oval(0.3f, 0.5f, 0.27f, 0.5f, 0.05f, 1.0f), true}}},
      // 1
      {{{{{0.36f, 0.0f}, {0.35f, 0.5f}, {0.33f, 1.0f}}, false}},
       {{{{0.36f, 0.0f}, {0.35f, 0.5f}, {0.34f, 1.0f}}, false}},
       {{{{0.16f, 0.22f}, {0.38f, 0.0f}}, false}, {{{0.38f, 0.0f}, {0.37f, 0.5f}, {0.36f, 1.0f}}, false}}},
      // 2
      {{{{{0.04f, 0.22f}, {0.2f, 0.04f}, {0.42f, 0.0f}, {0.6f, 0.12f}, {0.6f, 0.35f}, {0.42f, 0.58f},
           {0.2f, 0.8f}, {0.02f, 1.0f}}, false},
        {{{0.02f, 1.0f}, {0.35f, 0.97f}, {0.7f, 0.98f}}, false}},
       {{{{0.04f, 0.22f}, {0.2f, 0.04f}, {0.42f, 0.0f}, {0.6f, 0.12f}, {0.6f, 0.35f}, {0.42f, 0.6f},
           {0.18f, 0.84f}, {0.06f, 0.97f}, {0.16f, 0.86f}, {0.32f, 0.92f}, {0.5f, 1.0f}, {0.7f, 0.97f}}, false}}},
      // 3
      {{{{{0.05f, 0.12f}, {0.3f, 0.0f}, {0.55f, 0.08f}, {0.55f, 0.3f}, {0.28f, 0.47f}}, false},
        {{{0.28f, 0.47f}, {0.55f, 0.58f}, {0.62f, 0.8f}, {0.42f, 0.98f}, {0.15f, 0.98f}, {0.0f, 0.85f}}, false}},
       {{{{0.05f, 0.12f}, {0.3f, 0.0f}, {0.55f, 0.08f}, {0.55f, 0.3f}, {0.3f, 0.46f}, {0.55f, 0.58f},
           {0.62f, 0.8f}, {0.42f, 0.98f}, {0.15f, 0.98f}, {0.0f, 0.85f}}, false}}},
      // 4
      {{{{{0.48f, 0.0f}, {0.0f, 0.68f}}, false}, {{{0.0f, 0.68f}, {0.7f, 0.66f}}, false},
        {{{0.48f, 0.0f}, {0.49f, 0.5f}, {0.5f, 1.0f}}, false}},
       {{{{0.08f, 0.0f}, {0.04f, 0.35f}, {0.05f, 0.6f}}, false},
        {{{0.05f, 0.6f}, {0.35f, 0.6f}, {0.68f, 0.57f}}, false},
        {{{0.55f, 0.0f}, {0.54f, 0.5f}, {0.52f, 1.0f}}, false}}},
      // 5
      {{{{{0.65f, 0.0f}, {0.12f, 0.02f}}, false}, {{{0.12f, 0.02f}, {0.08f, 0.45f}}, false},
        {{{0.08f, 0.45f}, {0.35f, 0.38f}, {0.6f, 0.5f}, {0.65f, 0.75f}, {0.45f, 0.97f}, {0.2f, 1.0f},
          {0.02f, 0.88f}}, false}},
       {{{{0.15f, 0.0f}, {0.1f, 0.45f}}, false},
        {{{0.1f, 0.45f}, {0.35f, 0.38f}, {0.6f, 0.5f}, {0.65f, 0.75f}, {0.45f, 0.97f}, {0.2f, 1.0f},
          {0.02f, 0.88f}}, false},
        {{{0.15f, 0.0f}, {0.4f, 0.0f}, {0.68f, -0.02f}}, false}}},
      // 6
      {{{{{0.55f, 0.0f}, {0.3f, 0.18f}, {0.1f, 0.5f}, {0.08f, 0.8f}, {0.28f, 1.0f}, {0.52f, 0.95f},
           {0.6f, 0.72f}, {0.45f, 0.55f}, {0.22f, 0.58f}, {0.1f, 0.72f}}, false}},
       {{{{0.5f, 0.0f}, {0.2f, 0.35f}, {0.05f, 0.75f}, {0.25f, 1.0f}, {0.5f, 0.92f}, {0.55f, 0.7f},
           {0.35f, 0.58f}, {0.12f, 0.7f}}, false}}},
      // 7
      {{{{{0.02f, 0.05f}, {0.35f, 0.02f}, {0.68f, 0.02f}}, false},
        {{{0.68f, 0.02f}, {0.45f, 0.45f}, {0.28f, 1.0f}}, false}},
       {{{{0.02f, 0.15f}, {0.05f, 0.02f}, {0.35f, 0.03f}, {0.68f, 0.0f}}, false},
        {{{0.68f, 0.0f}, {0.5f, 0.4f}, {0.35f, 1.0f}}, false}},
       {{{{0.02f, 0.05f}, {0.35f, 0.02f}, {0.68f, 0.02f}}, false},
        {{{0.68f, 0.02f}, {0.45f, 0.45f}, {0.28f, 1.0f}}, false},
        {{{0.28f, 0.5f}, {0.65f, 0.48f}}, false}}},
      // 8
      {{{{{0.55f, 0.1f}, {0.35f, 0.0f}, {0.12f, 0.08f}, {0.12f, 0.28f}, {0.35f, 0.47f}, {0.6f, 0.65f},
           {0.62f, 0.88f}, {0.38f, 1.0f}, {0.12f, 0.9f}, {0.1f, 0.7f}, {0.35f, 0.47f}, {0.55f, 0.3f}}, true}},
       {{{{0.33f, 0.02f}, {0.52f, 0.22f}, {0.33f, 0.45f}, {0.14f, 0.22f}}, true},
        {{{0.34f, 0.45f}, {0.62f, 0.7f}, {0.35f, 1.0f}, {0.08f, 0.72f}}, true}}},
      // 9
      {{{{{0.6f, 0.15f}, {0.38f, 0.0f}, {0.12f, 0.08f}, {0.08f, 0.3f}, {0.3f, 0.45f}, {0.55f, 0.35f},
           {0.62f, 0.15f}, {0.6f, 0.55f}, {0.55f, 1.0f}}, false}},
       {{{{0.58f, 0.12f}, {0.35f, 0.0f}, {0.1f, 0.12f}, {0.12f, 0.38f}, {0.38f, 0.45f}, {0.58f, 0.3f}}, true},
        {{{0.6f, 0.1f}, {0.58f, 0.5f}, {0.45f, 1.0f}}, false}}},
  };
  return templates;
}

//---- one digit ------------------------------------------------------------------------------
constexpr int kSide = 28;       // MNIST geometry: 28x28 with the ink normalised into a 20x20 box
constexpr float kInkBox = 20.0f;

void draw_digit(Canvas& canvas, int digit, Rng& rng) {
  const std::vector<DigitTemplate>& variants = digit_templates()[digit];
  const DigitTemplate& tmpl = variants[rng.below(static_cast<int>(variants.size()))];

  // A smooth displacement field (a sum of two plane waves per axis) wobbles the template the
  // way a hand does; being smooth and shared by all strokes, it keeps joined strokes joined.
  const float kTwoPi = 6.2831853f;
  float wave[2][2][4];  // [axis][wave] = {amplitude, kx, ky, phase}
  for (auto& axis : wave)
    for (auto& w : axis) {
      w[0] = 0.025f * rng.normal();
      w[1] = kTwoPi * (0.3f + 0.8f * rng.uniform());
      w[2] = kTwoPi * (0.3f + 0.8f * rng.uniform());
      w[3] = kTwoPi * rng.uniform();
    }
  const float aspect = 0.8f + 0.45f * rng.uniform();
  const float slant = -0.25f + 0.7f * rng.uniform();  // mostly leaning right, as most writers do
  const float angle = 0.2f * (rng.uniform() * 2 - 1);
  const float cos_a = std::cos(angle), sin_a = std::sin(angle);

  std::vector<std::vector<Pt>> paths;
  for (const Stroke& stroke : tmpl) {
    std::vector<Pt> control = stroke.points;
    for (Pt& p : control) {
      Pt d;
      d.x = wave[0][0][0] * std::sin(wave[0][0][1] * p.x + wave[0][0][2] * p.y + wave[0][0][3]) +
            wave[0][1][0] * std::sin(wave[0][1][1] * p.x + wave[0][1][2] * p.y + wave[0][1][3]);
      d.y = wave[1][0][0] * std::sin(wave[1][0][1] * p.x + wave[1][0][2] * p.y + wave[1][0][3]) +
            wave[1][1][0] * std::sin(wave[1][1][1] * p.x + wave[1][1][2] * p.y + wave[1][1][3]);
      // Centre on the template box, then aspect, slant (shear about the middle line), rotation.
      float x = (p.x + d.x - 0.35f) * aspect, y = p.y + d.y - 0.5f;
      x -= slant * y;
      p.x = cos_a * x - sin_a * y;
      p.y = sin_a * x + cos_a * y;
    }
    paths.push_back(catmull_rom(control, 8, stroke.closed));
  }

  // Size normalisation as MNIST did it: the larger side of the ink fills the 20-pixel box
  // (a little less, at random), the aspect ratio is kept.
  float xmin = 1e9f, xmax = -1e9f, ymin = 1e9f, ymax = -1e9f;
  for (const auto& path : paths)
    for (const Pt& p : path) {
      xmin = std::min(xmin, p.x), xmax = std::max(xmax, p.x);
      ymin = std::min(ymin, p.y), ymax = std::max(ymax, p.y);
    }
  const float half_width = 1.0f + 0.9f * rng.uniform();  // pen: 2 to 3.8 pixels wide
  const float box = kInkBox * (0.86f + 0.14f * rng.uniform());
  const float scale = (box - 2 * half_width) / std::max(1e-3f, std::max(xmax - xmin, ymax - ymin));

  // Centre by centre of mass (of the pen's path, weighted by length), as MNIST did, plus a small
  // random shift; then keep the ink inside the image.
  double mass = 0, mx = 0, my = 0;
  for (const auto& path : paths)
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      const double len = std::hypot(path[i + 1].x - path[i].x, path[i + 1].y - path[i].y);
      mass += len;
      mx += len * 0.5 * (path[i].x + path[i + 1].x);
      my += len * 0.5 * (path[i].y + path[i + 1].y);
    }
  if (mass > 0) mx /= mass, my /= mass;
  float shift_x = kSide / 2.0f + 0.45f * rng.normal() - scale * static_cast<float>(mx);
  float shift_y = kSide / 2.0f + 0.45f * rng.normal() - scale * static_cast<float>(my);
  const float margin = half_width + 0.5f;
  shift_x = std::min(kSide - margin - scale * xmax, std::max(margin - scale * xmin, shift_x));
  shift_y = std::min(kSide - margin - scale * ymax, std::max(margin - scale * ymin, shift_y));

  // Pen pressure varies slowly along each stroke.
  std::vector<PenPt> pen;
  for (const auto& path : paths) {
    const float freq = kTwoPi * (0.5f + rng.uniform()), phase = kTwoPi * rng.uniform();
    pen.clear();
    for (size_t i = 0; i < path.size(); ++i) {
      const float t = static_cast<float>(i) / static_cast<float>(path.size());
      PenPt q;
      q.x = scale * path[i].x + shift_x;
      q.y = scale * path[i].y + shift_y;
      q.half_width = half_width * (1.0f + 0.15f * std::sin(freq * t + phase));
      pen.push_back(q);
    }
    raster_stroke_max(canvas, pen, 1.6f);
  }
}

}  // namespace

//---- the dataset ----------------------------------------------------------------------------
uint64_t generated_sample_seed(uint64_t seed, int index) {
  Rng mix(seed ^ (0xD1B54A32D192ED03ull * (static_cast<uint64_t>(index) + 1)));
  return mix.next_u64();
}

Dataset generated_dataset_init(const char* name, int channels, int count, int train_count,
                               std::vector<std::string> label_names, std::vector<std::string> factor_names,
                               int side) {
  Dataset d;
  d.name = name;
  d.width = d.height = side;
  d.channels = channels;
  d.count = count;
  d.train_count = train_count;
  d.pixels.resize(static_cast<size_t>(count) * d.features());
  d.labels.resize(count);
  d.label_names = std::move(label_names);
  d.factor_names = std::move(factor_names);
  if (!d.factor_names.empty()) d.factors.resize(static_cast<Eigen::Index>(d.factor_names.size()), count);
  return d;
}

Dataset generate_digits(int count, int train_count, uint64_t seed) {
  std::vector<std::string> digit_names;
  for (int k = 0; k < 10; ++k) digit_names.push_back(std::to_string(k));
  Dataset d = generated_dataset_init("digits", 1, count, train_count, std::move(digit_names), {});
  Canvas canvas(kSide, kSide);
  for (int i = 0; i < count; ++i) {
    Rng rng(generated_sample_seed(seed, i));
    const int digit = rng.below(10);
    canvas.clear();
    draw_digit(canvas, digit, rng);
    canvas_to_bytes(canvas, &d.pixels[static_cast<size_t>(i) * kSide * kSide]);
    d.labels[i] = digit;
  }
  return d;
}

// The noise's own stream: a different hash input from the digits' (seed, i), so the noise is not
// correlated with the strokes drawn from the same sample seed.
constexpr uint64_t kNoiseStream = 0x6e6f697365ull;  // "noise"

void mix_uniform_noise(Dataset& d, uint64_t seed) {
  const size_t features = static_cast<size_t>(d.features());
  for (int i = 0; i < d.count; ++i) {
    Rng rng(generated_sample_seed(seed ^ kNoiseStream, i));
    uint8_t* p = &d.pixels[static_cast<size_t>(i) * features];
    for (size_t k = 0; k < features; ++k)
      p[k] = static_cast<uint8_t>(std::lround(0.5 * p[k] + 0.5 * 255.0 * rng.uniform()));
  }
}

Dataset generate_digits_noise(int count, int train_count, uint64_t seed) {
  Dataset d = generate_digits(count, train_count, seed);
  d.name = "digits-noise";
  mix_uniform_noise(d, seed);
  return d;
}
