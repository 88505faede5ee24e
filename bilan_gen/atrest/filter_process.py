"""Git's long-running filter process (``filter.bilan.process``): one process per Git
command, the clean and smudge of :mod:`bilan_gen.atrest.codec` for every file.

The protocol (gitattributes(5), "Long Running Filter Process") is pkt-lines on standard
input and output: a handshake, the capabilities, then for each file a command, its path and
its content, answered with a status and the new content. Messages for the consultant go to
standard error, where Git shows them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO

from bilan_gen.atrest.blob import AtRestError
from bilan_gen.atrest.codec import Codec
from bilan_gen.atrest.keyring import KEYRING_DIR, find_vault

MAX_DATA = 65516
"""The largest payload of one pkt-line."""


class ProtocolError(Exception):
    """Git sent something this filter does not understand."""


def read_packet(stream: BinaryIO) -> bytes | None:
    """One pkt-line's payload; None for a flush packet."""
    header = stream.read(4)
    if len(header) < 4:
        raise EOFError
    try:
        size = int(header, 16)
    except ValueError:
        raise ProtocolError(f"en-tête pkt-line invalide : {header!r}") from None
    if size == 0:
        return None
    if size < 4:
        raise ProtocolError(f"pkt-line de taille {size}")
    payload = stream.read(size - 4)
    if len(payload) < size - 4:
        raise EOFError
    return payload


def read_lines(stream: BinaryIO) -> list[str]:
    """Text pkt-lines up to a flush, without their final newline."""
    lines = []
    while (packet := read_packet(stream)) is not None:
        lines.append(packet.decode("utf-8").rstrip("\n"))
    return lines


def read_content(stream: BinaryIO) -> bytes:
    chunks = []
    while (packet := read_packet(stream)) is not None:
        chunks.append(packet)
    return b"".join(chunks)


def write_packet(stream: BinaryIO, payload: bytes) -> None:
    stream.write(b"%04x" % (len(payload) + 4) + payload)


def write_lines(stream: BinaryIO, *lines: str) -> None:
    for line in lines:
        write_packet(stream, line.encode("utf-8") + b"\n")
    stream.write(b"0000")


def write_content(stream: BinaryIO, data: bytes) -> None:
    for start in range(0, len(data), MAX_DATA):
        write_packet(stream, data[start : start + MAX_DATA])
    stream.write(b"0000")


def handshake(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Version 2, clean and smudge (no delay)."""
    hello = read_lines(stdin)
    if "git-filter-client" not in hello or "version=2" not in hello:
        raise ProtocolError(f"poignée de main inattendue : {hello}")
    write_lines(stdout, "git-filter-server", "version=2")
    offered = read_lines(stdin)
    write_lines(stdout, *(c for c in ("capability=clean", "capability=smudge") if c in offered))
    stdout.flush()


def serve(codec: Codec, stdin: BinaryIO, stdout: BinaryIO, stderr: BinaryIO) -> None:
    """Answer Git's requests until it closes the pipe."""
    handshake(stdin, stdout)
    while True:
        try:
            header = read_lines(stdin)
        except EOFError:
            return
        fields = dict(line.split("=", 1) for line in header if "=" in line)
        data = read_content(stdin)
        command, path = fields.get("command"), fields.get("pathname", "")
        try:
            if command == "clean":
                out, warning = codec.clean(path, data), None
            elif command == "smudge":
                out, warning = codec.smudge(path, data)
            else:
                raise ProtocolError(f"commande inconnue : {command}")
        except AtRestError as error:
            _say(stderr, f"{path} : {error}" if path not in str(error) else str(error))
            write_lines(stdout, "status=error")
            stdout.flush()
            continue
        if warning:
            _say(stderr, warning)
        write_lines(stdout, "status=success")
        write_content(stdout, out)
        write_lines(stdout)  # the status stays "success"
        stdout.flush()


def _say(stderr: BinaryIO, message: str) -> None:
    stderr.write(f"bilan-gen : {message}\n".encode())
    stderr.flush()


def main() -> int:
    root = Path.cwd()  # Git starts filters at the top of the working tree
    stderr = sys.stderr.buffer
    try:
        codec = Codec(root, find_vault(root, os.environ))
        serve(codec, sys.stdin.buffer, sys.stdout.buffer, stderr)
    except (AtRestError, ProtocolError) as error:
        _say(stderr, str(error))
        return 1
    except (EOFError, BrokenPipeError):
        return 0
    if codec.created:
        listed = ", ".join(codec.created)
        _say(
            stderr,
            f"clé créée pour {listed} dans {KEYRING_DIR}/ : ajoutez-la au commit "
            f"(git add {KEYRING_DIR})",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
