"""Before Qt starts: on Linux, the xcb platform plugin aborts the process when system
libraries are missing. Say which Debian packages to install instead."""

from __future__ import annotations

import ctypes
import os
import sys

# library soname -> Debian package (Qt 6's xcb plugin needs all of these)
XCB_LIBS = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}


def missing_xcb_packages() -> list[str]:
    missing = []
    for lib, package in XCB_LIBS.items():
        try:
            ctypes.CDLL(lib)
        except OSError:
            missing.append(package)
    return missing


def problem() -> str | None:
    """One line saying why a window cannot open here, or None if it can."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: Qt reports its own problems
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None
    if not os.environ.get("DISPLAY"):
        return ("no display to open a window on (DISPLAY is not set); run it in a desktop "
                "session, under Xvfb, or use 'goldspan screenshot' for a picture")
    missing = missing_xcb_packages()
    if missing:
        return ("Qt's xcb platform needs system libraries that are missing; install them with: "
                f"sudo apt-get install {' '.join(missing)}")
    return None
