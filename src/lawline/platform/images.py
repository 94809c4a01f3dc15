"""Harmless synthetic images for the embedded platform: gradients and coloured shapes drawn from
a seed, so media matching can be shown and tested without any real picture.

A few seeds are "known" images: the demo's hash bank lists them, and the generator attaches
lightly edited copies of them (cropped, brightened, re-encoded as JPEG) to some posts, as a
re-upload of known material would look. Every other image is unique.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance

KNOWN_SEEDS = (11, 23, 37, 51)  # the demo bank's images
SIZE = 160


def synthetic_image(seed: int, size: int = SIZE) -> Image.Image:
    rng = np.random.default_rng(seed)
    start, end = rng.integers(0, 256, size=3), rng.integers(0, 256, size=3)
    ramp = np.linspace(0.0, 1.0, size)[:, None, None]
    angle = rng.random()
    mix = ramp * angle + ramp.transpose(1, 0, 2) * (1 - angle)
    pixels = (start * (1 - mix) + end * mix).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 8))):
        x0, y0 = (int(v) for v in rng.integers(0, size - 20, size=2))
        x1, y1 = x0 + int(rng.integers(15, size // 2)), y0 + int(rng.integers(15, size // 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, size=3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    return image


def encode(image: Image.Image, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.save(out, format=kind, **({"quality": 80} if kind == "JPEG" else {}))
    return out.getvalue()


def edited_copy(image: Image.Image, variant: int = 0) -> Image.Image:
    """What a re-upload does to a picture: a small crop, a brightness change, a resize."""
    width, height = image.size
    margin = 1 + variant % 2
    cropped = image.crop((margin, margin, width - margin, height - margin))
    brighter = ImageEnhance.Brightness(cropped).enhance(1.04 + 0.02 * (variant % 3))
    return brighter.resize((width - 8 * (1 + variant % 3), height - 8 * (1 + variant % 3)))


def known_image(index: int) -> bytes:
    """The original of a known image, as the bank's source would hold it."""
    return encode(synthetic_image(KNOWN_SEEDS[index]))


def reuploaded_known_image(index: int, variant: int) -> bytes:
    return encode(edited_copy(synthetic_image(KNOWN_SEEDS[index]), variant), "JPEG")


def unique_image(seed: int) -> bytes:
    return encode(synthetic_image(100_000 + seed))
