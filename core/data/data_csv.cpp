// The CSV loader. See data_csv.h for the format and the header rule.
// Parsing is in place: fields are spans into the file's bytes, numbers are read with from_chars,
// and the only large allocations are the bytes themselves and the (features, rows) float matrix,
// sized by a first counting pass and checked against kCsvMaxValues before it is allocated.
// Sections: spans and lines, numbers, messages, the first row, parsing rows, labels, split and scaling.
#include "data/data_csv.h"

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/errors.h"
#include "io/file_input.h"

namespace {

//---- spans and lines ------------------------------------------------------------------------
using Span = std::string_view;

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool blank(Span line) {
  for (char c : line)
    if (!is_space(c)) return false;
  return true;
}

// Walks the lines of a text: a line ends at \n, \r\n or a lone \r. `number` is the 1-based
// number of the last line returned, counting blank lines, which next() skips.
struct LineCursor {
  const char* p;
  const char* end;
  long long number = 0;

  LineCursor(const char* begin, const char* end_) : p(begin), end(end_) {}

  bool next(Span& line) {
    while (p < end) {
      const char* start = p;
      while (p < end && *p != '\n' && *p != '\r') ++p;
      line = Span(start, static_cast<size_t>(p - start));
      if (p < end) p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
      ++number;
      if (!blank(line)) return true;
    }
    return false;
  }
};

// A field without the spaces around it and one pair of surrounding double quotes.
Span trim(Span s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// Splits a line at every comma into `fields`, reusing its storage.
void split_fields(Span line, std::vector<Span>& fields) {
  fields.clear();
  while (true) {
    const size_t comma = line.find(',');
    fields.push_back(trim(line.substr(0, comma)));
    if (comma == Span::npos) break;
    line.remove_prefix(comma + 1);
  }
}

//---- numbers --------------------------------------------------------------------------------
enum class NumberKind { Ok, NotNumber, NonFinite, OutOfRange };

// The whole field must be a number. from_chars also reads "nan" and "inf" (NonFinite).
NumberKind read_number(Span field, double& value) {
  const char* b = field.data();
  const char* e = b + field.size();
  if (b < e && *b == '+') {
    ++b;
    if (b < e && (*b == '-' || *b == '+')) return NumberKind::NotNumber;
  }
  if (b == e) return NumberKind::NotNumber;
  const std::from_chars_result r = std::from_chars(b, e, value);
  if (r.ptr != e || r.ec == std::errc::invalid_argument) return NumberKind::NotNumber;
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow or underflow: strtod tells them apart (rare, so the copy costs nothing).
    const std::string copy(b, e);
    value = std::strtod(copy.c_str(), nullptr);
    if (!std::isfinite(value)) return NumberKind::OutOfRange;
  }
  if (!std::isfinite(value)) return NumberKind::NonFinite;
  if (std::fabs(value) > FLT_MAX) return NumberKind::OutOfRange;
  return NumberKind::Ok;
}

//---- messages -------------------------------------------------------------------------------
// Text from the file, quoted for a one-line message: control bytes (NUL included) and invalid
// UTF-8 become \xHH, and a long field is cut.
std::string quote(Span text, size_t max_bytes = kCsvQuoteBytes) {
  if (text.size() <= max_bytes) return "'" + printable_path(std::string(text)) + "'";
  return "'" + printable_path(std::string(text.substr(0, max_bytes))) + "...' (" + std::to_string(text.size()) +
         " bytes)";
}

// Lines and columns both count from 1, as a text editor or a spreadsheet shows them (`column` is the
// field's 0-based index). Only --csv-label's number counts from 0 (README, Data).
std::string at(const std::string& where, long long line, int column) {
  return where + " line " + std::to_string(line) + ", column " + std::to_string(column + 1) + ": ";
}

std::string number_error(NumberKind kind, Span field) {
  switch (kind) {
    case NumberKind::NotNumber:
      return quote(field) + " is not a number";
    case NumberKind::NonFinite:
      return quote(field) + " is NaN or infinite; only finite numbers are allowed";
    default: {
      char limit[32];
      std::snprintf(limit, sizeof limit, "%g", static_cast<double>(FLT_MAX));
      return quote(field) + " is beyond the float range: magnitudes up to " + limit + " (FLT_MAX) are allowed";
    }
  }
}

//---- the first row --------------------------------------------------------------------------
// What the first row says about the columns: how many, which is the label, whether it is a header.
struct Layout {
  int columns = 0;
  int label_index = -1;
  int features = 0;
  bool header = false;
};

Layout read_layout(const std::vector<Span>& first, long long first_line, const std::string& label_column,
                   const std::string& where) {
  Layout l;
  l.columns = static_cast<int>(first.size());
  if (!label_column.empty()) {
    if (label_column.find_first_not_of("0123456789") == std::string::npos) {
      l.label_index = label_column.size() > 6 ? l.columns : std::atoi(label_column.c_str());
      if (l.label_index >= l.columns)
        throw InputError(where + ": label column " + printable_path(label_column) + " does not exist: line " +
                         std::to_string(first_line) + " has " + std::to_string(l.columns) + " columns (a label column by number counts from 0: 0 to " +
                         std::to_string(l.columns - 1) + ")");
    } else {
      for (int c = 0; c < l.columns && l.label_index < 0; ++c)
        if (first[c] == label_column) l.label_index = c;
      if (l.label_index < 0) {
        std::string names;
        for (Span f : first) names += (names.empty() ? "" : ", ") + quote(f, 30);
        throw InputError(where + ": no column named '" + printable_path(label_column) + "' in the header (line " +
                         std::to_string(first_line) + ": " + names + ")");
      }
      l.header = true;
    }
  }
  l.features = l.columns - (l.label_index >= 0 ? 1 : 0);
  if (l.features < 1) throw InputError(where + ": no feature columns besides the label");
  if (!l.header) {
    // The header rule (data_csv.h): more than half of the feature fields are not numbers.
    int not_numbers = 0;
    for (int c = 0; c < l.columns; ++c) {
      double v;
      if (c != l.label_index && read_number(first[c], v) == NumberKind::NotNumber) ++not_numbers;
    }
    l.header = 2 * not_numbers > l.features;
  }
  return l;
}

std::string header_warning(const std::vector<Span>& first) {
  constexpr size_t kShown = 6;
  std::string names;
  for (size_t c = 0; c < first.size() && c < kShown; ++c) names += (c ? ", " : "") + quote(first[c], 30);
  if (first.size() > kShown) names += ", ... (" + std::to_string(first.size()) + " columns)";
  return "first row taken as a header: " + names;
}

//---- labels ---------------------------------------------------------------------------------
// Turns the distinct label texts (in order of first appearance) into final label indices and
// names. Returns, for each distinct text, its label index.
std::vector<int> number_labels(const std::vector<Span>& distinct, Dataset& d) {
  const int k = static_cast<int>(distinct.size());
  std::vector<long long> values(k);
  bool integers = true;
  for (int i = 0; i < k && integers; ++i) {
    const Span t = distinct[i];
    const char* b = t.data() + (!t.empty() && t[0] == '+' ? 1 : 0);
    const char* e = t.data() + t.size();
    const std::from_chars_result r = std::from_chars(b, e, values[i]);
    integers = b < e && r.ptr == e && r.ec == std::errc() && values[i] > -(1ll << 53) && values[i] < (1ll << 53);  // not llabs: LLONG_MIN has no absolute value
  }
  std::vector<int> index(k);
  if (integers) {
    const long long lo = *std::min_element(values.begin(), values.end());
    const long long hi = *std::max_element(values.begin(), values.end());
    if (lo >= 0 && hi < 2ll * k && hi < kCsvMaxClasses) {  // dense enough: used as they are
      for (int i = 0; i < k; ++i) index[i] = static_cast<int>(values[i]);
      for (long long v = 0; v <= hi; ++v) d.label_names.push_back(std::to_string(v));
      return index;
    }
    std::map<long long, int> dense;  // "01" and "1" are the same label
    for (long long v : values) dense[v] = 0;
    for (auto& kv : dense) {
      kv.second = static_cast<int>(d.label_names.size());
      d.label_names.push_back(std::to_string(kv.first));
    }
    for (int i = 0; i < k; ++i) index[i] = dense[values[i]];
    d.warnings.push_back("labels: the " + std::to_string(dense.size()) + " integer label values (" +
                         std::to_string(lo) + " to " + std::to_string(hi) +
                         ") are sparse, so they are numbered 0.." + std::to_string(dense.size() - 1) +
                         " in increasing order; the label names keep the values");
    return index;
  }
  std::vector<int> sorted(k);
  for (int i = 0; i < k; ++i) sorted[i] = i;
  std::sort(sorted.begin(), sorted.end(), [&](int a, int b) { return distinct[a] < distinct[b]; });
  for (int rank = 0; rank < k; ++rank) {
    index[sorted[rank]] = rank;
    d.label_names.push_back(printable_path(std::string(distinct[sorted[rank]])));
  }
  return index;
}

//---- parsing rows ---------------------------------------------------------------------------
// Everything but the split and the scaling: values in file order, labels, names, warnings.
Dataset parse_rows(const char* bytes, size_t n, const std::string& name, const std::string& label_column,
                   const std::string& where) {
  if (n == 0) throw InputError(where + ": the file is empty");
  const char* begin = bytes;
  const char* end = bytes + n;
  if (n >= 3 && static_cast<unsigned char>(begin[0]) == 0xEF && static_cast<unsigned char>(begin[1]) == 0xBB &&
      static_cast<unsigned char>(begin[2]) == 0xBF)
    begin += 3;  // a UTF-8 byte-order mark
  else if (n >= 2 && ((static_cast<unsigned char>(begin[0]) == 0xFF && static_cast<unsigned char>(begin[1]) == 0xFE) ||
                      (static_cast<unsigned char>(begin[0]) == 0xFE && static_cast<unsigned char>(begin[1]) == 0xFF)))
    throw InputError(where + ": the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8");

  // Counting pass: the number of non-blank lines sizes the matrix before anything is parsed, and
  // every line must have as many fields as the first. Without that check a wide first line over
  // many one-field lines ("x") would size rows x columns far beyond the file (a 64 KB file asked
  // for 458 MB; found by the fuzz target's allocation limit). With it, each value the matrix holds
  // has a comma or a line end of its own in the file.
  long long lines = 0, first_line = 0;
  Span line, first_text;
  {
    LineCursor cursor(begin, end);
    size_t first_commas = 0;
    while (cursor.next(line)) {
      const size_t commas = static_cast<size_t>(std::count(line.begin(), line.end(), ','));
      if (lines++ == 0) {
        first_line = cursor.number, first_text = line, first_commas = commas;
      } else if (commas != first_commas) {
        throw InputError(where + " line " + std::to_string(cursor.number) + ": ragged row: " +
                         std::to_string(commas + 1) + " fields, expected " + std::to_string(first_commas + 1) +
                         " (as on line " + std::to_string(first_line) + ")");
      }
    }
  }
  if (lines == 0) throw InputError(where + ": the file is empty (only blank lines)");

  std::vector<Span> first;
  split_fields(first_text, first);
  const Layout layout = read_layout(first, first_line, label_column, where);
  const long long rows = lines - (layout.header ? 1 : 0);
  if (rows == 0) throw InputError(where + ": a header but no data rows (line " + std::to_string(first_line) + ")");
  const long long values = rows * layout.features;
  if (rows > INT32_MAX || values > kCsvMaxValues)
    throw InputError(where + ": " + std::to_string(rows) + " rows x " + std::to_string(layout.features) +
                     " features = " + std::to_string(values) + " values, over the limit of " +
                     std::to_string(kCsvMaxValues) + " values");

  Dataset d;
  d.name = name;
  d.width = layout.features, d.height = 1, d.channels = 1;
  d.is_image = false;
  d.count = static_cast<int>(rows);
  if (layout.header) d.warnings.push_back(header_warning(first));
  d.values.resize(layout.features, d.count);  // column r holds row r's features, contiguous

  // Labels by first appearance; the final numbering waits until all are seen.
  std::vector<int> label_seen;
  std::vector<Span> distinct;
  std::unordered_map<Span, int> distinct_index;
  if (layout.label_index >= 0) label_seen.resize(d.count);

  LineCursor cursor(begin, end);
  if (layout.header) cursor.next(line);
  std::vector<Span> fields;
  fields.reserve(layout.columns);
  for (int r = 0; r < d.count; ++r) {
    cursor.next(line);
    const long long number = cursor.number;
    split_fields(line, fields);
    if (static_cast<int>(fields.size()) != layout.columns)
      throw InputError(where + " line " + std::to_string(number) + ": ragged row: " + std::to_string(fields.size()) +
                       " fields, expected " + std::to_string(layout.columns) + " (as on line " +
                       std::to_string(first_line) + ")");
    float* out = d.values.col(r).data();
    for (int c = 0; c < layout.columns; ++c) {
      const Span field = fields[c];
      if (c == layout.label_index) {
        if (field.empty()) throw InputError(at(where, number, c) + "empty label");
        const auto found = distinct_index.find(field);
        if (found != distinct_index.end()) {
          label_seen[r] = found->second;
          continue;
        }
        if (static_cast<int>(distinct.size()) == kCsvMaxClasses)
          throw InputError(at(where, number, c) + "label " + quote(field) + " is distinct label number " +
                           std::to_string(kCsvMaxClasses + 1) + "; at most " + std::to_string(kCsvMaxClasses) +
                           " classes are allowed (is column " + std::to_string(c + 1) + " really the label?)");
        label_seen[r] = static_cast<int>(distinct.size());
        distinct_index.emplace(field, label_seen[r]);
        distinct.push_back(field);
        continue;
      }
      double v;
      const NumberKind kind = read_number(field, v);
      if (kind != NumberKind::Ok) {
        std::string note;
        if (r == 0 && !layout.header)
          note = " (the first row is read as data, not as a header: most of its fields are numbers)";
        throw InputError(at(where, number, c) + number_error(kind, field) + note);
      }
      *out++ = static_cast<float>(v);
    }
  }

  d.labels.assign(d.count, -1);
  if (layout.label_index >= 0) {
    const std::vector<int> index = number_labels(distinct, d);
    for (int r = 0; r < d.count; ++r) d.labels[r] = index[label_seen[r]];
  }
  return d;
}

//---- split and scaling ----------------------------------------------------------------------
const ChoiceList kCsvScalings = {"CSV scaling",
                                 {{"minmax", "Min-max", "each feature to [0,1] by the training rows' range (fits BCE)"},
                                  {"zscore", "Z-score", "each feature to zero mean, unit variance (MSE)"}}};
void split_and_scale(Dataset& d, CsvScaling scaling, int train_count, uint64_t seed, bool labelled,
                     const std::string& source) {
  if (labelled) {
    const StratifiedSplit split = dataset_stratified_split(d.labels, train_count, seed, source);
    dataset_apply_order(d, split.order);
    d.train_count = split.train_count;
    d.split_rule = "stratified by label, seed " + std::to_string(seed) + ": " + std::to_string(d.train_count) +
                   " of " + std::to_string(d.count) + " rows train, each label in the same share";
  } else {
    const int default_train = static_cast<int>(static_cast<long long>(d.count) * 4 / 5);
    d.train_count = dataset_resolve_train_count(train_count, d.count, default_train, source);
    d.split_rule = "first " + std::to_string(d.train_count) + " train, rest held out (file order: no label column)";
  }

  // Statistics from the training rows, in double: values near FLT_MAX overflow a float range.
  const int n = d.train_count;
  for (int f = 0; f < d.features(); ++f) {
    if (scaling == CsvScaling::MinMax) {
      double lo = d.values(f, 0), hi = lo;
      for (int i = 1; i < n; ++i) {
        lo = std::min(lo, static_cast<double>(d.values(f, i)));
        hi = std::max(hi, static_cast<double>(d.values(f, i)));
      }
      const double range = hi - lo;
      for (int i = 0; i < d.count; ++i) {
        const double v = range > 0 ? (d.values(f, i) - lo) / range : 0.0;
        d.values(f, i) = static_cast<float>(std::min(1.0, std::max(0.0, v)));  // clips held-out values only
      }
    } else {
      double mean = 0, var = 0;
      for (int i = 0; i < n; ++i) mean += d.values(f, i);
      mean /= n;
      for (int i = 0; i < n; ++i) var += (d.values(f, i) - mean) * (d.values(f, i) - mean);
      var /= n;
      const double sd = var > 0 ? std::sqrt(var) : 1.0;
      for (int i = 0; i < d.count; ++i) d.values(f, i) = static_cast<float>((d.values(f, i) - mean) / sd);
    }
  }
  d.in_unit_range = scaling == CsvScaling::MinMax;
}

}  // namespace

template <> const ChoiceList& choice_list<CsvScaling>() { return kCsvScalings; }

Dataset csv_parse(const char* bytes, size_t n, const std::string& name, const std::string& label_column,
                  CsvScaling scaling, int train_count, uint64_t seed) {
  const std::string where = "'" + printable_path(name) + "'";
  Dataset d = parse_rows(bytes, n, name, label_column, where);
  split_and_scale(d, scaling, train_count, seed, !label_column.empty(), printable_path(name));
  return d;
}

Dataset csv_load(const std::string& path, const std::string& label_column, CsvScaling scaling,
                 int train_count, uint64_t seed) {
  const std::string where = "'" + printable_path(path) + "'";
  Dataset d;
  {
    // The bytes are freed before the split, which copies the values once.
    const std::vector<uint8_t> bytes = read_regular_file(path, "CSV file", kCsvMaxBytes);
    d = parse_rows(reinterpret_cast<const char*>(bytes.data()), bytes.size(), path, label_column, where);
  }
  split_and_scale(d, scaling, train_count, seed, !label_column.empty(), printable_path(path));
  return d;
}
