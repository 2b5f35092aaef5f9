"""Folders and files under instance/ that only the server's user may read: folders 0700,
files 0600, whatever the umask (uploaded drafts and unpublished documents live there)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """`path` as a folder, creating it and any missing parent 0700 (existing ones are left
    as they are: the operator may have chosen their modes)."""
    try:
        path.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        if not path.is_dir():
            raise
    except FileNotFoundError:
        private_dir(path.parent)
        path.mkdir(mode=FOLDER_MODE, exist_ok=True)
    return path


def create_private(path: Path) -> BinaryIO:
    """A new file (never an existing one) opened for binary writing, mode 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    return os.fdopen(fd, "wb")


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to a new file of mode 0600."""
    with create_private(path) as out:
        out.write(data)
