"""Colours and fonts: label tints for light and dark backgrounds, the app style."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def app_style() -> str:
    """The style sheet both windows use (resources/goldspan.qss)."""
    from importlib import resources

    return resources.files("goldspan.resources").joinpath("goldspan.qss").read_text(encoding="utf-8")


def is_dark() -> bool:
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


def tint(color: str, *, strong: bool = False, dark: bool = False) -> QColor:
    """The background behind a span's text: the label colour, translucent."""
    c = QColor(color)
    if dark:
        c.setAlpha(150 if strong else 95)
    else:
        c.setAlpha(150 if strong else 70)
    return c


def chip_text_color(color: str) -> QColor:
    """Black or white, whichever reads better on the label colour."""
    c = QColor(color)
    luminance = 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()
    return QColor("#111111") if luminance > 160 else QColor("#ffffff")


def apply_dark_palette(app: QApplication) -> None:
    """A dark Fusion palette, for systems that do not provide one."""
    app.setStyle("Fusion")
    p = QPalette()
    base = QColor("#1e1f22")
    window = QColor("#2b2d30")
    text = QColor("#dfe1e5")
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, window)
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, window)
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.Highlight, QColor("#3d6bc4"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.ToolTipBase, window)
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8c8f94"))
    app.setPalette(p)
