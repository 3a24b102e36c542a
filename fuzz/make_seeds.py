#!/usr/bin/env python3
# Writes the seed corpora tests/fuzz_corpus/<target>/: a few valid inputs per reader and the
# hostile classes of past findings. Run from the repository root; the files are committed, and
# the fuzzers' own findings are added next to them by hand (named finding-*).
import gzip, os, struct, zlib

root = os.path.join("tests", "fuzz_corpus")

# gzip with a fixed header time (mtime 0, "no time stored" in RFC 1952): gzip.compress stamps the
# current time into every member, so each regeneration would change the committed .gz files.
def gz(data):
    return gzip.compress(data, mtime=0)

def write(target, name, data):
    os.makedirs(os.path.join(root, target), exist_ok=True)
    with open(os.path.join(root, target, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)

# ---- IDX ----
def idx(magic_type, dims, payload):
    return bytes([0, 0, magic_type, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload

images = idx(8, [3, 4, 4], bytes(range(48)))
labels = idx(8, [3], bytes([0, 1, 2]))
write("idx", "images-3x4x4", images)
write("idx", "labels-3", labels)
write("idx", "images-3x4x4.gz", gz(images))
write("idx", "multi-member.gz", gz(images[:20]) + gz(images[20:]))
write("idx", "count-overflow", idx(8, [0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF], b"\0" * 16))
write("idx", "count-overflow-32bit", idx(8, [0x10000, 0x10000, 1], b"\0" * 16))
write("idx", "truncated-payload", images[:30])
write("idx", "truncated-header", images[:9])
write("idx", "trailing-data", images + b"extra")
write("idx", "float-type", idx(0x0D, [1, 2, 2], b"\0" * 16))
write("idx", "zero-count", idx(8, [0, 28, 28], b""))
write("idx", "gzip-truncated.gz", gz(images)[:-10])
write("idx", "gzip-bomb.gz", gz(idx(8, [1, 2, 2], b"\0" * 4) + b"\0" * 1000000))

# ---- CSV ----
write("csv", "plain", "a,b,c\n1,2,3\n4,5,6\n7,8,9\n")
write("csv", "no-header", "1,2,3\n4,5,6\n7,8,9\n")
write("csv", "labels", "label,x,y\n0,0.5,1\n1,0.25,2\n0,1,3\n2,0,4\n")
write("csv", "text-labels", "cat,1,2\ndog,3,4\ncat,5,6\n")
write("csv", "bom", "\ufeffa,b\n1,2\n3,4\n")
write("csv", "cr-only", "a,b\r1,2\r3,4\r")
write("csv", "crlf", "a,b\r\n1,2\r\n3,4\r\n")
write("csv", "nul", b"a,b\n1,\x002\n3,4\n")
write("csv", "huge-values", "a,b\n3.2e38,1\n-3.2e38,2\n3.2e38,3\n")
write("csv", "beyond-float", "a,b\n3.5e38,1\n1,2\n")
write("csv", "sparse-labels", "0,1,2\n1000000,3,4\n7,5,6\n2147483647,7,8\n")
write("csv", "negative-labels", "-1,1,2\n-5,3,4\n")
write("csv", "nan-inf", "a,b\nnan,1\ninf,2\n")
write("csv", "ragged", "a,b,c\n1,2\n3,4,5\n")
write("csv", "quoted", 'a,"b,c"\n"1",2\n3,"4"\n')
write("csv", "empty", "")
write("csv", "header-only", "a,b,c\n")
write("csv", "constant", "a,b\n1,1\n1,1\n1,1\n")

# ---- images (every file is named .png by the folder loader, whatever it holds) ----
def png(width, height, color_type, depth, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    raw = b"".join(b"\0" + r for r in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

gray = png(4, 3, 0, 8, [bytes([x * 60 + y for x in range(4)]) for y in range(3)])
rgb = png(2, 2, 2, 8, [bytes(range(6)), bytes(range(6, 12))])
write("image", "gray-4x3.png", gray)
write("image", "rgb-2x2.png", rgb)
write("image", "gray16-2x2.png", png(2, 2, 0, 16, [b"\x01\x02\x03\x04"] * 2))
write("image", "header-only.png", gray[:33])                     # signature + IHDR, no data
write("image", "no-iend.png", gray[:-12])
write("image", "huge-declared.png", png(100000, 100000, 0, 8, [b""])[:33] + gray[33:])
write("image", "zlib-bomb.png", png(8192, 8192, 0, 8, [b"\0" * 8192] * 8192))
write("image", "disguised-pnm.png", b"P5\n4 3\n255\n" + bytes(12))
write("image", "disguised-pgm-huge.png", b"P5\n100000 100000\n255\n" + bytes(12))
write("image", "disguised-hdr.png", b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 2 +X 2\n" + bytes(16))
write("image", "disguised-psd.png", b"8BPS\0\x01" + bytes(6) + struct.pack(">HIIHH", 1, 2, 2, 8, 1) + bytes(32))
write("image", "disguised-gif.png", b"GIF89a\x02\x00\x02\x00\x00\x00\x00" + b",\0\0\0\0\x02\0\x02\0\0\x02\x02D\x01\0;")
write("image", "jpeg-header-only.png", b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x10\x00\x10\x03\x01\x11\x00\x02\x11\x00\x03\x11\x00")
write("image", "jpeg-soi-eoi.png", b"\xff\xd8\xff\xd9")
write("image", "empty.png", b"")

# Valid variants, so that mutations start inside stb's decoders: palette with transparency, low
# bit depths, gray+alpha, 16-bit RGBA, every row filter, Adam7 interlacing, IDAT split in chunks.
def png_parts(width, height, color_type, depth, raw, interlace=0, extra=b"", idat_pieces=1):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace)
    data = zlib.compress(raw)
    step = -(-len(data) // idat_pieces)
    idats = b"".join(chunk(b"IDAT", data[i:i + step]) for i in range(0, len(data), step))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + idats + chunk(b"IEND", b"")

def plte(colors):
    body = bytes(c for rgb in colors for c in rgb)
    return struct.pack(">I", len(body)) + b"PLTE" + body + struct.pack(">I", zlib.crc32(b"PLTE" + body))

def trns(alphas):
    return struct.pack(">I", len(alphas)) + b"tRNS" + alphas + struct.pack(">I", zlib.crc32(b"tRNS" + alphas))

palette = plte([(255, 0, 0), (0, 255, 0), (0, 0, 255), (9, 9, 9)])
write("image", "valid-palette-trns.png",
      png_parts(4, 4, 3, 8, b"".join(b"\0" + bytes([(x + y) % 4 for x in range(4)]) for y in range(4)),
                extra=palette + trns(b"\x00\x80")))
write("image", "valid-palette-1bit.png", png_parts(8, 2, 3, 1, b"\0\xa5\0\x5a", extra=palette))
write("image", "valid-gray-2bit.png", png_parts(8, 2, 0, 2, b"\0\x1b\xe4\0\xe4\x1b"))
write("image", "valid-gray-alpha.png", png_parts(2, 2, 4, 8, b"\0\x10\xff\x20\x80\0\x30\x40\x50\x00"))
write("image", "valid-rgba16.png", png_parts(2, 1, 6, 16, b"\0" + bytes(range(16))))
write("image", "valid-filters.png",  # rows filtered with None, Sub, Up, Average, Paeth
      png_parts(3, 5, 2, 8, b"".join(bytes([f]) + bytes((f * 40 + i * 7) % 256 for i in range(9)) for f in range(5))))
def adam7_raw(width, height, pixel):
    out = b""
    for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
        xs, ys = range(x0, width, dx), range(y0, height, dy)
        if len(xs) and len(ys):
            out += b"".join(b"\0" + bytes(pixel(x, y) for x in xs) for y in ys)
    return out
write("image", "valid-interlaced.png", png_parts(9, 9, 0, 8, adam7_raw(9, 9, lambda x, y: x * 28 + y), interlace=1))
write("image", "valid-split-idat.png",
      png_parts(16, 8, 2, 8, b"".join(b"\0" + bytes((x * 16 + y * 3) % 256 for x in range(48)) for y in range(8)), idat_pieces=5))
# The JPEG seeds (valid-*.jpg) are not written here: stb_image_write's baseline gray and 4:2:0
# colour files, and libjpeg's progressive and restart-marker files from tests/test_hostile_images.cpp.

# ---- .llnet network files ----
def llnet(version, kind, inp, hidden, latent, count, params=None, crc=True):
    h = b"LLNET\0\0\0" + struct.pack("<I", version) + struct.pack("<iii", kind, inp, len(hidden))
    h += b"".join(struct.pack("<i", w) for w in hidden)
    h += struct.pack("<iiiiQfiiffiffQ", latent, 0, 0, 0, 1, 1.0, 0, 0, 0.0, 0.05, 0, 0.0, 0.0, count)
    if params is not None:
        h += struct.pack("<%df" % len(params), *params)
    if crc and version >= 2:
        h += struct.pack("<I", zlib.crc32(h))
    return h

def param_count(inp, hidden, latent, vae):
    enc = [inp] + hidden + [2 * latent if vae else latent]
    dec = [latent] + hidden[::-1] + [inp]
    return sum((a + 1) * b for a, b in zip(enc, enc[1:])) + sum((a + 1) * b for a, b in zip(dec, dec[1:]))

n = param_count(4, [3], 2, False)
write("model", "plain-4-3-2.llnet", llnet(2, 0, 4, [3], 2, n, [0.01 * i for i in range(n)]))
nv = param_count(4, [3], 2, True)
write("model", "vae-4-3-2.llnet", llnet(2, 4, 4, [3], 2, nv, [0.01 * i for i in range(nv)]))
write("model", "v1-plain.llnet", llnet(1, 0, 4, [3], 2, n, [0.0] * n, crc=False))
huge = param_count(784, [1000000], 20, True)
write("model", "huge-declared-v1.llnet", llnet(1, 4, 784, [1000000], 20, huge, crc=False))  # 92 bytes, ~1.6e9
write("model", "huge-declared-v2.llnet", llnet(2, 4, 784, [1000000], 20, huge))
write("model", "bad-crc.llnet", llnet(2, 0, 4, [3], 2, n, [0.0] * n)[:-1] + b"\0")
write("model", "truncated.llnet", llnet(2, 0, 4, [3], 2, n, [0.0] * n)[:60])
write("model", "nan-params.llnet", llnet(2, 0, 4, [3], 2, n, [float("nan")] * n))
write("model", "count-mismatch.llnet", llnet(2, 0, 4, [3], 2, n + 1, [0.0] * (n + 1)))
write("model", "many-layers.llnet", llnet(1, 0, 4, [8] * 1000, 2, 0, crc=False))

# ---- safetensors files ----
# Valid pytorch/examples VAEs (fc1, fc21, fc22, fc3, fc4) come from tests/fixtures/make_pytorch_vae.py
# and a latentlab network's own file from `latentlab train --save` (both written by hand into the
# corpus as valid-*); here the container's hostile classes.
import json
def safetensors(header, data=b"", raw_header=None):
    h = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data

f32 = lambda n: struct.pack("<%df" % n, *[0.25 * i for i in range(n)])
write("safetensors", "one-f32.safetensors",
      safetensors({"__metadata__": {"k": "v"}, "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}, f32(6)))
write("safetensors", "f16-bf16-f64.safetensors",
      safetensors({"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
                   "b": {"dtype": "BF16", "shape": [2], "data_offsets": [4, 8]},
                   "c": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]}},
                  struct.pack("<2e", 1.5, -2.0) + b"\x80\x3f\x00\xc0" + struct.pack("<d", 3.0)))
write("safetensors", "int-dtype.safetensors",
      safetensors({"i": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}, b"\1" + b"\0" * 7))
write("safetensors", "scalar-and-empty.safetensors",
      safetensors({"s": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]},
                   "e": {"dtype": "F32", "shape": [0, 5], "data_offsets": [4, 4]}}, f32(1)))
write("safetensors", "header-length-huge.safetensors", struct.pack("<Q", 2**63) + b"{}")
write("safetensors", "header-past-end.safetensors", struct.pack("<Q", 100) + b"{}")
write("safetensors", "header-not-object.safetensors", safetensors(None, raw_header=b"[1,2]"))
write("safetensors", "duplicate-name.safetensors",
      safetensors(None, f32(2), raw_header=b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                                          b'"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'))
write("safetensors", "offsets-overlap.safetensors",
      safetensors({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                   "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, f32(3)))
write("safetensors", "offsets-gap.safetensors",
      safetensors({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, f32(2)))
write("safetensors", "shape-overflow.safetensors",
      safetensors({"a": {"dtype": "F32", "shape": [2**32, 2**32, 2**32], "data_offsets": [0, 0]}}))
write("safetensors", "shape-span-mismatch.safetensors",
      safetensors({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, f32(2)))
write("safetensors", "unknown-dtype.safetensors",
      safetensors({"a": {"dtype": "Q4", "shape": [1], "data_offsets": [0, 1]}}, b"\0"))
write("safetensors", "deep-json.safetensors", safetensors(None, raw_header=b'{"a":' + b"[" * 200 + b"]" * 200 + b"}"))
write("safetensors", "bad-escapes.safetensors",
      safetensors(None, f32(1), raw_header=b'{"\\ud800\\u0041":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'))
write("safetensors", "truncated-data.safetensors",
      safetensors({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, f32(2)))
write("safetensors", "nan-weights.safetensors",
      safetensors({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, struct.pack("<2f", float("nan"), float("inf"))))
write("safetensors", "too-short", b"\1\0\0")

# ---- .llsession files ----
# Valid sessions come from `latentlab train --save valid-*.llsession` on the small example CSV
# (README, "Fuzzing"); in a fuzz build the checksum is skipped, so their mutations reach every field.
valid = os.path.join(root, "session", "valid-vae-8-3-2.llsession")
if os.path.exists(valid):
    s = open(valid, "rb").read()
    def with_crc(body):
        return body + struct.pack("<I", zlib.crc32(body))
    write("session", "truncated.llsession", s[: len(s) // 2])
    write("session", "checksum-mismatch.llsession", s[:100] + bytes([s[100] ^ 1]) + s[101:])
    write("session", "version-2.llsession", with_crc(s[:8] + struct.pack("<I", 2) + s[12:-4]))
    write("session", "appended-bytes.llsession", s + b"\0\0\0\0")
    write("session", "too-short.llsession", s[:14])
    # A flipped byte with the checksum made good again: the fields behind it are checked on their own.
    for at in (20, 60, 120, len(s) // 2, len(s) - 40):
        write("session", "flipped-%d-crc-good.llsession" % at, with_crc(s[:at] + bytes([s[at] ^ 0x80]) + s[at + 1:-4]))
