"""The learning loop: what the window suggests, and how it learns from accepted gold.

Qt-free and picklable where it crosses a process boundary, so the window's suggester
child process and ``goldspan replay`` drive the very same object
(:class:`goldspan.core.learning.loop.LearningLoop`).

Modules: :mod:`.costs` (the oracle analyst's cost model), :mod:`.label_map` (the
project's labels rule), :mod:`.phrases` (strings learnt from the gold, with the
evidence against them), :mod:`.gate` (which suggestions are worth showing),
:mod:`.trainer` (background NER training), :mod:`.loop` (the object that owns them
all) and :mod:`.replay` (an annotation session replayed with an oracle).
"""
