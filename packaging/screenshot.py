"""A PNG of an Xvfb screen, once something is drawn on it and it has stopped changing.

    python3 packaging/screenshot.py FRAMEBUFFER OUT.png [--timeout SECONDS]

FRAMEBUFFER is the XWD file ``Xvfb -fbdir DIR`` keeps up to date (DIR/Xvfb_screen0). Standard
library only, so that packaging/check-deb needs nothing on the machine but Xvfb. "Stopped
changing" allows a few rows to change: a text cursor blinks. Exits 1 (with the last screen
written all the same) when the screen is still empty, or still changing, at the timeout.
"""

import argparse
import struct
import sys
import time
import zlib

SETTLED = 3  # this many reads in a row, POLL apart, with hardly a row changed: drawn
POLL = 0.3
BLINK_ROWS = 40  # a blinking text cursor's height, with room to spare


def read_frame(path: str) -> tuple[int, int, bytes]:
    """Width, height and the PNG rows (a filter byte, then RGB) of a 32-bit ZPixmap XWD file."""
    with open(path, "rb") as file:
        data = file.read()
    fields = struct.unpack(">25I", data[:100])
    header_size, width, height, byte_order = fields[0], fields[4], fields[5], fields[7]
    bits_per_pixel, bytes_per_line, ncolors = fields[11], fields[12], fields[19]
    if fields[2] != 2 or bits_per_pixel != 32:
        raise SystemExit("Only 32-bit ZPixmap screens are read (Xvfb -screen 0 WxHx24).")
    pixels = data[header_size + 12 * ncolors :]
    red, green, blue = (2, 1, 0) if byte_order == 0 else (1, 2, 3)  # LSBFirst: B G R x
    rgb = bytearray()
    for y in range(height):
        row = pixels[y * bytes_per_line : y * bytes_per_line + 4 * width]
        line = bytearray(3 * width)
        line[0::3], line[1::3], line[2::3] = row[red::4], row[green::4], row[blue::4]
        rgb += b"\0" + line  # PNG filter type 0 before each row
    return width, height, bytes(rgb)


def write_png(path: str, width: int, height: int, rows: bytes) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    with open(path, "wb") as file:
        file.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header))
        file.write(chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


def drawn(width: int, rows: bytes) -> bool:
    """Anything but one flat colour (the empty root window)."""
    first = rows[1:4]
    return rows.replace(b"\0" + first * width, b"") != b""


def changed_rows(width: int, before: bytes, after: bytes) -> int:
    size = 1 + 3 * width
    return sum(
        before[start : start + size] != after[start : start + size]
        for start in range(0, len(after), size)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("framebuffer")
    parser.add_argument("out")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    previous, calm = b"", 0
    while True:
        width, height, rows = read_frame(args.framebuffer)
        still = len(previous) == len(rows) and changed_rows(width, previous, rows) <= BLINK_ROWS
        calm = calm + 1 if still and drawn(width, rows) else 0
        if calm >= SETTLED - 1 or time.monotonic() > deadline:
            write_png(args.out, width, height, rows)
            break
        previous = rows
        time.sleep(POLL)  # Xvfb tells nobody when it draws: the file is read again
    if calm < SETTLED - 1:
        print(
            f"The screen was still empty or changing after {args.timeout:.0f} s.", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
