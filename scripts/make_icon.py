#!/usr/bin/env python3
"""Draws latentlab's icon, once as SVG and once as a 256x256 PNG, with Python's standard library only
(the PNG by 4x4 supersampling of the same shapes; zlib + struct write it). The picture: an
autoencoder's hourglass, encoder (blue) narrowing to a two-dimensional code and decoder (orange)
widening again, on a dark rounded square; at the waist a small latent map, a ring (the prior's
circle) with coloured codes in it.

usage: make_icon.py OUT_DIR      writes OUT_DIR/latentlab.svg and OUT_DIR/latentlab.png
"""
import math
import struct
import sys
import zlib

SIZE = 256
BACKGROUND = (30, 33, 41)
ENCODER = (79, 140, 255)
DECODER = (255, 152, 48)
RING = (236, 238, 242)
CODES = [((128, 122), (79, 196, 120)), ((140, 132), (230, 80, 90)), ((118, 136), (245, 200, 60)),
         ((132, 112), (170, 120, 230)), ((124, 128), (90, 200, 220))]
# Polygons (x, y) in a 256 box: the encoder's trapezoid on the left, the decoder's on the right.
ENCODER_POLY = [(36, 56), (104, 104), (104, 152), (36, 200)]
DECODER_POLY = [(152, 104), (220, 56), (220, 200), (152, 152)]
RING_CENTRE, RING_R, RING_W = (128, 128), 26, 5
CODE_R = 5
CORNER = 44


def inside_rounded_square(x, y):
    c = CORNER
    cx = min(max(x, c), SIZE - c)
    cy = min(max(y, c), SIZE - c)
    return (x - cx) ** 2 + (y - cy) ** 2 <= c * c and 0 <= x <= SIZE and 0 <= y <= SIZE


def inside_poly(x, y, poly):
    inside = False
    for i in range(len(poly)):
        (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % len(poly)]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def colour_at(x, y):
    """The icon's colour at a point, or None outside it."""
    if not inside_rounded_square(x, y):
        return None
    for (cx, cy), col in CODES:
        if (x - cx) ** 2 + (y - cy) ** 2 <= CODE_R ** 2:
            return col
    d = math.hypot(x - RING_CENTRE[0], y - RING_CENTRE[1])
    if abs(d - RING_R) <= RING_W / 2:
        return RING
    if inside_poly(x, y, ENCODER_POLY):
        return ENCODER
    if inside_poly(x, y, DECODER_POLY):
        return DECODER
    return BACKGROUND


def png(path):
    rows = []
    n = 4  # samples per axis
    for py in range(SIZE):
        row = bytearray([0])
        for px in range(SIZE):
            r = g = b = a = 0
            for sy in range(n):
                for sx in range(n):
                    c = colour_at(px + (sx + 0.5) / n, py + (sy + 0.5) / n)
                    if c is not None:
                        r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
            if a:
                row += bytes([r // a, g // a, b // a, 255 * a // (n * n)])
            else:
                row += bytes(4)
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def svg(path):
    hexc = lambda c: "#%02x%02x%02x" % c
    pts = lambda p: " ".join("%d,%d" % q for q in p)
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">' % ((SIZE,) * 4),
             '  <title>latentlab</title>',
             '  <rect width="%d" height="%d" rx="%d" fill="%s"/>' % (SIZE, SIZE, CORNER, hexc(BACKGROUND)),
             '  <polygon points="%s" fill="%s"/>' % (pts(ENCODER_POLY), hexc(ENCODER)),
             '  <polygon points="%s" fill="%s"/>' % (pts(DECODER_POLY), hexc(DECODER)),
             '  <circle cx="%d" cy="%d" r="%d" fill="none" stroke="%s" stroke-width="%d"/>' %
             (RING_CENTRE + (RING_R, hexc(RING), RING_W))]
    for (cx, cy), col in CODES:
        parts.append('  <circle cx="%d" cy="%d" r="%d" fill="%s"/>' % (cx, cy, CODE_R, hexc(col)))
    parts.append("</svg>\n")
    with open(path, "w") as f:
        f.write("\n".join(parts))


if __name__ == "__main__":
    out = sys.argv[1]
    svg(out + "/latentlab.svg")
    png(out + "/latentlab.png")
