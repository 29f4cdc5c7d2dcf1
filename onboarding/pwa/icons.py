"""The app icon, drawn once with Pillow: a house with a check mark, in the app's blue.

`flask --app wsgi pwa icons` writes the PNGs into static/icons/ (they are committed).
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 92, 173, 255)
WHITE = (255, 255, 255, 255)
SIZES = (192, 512)


CLEAR = (0, 0, 0, 0)
BADGE_SIZE = 96


def draw_icon(size: int, maskable: bool, badge: bool = False) -> Image.Image:
    """A square icon; the maskable one keeps its drawing inside the central safe zone (80%).
    The badge (for notifications) is the white house alone, the check mark cut out: the
    system shows only its shape."""
    image = Image.new("RGBA", (size, size), BLUE if maskable else CLEAR)
    draw = ImageDraw.Draw(image)
    if not maskable and not badge:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=BLUE)
    scale = size * (0.56 if maskable else 0.9 if badge else 0.7)
    left, top = (size - scale) / 2, (size - scale) / 2

    def point(x: float, y: float) -> tuple[float, float]:
        return left + x * scale, top + y * scale

    # House: roof and body.
    draw.polygon([point(0.5, 0.02), point(1.0, 0.45), point(0.0, 0.45)], fill=WHITE)
    draw.rectangle([point(0.14, 0.42), point(0.86, 0.98)], fill=WHITE)
    # Check mark in blue on the house.
    width = max(2, int(scale * 0.09))
    draw.line(
        [point(0.28, 0.69), point(0.45, 0.84), point(0.74, 0.55)],
        fill=CLEAR if badge else BLUE,
        width=width,
        joint="curve",
    )
    return image


def write_icons(folder: Path) -> list[Path]:
    """Write icon-192.png, icon-512.png, their maskable versions and the notification badge."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in SIZES:
        for maskable in (False, True):
            path = folder / f"icon-{'maskable-' if maskable else ''}{size}.png"
            draw_icon(size, maskable).save(path, optimize=True)
            written.append(path)
    badge = folder / f"badge-{BADGE_SIZE}.png"
    draw_icon(BADGE_SIZE, maskable=False, badge=True).save(badge, optimize=True)
    return [*written, badge]
