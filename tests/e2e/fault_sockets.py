"""Which process is at the other end of a TCP connection on this machine, from /proc.

A fault test sees a connection from one side — the PostgreSQL backend's client port, or the
port a request to the fake Bot API came from — and kills the process that owns it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def _tcp_inodes(local_port: int, remote_port: int) -> set[str]:
    """Inodes of the sockets going from `local_port` to `remote_port` (IPv4 or IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == local_port and (
                int(remote.rsplit(":", 1)[1], 16) == remote_port
            ):
                inodes.add(inode)
    return inodes


def _sockets(pid: int) -> set[str]:
    """The socket inodes a process holds open."""
    found: set[str] = set()
    fds = Path(f"/proc/{pid}/fd")
    try:
        entries = list(fds.iterdir())
    except OSError:
        return found
    for entry in entries:
        try:
            target = os.readlink(entry)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[len("socket:[") : -1])
    return found


def owner_of(local_port: int, remote_port: int, candidates: Iterable[int]) -> int:
    """The process among `candidates` holding the connection local_port → remote_port."""
    inodes = _tcp_inodes(local_port, remote_port)
    owners = [pid for pid in candidates if inodes & _sockets(pid)]
    if len(owners) != 1:
        raise AssertionError(f"connection :{local_port}→:{remote_port} owned by {owners}")
    return owners[0]
