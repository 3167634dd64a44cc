"""Suggesters: what proposes entities for a document before anyone edits it.

- :mod:`.base`: the :class:`~.base.Suggester` protocol and :func:`~.base.split_text`;
- :mod:`.spacy_ner`: :class:`~.spacy_ner.SpacySuggester`, a spaCy pipeline's NER;
- :mod:`.phrases`: :class:`~.phrases.PhraseSuggester`, strings labelled in the gold;
- :mod:`.documents`: :func:`~.documents.suggest_documents` (``goldspan suggest``);
- :mod:`.process`: :class:`~.process.ProcessSuggester`, all of it in a child process
  for the window (with the learning loop of :mod:`goldspan.core.learning`).

Each module imports only those above it in this list (import-linter keeps it so), which
ends the cycle that ``suggest.py`` and ``phrase_suggester.py`` made.
"""
