// `latentlab datasets`: loads a dataset exactly as training would and describes it (counts,
// geometry, value range, labels per split, factor ranges, warnings), so a user can check a file
// before training on it. --png writes a grid of samples; --json prints the summary as one line.
#include <stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "data/dataset.h"
#include "io/errors.h"
#include "io/file_input.h"

namespace {

struct LabelCounts {
  std::vector<int> train, held_out;  // per label index
  int unlabelled = 0;
};

LabelCounts count_labels(const Dataset& d) {
  LabelCounts c;
  int classes = static_cast<int>(d.label_names.size());
  for (int l : d.labels) classes = std::max(classes, l + 1);
  c.train.assign(classes, 0);
  c.held_out.assign(classes, 0);
  for (int i = 0; i < d.count; ++i) {
    const int l = d.labels.empty() ? -1 : d.labels[i];
    if (l < 0) ++c.unlabelled;
    else if (i < d.train_count) ++c.train[l];
    else ++c.held_out[l];
  }
  return c;
}

std::string label_name(const Dataset& d, int l) {
  return l < static_cast<int>(d.label_names.size()) ? d.label_names[l] : std::to_string(l);
}

void value_range(const Dataset& d, float& lo, float& hi) {
  if (!d.pixels.empty()) {
    auto mm = std::minmax_element(d.pixels.begin(), d.pixels.end());
    lo = *mm.first / 255.0f, hi = *mm.second / 255.0f;
  } else if (d.values.size() > 0) {
    lo = d.values.minCoeff(), hi = d.values.maxCoeff();
  } else {
    lo = hi = 0;
  }
}

double stored_megabytes(const Dataset& d) {
  return (d.pixels.size() + d.values.size() * sizeof(float) + d.factors.size() * sizeof(float)) / 1e6;
}

//---- the text summary -----------------------------------------------------------------------
void print_summary(const Dataset& d, double seconds) {
  float lo, hi;
  value_range(d, lo, hi);
  std::printf("dataset   %s\n", printable_path(d.name).c_str());
  if (const BuiltinDataset* b = builtin_dataset_find(d.name)) std::printf("built-in  %s\n", b->description);
  std::printf("samples   %d: %d train, %d held out\n", d.count, d.train_count, d.test_count());
  std::printf("split     %s\n", d.split_rule.empty() ? "(not recorded by the loader)" : d.split_rule.c_str());
  if (d.is_image)
    std::printf("geometry  %dx%d, %d channel%s, %d features\n", d.width, d.height, d.channels,
                d.channels == 1 ? "" : "s", d.features());
  else
    std::printf("geometry  %d features (tabular)\n", d.features());
  std::printf("storage   %s, %.1f MB\n", d.pixels.empty() ? "floats" : "bytes (value = byte / 255)", stored_megabytes(d));
  std::printf("values    [%g, %g]%s\n", lo, hi, d.in_unit_range ? ", in [0,1]: BCE allowed" : ", not in [0,1]: use MSE");
  LabelCounts lc = count_labels(d);
  if (lc.train.empty()) {
    std::printf("labels    none\n");
  } else {
    std::printf("labels    %zu classes%s         train  held out\n", lc.train.size(),
                lc.unlabelled ? (" (+" + std::to_string(lc.unlabelled) + " unlabelled)").c_str() : "");
    const int most = std::max(1, *std::max_element(lc.train.begin(), lc.train.end()));
    for (size_t l = 0; l < lc.train.size(); ++l) {
      std::string bar(static_cast<size_t>(30.0 * lc.train[l] / most + 0.5), '#');
      std::printf("  %3zu %-14s %7d %7d  %s\n", l, printable_path(label_name(d, static_cast<int>(l))).c_str(), lc.train[l],
                  lc.held_out[l], bar.c_str());
    }
  }
  for (size_t f = 0; f < d.factor_names.size(); ++f)
    std::printf("%s %-12s [%.3g, %.3g]\n", f == 0 ? "factors  " : "         ", d.factor_names[f].c_str(),
                d.factors.row(f).minCoeff(), d.factors.row(f).maxCoeff());
  if (d.warnings.empty()) std::printf("warnings  none\n");
  for (size_t w = 0; w < d.warnings.size(); ++w)
    std::printf("%s %s\n", w == 0 ? "warnings " : "         ", printable_path(d.warnings[w]).c_str());
  std::printf("loaded in %.3f s\n", seconds);
}

void print_json(const Dataset& d, double seconds) {
  float lo, hi;
  value_range(d, lo, hi);
  LabelCounts lc = count_labels(d);
  std::string s = "{\"name\":" + json_string(d.name) + ",\"count\":" + std::to_string(d.count) +
                  ",\"train_count\":" + std::to_string(d.train_count) + ",\"test_count\":" +
                  std::to_string(d.test_count()) + ",\"width\":" + std::to_string(d.width) +
                  ",\"height\":" + std::to_string(d.height) + ",\"channels\":" + std::to_string(d.channels) +
                  ",\"features\":" + std::to_string(d.features()) + ",\"is_image\":" + (d.is_image ? "true" : "false") +
                  ",\"in_unit_range\":" + (d.in_unit_range ? "true" : "false") + ",\"stored_as\":" +
                  (d.pixels.empty() ? "\"floats\"" : "\"bytes\"") + ",\"split\":" + json_string(d.split_rule);
  char buf[96];
  std::snprintf(buf, sizeof buf, ",\"min\":%g,\"max\":%g,\"stored_mb\":%.2f,\"load_seconds\":%.4f", lo, hi,
                stored_megabytes(d), seconds);
  s += buf;
  s += ",\"labels\":[";
  for (size_t l = 0; l < lc.train.size(); ++l)
    s += std::string(l ? "," : "") + "{\"label\":" + std::to_string(l) + ",\"name\":" +
         json_string(label_name(d, static_cast<int>(l))) + ",\"train\":" + std::to_string(lc.train[l]) +
         ",\"held_out\":" + std::to_string(lc.held_out[l]) + "}";
  s += "],\"unlabelled\":" + std::to_string(lc.unlabelled) + ",\"factors\":[";
  for (size_t f = 0; f < d.factor_names.size(); ++f) {
    std::snprintf(buf, sizeof buf, ",\"min\":%g,\"max\":%g}", d.factors.row(f).minCoeff(), d.factors.row(f).maxCoeff());
    s += std::string(f ? "," : "") + "{\"name\":" + json_string(d.factor_names[f]) + buf;
  }
  s += "],\"warnings\":[";
  for (size_t w = 0; w < d.warnings.size(); ++w) s += std::string(w ? "," : "") + json_string(d.warnings[w]);
  s += "]}";
  std::printf("%s\n", s.c_str());
}

//---- the PNG grid ---------------------------------------------------------------------------
// Which samples fill the grid: the first grid*grid training samples, or with by_label one row per
// label holding that label's first samples.
std::vector<std::vector<int>> grid_rows(const Dataset& d, int grid, bool by_label) {
  std::vector<std::vector<int>> rows;
  if (by_label && !d.label_names.empty()) {
    const int classes = std::min(grid, static_cast<int>(d.label_names.size()));
    rows.resize(classes);
    for (int i = 0; i < d.count; ++i) {
      const int l = d.labels[i];
      if (l >= 0 && l < classes && static_cast<int>(rows[l].size()) < grid) rows[l].push_back(i);
    }
  } else {
    for (int r = 0; r < grid; ++r) {
      std::vector<int> row;
      for (int c = 0; c < grid && r * grid + c < d.count; ++c) row.push_back(r * grid + c);
      if (!row.empty()) rows.push_back(row);
    }
  }
  return rows;
}

void write_png_grid(const Dataset& d, const std::string& file, int grid, bool by_label, int zoom) {
  if (!d.is_image || d.pixels.empty())
    throw UsageError("datasets: --png needs an image dataset stored as bytes; '" + printable_path(d.name) + "' is tabular");
  const std::vector<std::vector<int>> rows = grid_rows(d, grid, by_label);
  const int gap = 1, ch = d.channels, cols = grid;
  // The output's size in 64 bits, checked against the budget before anything is allocated.
  const int64_t wide_w = int64_t(cols) * d.width * zoom + (cols + 1) * gap;
  const int64_t wide_h = int64_t(rows.size()) * d.height * zoom + (int64_t(rows.size()) + 1) * gap;
  const uint64_t bytes = uint64_t(wide_w) * uint64_t(wide_h) * uint64_t(ch);
  if (bytes > kCliPngMaxBytes)
    throw UsageError("datasets: --png: the grid would be " + std::to_string(wide_w) + "x" + std::to_string(wide_h) +
                     " pixels (" + std::to_string(bytes >> 20) + " MB), over the limit of " +
                     std::to_string(kCliPngMaxBytes >> 20) + " MB; use a smaller --grid or --zoom");
  const int tile_w = d.width * zoom, tile_h = d.height * zoom;
  const int out_w = static_cast<int>(wide_w), out_h = static_cast<int>(wide_h);
  std::vector<uint8_t> img(static_cast<size_t>(out_w) * out_h * ch, 70);  // dark gray gaps
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const uint8_t* src = d.pixels.data() + static_cast<size_t>(rows[r][c]) * d.features();
      const int x0 = gap + static_cast<int>(c) * (tile_w + gap), y0 = gap + static_cast<int>(r) * (tile_h + gap);
      for (int y = 0; y < tile_h; ++y)
        for (int x = 0; x < tile_w; ++x)
          for (int k = 0; k < ch; ++k)
            img[(static_cast<size_t>(y0 + y) * out_w + x0 + x) * ch + k] = src[d.feature_index(x / zoom, y / zoom, k)];
    }
  if (!stbi_write_png(file.c_str(), out_w, out_h, ch, img.data(), out_w * ch))
    throw InputError("'" + printable_path(file) + "': cannot write the PNG");
}

