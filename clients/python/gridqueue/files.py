"""A session's files in the grid's file store (the Files service): inputs and outputs of
command tasks, named by their SHA-256, moved in chunks, never inside a task batch."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Dict, Iterator, Tuple, Union

import grpc

from . import errors
from ._internal.endpoints import Endpoints
from .v1 import files_pb2

#: Bytes of one chunk sent or asked for (the server takes chunks of at most 4 MiB).
CHUNK_BYTES = 1 << 20
#: Largest file the grid stores (ContractLimits.FILE_MAX_BYTES).
FILE_MAX_BYTES = 1 << 30


def sha256_of(path: Union[str, Path]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


class Files:
    """The files of one session. Uploads skip what the grid holds already (``StatFile`` first); a
    local file this session stored is neither hashed nor asked about again while its size and
    modification time stay (1,000 tasks reading one input cost one hash and one call)."""

    def __init__(self, endpoints: Endpoints, session_id: str) -> None:
        self._endpoints = endpoints
        self._session_id = session_id
        self._known: Dict[Tuple[str, int, int], str] = {}

    def upload(self, path: Union[str, Path], field: str = "path") -> str:
        """Stores a local file for the session and returns its SHA-256. A missing file or one over
        1 GiB raises :class:`gridqueue.InvalidArgument` naming ``field``."""
        p = Path(path)
        try:
            st = p.stat()
        except OSError as e:
            raise errors.invalid(field, f"'{p}' cannot be read: {e.strerror}") from None
        if not p.is_file():
            raise errors.invalid(field, f"'{p}' is not a file")
        if st.st_size > FILE_MAX_BYTES:
            raise errors.invalid(field, f"'{p}' is {st.st_size} bytes; the limit is {FILE_MAX_BYTES}")
        key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
        sha = self._known.get(key)
        if sha is not None:
            return sha  # stored by this session, which keeps its files until it closes (24 h at most)
        sha = sha256_of(p)
        if not self.has(sha):
            info = self._endpoints.call(
                lambda e: e.files.UploadFile(self._chunks(p, sha), timeout=e.data_timeout))
            if info.sha256 != sha:
                raise errors.GridQueueError(grpc.StatusCode.DATA_LOSS,
                                            f"file '{p}' changed while it was uploaded")
        self._known[key] = sha
        return sha

    def has(self, sha256: str) -> bool:
        """Whether the grid holds the file for this session."""
        request = files_pb2.FileRequest(session_id=self._session_id, sha256=sha256)
        try:
            self._endpoints.call(lambda e: e.files.StatFile(request, timeout=e.timeout))
            return True
        except errors.NotFound:
            return False

    def download(self, sha256: str, path: Union[str, Path]) -> None:
        """Writes a file of the session to ``path`` (its directory created), through a temporary
        file so a broken download leaves no partial file behind."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        request = files_pb2.FileRequest(session_id=self._session_id, sha256=sha256)

        def fetch(e):  # one attempt on one node; Endpoints moves on when it is UNAVAILABLE
            with open(part, "wb") as out:
                for chunk in e.files.DownloadFile(request, timeout=e.data_timeout):
                    out.write(chunk.data)

        self._endpoints.call(fetch)
        os.replace(part, target)

    def _chunks(self, path: Path, sha256: str) -> Iterator[files_pb2.FileChunk]:
        with open(path, "rb") as f:
            first = True
            while True:
                data = f.read(CHUNK_BYTES)
                if not data and not first:
                    return
                if first:
                    yield files_pb2.FileChunk(session_id=self._session_id, sha256=sha256, data=data)
                    first = False
                else:
                    yield files_pb2.FileChunk(data=data)
                if not data:
                    return
