"""Who holds the write lock of a goldspan database (Linux; elsewhere: unknown).

In WAL mode SQLite's writer takes an exclusive POSIX lock on one byte of the
``-shm`` file (byte 120, ``WAL_WRITE_LOCK``), whatever the process. ``/proc/locks``
lists every POSIX lock with the pid that holds it, so the writer can be named:
"process 4242 (goldspan)". This is reliable for processes of this machine in this
pid namespace; a holder in another namespace (a container) shows as pid 0 or is
missing, and a network share shows nothing: then the answer is ``None`` and the
message says "another process".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

WAL_WRITE_LOCK_BYTE = 120  # WALINDEX_LOCK_OFFSET + WAL_WRITE_LOCK in SQLite's wal.c
PROC_LOCKS = Path("/proc/locks")


@dataclass(frozen=True)
class Holder:
    pid: int
    name: str | None

    def describe(self) -> str:
        if self.pid == os.getpid():
            return "another connection of this same goldspan process"
        return f"process {self.pid}" + (f" ({self.name})" if self.name else "")


def write_lock_holder(db_path: Path, locks: Path = PROC_LOCKS) -> Holder | None:
    """The process holding the WAL write lock of ``db_path``, if it can be known."""
    shm = Path(f"{os.path.realpath(db_path)}-shm")  # SQLite names it after the real file
    try:
        st = os.stat(shm)
        lines = locks.read_text().splitlines()
    except OSError:
        return None
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    found: list[tuple[bool, int]] = []
    for line in lines:
        # "33: POSIX  ADVISORY  WRITE 7621 fe:00:2179619 120 120" (blocked waiters
        # appear as "33: -> POSIX ...": skipped, they hold nothing)
        fields = line.split()
        if len(fields) < 8 or fields[1] != "POSIX" or fields[3] != "WRITE":
            continue
        # the device of an overlay or btrfs file differs between stat() and the
        # kernel's lock table: the inode (with the byte and the lock type) decides
        if fields[5].rsplit(":", 1)[-1] != str(st.st_ino):
            continue
        try:
            pid, start = int(fields[4]), int(fields[6])
            end = int(fields[7]) if fields[7] != "EOF" else 1 << 62
        except ValueError:
            continue
        if pid > 0 and start <= WAL_WRITE_LOCK_BYTE <= end:
            found.append((fields[5] == dev, pid))
    if not found:
        return None
    pid = max(found)[1]
    return Holder(pid, _process_name(pid))


def _process_name(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() or None
    except OSError:
        return None
