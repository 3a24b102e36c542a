// The CSV loader: one sample per row, comma-separated numbers, an optional header row, an
// optional label column chosen by header name or 0-based index. Stored as floats, scaled per
// feature: "minmax" to [0,1] or "zscore". Bad input (ragged rows, non-numbers, NaN/Inf, values
// beyond float range, too many values or classes) is an InputError naming the file, line and column.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/dataset.h"

// The format, exactly:
// - Bytes: UTF-8 (a leading BOM is skipped; a UTF-16 file is refused). Lines end with \n, \r\n
//   or a lone \r. Blank lines (spaces and tabs only) are skipped; line numbers in messages count
//   every line of the file, from 1.
// - Fields are split at every comma (no quoted commas); spaces and tabs around a field and one
//   pair of surrounding double quotes are dropped. Numbers are read with std::from_chars
//   (locale-free; a leading '+' is allowed). A number must be finite and at most FLT_MAX
//   (3.40282e+38) in magnitude; smaller magnitudes than float can hold become 0.
// - The header rule: the first row is a header when the label column is given by name, or when
//   MORE THAN HALF of its feature fields (the label field not counted) are not numbers (an empty
//   field is not a number). Otherwise it is a data row, and its bad field is an error naming
//   line 1. So "height,weight" is a header, and "1.5,2,x3" or "1,,3" is a data row with an error.
//   A header is reported in `warnings` ("first row taken as a header: ...", the first names).
// - Labels: integers with no large gaps are used as they are (names "0".."max"); sparse integers
//   (max >= 2 * distinct count, or any negative) are remapped to 0..K-1 in numeric order, and
//   anything else (e.g. "cat") is numbered in sorted order; the original values become the label
//   names and a warning says so. More than kCsvMaxClasses distinct labels is refused.
// - Split: with a label column, stratified per label in a seeded order (dataset_stratified_split);
//   without one, file order (train_count -1 = the first 80%). Dataset::split_rule says which.
// - Scaling statistics come from the training rows only (the held-out rows are scaled with them,
//   as a deployed model would see new data), computed in double; with minmax, held-out values are
//   clipped to [0,1] so the dataset stays in the unit range that BCE needs. A constant feature
//   scales to 0.
Dataset csv_load(const std::string& path, const std::string& label_column, CsvScaling scaling,
                 int train_count, uint64_t seed = 1);

// The same parser on bytes in memory (for fuzzing and tests): `name` stands for the file in
// messages and becomes Dataset::name. csv_load reads the file and then does exactly this.
Dataset csv_parse(const char* bytes, size_t n, const std::string& name, const std::string& label_column,
                  CsvScaling scaling, int train_count, uint64_t seed = 1);

constexpr long long kCsvMaxBytes = 1ll << 30;   // a larger file is refused before reading
constexpr long long kCsvMaxValues = 1ll << 28;  // rows * features (1 GiB of floats), checked before allocating
constexpr int kCsvMaxClasses = 1000;            // distinct label values
constexpr size_t kCsvQuoteBytes = 60;           // a field quoted in a message is cut to this many bytes
