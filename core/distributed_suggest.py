"""Bulk suggestions on Ray: ``goldspan suggest --ray [ADDRESS]`` (bench/SCALING.md).

The corpus is cut into shards of documents; each shard is a Ray task that turns the
shard's texts into a small goldspan database with exactly the code of ``goldspan
suggest`` (:class:`SpacySuggester` + :func:`suggest_documents`, the model loaded once
per worker process and kept), and the one writer, this process, merges each shard
back with ``goldspan merge``'s :func:`merge_store`, documents matched by text hash.

Why it is built this way:

- **Nothing travels as a path.** The driver reads a shard's texts from the database and
  hands them to the task (Ray moves them through its object store); the task builds
  the shard in memory and returns the file's bytes the same way. A cluster whose nodes
  share no filesystem works, and a worker never writes to its disk.
- **Nothing half-written.** A returned shard is written next to the database as
  ``shard-NNNNNN.db.part``, flushed to disk and renamed to ``shard-NNNNNN.db``; each
  shard is merged in one transaction of the database (all or nothing) and then
  deleted. A task whose worker dies (killed, pre-empted, out of memory) is run again
  by Ray (``max_retries``); a worker never touches the database.
- **A rerun skips what is done.** Only documents the model has not run on are sent.
  Complete shard files left by a killed run are merged first (same model only) and
  partial ones deleted; two runs on one database are refused by a lock.
- **The same suggestions as one process**: the same code per document, the same model
  id (every worker's pipeline must have the id of the first one loaded, or the run
  stops), and shards carry no label set of their own (the project's label set is
  filled from the model on first use, as ``goldspan suggest`` does). A document deleted
  from the database while the run was under way is never brought back by a merge.

``import ray`` happens only inside the functions: goldspan imports, and ``goldspan
suggest`` without ``--ray`` runs, without Ray installed and without paying for it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ClusterError, GoldspanError, StoreError
from .merge import merge_store
from .storage import SQLiteError, Store
from .suggest import SpacySuggester, ensure_label_set, suggest_documents

INSTALL_HINT = "pip install 'goldspan[ray]'"
LOCAL = "local"  # ``--ray`` without an address, or ``--ray local``: a runtime on this machine
DEFAULT_SHARD_SIZE = 200  # documents per shard (``--shard-size``), at most
SHARDS_PER_WORKER = 4  # a small corpus gets smaller shards, so every worker has some
MAX_RETRIES = 3  # Ray runs a task whose worker died up to this many more times
SHARD_FOLDER_SUFFIX = ".ray-shards"
# Test-only fault injection: a task whose shard has a file ``kill-shard-N`` in this
# folder deletes it and kills its own worker process (tests/test_ray_suggest.py).
FAULTS_ENV = "GOLDSPAN_RAY_TEST_FAULTS"


@dataclass
class RayRun:
    """What a run did."""

    model_id: str = ""
    documents: int = 0  # documents whose suggestions were merged in
    suggestions: int = 0  # suggestions those brought
    shards: int = 0  # shards run in this run
    reused_shards: int = 0  # complete shards of an interrupted run merged first
    dropped: int = 0  # documents deleted from the database while the run was under way
    workers: int = 0  # CPUs of the runtime or cluster
    seconds: float = 0.0  # from the model loaded on a worker to the last merge


def import_ray() -> Any:  # the ray module
    """Ray, or one line saying how to install it."""
    try:
        import ray
    except ImportError:
        raise ClusterError(f"--ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    return ray


# ----------------------------------------------------------------- on a worker
_worker_suggesters: dict[tuple[str | None, int], SpacySuggester] = {}


def _worker_suggester(model: str | None, batch_size: int) -> SpacySuggester:
    """The worker process's pipeline: loaded by its first task, kept for the next ones
    (Ray reuses a worker process for the tasks of one job)."""
    key = (model, batch_size)
    if key not in _worker_suggesters:
        suggester = SpacySuggester(model, batch_size=batch_size)
        suggester.model_id  # noqa: B018 - loads it: a missing model fails here, in one line
        _worker_suggesters[key] = suggester
    return _worker_suggesters[key]


def model_info(model: str | None, batch_size: int) -> tuple[str, list[str]]:
    """Ray task: the pipeline's id and NER labels, as a worker loads it."""
    suggester = _worker_suggester(model, batch_size)
    return suggester.model_id, list(suggester.labels)


