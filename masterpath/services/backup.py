"""`masterpath db backup` and `db restore`: the database and the data folder's key files in
one .tar.gz archive, written whole or not at all and restored all or nothing.

The archive holds `manifest.json` (format, backend, schema revision, key files), the database
(`database.sqlite`, a copy made with SQLite's online backup API, or `database.pgdump`, from
`pg_dump --format=custom`) and `keys/<name>` for each key file found in the data folder.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from masterpath.errors import ConfigurationError, InvalidInput, NotFound
from masterpath.services import Context
from masterpath.settings import KEY_FILES
from masterpath.store import backup as store
from masterpath.store import migrate

FORMAT = "masterpath-backup"
VERSION = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
BROKEN = (tarfile.TarError, EOFError, zlib.error)


@dataclass(frozen=True)
class Summary:
    """What a backup holds: which database, at which schema revision, and which key files."""

    path: Path
    backend: str
    revision: str | None
    keys: tuple[str, ...]
    created_at: str


def create(ctx: Context, *, out: Path) -> Summary:
    """Write the archive `out`: first as `out.tmp`, renamed once complete (safe while serving)."""
    backend = _backend(ctx, tool="pg_dump")
    if backend == "sqlite" and not store.sqlite_path(ctx.db).is_file():
        raise NotFound(f"no database at {store.sqlite_path(ctx.db)}: nothing to back up")
    if not out.parent.is_dir():
        raise NotFound(f"no folder {out.parent} to write the backup in")
    data_dir = ctx.settings.data_dir
    keys = tuple(name for name in KEY_FILES if (data_dir / name).is_file())
    revision = migrate.schema(ctx.db).revision
    summary = Summary(out, backend, revision, keys, ctx.clock.now().isoformat())
    partial = out.with_name(out.name + ".tmp")
    try:
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".masterpath-backup-") as work:
            dump = Path(work) / DUMPS[backend]
            if backend == "sqlite":
                store.copy_sqlite(store.sqlite_path(ctx.db), dump)
            else:
                store.pg_dump(ctx.db, dump)
            _write(partial, summary, dump, data_dir)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def restore(ctx: Context, *, archive: Path, force: bool = False) -> Summary:
    """Replace the database and the key files with the backup's, all or nothing.

    A database that already holds data is refused unless `force`. Stop the server first.
    """
    backend = _backend(ctx, tool="pg_restore")
    with _opened(archive) as (tar, manifest):
        summary = _summary(archive, manifest, backend)
        _refuse_when_filled(ctx, backend, force=force)
        data_dir = ctx.settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=data_dir, prefix=".masterpath-restore-") as work:
            staged = {name: Path(work) / name for name in summary.keys}
            for name, path in staged.items():
                _extract(tar, f"keys/{name}", path, archive)
            _restore_database(ctx, tar, summary, Path(work))
            for name, path in staged.items():
                os.replace(path, data_dir / name)
    return summary


def _backend(ctx: Context, *, tool: str) -> str:
    """The configured database's backend; PostgreSQL also needs the client `tool`."""
    if ctx.db.dialect not in DUMPS:
        raise ConfigurationError(f"backups cover SQLite and PostgreSQL, not {ctx.db.dialect}")
    if ctx.db.dialect == "postgresql":
        store.pg_tool(tool)
    return ctx.db.dialect


def _write(path: Path, summary: Summary, dump: Path, data_dir: Path) -> None:
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "backend": summary.backend,
        "revision": summary.revision,
        "created_at": summary.created_at,
        "keys": list(summary.keys),
    }
    text = json.dumps(manifest, indent=2).encode()
    with path.open("wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz") as tar:
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(text), 0o600
            info.mtime = int(datetime.fromisoformat(summary.created_at).timestamp())
            tar.addfile(info, io.BytesIO(text))
            tar.add(dump, arcname=DUMPS[summary.backend])
            for name in summary.keys:
                tar.add(data_dir / name, arcname=f"keys/{name}")
        raw.flush()
        os.fsync(raw.fileno())


@contextmanager
def _opened(archive: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    if not archive.is_file():
        raise NotFound(f"no backup file {archive}")
    opened = False
    try:
        with tarfile.open(archive, "r:gz") as tar:
            opened = True
            yield tar, _manifest(tar, archive)
    except BROKEN as exc:
        problem = "is damaged" if opened else "is not a MasterPath backup"
        raise InvalidInput(f"{archive} {problem} ({exc})") from exc


def _manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    try:
        member = tar.extractfile(MANIFEST)
        manifest = json.load(member) if member is not None else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInput(f"{archive} is not a MasterPath backup (no {MANIFEST} in it)")
    if manifest.get("version") != VERSION or manifest.get("backend") not in DUMPS:
        raise InvalidInput(f"{archive}: a backup format this version of MasterPath cannot read")
    return manifest


def _summary(archive: Path, manifest: dict[str, Any], backend: str) -> Summary:
    theirs, revision, keys = manifest["backend"], manifest.get("revision"), manifest.get("keys")
    if theirs != backend:
        raise InvalidInput(
            f"{archive} holds a {NAMES[theirs]} database but the configured database is "
            f"{NAMES[backend]}: point MASTERPATH_DATABASE_URL at a {NAMES[theirs]} database"
        )
    if revision is not None and not migrate.known(str(revision)):
        raise InvalidInput(
            f"{archive} is at schema revision {revision}, newer than this version of "
            "MasterPath knows: restore it with the version that made it"
        )
    if not isinstance(keys, list) or not set(keys) <= set(KEY_FILES):
        raise InvalidInput(f"{archive}: unexpected key files {keys!r} in the manifest")
    created = str(manifest.get("created_at", ""))
    return Summary(archive, backend, revision, tuple(keys), created)


def _refuse_when_filled(ctx: Context, backend: str, *, force: bool) -> None:
    if force or (backend == "sqlite" and not store.sqlite_path(ctx.db).exists()):
        return
    filled = store.filled_tables(ctx.db)
    ctx.db.dispose()
    if filled:
        shown = ", ".join(filled[:4]) + (", …" if len(filled) > 4 else "")
        raise InvalidInput(
            f"the database already holds data (in {shown}): "
            "pass --force to replace it with the backup"
        )


def _restore_database(ctx: Context, tar: tarfile.TarFile, summary: Summary, work: Path) -> None:
    name = DUMPS[summary.backend]
    if summary.backend == "postgresql":
        _extract(tar, name, work / name, summary.path)
        store.pg_restore(ctx.db, work / name)
        return
    target = store.sqlite_path(ctx.db)
    staged = target.with_name(target.name + ".restoring")
    try:
        staged.unlink(missing_ok=True)
        _extract(tar, name, staged, summary.path)
        store.check_sqlite(staged, name=f"{summary.path}: {name}")
        ctx.db.dispose()
        store.replace_sqlite(staged, target)
    finally:
        staged.unlink(missing_ok=True)
        ctx.db.dispose()


def _extract(tar: tarfile.TarFile, name: str, target: Path, archive: Path) -> None:
    try:
        source = tar.extractfile(name)
    except KeyError:
        source = None
    if source is None:
        raise InvalidInput(f"{archive}: the backup has no {name}")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source, os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(source, out)
