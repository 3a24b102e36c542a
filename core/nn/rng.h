// One seeded random number generator per model: a run is reproducible bit for bit on the same
// machine (and across machines, since nothing here depends on the standard library's
// distributions, whose algorithms are implementation-defined).
#pragma once
#include <cmath>
#include <cstdint>

struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed = 1) : state(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {}
  uint64_t next_u64() {  // splitmix64
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  float uniform() { return (next_u64() >> 40) * (1.0f / 16777216.0f); }  // [0, 1)
  double uniform_double() { return (next_u64() >> 11) * (1.0 / 9007199254740992.0); }
  int below(int n) { return static_cast<int>((next_u64() >> 33) % static_cast<uint64_t>(n)); }
  float normal() {  // Box-Muller; one value per call keeps the stream simple to reason about
    double u1 = uniform_double(), u2 = uniform_double();
    if (u1 < 1e-300) u1 = 1e-300;
    return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
};
