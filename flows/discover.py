"""List the raw files of a run: relative path, size and content hash, never following links."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from flows.clean import HTML_SUFFIXES, SIDECAR_SUFFIX, TEXT_SUFFIXES, is_warc

ARTICLE_SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES


@dataclass(frozen=True)
class RawFile:
    source_file: str
    size_bytes: int | None
    raw_sha256: str | None
    problem: str | None = None


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


def discover_raw_files(raw_dir: Path, max_bytes: int) -> list[RawFile]:
    """Every candidate article under raw_dir, sorted; hidden files and metadata sidecars skipped."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}")
    found: list[RawFile] = []
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for dirname in dirnames:
            rel = os.path.relpath(os.path.join(dirpath, dirname), raw_dir)
            if os.path.islink(os.path.join(dirpath, dirname)):
                found.append(RawFile(rel, None, None, "symbolic link (not followed)"))
            elif dirname.lower().endswith(ARTICLE_SUFFIXES):
                found.append(RawFile(rel, None, None, "a directory named like a file (its files are read as usual)"))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                continue
            path = Path(dirpath) / name
            rel = os.path.relpath(path, raw_dir)
            if path.is_symlink():
                found.append(RawFile(rel, None, None, "symbolic link (not followed)"))
                continue
            try:
                # a WARC archive is streamed record by record: the size cap applies to its records
                size, digest = hash_file(path, max_bytes if not is_warc(rel) else 1 << 62)
            except FileNotFoundError:
                found.append(RawFile(rel, None, None, "file disappeared before it could be read"))
                continue
            except OSError as exc:
                found.append(RawFile(rel, None, None, f"unreadable: {exc.strerror or type(exc).__name__}"))
                continue
            problem = None if digest else f"file larger than the {max_bytes // 1_000_000} MB cap"
            found.append(RawFile(rel, size, digest, problem))
    found.sort(key=lambda f: f.source_file)
    return found
