// The claim tests' short form for CI's sanitizer stages (LATENTLAB_QUICK=1, scripts/ci-sanitizers.sh).
// There a test that trains models to check a claim runs the same code for a fraction of its budget
// (`budget`), so ASan and UBSan still see every path, and checks what holds at any length (CHECK);
// the claim itself, which needs the full budget, is checked in the normal stage only (CLAIM).
#pragma once
#include <cstdlib>
#include <cstring>

#include <doctest/doctest.h>

inline bool quick_run() {
  const char* q = std::getenv("LATENTLAB_QUICK");
  return q && std::strcmp(q, "1") == 0;
}

// `full` in the normal build, `quick` under LATENTLAB_QUICK=1.
inline int budget(int full, int quick) { return quick_run() ? quick : full; }

// A check that needs the full training budget: a CHECK in the normal stage, nothing in the quick form.
#define CLAIM(...)                      \
  do {                                  \
    if (!quick_run()) CHECK(__VA_ARGS__); \
  } while (0)
#define CLAIM_FALSE(...)                      \
  do {                                        \
    if (!quick_run()) CHECK_FALSE(__VA_ARGS__); \
  } while (0)
