"""Starting the GUI: the QApplication, the store, the window, the first article."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import GoldspanError
from ..core.paths import default_db
from ..core.seeds import seed_if_empty
from ..core.storage import Store

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtWidgets import QApplication



def make_app() -> QApplication:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)  # never a bare QCoreApplication here
    app.setApplicationName("goldspan")
    app.setOrganizationName("goldspan")
    _quiet_offscreen(app)
    return app


_OFFSCREEN_NOISE = "This plugin does not support "  # raise(), propagateSizeHints()
_quieted = False


def _quiet_offscreen(app: QApplication) -> None:
    """Qt's offscreen platform (``goldspan screenshot``, headless runs) says "This
    plugin does not support propagateSizeHints()" or "raise()" for windows it shows: a
    line on stderr that reads like an error and is none. Those lines alone are dropped;
    every other message goes where it went."""
    global _quieted
    if app.platformName() != "offscreen" or _quieted:
        return
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode, context, message):  # type: ignore[no-untyped-def]
        if message.startswith(_OFFSCREEN_NOISE):
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)
    _quieted = True


def open_store(db: Path | None) -> Store:
    """The database to annotate; the default one gets the seed articles on first start."""
    path = db if db is not None else default_db()
    store = Store.open(path)
    if db is None or path == default_db():
        seed_if_empty(store)
    return store


def build_window(store: Store, annotator: str, *, model: str | None, suggest: bool, doc: int | None,  # type: ignore[no-untyped-def]
                 annotator_choice=None):
    from .main_window import MainWindow

    window = MainWindow(store, annotator, model=model, suggest=suggest,
                        annotator_choice=annotator_choice)
    if doc is not None:
        store.document(doc)  # refuses an unknown id with one clear line
    window.open_first(doc)
    return window


def run(db: Path | None, annotator: str | None, doc: int | None, model: str | None) -> int:
    from .platform_check import problem

    why = problem()
    if why:
        raise GoldspanError(why)
    app = make_app()
    from .settings import annotator_choice, model_name, settings

    from .theme import apply_theme, system_prefers_dark

    saved = settings().value("dark")  # View → Dark mode's choice, else the system's
    apply_theme(app, str(saved).lower() == "true" if saved is not None else system_prefers_dark())

    choice = annotator_choice(annotator)  # --annotator is for this run: never saved
    who = _checked(choice.name, annotator)
    # Something on screen at once, before the slow parts (issue 14, item 8): a
    # loaded machine took 7-9 s to show anything.
    from .opening import OpeningWindow

    opening = OpeningWindow((db or default_db()).name)
    opening.step("Opening the database…")
    try:
        store = open_store(db)
        opening.step("Daily backup…")
        _daily_backup(store)
        # spaCy's tokenizer (for snapping selections) is loaded before the window
        # shows: importing spaCy later, on any thread of this process, would freeze the
        # GUI for tens of milliseconds at a time. The model loads in a child process.
        opening.step("Loading spaCy's tokenizer…")
        from ..core.token_index import warm

        warm()
        opening.step("Opening the queue…")
        window = build_window(store, who, model=model_name(model), suggest=True, doc=doc,
                              annotator_choice=choice)
        window.move(opening.pos())
        window.show()
        window.view.setFocus()
    finally:
        opening.close()
    code = app.exec()
    store.close()
    return code


def _checked(name: str, given: str | None) -> str:
    """The annotator name follows the naming rule before the window opens: a name saved
    in settings.ini by an older goldspan, or an OS user name, that breaks it is refused
    in one line saying how to choose another, never used nor silently replaced."""
    from ..core.labels import check_annotator

    try:
        return check_annotator(name)
    except GoldspanError as err:
        if given:
            raise
        raise GoldspanError(f"{err.message}; it is the saved (or the system's) user name: "
                            "pass --annotator NAME") from None


def _daily_backup(store: Store) -> None:
    """One backup copy a day (kept 14 days, see core/backups.py); a failure to back up
    is reported on stderr and never stops the analyst from working."""
    from ..core.backups import daily_backup
    from ..core.paths import backups_dir

    try:
        daily_backup(store, backups_dir())
    except Exception as err:  # noqa: BLE001
        print(f"goldspan: daily backup failed: {err}", file=sys.stderr)
