"""The caller's side of the inference service (the assembler stage uses it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Self, cast

import grpc

from care.v1 import inference_pb2_grpc
from care.v1.inference_pb2 import SuggestChunk, SuggestRequest, SuggestResponse


class InferenceClient:
    """One gRPC channel to the inference service. Errors surface as ``grpc.aio.AioRpcError``."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._channel: Any = grpc.aio.insecure_channel(target)
        self._stub: Any = inference_pb2_grpc.InferenceServiceStub(self._channel)

    async def wait_ready(self, timeout: float) -> None:
        """Wait until the channel is connected; raises ``TimeoutError`` after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            await self._channel.channel_ready()

    async def suggest(self, request: SuggestRequest, timeout: float) -> SuggestResponse:
        """``timeout`` becomes the call's gRPC deadline, which the server sees and fits its backend
        calls into: a slow model yields fallback replies in time rather than DEADLINE_EXCEEDED."""
        return cast(SuggestResponse, await self._stub.Suggest(request, timeout=timeout))

    async def stream(self, request: SuggestRequest, timeout: float) -> AsyncIterator[SuggestChunk]:
        """Chunks as the service sends them; the last one carries the complete response."""
        call = self._stub.StreamSuggest(request, timeout=timeout)
        try:
            async for chunk in call:
                yield cast(SuggestChunk, chunk)
        finally:
            # Leaving early must not leave the server generating for nobody.
            call.cancel()

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
