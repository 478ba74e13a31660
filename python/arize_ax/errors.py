"""Exceptions raised by arize_ax.

Every exception derives from :class:`AxError`. HTTP failures are :class:`ApiError`
subclasses chosen by status code and carry the RFC 9457 problem fields the server
returned. Input that the client can reject before sending anything raises
:class:`ValidationError`, which is also a :class:`ValueError` (as in the official SDK).

None of these exceptions ever contains the API key.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AmbiguousNameError",
    "ApiError",
    "ApiException",
    "AxError",
    "BadRequestError",
    "BadRequestException",
    "BetaWarning",
    "ConfigError",
    "ConflictError",
    "ConflictException",
    "ConnectError",
    "DecodeError",
    "ForbiddenError",
    "ForbiddenException",
    "MissingAPIKeyError",
    "MissingApiKeyError",
    "MultipleEndpointOverridesError",
    "NameNotFoundError",
    "NotFoundError",
    "NotFoundException",
    "PaginationError",
    "RateLimitError",
    "RequestTimeoutError",
    "RunTimeoutError",
    "ServerError",
    "ServiceException",
    "TransportError",
    "UnauthorizedError",
    "UnauthorizedException",
    "UnknownOutcomeError",
    "UnprocessableEntityError",
    "UnprocessableEntityException",
    "ValidationError",
]


class BetaWarning(UserWarning):
    """Emitted once per process for each pre-release (beta/alpha) API method.

    Silence it with the standard filters, e.g.
    ``warnings.filterwarnings("ignore", category=arize_ax.errors.BetaWarning)``.
    """


class AxError(Exception):
    """Base class of every error raised by arize_ax."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        for key, value in fields.items():
            setattr(self, key, value)

    def __str__(self) -> str:
        return self.message


class ApiError(AxError):
    """The server answered with an error status.

    Attributes mirror the RFC 9457 problem body (``status``, ``title``, ``detail``,
    ``type``, ``instance``) plus the request's ``method`` and ``url``, the raw
    response ``body`` and the number of ``attempts`` made (retries included).
    """

    status: int
    title: str
    detail: str | None
    type: str | None
    instance: str | None
    method: str
    url: str
    body: str
    attempts: int


class BadRequestError(ApiError):
    """400: the request was malformed or broke a rule of the API."""


class UnauthorizedError(ApiError):
    """401: the API key is missing or not valid."""


class ForbiddenError(ApiError):
    """403: the key can see the resource but may not do this to it."""


class NotFoundError(ApiError):
    """404: the resource does not exist or is not visible to this key."""


class ConflictError(ApiError):
    """409: the request conflicts with the current state (e.g. a duplicate name)."""


class UnprocessableEntityError(ApiError):
    """422: the request is well formed but refers to something unusable."""


class RateLimitError(ApiError):
    """429: throttled. ``retry_after`` holds the server's ``Retry-After`` in seconds, if sent."""

    retry_after: float | None


class ServerError(ApiError):
    """5xx: the server failed."""


class TransportError(AxError):
    """The request could not be completed at the HTTP level."""

    method: str
    url: str


class ConnectError(TransportError, ConnectionError):
    """The connection to the server failed (after the allowed retries)."""

    attempts: int


class RequestTimeoutError(TransportError, TimeoutError):
    """The request (or the whole call with its retries) ran past its timeout."""

    attempts: int


class UnknownOutcomeError(TransportError):
    """A non-idempotent request (a create, a trigger) may or may not have reached the server.

    It was not resent, so nothing can be duplicated; check whether the resource exists
    before trying again.
    """


class DecodeError(AxError):
    """The server's response could not be decoded.

    Also raised when a create/trigger (POST) succeeded on the server but its response
    body was cut off: ``status`` then holds the 2xx status; the request was not resent,
    so get or list the resource to see the result.
    """

    method: str
    url: str


class PaginationError(AxError):
    """The listing cannot be followed safely: the server repeated a cursor (it would
    loop), said ``has_more`` without a ``next_cursor`` (``cursor`` is None), or sent 50
    empty pages in a row that all said more follow (``count`` holds the number).
    """

    cursor: str | None
    url: str


class ValidationError(AxError, ValueError):
    """Bad input, rejected before any request was sent. ``field`` names the culprit."""

    field: str


class ConfigError(AxError, ValueError):
    """The client configuration is invalid (region, host, scheme, base_url ...)."""


class MissingApiKeyError(ConfigError):
    """No API key was given and ``ARIZE_API_KEY`` is not set."""


class NameNotFoundError(AxError, LookupError):
    """A resource name did not match any resource exactly.

    ``resource_type``, ``resource_name`` and ``available_names`` (names returned by the
    server's substring filter) describe the miss.
    """

    resource_type: str
    resource_name: str
    available_names: list[str]


class AmbiguousNameError(AxError, LookupError):
    """A resource name matched several resources; ``matching_ids`` lists them."""

    resource_type: str
    resource_name: str
    matching_ids: list[str]


class RunTimeoutError(AxError, TimeoutError):
    """A task run did not reach a terminal state within the wait's ``timeout``.

    ``run_id``, ``timeout`` (seconds), ``last_status`` and ``last_run`` (the last
    :class:`arize_ax.TaskRun` seen, or None) describe it. The run itself goes on.
    """

    run_id: str
    timeout: float
    last_status: str | None
    last_run: Any


# The official SDK's names (its generated `ApiException` family and its configuration
# errors), so `except` clauses written for `arize` keep working with the import changed.
ApiException = ApiError
BadRequestException = BadRequestError
UnauthorizedException = UnauthorizedError
ForbiddenException = ForbiddenError
NotFoundException = NotFoundError
ConflictException = ConflictError
UnprocessableEntityException = UnprocessableEntityError
ServiceException = ServerError
MissingAPIKeyError = MissingApiKeyError
MultipleEndpointOverridesError = ConfigError
