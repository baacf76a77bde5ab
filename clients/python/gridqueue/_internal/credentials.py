"""How a client reaches a grid node: the API key it sends and the CA it trusts (TLS)."""
from __future__ import annotations

import collections
import os
from typing import Any, Callable, Optional

import grpc

#: gRPC metadata carrying the key (ALPCRUN.CH's name).
API_KEY_METADATA = "api_key"
#: Environment variable read when no key is given.
API_KEY_ENV = "GRIDQUEUE_API_KEY"


class Connection:
    """An API key (None: send none) and a CA file (None: plaintext)."""

    def __init__(self, api_key: Optional[str] = None, ca: Optional[str] = None) -> None:
        if api_key is None:
            api_key = os.environ.get(API_KEY_ENV) or None
        if api_key is not None and (not isinstance(api_key, str) or not api_key.strip()):
            raise ValueError("api_key must be a non-empty string")
        self.api_key = api_key.strip() if api_key else None
        self._root_certificates = None
        if ca is not None:
            with open(ca, "rb") as f:
                self._root_certificates = f.read()

    def channel(self, address: str, options: Any) -> grpc.Channel:
        if self._root_certificates is None:
            channel = grpc.insecure_channel(address, options=options)
        else:
            credentials = grpc.ssl_channel_credentials(root_certificates=self._root_certificates)
            channel = grpc.secure_channel(address, credentials, options=options)
        if self.api_key is None:
            return channel
        return grpc.intercept_channel(channel, _AddMetadata(((API_KEY_METADATA, self.api_key),)))


class _Details(collections.namedtuple(
        "_Details", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")),
        grpc.ClientCallDetails):
    pass


class _AddMetadata(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                   grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """Adds fixed metadata (the API key) to every call, after the call's own."""

    def __init__(self, metadata: tuple) -> None:
        self._metadata = metadata

    def _details(self, d: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        metadata = list(d.metadata or ()) + list(self._metadata)
        return _Details(d.method, d.timeout, metadata, d.credentials,
                        getattr(d, "wait_for_ready", None), getattr(d, "compression", None))

    def _call(self, continuation: Callable, details: grpc.ClientCallDetails, request: Any) -> Any:
        return continuation(self._details(details), request)

    intercept_unary_unary = _call
    intercept_unary_stream = _call
    intercept_stream_unary = _call
    intercept_stream_stream = _call
