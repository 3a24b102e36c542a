// png_color FILE [--min C] [--max C] [--max-peak P] [--region X Y W H]: how far a PNG (or a region
// of it) is from grey: the chroma of a pixel is max(R,G,B) - min(R,G,B) on a 0-255 scale, 0 for any
// grey. Prints the mean and the largest chroma, and exits 0 when the mean is at least --min and at
// most --max and the largest at most --max-peak (all optional), 1 otherwise, 2 on bad use. The
// colour tests use it to prove that an RGB dataset shows in colour and a grey one stays grey
// (--max-peak: the UI's own dark greys are tinted a little, a colour sprite a lot).
#include <stb_image.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: png_color FILE [--min C] [--max C] [--max-peak P] [--region X Y W H]\n");
    return 2;
  }
  double min_chroma = -1, max_chroma = 1e9;
  int max_peak = 255;
  int rx = 0, ry = 0, rw = -1, rh = -1;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--min" && i + 1 < argc) {
      min_chroma = std::atof(argv[++i]);
    } else if (a == "--max" && i + 1 < argc) {
      max_chroma = std::atof(argv[++i]);
    } else if (a == "--max-peak" && i + 1 < argc) {
      max_peak = std::atoi(argv[++i]);
    } else if (a == "--region" && i + 4 < argc) {
      rx = std::atoi(argv[++i]);
      ry = std::atoi(argv[++i]);
      rw = std::atoi(argv[++i]);
      rh = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "png_color: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  int w = 0, h = 0, c = 0;
  unsigned char* p = stbi_load(argv[1], &w, &h, &c, 3);
  if (!p) {
    std::fprintf(stderr, "png_color: cannot read %s\n", argv[1]);
    return 1;
  }
  if (rw < 0) {
    rw = w;
    rh = h;
  }
  if (rx < 0 || ry < 0 || rw <= 0 || rh <= 0 || rx + rw > w || ry + rh > h) {
    std::fprintf(stderr, "png_color: region outside the %dx%d image\n", w, h);
    stbi_image_free(p);
    return 2;
  }
  double sum = 0;
  int peak = 0;
  for (int y = ry; y < ry + rh; ++y)
    for (int x = rx; x < rx + rw; ++x) {
      const unsigned char* px = p + (static_cast<size_t>(y) * w + x) * 3;
      const int chroma = std::max({px[0], px[1], px[2]}) - std::min({px[0], px[1], px[2]});
      sum += chroma;
      peak = std::max(peak, chroma);
    }
  stbi_image_free(p);
  const double mean = sum / (static_cast<double>(rw) * rh);
  const bool ok = mean >= min_chroma && mean <= max_chroma && peak <= max_peak;
  std::printf("png_color: %s: mean chroma %.3f, largest %d (%s)\n", argv[1], mean, peak, ok ? "ok" : "out of range");
  return ok ? 0 : 1;
}
