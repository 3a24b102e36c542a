// The built-in datasets, drawn procedurally so the app has good data on a machine with no
// downloads: handwriting-like digits, dSprites-like shapes and cartoon faces, all 28x28 grayscale
// bytes, labelled. Sample i depends only on (seed, i), never on `count`: the first 12,000 of a
// 60,000-sample set are the default set, and generation could be split across threads.
#pragma once
#include <cstdint>

#include "data/dataset.h"

// Handwriting-like digits 0-9, white on black, MNIST-style: size-normalised into a 20x20 box and
// centred by centre of mass in 28x28. Each digit is a hand-written stroke template (2-3 variants
// per digit) with random slant, rotation, aspect, scale, translation, stroke width and a smooth
// elastic wobble. label = digit.
Dataset generate_digits(int count, int train_count, uint64_t seed);

// dSprites-like shapes, white on black: label = shape (0 square, 1 ellipse, 2 heart).
// factors (5, count), rows: shape (0-2), scale [0.5, 1], rotation [0, 2pi), x [0, 1], y [0, 1]
// (x, y: where the shape's centre sits within the range that keeps it inside the image).
Dataset generate_sprites(int count, int train_count, uint64_t seed);

// Cartoon faces: a light head on black with dark eyes and mouth.
// factors (4, count), rows: smile [-1 frown, +1 smile], eye_openness [0 shut, 1 wide],
// face_width [0 narrow, 1 wide], head_tilt [-1, 1] (x 20 degrees, positive = clockwise).
// label = smile binned in thirds: 0 frowning (< -1/3), 1 neutral, 2 smiling (> 1/3).
Dataset generate_faces(int count, int train_count, uint64_t seed);

// The per-sample random stream: a hash of (seed, sample index), so sample i is the same
// whatever the count.
uint64_t generated_sample_seed(uint64_t seed, int index);

// The shape every generator fills: `count` 28x28 grayscale byte images with a label each, and
// (when factor_names is not empty) a (factor, count) matrix of their true factors.
Dataset generated_dataset_init(const char* name, int count, int train_count, std::vector<std::string> label_names,
                               std::vector<std::string> factor_names);
