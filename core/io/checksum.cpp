#include "io/checksum.h"

#include <zlib.h>

uint32_t crc32_of(const uint8_t* bytes, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {  // zlib takes a uInt length
    const uInt chunk = n > (1u << 30) ? (1u << 30) : uInt(n);
    crc = crc32(crc, bytes, chunk);
    bytes += chunk;
    n -= chunk;
  }
  return uint32_t(crc);
}
