"""Colours and fonts: label tints for light and dark backgrounds, the app style."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPainter, QPalette, QPen, QPixmap


def app_style() -> str:
    """The style sheet both windows use (resources/goldspan.qss)."""
    from importlib import resources

    return resources.files("goldspan.resources").joinpath("goldspan.qss").read_text(encoding="utf-8")


DARK_PROPERTY = "goldspanDark"  # the app's own choice, set by apply_theme


def system_prefers_dark() -> bool:
    """What the platform asks for (its colour scheme, else its palette's lightness)."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    try:
        scheme = QGuiApplication.styleHints().colorScheme()
        if scheme == Qt.ColorScheme.Dark:
            return True
        if scheme == Qt.ColorScheme.Light:
            return False
    except AttributeError:  # pragma: no cover - Qt < 6.5
        pass
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def is_dark() -> bool:
    """Whether goldspan shows its dark colours: its own choice once :func:`apply_theme`
    ran (the system's colour scheme may say otherwise), else the system's."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    chosen = app.property(DARK_PROPERTY)
    if chosen is not None:
        return bool(chosen)
    return system_prefers_dark()


def tint(color: str, *, strong: bool = False, dark: bool = False) -> QColor:
    """The background behind a span's text: the label colour, translucent."""
    c = QColor(color)
    if dark:
        c.setAlpha(150 if strong else 95)
    else:
        c.setAlpha(150 if strong else 70)
    return c


# A label outside the project's set (an import or an old version carries it) is drawn
# so that no label colour can look like it: red diagonal hatching behind the text, a
# red wavy underline, and a chip with a dashed red outline saying "not in set". It used
# to be plain grey, like a project label coloured grey: fixed and unfixed entities
# looked alike.
OUT_OF_SET_COLOR = "#d7263d"
NOT_IN_SET = "not in set"
OUT_OF_SET_HELP = "not in the project's labels: relabel or delete"
NO_SET_COLOR = "#8c8c8c"  # only while a project has no label set at all


def in_label_set(label: str, colors: dict[str, str]) -> bool:
    """Whether ``label`` is one of the project's labels (the colours map is the set;
    with no set at all, nothing is marked)."""
    return not colors or label in colors


def out_of_set_brush(*, strong: bool = False, dark: bool = False) -> QBrush:
    c = QColor(OUT_OF_SET_COLOR)
    c.setAlpha(230 if strong else (200 if dark else 150))
    return QBrush(c, Qt.BrushStyle.BDiagPattern)


def out_of_set_swatch(size: int = 12) -> QPixmap:
    """The entity list's swatch for such a label: the hatching, outlined."""
    pix = QPixmap(size, size)
    pix.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pix)
    painter.fillRect(0, 0, size, size, out_of_set_brush(strong=True))
    painter.setPen(QPen(QColor(OUT_OF_SET_COLOR), 1.0, Qt.PenStyle.DashLine))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return pix


def chip_text_color(color: str) -> QColor:
    """Black or white, whichever reads better on the label colour."""
    c = QColor(color)
    luminance = 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()
    return QColor("#111111") if luminance > 160 else QColor("#ffffff")


def _palette(colors: dict[str, str], disabled: str) -> QPalette:
    p = QPalette()
    for role, color in colors.items():
        p.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    for role in ("WindowText", "Text", "ButtonText"):
        p.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role), QColor(disabled))
    return p


# Every role the windows use, in both modes: a role left unset would come from the
# palette the application had before, which is how a toggle used to half-apply.
LIGHT = {
    "Window": "#efefef", "WindowText": "#000000", "Base": "#ffffff", "AlternateBase": "#f7f7f7",
    "Text": "#000000", "Button": "#efefef", "ButtonText": "#000000", "BrightText": "#ffffff",
    "Highlight": "#308cc6", "HighlightedText": "#ffffff", "ToolTipBase": "#ffffdc",
    "ToolTipText": "#000000", "PlaceholderText": "#6f6f6f", "Light": "#ffffff",
    "Midlight": "#cacaca", "Mid": "#8a8a8a", "Dark": "#9f9f9f", "Shadow": "#767676",
    "Link": "#1a5fb4",
}
DARK = {
    "Window": "#2b2d30", "WindowText": "#dfe1e5", "Base": "#1e1f22", "AlternateBase": "#2b2d30",
    "Text": "#dfe1e5", "Button": "#2b2d30", "ButtonText": "#dfe1e5", "BrightText": "#ffffff",
    "Highlight": "#3d6bc4", "HighlightedText": "#ffffff", "ToolTipBase": "#2b2d30",
    "ToolTipText": "#dfe1e5", "PlaceholderText": "#8c8f94", "Light": "#45484d",
    "Midlight": "#3a3c40", "Mid": "#8c8f94", "Dark": "#17181a", "Shadow": "#000000",
    "Link": "#8ab4f8",
}


def palette(dark: bool) -> QPalette:
    """goldspan's light or dark palette (Fusion), every role set."""
    return _palette(DARK, "#75787d") if dark else _palette(LIGHT, "#a0a0a0")


def apply_theme(app, dark: bool) -> None:  # type: ignore[no-untyped-def]
    """Light or dark, the same whether at start-up or toggled while running: the
    Fusion style and a complete palette, then every open goldspan window re-applies
    what it derived from them (``restyle()``: style sheet, the article's highlighter and
    chip colours, label buttons, badges). Style sheets are resolved against the palette
    when a widget is polished, so a palette change alone left the widgets a window's
    style sheet had polished in the old colours: a dark frame around a light article,
    or a light frame with dark text boxes and unreadable titles."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setProperty(DARK_PROPERTY, bool(dark))
    app.setPalette(palette(dark))
    for window in app.topLevelWidgets():
        restyle = getattr(window, "restyle", None)
        if callable(restyle):
            restyle()


def apply_dark_palette(app) -> None:  # type: ignore[no-untyped-def]
    """The dark theme (kept for callers that only ever want dark)."""
    apply_theme(app, True)
