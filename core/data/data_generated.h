// The built-in datasets, drawn procedurally so the app has good data on a machine with no
// downloads: handwriting-like digits, dSprites-like shapes and cartoon faces, 28x28 bytes,
// labelled; sprites and faces also in colour. Sample i depends only on (seed, i), never on
// `count`: the first 12,000 of a 60,000-sample set are the default set, and generation could be
// split across threads. The table of built-in names is builtin_datasets() (dataset.h).
#pragma once
#include <cstdint>

#include "data/dataset.h"

// Handwriting-like digits 0-9, white on black, MNIST-style: size-normalised into a 20x20 box and
// centred by centre of mass in 28x28. Each digit is a hand-written stroke template (2-3 variants
// per digit) with random slant, rotation, aspect, scale, translation, stroke width and a smooth
// elastic wobble. label = digit.
Dataset generate_digits(int count, int train_count, uint64_t seed);

// Colour: channels = 1 draws grey; channels = 3 ("sprites-rgb", "faces-rgb") draws the same
// samples (for a seed, sample i has the same shape or face and label as in the grey set) painted in
// a colour whose hue is one more true factor, the last row of `factors`: hue in [0, 1) around the
// colour circle (0 red, 1/3 green, 2/3 blue; near 1 is red again, like rotation near 2pi).
// Pixels are (y, x, c) interleaved, as Dataset documents.
// Size: `side` (kGeneratedSides) draws the same samples at side x side: the shapes are laid out
// on the 28-pixel grid and scaled, so the true factors mean the same at every size (the conv
// models' 32x32 and 64x64 stages need images of those sizes).
constexpr int kGeneratedSides[] = {28, 32, 64};

// The digits mixed half and half with uniform noise, pixel by pixel: v' = round(0.5 v + 0.5 * 255 u),
// u uniform in [0, 1), a fresh draw for every pixel of every sample (a stream of its own per (seed,
// i), so sample i still does not depend on count). The same digits and labels as generate_digits at
// the same seed. Every image varies in every pixel: the condition under which an overcomplete AE
// learns to copy (README, the copy risk); on the clean digits it does not.
Dataset generate_digits_noise(int count, int train_count, uint64_t seed);
// The mixing alone, in place, on every sample of d (bytes): what generate_digits_noise adds.
void mix_uniform_noise(Dataset& d, uint64_t seed);

// dSprites-like shapes on black: label = shape (0 square, 1 ellipse, 2 heart).
// factors (5, count), rows: shape (0-2), scale [0.5, 1], rotation [0, 2pi), x [0, 1], y [0, 1]
// (x, y: where the shape's centre sits within the range that keeps it inside the image);
// channels = 3 adds hue (6, count): the sprite is that hue, strongly saturated, at full value.
Dataset generate_sprites(int count, int train_count, uint64_t seed, int channels = 1, int side = 28);

// Cartoon faces: a light head on black with dark eyes and mouth.
// factors (4, count), rows: smile [-1 frown, +1 smile], eye_openness [0 shut, 1 wide],
// face_width [0 narrow, 1 wide], head_tilt [-1, 1] (x 20 degrees, positive = clockwise);
// channels = 3 adds hue (5, count): the head is that hue, half saturated and light, so the
// dark eyes and mouth still stand out.
// label = smile binned in thirds: 0 frowning (< -1/3), 1 neutral, 2 smiling (> 1/3).
Dataset generate_faces(int count, int train_count, uint64_t seed, int channels = 1, int side = 28);

// The per-sample random stream: a hash of (seed, sample index), so sample i is the same
// whatever the count.
uint64_t generated_sample_seed(uint64_t seed, int index);

// The lines of Berthelot et al. (2018), the interpolation benchmark whose data manifold is known
// exactly: 32x32 grey, a line from the centre (16, 16) outwards 15 px at an angle drawn uniformly
// from [0, 2pi), 2 px wide and anti-aliased, values in [0, 1] (the paper's are in [-1, 1]).
// factors (1, count): angle, counter-clockwise from the +x axis (y up, as on a screen the image's
// rows go down); label = the angle in 10 equal bins (0: [0, 36 degrees), ...).
Dataset generate_lines(int count, int train_count, uint64_t seed);
constexpr int kLineSide = 32;
// One line image at `angle` into `out` (kLineSide * kLineSide floats in [0, 1], row-major): the
// generator's drawing, unquantised, which the exact metrics (measure/lines.h) match against.
void draw_line_image(float angle, float* out);

// The shape every generator fills: `count` side x side byte images of `channels` (1 or 3) with a
// label each, and (when factor_names is not empty) a (factor, count) matrix of their true factors.
Dataset generated_dataset_init(const char* name, int channels, int count, int train_count,
                               std::vector<std::string> label_names, std::vector<std::string> factor_names,
                               int side = 28);
