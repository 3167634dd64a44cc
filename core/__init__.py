"""goldspan core: the data model, the SQLite store, suggesters, formats and the CLI.

Nothing in this package imports Qt: the CLI, the exports and the agreement figures run
on a headless server without PySide6 installed.
"""

__version__ = "0.1.0"
