#!/usr/bin/env python3
"""Cuts the shipped demo sample out of Debian's dataset-fashion-mnist.

The first N images of each split are kept in the original IDX format (gzip), so the sample is
imported by the same code as the full dataset and product ids (fmnist-train-00042) match it.
Usage: python3 samples/make-fashion-mnist-sample.py [--train 3000] [--test 1000]
"""
import argparse, gzip, struct, pathlib

SRC = pathlib.Path("/usr/share/datasets/fashion-mnist")
DST = pathlib.Path(__file__).resolve().parent / "fashion-mnist"

def cut(stem: str, count: int) -> None:
    for kind, item_bytes in (("images-idx3-ubyte", 28 * 28), ("labels-idx1-ubyte", 1)):
        data = gzip.open(SRC / f"{stem}-{kind}.gz", "rb").read()
        header_len = 16 if item_bytes > 1 else 8
        header = bytearray(data[:header_len])
        struct.pack_into(">I", header, 4, count)
        body = data[header_len:header_len + count * item_bytes]
        # mtime=0 keeps the output byte-identical between runs.
        with gzip.GzipFile(DST / f"{stem}-{kind}.gz", "wb", compresslevel=9, mtime=0) as out:
            out.write(bytes(header) + body)

CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]

def png(width: int, height: int, grey: bytes) -> bytes:
    import zlib
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\0" + grey[y * width:(y + 1) * width] for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))

def write_queries() -> None:
    """One PNG per class from the official test set (never in the catalog sample): photos to search with."""
    images = gzip.open(SRC / "t10k-images-idx3-ubyte.gz", "rb").read()[16:]
    labels = gzip.open(SRC / "t10k-labels-idx1-ubyte.gz", "rb").read()[8:]
    out = DST.parent / "queries"
    out.mkdir(exist_ok=True)
    done = set()
    for index in range(9000, 10000):  # from the end of the test set, outside the shipped test sample
        label = labels[index]
        if label not in done:
            done.add(label)
            (out / f"{CLASSES[label]}.png").write_bytes(png(28, 28, images[index * 784:(index + 1) * 784]))

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", type=int, default=3000)
    parser.add_argument("--test", type=int, default=1000)
    args = parser.parse_args()
    DST.mkdir(exist_ok=True)
    cut("train", args.train)
    cut("t10k", args.test)
    write_queries()
