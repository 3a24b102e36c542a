// png_check FILE WIDTH HEIGHT: exits 0 when FILE is a PNG of exactly WIDTH x HEIGHT that is not
// blank (it has real content: many distinct colours and a spread of brightness), 1 otherwise.
// Used by the GUI tests to prove that the app drew its window, not just that it wrote a file.
#include <stb_image.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: png_check FILE WIDTH HEIGHT\n");
    return 2;
  }
  int want_w = std::atoi(argv[2]), want_h = std::atoi(argv[3]);
  int w = 0, h = 0, channels = 0;
  unsigned char* pixels = stbi_load(argv[1], &w, &h, &channels, 3);
  if (!pixels) {
    std::fprintf(stderr, "png_check: %s: cannot read PNG (%s)\n", argv[1], stbi_failure_reason());
    return 1;
  }
  bool ok = true;
  if (w != want_w || h != want_h) {
    std::fprintf(stderr, "png_check: %s: size %dx%d, expected %dx%d\n", argv[1], w, h, want_w, want_h);
    ok = false;
  }
  std::set<unsigned> colours;
  double sum = 0, sum_sq = 0;
  size_t n = static_cast<size_t>(w) * h;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char* p = pixels + 3 * i;
    colours.insert((p[0] << 16) | (p[1] << 8) | p[2]);
    double luma = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
    sum += luma;
    sum_sq += luma * luma;
  }
  double mean = sum / n, stddev = std::sqrt(std::max(0.0, sum_sq / n - mean * mean));
  std::printf("png_check: %s: %dx%d, %zu distinct colours, luma mean %.1f stddev %.1f\n", argv[1], w, h,
              colours.size(), mean, stddev);
  // A blank or single-colour frame has a handful of colours and no spread; a drawn UI with
  // text, plots and points has hundreds of colours.
  if (colours.size() < 64 || stddev < 5.0) {
    std::fprintf(stderr, "png_check: %s looks blank\n", argv[1]);
    ok = false;
  }
  stbi_image_free(pixels);
  return ok ? 0 : 1;
}
