// Debian's stb_image.h (the header libstb.so is built from, with stb's default settings, as
// there) compiled into the image fuzz target, so that libFuzzer gets coverage inside stb's
// decoders and ASan checks their memory accesses. The linker takes these definitions before
// libstb.so's; the app itself keeps using libstb.so.
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
