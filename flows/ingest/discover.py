"""List the raw files of a run: relative path, size and content hash, never following links.

Hashing every byte of a large raw/ on every scheduled run costs more than the rest of a run with
nothing new, so a file whose stat (size, mtime, ctime, inode) is exactly what the last listing saw
keeps the hash of that listing, the way git's index does. ctime cannot be set from user space, so
new bytes with a restored mtime are still read; a file modified within two seconds of its last
hashing ("racily clean") is always read again.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
import time
from dataclasses import dataclass
from pathlib import Path

from flows.ingest.clean import HTML_SUFFIXES, SIDECAR_SUFFIX, TEXT_SUFFIXES, is_warc

ARTICLE_SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES
RACY_WINDOW_NS = 2_000_000_000  # a file modified this close to its hashing may change again unseen


class RawFolderMissing(FileNotFoundError):
    """The raw folder is not there (or vanished after the command line was checked)."""


NON_REGULAR = {stat_module.S_IFIFO: "a named pipe (FIFO)", stat_module.S_IFSOCK: "a socket",
               stat_module.S_IFCHR: "a character device", stat_module.S_IFBLK: "a block device"}


@dataclass(frozen=True)
class RawFile:
    source_file: str
    size_bytes: int | None
    raw_sha256: str | None
    problem: str | None = None
    stat_key: tuple[int, int, int, int] | None = None  # size, mtime_ns, ctime_ns, inode when hashed
    hashed_at_ns: int | None = None


class Listing:
    """A run's listing of raw/ (`files`, sorted by path) with the previous listing whose hashes it could
    reuse (`previous`, by path; None when every file was read again), so that the state's inventory can
    be brought up to date by writing only what differs.

    A plain object on purpose: Prefect walks the lists and dataclasses a task returns (linking every
    item to the task's state: 0.4 s at 100,000 files) and those passed to a task (to any depth, looking
    for futures); an object of its own is neither walked nor copied.
    """

    __slots__ = ("files", "previous")

    def __init__(self, files: list[RawFile], previous: dict[str, RawFile] | None) -> None:
        self.files = files
        self.previous = previous


def stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def reusable_hash(known: RawFile | None, key: tuple[int, int, int, int]) -> str | None:
    """The last listing's hash of a file if the file provably has not changed since it was hashed."""
    if known is None or known.raw_sha256 is None or known.stat_key != key or known.hashed_at_ns is None:
        return None
    if key[1] + RACY_WINDOW_NS > known.hashed_at_ns:
        return None
    return known.raw_sha256


def hash_file(path: Path, max_bytes: int) -> tuple[int, str | None]:
    """(size, sha256) of a file, streaming; the hash is None past the size cap."""
    size = path.stat().st_size
    if size > max_bytes:
        return size, None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return size, digest.hexdigest()


def discover_raw_files(raw_dir: Path, max_bytes: int, known: dict[str, RawFile] | None = None) -> list[RawFile]:
    """Every candidate article under raw_dir, sorted; hidden files and metadata sidecars skipped.

    `known` is the previous listing by path: unchanged files keep its hashes instead of being read.
    """
    known = known or {}
    if not raw_dir.is_dir():
        raise RawFolderMissing(f"raw folder not found: {raw_dir}")
    found: list[RawFile] = []

    def unreadable_folder(error: OSError) -> None:
        # os.walk skips a folder it cannot list; the run says so instead of losing its files silently
        if error.filename and Path(error.filename) == raw_dir:
            raise RawFolderMissing(f"raw folder not readable: {raw_dir} ({error.strerror})")
        rel = os.path.relpath(error.filename, raw_dir) if error.filename else "?"
        found.append(RawFile(rel, None, None, f"unreadable folder: {error.strerror or type(error).__name__} "
                                              "(its files were not listed)"))

    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False, onerror=unreadable_folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # relative paths by joining names to the folder's own (os.path.relpath per file cost about 30 µs:
        # 3 s of a 100,000-file listing)
        prefix = os.path.relpath(dirpath, raw_dir)
        prefix = "" if prefix == "." else prefix + os.sep
        for dirname in dirnames:
            rel = prefix + dirname
            if os.path.islink(os.path.join(dirpath, dirname)):
                found.append(RawFile(rel, None, None, "symbolic link (not followed)"))
            elif dirname.lower().endswith(ARTICLE_SUFFIXES):
                found.append(RawFile(rel, None, None, "a directory named like a file (its files are read as usual)"))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                continue
            path = os.path.join(dirpath, name)
            rel = prefix + name
            try:
                st = os.lstat(path)  # one call tells a link, a FIFO and a regular file apart
                if stat_module.S_ISLNK(st.st_mode):
                    found.append(RawFile(rel, None, None, "symbolic link (not followed)"))
                    continue
                kind = NON_REGULAR.get(stat_module.S_IFMT(st.st_mode))
                if kind:  # opening a FIFO would block the listing forever
                    found.append(RawFile(rel, None, None, f"not a regular file: {kind}"))
                    continue
                key = stat_key(st)
                hashed_at = time.time_ns()
                digest = reusable_hash(known.get(rel), key)
                if digest is None:
                    # a WARC archive is streamed record by record: the size cap applies to its records
                    _, digest = hash_file(Path(path), max_bytes if not is_warc(rel) else 1 << 62)
                else:
                    hashed_at = known[rel].hashed_at_ns
            except FileNotFoundError:
                found.append(RawFile(rel, None, None, "file disappeared before it could be read"))
                continue
            except OSError as exc:
                found.append(RawFile(rel, None, None, f"unreadable: {exc.strerror or type(exc).__name__}"))
                continue
            problem = None if digest else f"file larger than the {max_bytes // 1_000_000} MB cap"
            found.append(RawFile(rel, key[0], digest, problem, key if digest else None, hashed_at))
    found.sort(key=lambda f: f.source_file)
    return found
