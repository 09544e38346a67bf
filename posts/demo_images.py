"""The demo's pictures: drawn with Pillow, then aged to look like archival photographs.

Each scene is drawn in greys (sky, ground, silhouettes, a poster's blocks),
then goes through the same darkroom: a little blur, film grain, a vignette,
dust and scratches, a sepia or silver tone, and the print's paper border.
Everything random comes from one seeded `random.Random`, so a scene and seed
always give the same bytes; nothing is read from outside.
"""

import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

WIDTH, HEIGHT = 1200, 800
BORDER = 34  # the print's white margin, in pixels

# Dark, middle and light of the toned print.
SEPIA = ((34, 24, 16), (139, 108, 74), (242, 228, 200))
SILVER = ((20, 20, 22), (122, 122, 118), (236, 234, 226))


def _sky(draw, rng, top, bottom, horizon):
    """A sky that darkens toward the top, as orthochromatic film rendered it."""
    for y in range(horizon):
        shade = top + (bottom - top) * (y / max(horizon, 1)) ** 0.8
        draw.line((0, y, WIDTH, y), fill=int(shade))


def _clouds(im, rng, horizon, count=7):
    layer = Image.new("L", im.size, 0)
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        cx, cy = rng.randint(0, WIDTH), rng.randint(40, max(60, horizon - 80))
        for _ in range(6):
            rx, ry = rng.randint(60, 160), rng.randint(18, 45)
            ox, oy = rng.randint(-120, 120), rng.randint(-20, 20)
            draw.ellipse((cx + ox - rx, cy + oy - ry, cx + ox + rx, cy + oy + ry), fill=rng.randint(20, 45))
    layer = layer.filter(ImageFilter.GaussianBlur(28))
    return ImageChops.add(im, layer)


def _ground(draw, rng, horizon, near, far):
    for y in range(horizon, HEIGHT):
        t = (y - horizon) / (HEIGHT - horizon)
        draw.line((0, y, WIDTH, y), fill=int(far + (near - far) * t))


def _person(draw, x, base, height, tone, rng, carrying=False):
    """A standing figure in silhouette: head, coat, legs apart a little."""
    head = height * 0.13
    shoulders = base - height * 0.82
    draw.ellipse((x - head / 2, shoulders - head, x + head / 2, shoulders), fill=tone)
    coat = height * 0.16
    draw.polygon(
        [
            (x - coat, shoulders + head * 0.1),
            (x + coat, shoulders + head * 0.1),
            (x + coat * 1.2, base - height * 0.35),
            (x - coat * 1.2, base - height * 0.35),
        ],
        fill=tone,
    )
    stride = rng.uniform(0.02, 0.08) * height
    leg = max(2, height * 0.05)
    draw.line((x - leg, base - height * 0.36, x - leg - stride, base), fill=tone, width=int(leg * 1.6))
    draw.line((x + leg, base - height * 0.36, x + leg + stride, base), fill=tone, width=int(leg * 1.6))
    if carrying:  # a spade or a banner pole over the shoulder
        draw.line((x, shoulders + head, x + height * 0.35, shoulders - height * 0.3), fill=tone, width=3)


def _birches(draw, rng, horizon, count, tone):
    for _ in range(count):
        x = rng.randint(0, WIDTH)
        h = rng.randint(40, 110)
        draw.line((x, horizon, x, horizon - h), fill=tone, width=2)
        draw.ellipse((x - h * 0.25, horizon - h * 1.1, x + h * 0.25, horizon - h * 0.45), fill=tone)


# --- Scenes ---------------------------------------------------------------------------------------


