// The CSV loader. See data_csv.h.
// Sections: splitting lines and fields, the label column, parsing rows, labels, scaling.
#include "data_csv.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "errors.h"

namespace {

//---- splitting lines and fields -------------------------------------------------------------
std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
  std::string t = s.substr(a, b - a);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

void split_fields(const std::string& line, std::vector<std::string>& fields) {
  fields.clear();
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

bool blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

// The whole field must be a number; strtod also reads "nan" and "inf", which the caller refuses.
bool parse_number(const std::string& field, double& value) {
  if (field.empty()) return false;
  errno = 0;
  char* end = nullptr;
  value = std::strtod(field.c_str(), &end);
  return end == field.c_str() + field.size();
}

bool is_number(const std::string& field) {
  double v;
  return parse_number(field, v);
}

std::string read_file(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw InputError("'" + path + "': cannot open: no such file");
  if (st.st_size == 0) throw InputError("'" + path + "': the file is empty");
  if (st.st_size > kCsvMaxBytes)
    throw InputError("'" + path + "': too large: " + std::to_string(st.st_size) + " bytes; the limit is " +
                     std::to_string(kCsvMaxBytes));
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError("'" + path + "': cannot open: " + std::strerror(errno));
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = std::fread(&text[0], 1, text.size(), f);
  std::fclose(f);
  text.resize(got);
  return text;
}

}  // namespace

Dataset csv_load(const std::string& path, const std::string& label_column, const std::string& scaling,
                 int train_count) {
  const std::string where = "'" + path + "'";
  if (scaling != "minmax" && scaling != "zscore")
    throw InputError(where + ": CSV scaling '" + scaling + "' must be minmax or zscore");
  const std::string text = read_file(path);

  // Lines, with their 1-based numbers in the file; blank lines are skipped.
  std::vector<std::pair<int, std::string>> lines;
  {
    size_t start = 0;
    int number = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      ++number;
      std::string line = text.substr(start, nl - start);
      if (!blank(line)) lines.push_back({number, line});
      start = nl + 1;
    }
  }
  if (lines.empty()) throw InputError(where + ": the file is empty (only blank lines)");

  //---- the label column and the header ------------------------------------------------------
  std::vector<std::string> first;
  split_fields(lines[0].second, first);
  const int columns = static_cast<int>(first.size());
  int label_index = -1;
  bool header = false;
  if (!label_column.empty()) {
    if (label_column.find_first_not_of("0123456789") == std::string::npos) {
      label_index = std::atoi(label_column.c_str());
      if (label_column.size() > 6 || label_index >= columns)
        throw InputError(where + ": label column " + label_column + " does not exist: line " +
                         std::to_string(lines[0].first) + " has " + std::to_string(columns) + " columns (0 to " +
                         std::to_string(columns - 1) + ")");
    } else {
      for (int c = 0; c < columns; ++c)
        if (first[c] == label_column) label_index = c;
      if (label_index < 0) {
        std::string names;
        for (const std::string& f : first) names += (names.empty() ? "" : ", ") + f;
        throw InputError(where + ": no column named '" + label_column + "' in the header (line " +
                         std::to_string(lines[0].first) + ": " + names + ")");
      }
      header = true;
    }
  }
  for (int c = 0; c < columns && !header; ++c)
    if (c != label_index && !is_number(first[c])) header = true;
  const int features = columns - (label_index >= 0 ? 1 : 0);
  if (features < 1) throw InputError(where + ": no feature columns besides the label");
  const size_t first_row = header ? 1 : 0;
  if (lines.size() <= first_row) throw InputError(where + ": a header but no data rows");

