// The CRC-32 (zlib's) that the .llnet and .llsession formats carry over their bytes, written once
// for both, over any length (zlib takes a 32-bit length at a time).
#pragma once
#include <cstddef>
#include <cstdint>

uint32_t crc32_of(const uint8_t* bytes, size_t n);