def scene_fence(rng):
    """A camp fence with barbed wire receding to a watchtower, birches beyond."""
    horizon = 470
    im = Image.new("L", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(im)
    _sky(draw, rng, 150, 215, horizon)
    im = _clouds(im, rng, horizon, 5)
    draw = ImageDraw.Draw(im)
    _birches(draw, rng, horizon, 40, 120)
    _ground(draw, rng, horizon, 70, 130)
    # The watchtower: four legs, a hut on top, a pitched roof.
    tx, top = 930, 190
    for dx in (-38, 38):
        draw.line((tx + dx * 1.6, horizon + 10, tx + dx, top + 60), fill=40, width=7)
    draw.line((tx - 55, horizon - 120, tx + 55, horizon - 60), fill=45, width=4)
    draw.line((tx + 55, horizon - 120, tx - 55, horizon - 60), fill=45, width=4)
    draw.rectangle((tx - 60, top, tx + 60, top + 62), fill=35)
    draw.rectangle((tx - 42, top + 16, tx + 42, top + 36), fill=95)
    draw.polygon([(tx - 78, top), (tx, top - 48), (tx + 78, top)], fill=30)
    # Posts in perspective, from the near left toward the tower.
    posts = []
    for i in range(14):
        t = i / 13
        x = 40 + t * 820
        bottom = HEIGHT - 40 - t * (HEIGHT - 40 - horizon - 12)
        height = 430 * (1 - t) + 70 * t
        width = 22 * (1 - t) + 4
        draw.rectangle((x, bottom - height, x + width, bottom), fill=int(38 + 40 * t))
        posts.append((x + width / 2, bottom, height))
    for strand in range(6):
        for (x1, b1, h1), (x2, b2, h2) in zip(posts, posts[1:], strict=False):
            y1 = b1 - h1 * (0.15 + strand * 0.15)
            y2 = b2 - h2 * (0.15 + strand * 0.15)
            sag = 6 * (h1 / 430)
            draw.line((x1, y1, (x1 + x2) / 2, (y1 + y2) / 2 + sag, x2, y2), fill=30, width=2)
            # the barbs
            for k in range(1, 4):
                bx = x1 + (x2 - x1) * k / 4
                by = y1 + (y2 - y1) * k / 4 + sag * 0.6
                size = max(2, h1 / 90)
                draw.line((bx - size, by - size, bx + size, by + size), fill=25, width=1)
    return im, "sepia"


def scene_portrait(rng):
    """A studio portrait: a mottled backdrop, a heavy-set man in a dark suit, light from the left."""
    im = Image.new("L", (WIDTH, HEIGHT), 150)
    mottle = Image.effect_mandelbrot((WIDTH, HEIGHT), (-2.2, -1.4, 1.0, 1.4), 20)
    backdrop = Image.new("L", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(backdrop)
    for x in range(WIDTH):
        draw.line((x, 0, x, HEIGHT), fill=int(190 - 90 * abs(x - 480) / WIDTH))
    im = Image.blend(backdrop, mottle.filter(ImageFilter.GaussianBlur(60)), 0.12)
    draw = ImageDraw.Draw(im)
    cx = 600
    # Shoulders and the dark suit, a white collar and a tie.
    draw.ellipse((cx - 330, 520, cx + 330, 1050), fill=38)
    draw.polygon([(cx - 70, 520), (cx + 70, 520), (cx, 660)], fill=225)
    draw.polygon([(cx - 18, 545), (cx + 18, 545), (cx + 12, 690), (cx - 12, 690)], fill=55)
    draw.line((cx - 70, 525, cx - 150, 760), fill=28, width=10)
    draw.line((cx + 70, 525, cx + 150, 760), fill=28, width=10)
    # Neck and a broad, bald head lit from the left: bright on one side, in shadow on the other.
    draw.rectangle((cx - 70, 430, cx + 70, 540), fill=120)
    face = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(face).ellipse((cx - 150, 160, cx + 150, 520), fill=255)
    light = Image.new("L", (WIDTH, HEIGHT))
    light_draw = ImageDraw.Draw(light)
    for x in range(cx - 150, cx + 151):
        light_draw.line((x, 0, x, HEIGHT), fill=int(232 - 120 * ((x - cx + 150) / 300) ** 1.6))
    im.paste(light, (0, 0), face)
    draw = ImageDraw.Draw(im)
    draw.arc((cx - 150, 160, cx + 150, 520), 300, 100, fill=80, width=6)  # the jaw's shadow
    draw.ellipse((cx - 166, 320, cx - 132, 400), fill=165)  # ears
    draw.ellipse((cx + 132, 320, cx + 166, 400), fill=110)
    for dx in (-60, 60):  # eyes in the shadow of the brow
        draw.ellipse((cx + dx - 24, 318, cx + dx + 24, 340), fill=120)
    draw.line((cx - 4, 335, cx + 10, 410), fill=150, width=8)
    draw.line((cx - 50, 450, cx + 50, 452), fill=135, width=6)
    return im, "silver"


def scene_tractors(rng):
    """A column of tractors crossing a ploughed field toward the horizon, dust behind them."""
    horizon = 330
    im = Image.new("L", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(im)
    _sky(draw, rng, 175, 228, horizon)
    im = _clouds(im, rng, horizon, 8)
    draw = ImageDraw.Draw(im)
    _ground(draw, rng, horizon, 95, 160)
    vanish = (WIDTH * 0.72, horizon)
    for i in range(-30, 31):  # furrows converging on the vanishing point
        draw.line((WIDTH / 2 + i * 90, HEIGHT, *vanish), fill=int(85 + rng.randint(-12, 12)), width=2)
    dust = Image.new("L", im.size, 0)
    dust_draw = ImageDraw.Draw(dust)
    for i in range(7):
        t = i / 6
        x = 120 + t * 820
        y = 700 - t * 340
        size = 1.0 - t * 0.8
        dust_draw.ellipse((x - 150 * size, y - 90 * size, x + 60 * size, y + 10 * size), fill=60)
        _tractor(draw, x, y, size, tone=int(30 + 50 * t))
    im = ImageChops.add(im, dust.filter(ImageFilter.GaussianBlur(25)))
    draw = ImageDraw.Draw(im)
    _person(draw, 1080, 760, 190, 45, rng, carrying=True)
    return im, "sepia"


def _tractor(draw, x, y, size, tone):
    s = size * 150
    draw.rectangle((x - s * 0.9, y - s * 0.75, x + s * 0.35, y - s * 0.35), fill=tone)  # engine
    draw.rectangle((x + s * 0.15, y - s * 1.2, x + s * 0.55, y - s * 0.45), fill=tone)  # driver's seat
    draw.ellipse((x + s * 0.22, y - s * 1.42, x + s * 0.42, y - s * 1.2), fill=tone)  # driver's head
    draw.line((x - s * 0.7, y - s * 0.75, x - s * 0.7, y - s * 1.15), fill=tone, width=max(2, int(s * 0.06)))
    draw.ellipse((x - s * 0.1, y - s * 0.9, x + s * 0.8, y), fill=tone)  # the big rear wheel
    draw.ellipse((x + s * 0.05, y - s * 0.75, x + s * 0.65, y - s * 0.15), fill=min(255, tone + 35))
    draw.ellipse((x - s * 1.0, y - s * 0.45, x - s * 0.55, y), fill=tone)  # front wheel


def scene_factory(rng):
    """A pithead and factory sheds under smoke, a shift of miners walking in the foreground."""
    horizon = 520
    im = Image.new("L", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(im)
    _sky(draw, rng, 160, 205, horizon)
    smoke = Image.new("L", im.size, 0)
    smoke_draw = ImageDraw.Draw(smoke)
    stacks = [(180, 120, 26), (300, 80, 30), (760, 150, 22), (860, 110, 24)]
    for x, top, _ in stacks:
        for k in range(9):
            r = 30 + k * 14
            smoke_draw.ellipse(
                (x + k * 38 - r, top - k * 22 - r * 0.6, x + k * 38 + r, top - k * 22 + r * 0.6), fill=90
            )
    im = ImageChops.subtract(im, smoke.filter(ImageFilter.GaussianBlur(18)))
    draw = ImageDraw.Draw(im)
    for x, top, w in stacks:
        draw.polygon([(x - w, horizon), (x + w, horizon), (x + w * 0.6, top), (x - w * 0.6, top)], fill=50)
    for x in range(0, WIDTH, 110):  # saw-tooth roofs of the sheds
        draw.polygon([(x, horizon - 60), (x + 110, horizon - 60), (x + 110, horizon - 130)], fill=62)
    draw.rectangle((0, horizon - 60, WIDTH, horizon), fill=58)
    for x in range(20, WIDTH, 55):
        draw.rectangle((x, horizon - 48, x + 22, horizon - 18), fill=110)
    # The headframe: an A of girders with its wheel.
    hx = 520
    draw.line((hx - 90, horizon, hx, 190), fill=40, width=12)
    draw.line((hx + 90, horizon, hx, 190), fill=40, width=12)
    for y in range(240, horizon, 60):
        half = 90 * (y - 190) / (horizon - 190)
        draw.line((hx - half, y, hx + half, y + 30), fill=45, width=4)
    draw.ellipse((hx - 55, 140, hx + 55, 250), outline=35, width=10)
    _ground(draw, rng, horizon, 70, 100)
    for i in range(9):
        _person(
            draw, 80 + i * 120 + rng.randint(-20, 20), 740 + rng.randint(-15, 15), 220, 28, rng, i % 3 == 0
        )
    return im, "silver"


def scene_poster(rng, *, variant):
    """A printed poster pinned to a wall, photographed: flat blocks of ink, a figure, lettering, folds."""
    im = Image.new("L", (WIDTH, HEIGHT), 70)  # the wall behind
    draw = ImageDraw.Draw(im)
    for y in range(0, HEIGHT, 46):  # the wall's boards
        draw.line((0, y, WIDTH, y + rng.randint(-3, 3)), fill=58, width=3)
    left, top, right, bottom = 300, 40, 900, 770
    draw.rectangle((left + 10, top + 12, right + 10, bottom + 12), fill=40)  # its shadow
    draw.rectangle((left, top, right, bottom), fill=214)
    ink, light_ink = 40, 120
    if variant == "volunteer":
        # A soldier in a peaked cap points straight at the reader; a factory behind him.
        draw.rectangle((left + 30, top + 30, right - 30, top + 140), fill=ink)
        for x in range(left + 60, right - 60, 54):
            draw.rectangle((x, top + 62, x + 34, top + 108), fill=214)  # the headline's letters
        cx = 600
        draw.ellipse((cx - 90, 230, cx + 90, 430), fill=light_ink)
        draw.polygon([(cx - 110, 250), (cx + 110, 250), (cx + 70, 200), (cx - 70, 200)], fill=ink)
        draw.ellipse((cx - 35, 215, cx + 35, 250), fill=214)  # the star on the cap
        draw.polygon([(cx - 200, 760), (cx + 200, 760), (cx + 150, 440), (cx - 150, 440)], fill=ink)
        draw.polygon([(cx - 60, 470), (cx + 40, 470), (cx + 20, 620), (cx - 70, 620)], fill=light_ink)
        draw.ellipse((cx - 40, 560, cx + 40, 660), fill=light_ink)  # the fist, pointing out
        for x in range(left + 20, left + 130, 34):
            draw.rectangle((x, 520, x + 22, 760), fill=light_ink)
        for x in range(right - 120, right - 20, 40):
            draw.rectangle((x, 470, x + 28, 760), fill=light_ink)
    else:
        # The plan's poster: a great gear, chimneys rising through it, a diagonal band of slogan.
        cx, cy = 600, 400
        for k in range(16):
            a = k * math.pi / 8
            draw.polygon(
                [
                    (cx + 250 * math.cos(a - 0.12), cy + 250 * math.sin(a - 0.12)),
                    (cx + 300 * math.cos(a - 0.07), cy + 300 * math.sin(a - 0.07)),
                    (cx + 300 * math.cos(a + 0.07), cy + 300 * math.sin(a + 0.07)),
                    (cx + 250 * math.cos(a + 0.12), cy + 250 * math.sin(a + 0.12)),
                ],
                fill=ink,
            )
        draw.ellipse((cx - 255, cy - 255, cx + 255, cy + 255), fill=ink)
        draw.ellipse((cx - 180, cy - 180, cx + 180, cy + 180), fill=214)
        for x, h in ((480, 300), (560, 380), (650, 340), (720, 260)):
            draw.rectangle((x, cy + 180 - h, x + 44, cy + 180), fill=light_ink)
        draw.polygon([(left, 690), (right, 470), (right, 560), (left, 780)], fill=ink)
        for k in range(9):  # the slogan's letters along the band
            x = left + 40 + k * 60
            y = 690 - (x - left) * 220 / 600
            draw.polygon([(x, y + 10), (x + 38, y - 4), (x + 38, y + 46), (x, y + 60)], fill=214)
    poster = im.crop((left, top, right, bottom))
    creases = ImageDraw.Draw(poster)
    w, h = poster.size
    creases.line((w / 2, 0, w / 2 + 4, h), fill=235, width=2)  # folded in four once
    creases.line((0, h / 2, w, h / 2 - 3), fill=235, width=2)
    im.paste(poster, (left, top))
    draw = ImageDraw.Draw(im)
    for x, y in ((left + 14, top + 14), (right - 14, top + 14)):
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=90)  # the drawing pins
    return im, "sepia"


def scene_ration_card(rng):
    """A ration card on a dark table: a printed header, a grid of coupons, some cut away, a stamp."""
    im = Image.new("L", (WIDTH, HEIGHT), 52)
    card = Image.new("L", (860, 600), 208)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 859, 599), outline=90, width=4)
    draw.rectangle((24, 22, 836, 110), outline=70, width=3)
    for x in range(50, 520, 30):
        draw.rectangle((x, 44, x + 20, 86), fill=60)  # the card's printed title
    for x in range(560, 800, 22):
        draw.rectangle((x, 54, x + 14, 76), fill=110)
    for row in range(5):
        for col in range(8):
            x, y = 24 + col * 102, 130 + row * 90
            if rng.random() < 0.3 and row < 3:
                card.paste(52, (x, y, x + 100, y + 88))  # a coupon already cut out
                continue
            draw.rectangle((x, y, x + 100, y + 88), outline=95, width=2)
            draw.text((x + 10, y + 8), str(row * 8 + col + 1), fill=60)
            for k in range(3):
                draw.line(
                    (x + 14, y + 40 + k * 14, x + 86 - rng.randint(0, 30), y + 40 + k * 14), fill=130, width=3
                )
    stamp = Image.new("L", card.size, 0)
    stamp_draw = ImageDraw.Draw(stamp)
    stamp_draw.ellipse((620, 420, 800, 590), outline=255, width=8)
    stamp_draw.ellipse((650, 450, 770, 560), outline=255, width=4)
    card.paste(95, (0, 0), stamp.filter(ImageFilter.GaussianBlur(1.5)).point(lambda v: v * 0.6))
    card = card.rotate(rng.uniform(-3.5, -1.5), resample=Image.Resampling.BICUBIC, expand=True, fillcolor=52)
    im.paste(card, ((WIDTH - card.width) // 2, (HEIGHT - card.height) // 2))
    return im, "silver"


def scene_rocket(rng):
    """A rocket with four strap-on boosters on its pad at dusk, the service towers beside it, steam below."""
    horizon = 640
    im = Image.new("L", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(im)
    _sky(draw, rng, 60, 170, horizon)
    _ground(draw, rng, horizon, 30, 60)
    cx = 600
    draw.rectangle((cx - 34, 150, cx + 34, 600), fill=205)  # the core stage
    draw.polygon([(cx - 34, 150), (cx + 34, 150), (cx, 70)], fill=215)
    for dx in (-1, 1):  # boosters, tapering upward
        draw.polygon(
            [(cx + dx * 34, 330), (cx + dx * 80, 600), (cx + dx * 34, 600)], fill=185 if dx < 0 else 150
        )
    draw.line((cx, 150, cx, 600), fill=170, width=2)
    for tx in (cx - 200, cx + 200):  # service towers: lattices of girders
        draw.rectangle((tx - 30, 200, tx + 30, horizon), outline=25, width=6)
        for y in range(200, horizon, 40):
            draw.line((tx - 30, y, tx + 30, y + 40), fill=25, width=4)
            draw.line((tx + 30, y, tx - 30, y + 40), fill=25, width=4)
        draw.line((tx, 260, cx + (30 if tx < cx else -30) * -1, 300), fill=25, width=5)
    steam = Image.new("L", im.size, 0)
    steam_draw = ImageDraw.Draw(steam)
    for _ in range(24):
        x = cx + rng.randint(-380, 380)
        y = horizon - rng.randint(0, 90)
        r = rng.randint(40, 110)
        steam_draw.ellipse((x - r, y - r * 0.7, x + r, y + r * 0.5), fill=rng.randint(90, 150))
    im = ImageChops.lighter(im, steam.filter(ImageFilter.GaussianBlur(22)))
    return im, "silver"


def scene_meeting(rng):
    """A meeting hall from the back rows: heads in silhouette, a speaker's table, a portrait on the wall."""
    im = Image.new("L", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(im)
    for y in range(HEIGHT):
        draw.line((0, y, WIDTH, y), fill=int(150 - 60 * y / HEIGHT))
    draw.rectangle((440, 60, 760, 300), fill=60)  # the frame
    draw.rectangle((462, 82, 738, 278), fill=165)
    draw.ellipse((545, 110, 655, 230), fill=120)  # the leader's portrait, faded
    draw.rectangle((520, 220, 680, 278), fill=80)
    draw.rectangle((300, 330, 900, 420), fill=70)  # the table with its cloth
    for x in (420, 600, 780):  # the presidium behind it
        draw.ellipse((x - 26, 266, x + 26, 322), fill=55)
        draw.rectangle((x - 44, 316, x + 44, 345), fill=55)
    draw.rectangle((575, 300, 625, 340), fill=200)  # papers on the lectern
    for row in range(6):
        y = 470 + row * 62
        size = 26 + row * 9
        tone = 70 - row * 9
        for k in range(int(WIDTH / (size * 2.2)) + 2):
            x = k * size * 2.2 + rng.uniform(-8, 8) + (row % 2) * size
            draw.ellipse((x - size, y - size * 1.1, x + size, y + size * 0.9), fill=tone)
            draw.rectangle((x - size * 1.4, min(y + size * 0.5, HEIGHT), x + size * 1.4, HEIGHT), fill=tone)
    return im, "sepia"


SCENES = {
    "fence": scene_fence,
    "portrait": scene_portrait,
    "tractors": scene_tractors,
    "factory": scene_factory,
    "poster-volunteer": lambda rng: scene_poster(rng, variant="volunteer"),
    "poster-plan": lambda rng: scene_poster(rng, variant="plan"),
    "ration-card": scene_ration_card,
    "rocket": scene_rocket,
    "meeting": scene_meeting,
}


# --- The darkroom ---------------------------------------------------------------------------------


def _grain(rng, size, strength):
    """Film grain: seeded noise, clumped a little by a blur, around mid-grey."""
    noise = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    noise = noise.filter(ImageFilter.GaussianBlur(0.7))
    # The blur pulls values toward 128; stretch them back out to `strength` either side.
    return noise.point(lambda v: max(0, min(255, int(128 + (v - 128) * strength))))


def _vignette(size, depth):
    ring = Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return ring.point(lambda v: 255 - int(depth * max(0, v - 110) / 145))


def _wear(im, rng):
    """Dust, hairs and scratches on the negative: light ones printed through, a few dark specks."""
    draw = ImageDraw.Draw(im)
    w, h = im.size
    for _ in range(rng.randint(3, 6)):  # long vertical scratches
        x = rng.randint(0, w)
        drift = rng.randint(-25, 25)
        y0, y1 = rng.randint(0, h // 2), rng.randint(h // 2, h)
        draw.line((x, y0, x + drift, y1), fill=rng.randint(190, 235), width=1)
    for _ in range(rng.randint(120, 200)):  # dust
        x, y, r = rng.randint(0, w), rng.randint(0, h), rng.uniform(0.6, 2.2)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice((225, 240, 235, 60)))
    for _ in range(rng.randint(2, 4)):  # hairs
        x, y = rng.randint(0, w), rng.randint(0, h)
        points = [(x, y)]
        for _ in range(6):
            x, y = x + rng.randint(-14, 14), y + rng.randint(-14, 14)
            points.append((x, y))
        draw.line(points, fill=230, width=1)
    return im


def _tone(im, scheme):
    dark, middle, light = SEPIA if scheme == "sepia" else SILVER
    return ImageOps.colorize(im, black=dark, white=light, mid=middle)


def _print(photo, rng):
    """The photograph on its paper: an off-white margin, a softly uneven edge of the image."""
    paper = Image.new("RGB", (WIDTH, HEIGHT), (236, 229, 212))
    inner = photo.resize((WIDTH - 2 * BORDER, HEIGHT - 2 * BORDER), Image.Resampling.LANCZOS)
    mask = Image.new("L", inner.size, 0)
    ImageDraw.Draw(mask).rectangle((3, 3, inner.width - 4, inner.height - 4), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(2.5))
    paper.paste(inner, (BORDER, BORDER), mask)
    # The paper has aged too: a faint yellowing toward one corner.
    stain = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    turn = rng.choice((None, Image.Transpose.FLIP_TOP_BOTTOM, Image.Transpose.ROTATE_180))
    stain = stain.transpose(turn) if turn is not None else stain
    stain = stain.point(lambda v: int(v * 0.10))
    paper = Image.composite(Image.new("RGB", paper.size, (196, 170, 120)), paper, stain)
    return paper


def archival_photograph(scene: str, seed: str = "") -> bytes:
    """A JPEG of `scene` made to look like an old print; the same scene and seed give the same bytes."""
    rng = random.Random(f"{scene}:{seed}")
    im, scheme = SCENES[scene](rng)
    im = im.filter(ImageFilter.GaussianBlur(1.3))  # an old lens, a little soft
    im = ImageChops.multiply(im, _vignette(im.size, depth=150))
    im = ImageChops.add(im, _grain(rng, im.size, strength=0.75), scale=1.0, offset=-128)
    im = _wear(im, rng)
    # Old prints lost their blacks and whites: squeeze the tones a little.
    im = ImageOps.autocontrast(im, cutoff=1).point(lambda v: int(14 + v * 0.86))
    photo = _print(_tone(im, scheme), rng)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=76, optimize=True)
    return out.getvalue()