  //---- parsing rows -------------------------------------------------------------------------
  const size_t rows = lines.size() - first_row;
  if (rows > static_cast<size_t>(1) << 30 || rows * features > (static_cast<size_t>(1) << 31))
    throw InputError(where + ": too many values");
  std::vector<float> buffer;  // (features, rows) column-major: row r's features are contiguous
  buffer.reserve(rows * features);
  std::vector<std::string> label_text;
  std::vector<std::string> fields;
  for (size_t r = first_row; r < lines.size(); ++r) {
    const int number = lines[r].first;
    split_fields(lines[r].second, fields);
    if (static_cast<int>(fields.size()) != columns)
      throw InputError(where + " line " + std::to_string(number) + ": ragged row: " + std::to_string(fields.size()) +
                       " fields, expected " + std::to_string(columns) + " (as on line " +
                       std::to_string(lines[0].first) + ")");
    for (int c = 0; c < columns; ++c) {
      if (c == label_index) {
        if (fields[c].empty())
          throw InputError(where + " line " + std::to_string(number) + ", column " + std::to_string(c) + ": empty label");
        label_text.push_back(fields[c]);
        continue;
      }
      double v;
      if (!parse_number(fields[c], v))
        throw InputError(where + " line " + std::to_string(number) + ", column " + std::to_string(c) + ": '" + fields[c] +
                         "' is not a number");
      if (!std::isfinite(v) || std::fabs(v) > 3.0e38)
        throw InputError(where + " line " + std::to_string(number) + ", column " + std::to_string(c) + ": '" + fields[c] +
                         "' is NaN or infinite (or beyond float range); only finite numbers are allowed");
      buffer.push_back(static_cast<float>(v));
    }
  }

  Dataset d;
  d.name = path;
  d.width = features, d.height = 1, d.channels = 1;
  d.is_image = false;
  d.count = static_cast<int>(rows);
  d.train_count = dataset_resolve_train_count(train_count, d.count, d.count * 4 / 5, path);
  d.values = Eigen::Map<Mat>(buffer.data(), features, d.count);
  std::vector<float>().swap(buffer);

  //---- labels -------------------------------------------------------------------------------
  d.labels.assign(d.count, -1);
  if (label_index >= 0) {
    bool small_integers = true;
    int max_label = 0;
    for (const std::string& t : label_text) {
      if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string::npos) {
        small_integers = false;
        break;
      }
      max_label = std::max(max_label, std::atoi(t.c_str()));
    }
    if (small_integers) {
      for (int i = 0; i < d.count; ++i) d.labels[i] = std::atoi(label_text[i].c_str());
      for (int k = 0; k <= max_label; ++k) d.label_names.push_back(std::to_string(k));
    } else {
      std::map<std::string, int> index;
      for (const std::string& t : label_text) index[t] = 0;
      for (auto& kv : index) {
        kv.second = static_cast<int>(d.label_names.size());
        d.label_names.push_back(kv.first);
      }
      for (int i = 0; i < d.count; ++i) d.labels[i] = index[label_text[i]];
    }
    // Rows sorted by label would leave whole labels out of the held-out part.
    std::set<int> all(d.labels.begin(), d.labels.end());
    std::set<int> held_out(d.labels.begin() + d.train_count, d.labels.end());
    if (d.test_count() > 0 && held_out.size() < all.size() && std::is_sorted(d.labels.begin(), d.labels.end()))
      d.warnings.push_back("the rows are sorted by label, so the held-out rows hold only " +
                           std::to_string(held_out.size()) + " of the " + std::to_string(all.size()) +
                           " labels; shuffle the rows");
  }

  //---- scaling, from the training rows ------------------------------------------------------
  const int n = d.train_count;
  for (int f = 0; f < features; ++f) {
    if (scaling == "minmax") {
      const float lo = d.values.row(f).head(n).minCoeff(), hi = d.values.row(f).head(n).maxCoeff();
      const float range = hi - lo;
      for (int i = 0; i < d.count; ++i) {
        float v = range > 0 ? (d.values(f, i) - lo) / range : 0.0f;
        d.values(f, i) = std::min(1.0f, std::max(0.0f, v));  // clips held-out values only
      }
    } else {
      double mean = 0, var = 0;  // in double: a float sum over many rows loses digits
      for (int i = 0; i < n; ++i) mean += d.values(f, i);
      mean /= n;
      for (int i = 0; i < n; ++i) var += (d.values(f, i) - mean) * (d.values(f, i) - mean);
      var /= n;
      const double sd = var > 0 ? std::sqrt(var) : 1.0;
      for (int i = 0; i < d.count; ++i) d.values(f, i) = static_cast<float>((d.values(f, i) - mean) / sd);
    }
  }
  d.in_unit_range = scaling == "minmax";
  return d;
}
