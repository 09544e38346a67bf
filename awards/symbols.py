"""The fixed set of award symbols, drawn as inline SVG here (never user-supplied SVG)."""

from django.utils.html import format_html

from .models import Symbol

# 24x24 outlines, one filled path each.
PATHS = {
    Symbol.STAR: "M12 2l2.9 6.9 7.1.6-5.4 4.7 1.6 7.3L12 17.8l-6.2 3.7 1.6-7.3L2 9.5l7.1-.6z",
    Symbol.LAUREL: (
        "M12 21c-4.4-1-7.5-5-7.5-10 0-2.2.6-4.2 1.6-5.8C6.5 8.3 7 11.2 8.6 13.6c1 1.7 2.3 3.1 3.4 4"
        " 1.1-.9 2.4-2.3 3.4-4C17 11.2 17.5 8.3 17.9 5.2c1 1.6 1.6 3.6 1.6 5.8 0 5-3.1 9-7.5 10z"
    ),
    Symbol.FLAME: (
        "M12 2c1 3.5 5 5.8 5 11a5 5 0 0 1-10 0c0-2.5 1.2-4 2.5-5.2.2 1.8 1 2.9 2.2 3.4C11 8.6 11.3 5.2 12 2z"
    ),
    Symbol.MEDAL: "M7 2h10l-3.2 6.4A6.5 6.5 0 1 1 10.2 8.4z",
    Symbol.FEATHER: "M20 3c-8 0-14 6-15 14l-2 4h2l1.6-3.2C14.5 17 20 11 20 3z",
    Symbol.HEART: (
        "M12 21s-7.6-4.6-9.6-9.3C1 8.2 3.1 4.5 6.7 4.5c2.1 0 3.6 1.1 4.4 2.5h1.8"
        "c.8-1.4 2.3-2.5 4.4-2.5 3.6 0 5.7 3.7 4.3 7.2C19.6 16.4 12 21 12 21z"
    ),
}


def symbol_svg(award_type, *, label: str | None = None, decorative: bool = False):
    """The award type's symbol in its colour: labelled for screen readers, or hidden from them
    where the award's name is written beside it anyway."""
    path = PATHS.get(award_type.symbol, PATHS[Symbol.STAR])
    if decorative:
        return format_html(
            '<svg class="award-symbol" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" '
            'focusable="false"><path fill="{}" d="{}"/></svg>',
            award_type.colour,
            path,
        )
    name = label or award_type.name
    return format_html(
        '<svg class="award-symbol" viewBox="0 0 24 24" width="1em" height="1em" role="img" '
        'aria-label="{}" focusable="false"><title>{}</title><path fill="{}" d="{}"/></svg>',
        name,
        name,
        award_type.colour,
        path,
    )