// The summary --help prints: what the command does, then the built-in datasets from their table.
std::string datasets_help_summary() {
  std::string s = "Load a dataset and describe it; optionally write a PNG grid of samples (in colour for RGB data).\n\n"
                  "built-in datasets (--data NAME; 28x28 (sprites and faces also 32 or 64 with --image-size), 10,000 train + 2,000 held out by default, seeded by --seed):";
  for (const BuiltinDataset& b : builtin_datasets()) {
    char name[32];
    std::snprintf(name, sizeof name, "\n  %-12s ", b.name);
    s += name + std::string(b.description);
  }
  return s;
}

}  // namespace

int cli_datasets(int argc, char** argv) {
  CliArgs args("latentlab datasets", datasets_help_summary());
  add_data_flags(args);
  args.add("seed", "N", "1", "built-in generators: seed; image folders: shuffle seed");
  args.add("png", "FILE", "", "write a grid of samples to FILE");
  args.add("grid", "N", "10", "--png: N x N samples");
  args.add_switch("by-label", "--png: one row per label");
  args.add("zoom", "K", "1", "--png: scale each pixel to KxK");
  args.add_switch("json", "print the summary as one JSON line");
  if (!args.parse(argc, argv)) return 0;

  DataSpec spec = data_spec_from_flags(args, static_cast<uint64_t>(args.integer("seed", 0, INT_MAX)));
  const int grid = args.integer("grid", 1, 100);
  const int zoom = args.integer("zoom", 1, 16);

  const auto start = std::chrono::steady_clock::now();
  Dataset d = load_dataset(spec);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (args.flag("json")) print_json(d, seconds);
  else print_summary(d, seconds);
  if (args.given("png")) {
    write_png_grid(d, args.str("png"), grid, args.flag("by-label"), zoom);
    if (!args.flag("json")) std::printf("wrote     %s\n", printable_path(args.str("png")).c_str());
  }
  return 0;
}