def suggest_shard(index: int, texts: Sequence[str], model: str | None, batch_size: int,
                  model_id: str) -> bytes:
    """Ray task: one shard's texts in, the shard's goldspan database out (its bytes),
    holding the documents, the model's suggestions and its runs, and no label set."""
    suggester = _worker_suggester(model, batch_size)
    if suggester.model_id != model_id:
        from .errors import ModelError

        raise ModelError(f"a Ray worker has the pipeline {suggester.model_id}, the first one "
                         f"had {model_id}: install the same model package on every worker")
    with contextlib.closing(Store.memory()) as shard:
        with shard.transaction():
            for text in texts:
                shard.add_document(text)
        suggest_documents(shard, suggester, commit_seconds=float("inf"))
        shard.set_labels([])  # the database's label set is the driver's business
        _test_fault(index)
        return shard.serialize()


def _test_fault(index: int) -> None:
    """Die like a pre-empted worker, once, when a test asked for it."""
    folder = os.environ.get(FAULTS_ENV)
    if not folder:
        return
    try:
        (Path(folder) / f"kill-shard-{index}").unlink()
    except FileNotFoundError:
        return
    os._exit(1)


# ---------------------------------------------------------------- on the driver
class ShardFolder:
    """``<database>.ray-shards/``, next to the database (its real path, so on the disk
    the merge writes to): shard files on their way into the database, a lock that keeps
    a second run off it, removed at the end. Left behind only by a killed run, and then
    cleaned, or its complete shards reused, by the next one."""

    def __init__(self, db: Path) -> None:
        real = Path(db).resolve()
        self.path = real.with_name(real.name + SHARD_FOLDER_SUFFIX)
        self._lock: Any = None

    def __enter__(self) -> "ShardFolder":
        try:
            from filelock import FileLock, Timeout
        except ImportError:
            raise ClusterError(f"--ray needs filelock, which is not installed: {INSTALL_HINT}"
                               ) from None
        if self.path.is_symlink():
            raise StoreError("is a symbolic link; goldspan keeps its shards in a folder of its "
                             "own, which it empties and removes: remove the link",
                             path=self.path)
        try:
            self.path.mkdir(exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the shard folder next to the database "
                             f"({err.strerror}); --ray needs a writable folder there",
                             path=self.path) from None
        foreign = next((p.name for p in sorted(self.path.iterdir()) if not _ours(p)), None)
        if foreign is not None:
            raise StoreError(f"holds {foreign}, which goldspan did not write; this folder is "
                             "goldspan's own, emptied and removed by every run: move your "
                             "files out of it", path=self.path)
        lock = FileLock(str(self.path / "lock"), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise ClusterError("another 'goldspan suggest --ray' is running on this database; "
                               "wait for it to end", path=self.path) from None
        self._lock = lock
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(FileNotFoundError):  # removed by hand meanwhile
            for p in self.path.iterdir():
                if p.name != "lock" and _ours(p):  # a file put here meanwhile stays
                    p.unlink(missing_ok=True)
        self._lock.release()
        (self.path / "lock").unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # another run took the folder meanwhile
            self.path.rmdir()

    def leftovers(self) -> list[Path]:
        """Complete shards of an interrupted run, in order; anything else is deleted."""
        keep = []
        for p in sorted(self.path.iterdir()):
            if p.name == "lock" or not _ours(p):
                continue
            if p.name.endswith(".db"):
                keep.append(p)
            else:
                p.unlink(missing_ok=True)
        return keep

    def write(self, index: int, data: bytes) -> Path:
        """The shard's file, complete or absent: written as ``.part``, flushed, renamed."""
        final = self.path / f"shard-{index:06d}.db"
        part = final.with_name(final.name + ".part")
        try:
            with open(part, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(part, final)
        except OSError as err:
            part.unlink(missing_ok=True)
            raise StoreError(f"cannot write a shard of {len(data):,} bytes ({err.strerror}); "
                             "free some space next to the database and run again",
                             path=self.path) from None
        return final


_SHARD_NAME = re.compile(r"^(lock|shard-\d{6,}\.db(\.part|-wal|-shm|-journal)?)$")


def _ours(p: Path) -> bool:
    """A file the shard folder's own code writes: ``lock``, ``shard-NNNNNN.db``, its
    ``.part`` and the files SQLite keeps beside a shard it opened. Nothing else there is
    ever deleted (a user's export put in the folder)."""
    return bool(_SHARD_NAME.match(p.name)) and not p.is_symlink() and p.is_file()


def merge_shard(team: Store, path: Path, model_id: str, *, force: bool = False
                ) -> tuple[int, int, int]:
    """Merge one shard file into the database, all or nothing, and delete it.

    In one transaction of the database: documents of the shard that are no longer
    there (deleted during the run) are left out, never brought back; with ``force``
    the model's earlier run on the others is forgotten first, so the new one is
    copied. Returns (documents whose run was merged, their suggestions, left out).
    """
    merged: list[int] = []
    dropped = 0
    with contextlib.closing(Store.open(path, create=False)) as shard:
        with team.transaction():
            for sid in shard.document_ids():
                tid = team.document_id_by_hash(shard.document(sid).text_hash)
                if tid is None:
                    shard.delete_document(sid)
                    dropped += 1
                    continue
                if force:
                    team.drop_run(tid, model_id)
                elif team.has_run(tid, model_id):
                    continue  # done meanwhile (another suggest): the merge keeps that one
                merged.append(tid)
            keep = team.label_filter()  # the project's labels rule and lock, as suggest
            for sid in shard.document_ids():
                found = shard.suggestions(sid, model_id)
                kept = keep(found)
                if kept != found:
                    shard.put_suggestions(sid, model_id, kept)
            report = merge_store(team, shard)
            if report.documents_added or report.versions_added or report.labels_added:
                raise StoreError("a shard would have added documents, versions or labels; "
                                 "nothing of it was merged", path=path)
            # what the database holds now (the merge may keep a label set's own labels only)
            n_sugg = sum(len(team.suggestions(tid, model_id)) for tid in merged)
    path.unlink()
    return len(merged), n_sugg, dropped


def _complete_shard(path: Path, model_id: str) -> bool:
    """A leftover shard worth merging: a goldspan file whose every document has a run
    of this model."""
    try:
        with contextlib.closing(Store.open(path, create=False, migrate=False)) as shard:
            return shard.document_count() > 0 and not shard.documents_without_run(model_id)
    except (GoldspanError, OSError, SQLiteError):  # torn by a crash: deleted, not merged
        return False


@contextlib.contextmanager
def runtime(address: str | None = None, num_cpus: int | None = None) -> Iterator[Any]:
    """Ray, connected: an existing connection of this process as it is; else a local
    runtime (``address`` None or ``local``; ``num_cpus`` workers, default every CPU)
    or the cluster at ``address`` (``auto``, ``host:6379``, ``ray://host:10001``),
    shut down or disconnected at the end."""
    ray = import_ray()
    local = address in (None, LOCAL)
    if not local and num_cpus is not None:
        raise ClusterError("--n-process sets the workers of a local Ray runtime; a cluster "
                           "has the CPUs its nodes were started with (ray start --num-cpus)")
    if ray.is_initialized():
        if not local or num_cpus is not None:
            raise ClusterError("Ray is already initialised in this process: its runtime is "
                               "used, pass no address and no worker count")
        yield ray
        return
    options: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if local:  # "local": always a new runtime, never one RAY_ADDRESS or ray start left
            ray.init(address=LOCAL, num_cpus=num_cpus, include_dashboard=False, **options)
        else:
            ray.init(address=address, **options)
    except (ConnectionError, ValueError, RuntimeError) as err:
        where = "start a local Ray runtime" if local else f"reach a Ray cluster at {address!r}"
        hint = ("" if local else "; start one with 'ray start --head', or pass --ray without "
                "an address to run on this machine")
        raise ClusterError(f"cannot {where} ({str(err).splitlines()[0] if str(err) else err})"
                           f"{hint}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def _get(ray: Any, ref: Any, what: str) -> Any:
    """``ray.get`` with Ray's failures turned into one line; goldspan's own refusals
    raised on a worker (a missing model) reach the user as they are."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as err:
        cause = getattr(err, "cause", None)
        if isinstance(cause, GoldspanError):
            raise cause from None
        raise ClusterError(f"{what} failed on a Ray worker: "
                           f"{cause if cause is not None else err}") from None
    except ray.exceptions.RayError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ClusterError(f"{what}: its Ray worker was lost on each of {MAX_RETRIES + 1} "
                           f"attempts ({type(err).__name__}: {first}); the shards merged so far "
                           "are kept, run the command again to do the rest") from None


def default_shard_size(documents: int, workers: int) -> int:
    """:data:`DEFAULT_SHARD_SIZE` documents, fewer when that would leave a worker idle:
    at least :data:`SHARDS_PER_WORKER` shards per worker (a worker's first shard also
    pays its model load, so several shards each even the load out)."""
    per = -(-documents // (SHARDS_PER_WORKER * max(1, workers)))
    return max(1, min(DEFAULT_SHARD_SIZE, per))


def local_model_id(model: str | None) -> str | None:
    """The model's ``name@version`` read from its ``meta.json`` on this machine, without
    loading it; None when it is not installed here or its meta leaves the id to the
    loaded pipeline. Lets a rerun with nothing left to do end without starting Ray."""
    from types import SimpleNamespace

    from .spacy_models import model_id, resolve

    try:
        import spacy.util

        target = resolve(model)
        folder = Path(target) if Path(target).exists() else spacy.util.get_package_path(target)
        meta = spacy.util.load_meta(folder / "meta.json")
    except Exception:  # noqa: BLE001 - not here, or unreadable: ask a worker instead
        return None
    if not all(isinstance(meta.get(k), str) and meta.get(k) for k in ("name", "lang", "version")):
        return None
    return model_id(SimpleNamespace(meta=meta))


def suggest_on_ray(
    db: str | Path,
    model: str | None = None,
    *,
    address: str | None = None,
    num_cpus: int | None = None,
    shard_size: int | None = None,
    batch_size: int = 32,
    force: bool = False,
    on_plan: Callable[[str, int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RayRun:
    """Store the model's suggestions for every document it has not run on (all of
    them with ``force``), computed on Ray, merged into ``db`` shard by shard.

    ``on_plan(model_id, documents)`` hears how many documents will be sent once a
    worker has loaded the model; ``progress(n)`` hears of each shard merged. Nothing
    starts Ray when the model (installed here too) has run on every document already.
    """
    import_ray()  # without Ray: the one line that says how to install it, before anything
    if shard_size is not None and shard_size < 1:
        raise ClusterError("--shard-size must be at least 1")
    # A model given as a folder: its absolute path (a Ray worker's working directory
    # need not be this one; on a cluster the folder must exist on every node).
    if model is not None and Path(model).exists():
        model = str(Path(model).resolve())
    with contextlib.closing(Store.open(db, create=False)) as team:
        folder = ShardFolder(Path(db))
        if not force and not folder.path.exists():
            known = local_model_id(model)
            if known is not None and not team.documents_without_run(known):
                if on_plan is not None:
                    on_plan(known, 0)
                return RayRun(model_id=known)
        with folder, runtime(address, num_cpus) as ray:
            return _run(team, folder, ray, model, shard_size=shard_size, batch_size=batch_size,
                        force=force, on_plan=on_plan, progress=progress)


def _run(team: Store, folder: ShardFolder, ray: Any, model: str | None, *,
         shard_size: int | None, batch_size: int, force: bool,
         on_plan: Callable[[str, int], None] | None,
         progress: Callable[[int], None] | None) -> RayRun:
    """The run itself, the database open, the shard folder locked, Ray connected."""
    run = RayRun(workers=int(ray.cluster_resources().get("CPU", 0)))
    remote = {"num_cpus": 1, "max_retries": MAX_RETRIES}
    info_task = ray.remote(**remote)(model_info)
    shard_task = ray.remote(**remote)(suggest_shard)
    run.model_id, labels = _get(ray, info_task.remote(model, batch_size), "loading the model")
    t0 = time.perf_counter()
    leftovers = folder.leftovers()
    ids = team.document_ids() if force else team.documents_without_run(run.model_id)
    if ids or leftovers:
        ensure_label_set(team, labels)
    for path in leftovers:
        if force or not _complete_shard(path, run.model_id):
            path.unlink()
            continue
        merged, n_sugg, dropped = merge_shard(team, path, run.model_id)
        run.documents += merged
        run.suggestions += n_sugg
        run.dropped += dropped
        run.reused_shards += 1
    if run.reused_shards and not force:
        ids = team.documents_without_run(run.model_id)
    if on_plan is not None:
        on_plan(run.model_id, len(ids))
    size = shard_size or default_shard_size(len(ids), run.workers)
    shards = [ids[k:k + size] for k in range(0, len(ids), size)]
    window = max(2, 2 * run.workers)  # shards in flight: the texts of a few per worker
    pending: dict[Any, tuple[int, int]] = {}
    todo = iter(enumerate(shards))
    try:
        while True:
            while len(pending) < window:
                nxt = next(todo, None)
                if nxt is None:
                    break
                index, shard_ids = nxt
                texts = []
                for doc_id in shard_ids:
                    try:
                        texts.append(team.document(doc_id).text)
                    except StoreError:  # deleted since the list was read
                        run.dropped += 1
                ref = shard_task.remote(index, texts, model, batch_size, run.model_id)
                pending[ref] = (index, len(shard_ids))
            if not pending:
                break
            [ref], _ = ray.wait(list(pending), num_returns=1)
            index, n_ids = pending.pop(ref)
            data = _get(ray, ref, f"shard {index}")
            merged, n_sugg, dropped = merge_shard(team, folder.write(index, data),
                                                  run.model_id, force=force)
            run.documents += merged
            run.suggestions += n_sugg
            run.dropped += dropped
            run.shards += 1
            if progress is not None:
                progress(n_ids)
    finally:
        for ref in pending:  # stopped by an error: the cluster's time is not wasted
            with contextlib.suppress(Exception):
                ray.cancel(ref)
    run.seconds = time.perf_counter() - t0
    return run
