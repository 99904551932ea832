"""The index directory on disk: everything an index needs lives inside the one directory named by ``--index``.

    DIR/
      current -> v1764169452000000000      a relative symbolic link to the version being served, replaced atomically
      v1764169452000000000/                a finished version: manifest.json, passages.sqlite3, lexical/, vectors.faiss
      v1764160000000000000/                the previous version, kept for rollback (`quotebot index --rollback`)
      build-*/                             a build in progress (a leftover of an interrupted build is removed by the next)
      lock                                 one build at a time
      terms.sqlite3, embeddings.sqlite3    the term and embedding caches, kept across versions

So ``rm -rf DIR`` removes it all, and a copy of DIR (``cp -r``: the link is relative) is a working index. A reader
resolves ``current`` once when it opens, and reads that version to the end; a build keeps the previous version,
so a reader that resolved the link just before a swap still finds its files.

Two older layouts are still read: a symbolic link DIR → ``.DIR.v<time>`` beside it, with the caches and the lock
beside it too (quotebot before this layout), and a plain directory holding one version's files (an index copied
with ``cp -rL``). The next build moves either into this layout, once, and says so.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from retrieval import store
from retrieval.errors import RetrievalError

log = logging.getLogger(__name__)

CURRENT = "current"
LOCK = "lock"
TERM_CACHE = "terms.sqlite3"
EMBEDDING_CACHE = "embeddings.sqlite3"
BUILD_PREFIX = "build-"
_VERSION = re.compile(r"^v(\d+)$")
_LINK_PREFIX = f"{CURRENT}-"  # a new link, made beside `current` and renamed over it
_VERSION_FILES = (store.MANIFEST, store.PASSAGES, store.LEXICAL, store.VECTORS)
_SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


def version_dir(index_dir: Path) -> Path:
    """The version directory to read, resolved now: a build may swap in another one right after.

    For the older layouts: the target of a DIR link, or DIR itself when it holds the files. A path that holds no
    index is returned as it is, for store.read_manifest to say what is wrong with it.
    """
    try:
        target = (index_dir / CURRENT).readlink()
    except OSError:  # no link: an older layout, or no index at all
        return index_dir.resolve() if index_dir.is_symlink() else index_dir
    return index_dir / target


def versions(index_dir: Path) -> list[Path]:
    """The finished and unfinished version directories inside DIR, oldest first."""
    found = [(int(m.group(1)), p) for p in _entries(index_dir) if (m := _VERSION.match(p.name)) and p.is_dir() and not p.is_symlink()]
    return [path for _, path in sorted(found)]


def current_version(index_dir: Path) -> Path | None:
    """The version DIR/current points at, or None (no link, or another layout)."""
    try:
        return index_dir / (index_dir / CURRENT).readlink()
    except OSError:
        return None


def _entries(directory: Path) -> list[Path]:
    try:
        return list(directory.iterdir())
    except OSError:
        return []


def _is_ours(name: str) -> bool:
    """A name quotebot writes inside an index directory (the foreign-directory check leaves others alone)."""
    base = name
    for suffix in _SQLITE_SIDE_FILES:
        base = base.removesuffix(suffix)
    return (
        base in (CURRENT, LOCK, TERM_CACHE, EMBEDDING_CACHE, *_VERSION_FILES)
        or bool(_VERSION.match(base))
        or base.startswith((BUILD_PREFIX, _LINK_PREFIX))
    )


def refuse_foreign_directory(index_dir: Path) -> None:
    """Refuse a directory at index_dir (or a link to one) that holds files but no index (someone's documents, say)."""
    if not index_dir.is_dir() or _is_linked_layout(index_dir):
        return
    entries = _entries(index_dir)
    if not entries or (index_dir / CURRENT).is_symlink() or (index_dir / store.MANIFEST).exists():
        return
    if any(not _is_ours(p.name) for p in entries):
        raise RetrievalError(f"{index_dir} exists and is not a quotebot index; choose another directory with --index")


# ---------------------------------------------------------------- one build at a time


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold DIR/lock (creating DIR), after moving an index of an older layout into this one.

    The lock file may be removed with its directory (a failed first build cleans up, someone runs rm -rf) while
    another process waits on it; a process that then gets the lock of a file no longer there takes it again.
    """
    if _is_linked_layout(index_dir):
        _move_linked_layout(index_dir)
    while True:
        index_dir.mkdir(parents=True, exist_ok=True)
        path = index_dir / LOCK
        handle = open(path, "a")  # noqa: SIM115 - held for the whole build, closed below
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
        except BaseException:
            handle.close()
            raise
        handle.close()
    try:
        if (index_dir / store.MANIFEST).is_file() and not (index_dir / CURRENT).is_symlink():
            _move_flat_layout(index_dir)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


# ---------------------------------------------------------------- swapping versions


def new_build_dir(index_dir: Path) -> Path:
    """An empty directory inside DIR for a build to write its version into."""
    return Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=index_dir))


def swap_in(built: Path, index_dir: Path) -> Path:
    """Rename a finished build to a version and point DIR/current at it atomically; remove all but the previous one.

    Call with the build lock held. Readers see the old version or the new one, never a mix and never nothing.
    """
    version = index_dir / f"v{time.time_ns()}"
    os.rename(built, version)
    try:
        _point_current(index_dir, version.name)
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise
    _remove_old_versions(index_dir, serving=version)
    return version


def rollback(index_dir: Path) -> Path:
    """Serve the previous version again (the one kept beside the current one); the current one becomes the previous.

    Raises RetrievalError when there is no previous version to go back to.
    """
    with build_lock(index_dir):
        serving = current_version(index_dir)
        others = [v for v in versions(index_dir) if v != serving and (v / store.MANIFEST).is_file()]
        if serving is None or not others:
            raise RetrievalError(f"index at {index_dir}: there is no previous version to roll back to")
        previous = others[-1]
        _point_current(index_dir, previous.name)
        return previous


def _point_current(index_dir: Path, version_name: str) -> None:
    link = index_dir / f"{_LINK_PREFIX}{os.getpid()}-{time.time_ns()}"
    os.symlink(version_name, link)
    try:
        os.replace(link, index_dir / CURRENT)  # atomic: readers see the old target or the new one
    except BaseException:
        link.unlink(missing_ok=True)
        raise
    _fsync_directory(index_dir)


def _remove_old_versions(index_dir: Path, serving: Path) -> None:
    """Delete versions older than the previous one, and leftovers of interrupted builds and swaps."""
    older = [v for v in versions(index_dir) if v != serving]
    doomed = older[:-1] + [p for p in _entries(index_dir) if p.name.startswith((BUILD_PREFIX, _LINK_PREFIX))]
    for path in doomed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def remove_failed_first_build(index_dir: Path) -> None:
    """Remove what a first build that failed left in DIR (its lock, its caches), so no index is no directory."""
    if current_version(index_dir) is None and not (index_dir / store.MANIFEST).exists() and all(_is_ours(p.name) for p in _entries(index_dir)):
        shutil.rmtree(index_dir, ignore_errors=True)


def _fsync_directory(directory: Path) -> None:
    """Make a rename in the directory survive a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- older layouts, moved once


def _link_copy(source: Path, target: Path) -> None:
    """Copy a version directory by hard links: no data is copied, and a reader of the old path keeps its files."""
    shutil.copytree(source, target, copy_function=os.link)


def _is_linked_layout(index_dir: Path) -> bool:
    """DIR is the older layout's link to a version beside it (not a link to a directory elsewhere, which is used as is)."""
    try:
        target = Path(os.readlink(index_dir))
    except OSError:
        return False
    return len(target.parts) == 1 and target.name.startswith(f".{index_dir.name}.v")


def _move_linked_layout(index_dir: Path) -> None:
    """Move an index of the layout before this one (DIR a link to a version beside it; caches and lock beside it) into DIR.

    The versions are hard-linked into a new directory with the caches, which then takes the link's place. A link
    cannot be replaced by a directory in one rename, so for the moment between the unlink and the rename the index
    is missing: a reader opening it just then is told so, and a running bot keeps the index it has.
    """
    parent, name = index_dir.parent, index_dir.name
    old_lock = parent / f".{name}.lock"
    with open(old_lock, "a") as handle:  # the lock builds of the older layout take
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if not _is_linked_layout(index_dir):
                return  # another process moved it while this one waited
            _stage_and_swap(index_dir)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    old_lock.unlink(missing_ok=True)
    log.warning(
        "the index at %s was kept in the older layout (its versions, caches and lock beside it in %s); "
        "it was moved into %s itself, and nothing is kept beside it any more", index_dir, parent, index_dir,
    )


def _stage_and_swap(index_dir: Path) -> None:
    """The move itself: the older layout's versions and caches gathered in a new directory that replaces the link."""
    parent, name = index_dir.parent, index_dir.name
    serving = index_dir.resolve()
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.moving-", dir=parent))
    try:
        serving_name = None
        for old in parent.glob(f".{name}.v*"):
            stamp = old.name.removeprefix(f".{name}.v")
            if not (stamp.isdigit() and old.is_dir() and (old / store.MANIFEST).is_file()):
                continue
            new_name = f"v{stamp}"
            _link_copy(old, staging / new_name)
            if old == serving:
                serving_name = new_name
        if serving_name is not None:
            os.symlink(serving_name, staging / CURRENT)
        # The caches are moved, not linked: only builds use them, and builds wait on the lock held now.
        for old_name, new_name in ((f".{name}.terms.sqlite3", TERM_CACHE), (f".{name}.embeddings.sqlite3", EMBEDDING_CACHE)):
            if (parent / old_name).is_file():
                os.rename(parent / old_name, staging / new_name)
        link = os.readlink(index_dir)
        os.unlink(index_dir)
        try:
            os.rename(staging, index_dir)
        except BaseException:
            os.symlink(link, index_dir)  # the older layout as it was
            raise
    except BaseException:
        for new_name, old_name in ((TERM_CACHE, f".{name}.terms.sqlite3"), (EMBEDDING_CACHE, f".{name}.embeddings.sqlite3")):
            if (staging / new_name).is_file():
                os.rename(staging / new_name, parent / old_name)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for leftover in [*parent.glob(f".{name}.v*"), *parent.glob(f".{name}.old-*"), *parent.glob(f".{name}.build-*"), *parent.glob(f".{name}.link-*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _move_flat_layout(index_dir: Path) -> None:
    """Make a plain directory holding one version's files (a copied index) the first version of this layout."""
    version = index_dir / f"v{time.time_ns()}"
    version.mkdir()
    for name in _VERSION_FILES:
        source = index_dir / name
        if source.is_dir():
            _link_copy(source, version / name)
        elif source.exists():
            os.link(source, version / name)
    _point_current(index_dir, version.name)
    for name in _VERSION_FILES:  # readers now follow `current`; the flat copy is no longer read
        source = index_dir / name
        if source.is_dir():
            shutil.rmtree(source, ignore_errors=True)
        else:
            source.unlink(missing_ok=True)
    log.warning("the index at %s held one version's files directly; they were moved into %s", index_dir, version)
