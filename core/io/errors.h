// The one error type for bad input: a file that is missing, malformed or too large, or a
// configuration that cannot work. The message always names the file (or the setting) and
// what is wrong, so the CLI can print it as is and exit 2, and the GUI can show it.
#pragma once
#include <stdexcept>
#include <string>

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
