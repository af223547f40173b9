"""Draws CenterMind's 1024x1024 source icon (app-icon.png): a bold "C" ring around an amber lens dot
on a teal rounded square. Regenerate every size with:
    python3 icons/app-icon.py && ui/node_modules/.bin/tauri icon icons/app-icon.png -o icons && rm -r icons/android icons/ios
"""
import math
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 1024
SCALE = 4  # supersampling for smooth edges
S = SIZE * SCALE
# Brand colours, the same as the UI's theme (ui/src/styles/theme.css) and favicon.
BRAND = (0x0F, 0x5C, 0x63)       # --color-primary, teal
BRAND_DARK = (0x0B, 0x47, 0x4D)  # --color-primary-hover
RING = (0xE8, 0xF7, 0xF6)       # the favicon's ring colour
ACCENT = (0xF5, 0xB8, 0x3D)      # --color-accent, amber

img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
d = ImageDraw.Draw(img)

# Rounded-square tile with a subtle vertical gradient.
margin = int(S * 0.06)
radius = int(S * 0.22)
grad = Image.new("RGBA", (S, S))
gd = ImageDraw.Draw(grad)
for y in range(S):
    t = y / (S - 1)
    c = tuple(int(BRAND[i] * (1 - t) + BRAND_DARK[i] * t) for i in range(3)) + (255,)
    gd.line([(0, y), (S, y)], fill=c)
mask = Image.new("L", (S, S), 0)
ImageDraw.Draw(mask).rounded_rectangle([margin, margin, S - margin, S - margin], radius=radius, fill=255)
img.paste(grad, (0, 0), mask)

# Bold "C": a thick ring open on the right.
cx = cy = S // 2
outer = int(S * 0.31)
width = int(S * 0.115)
d.arc([cx - outer, cy - outer, cx + outer, cy + outer], start=45, end=315, fill=RING, width=width)
# Round caps on the arc ends.
mid = outer - width / 2
cap = width / 2
for ang in (45, 315):
    a = math.radians(ang)
    x, y = cx + mid * math.cos(a), cy + mid * math.sin(a)
    d.ellipse([x - cap, y - cap, x + cap, y + cap], fill=RING)

# Lens dot in the centre.
dot = int(S * 0.085)
d.ellipse([cx - dot, cy - dot, cx + dot, cy + dot], fill=ACCENT)

img = img.resize((SIZE, SIZE), Image.LANCZOS)
img.save(Path(__file__).with_name("app-icon.png"))
