// libFuzzer target: the safetensors reader (fuzz_inputs::safetensors). An InputError is the expected answer to bad
// bytes; anything else escaping (another exception, a crash, a sanitizer report) is a finding.
#include "fuzz_inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    fuzz_inputs::safetensors(data, size);
  } catch (const InputError&) {
  }
  return 0;
}
