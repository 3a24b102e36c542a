// png_diff A B [--min D] [--max D] [--region X Y W H]: the mean absolute difference of two PNGs
// of the same size, per channel on a 0-255 scale, over the whole image or a region. Prints it, and
// exits 0 when it is at least --min and at most --max (both optional), 1 otherwise, 2 on bad use.
// The scripted GUI tests use it to prove that something on screen (or in a dumped image) changed.
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: png_diff A B [--min D] [--max D] [--region X Y W H]\n");
    return 2;
  }
  double min_diff = -1, max_diff = 1e9;
  int rx = 0, ry = 0, rw = -1, rh = -1;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--min" && i + 1 < argc) {
      min_diff = std::atof(argv[++i]);
    } else if (a == "--max" && i + 1 < argc) {
      max_diff = std::atof(argv[++i]);
    } else if (a == "--region" && i + 4 < argc) {
      rx = std::atoi(argv[++i]);
      ry = std::atoi(argv[++i]);
      rw = std::atoi(argv[++i]);
      rh = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "png_diff: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  int wa = 0, ha = 0, wb = 0, hb = 0, c = 0;
  unsigned char* a = stbi_load(argv[1], &wa, &ha, &c, 3);
  unsigned char* b = stbi_load(argv[2], &wb, &hb, &c, 3);
  if (!a || !b) {
    std::fprintf(stderr, "png_diff: cannot read %s\n", !a ? argv[1] : argv[2]);
    return 1;
  }
  if (wa != wb || ha != hb) {
    std::fprintf(stderr, "png_diff: sizes differ: %dx%d vs %dx%d\n", wa, ha, wb, hb);
    return 1;
  }
  if (rw < 0) {
    rw = wa;
    rh = ha;
  }
  if (rx < 0 || ry < 0 || rw <= 0 || rh <= 0 || rx + rw > wa || ry + rh > ha) {
    std::fprintf(stderr, "png_diff: region outside the %dx%d image\n", wa, ha);
    return 2;
  }
  double sum = 0;
  for (int y = ry; y < ry + rh; ++y)
    for (int x = rx; x < rx + rw; ++x)
      for (int k = 0; k < 3; ++k) {
        const size_t i = (static_cast<size_t>(y) * wa + x) * 3 + k;
        sum += std::abs(static_cast<int>(a[i]) - static_cast<int>(b[i]));
      }
  const double mean = sum / (3.0 * rw * rh);
  stbi_image_free(a);
  stbi_image_free(b);
  const bool ok = mean >= min_diff && mean <= max_diff;
  std::printf("png_diff: mean absolute difference %.3f (%s)\n", mean, ok ? "ok" : "out of range");
  return ok ? 0 : 1;
}
