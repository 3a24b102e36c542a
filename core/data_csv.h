// The CSV loader: one sample per row, comma-separated numbers, an optional header row (detected:
// some field of the first row is not a number), an optional label column chosen by header name
// or 0-based index. Stored as floats, scaled per feature: "minmax" to [0,1] or "zscore".
// Ragged rows, non-numbers and NaN/Inf are InputErrors naming the file, line and column.
#pragma once
#include <string>

#include "dataset.h"

// Scaling statistics come from the training rows only (the held-out rows are scaled with them,
// as a deployed model would see new data); with minmax, held-out values are clipped to [0,1] so
// the dataset stays in the unit range that BCE needs. A constant feature scales to 0.
// Labels: integers 0..K are used as they are; anything else (e.g. "cat") is numbered in sorted
// order of the distinct values, which become the label names. Rows stay in file order;
// train_count -1 = the first 80%.
Dataset csv_load(const std::string& path, const std::string& label_column, const std::string& scaling, int train_count);

constexpr long long kCsvMaxBytes = 1ll << 30;  // a larger file is refused before reading
