"""Arize AX deployment regions, with the members and values of the official SDK's
``arize.regions.Region``: ``Client(region=Region.EU_WEST_1A)`` selects
``api.eu-west-1a.arize.com``."""

from __future__ import annotations

from enum import Enum


class Region(Enum):
    """An Arize AX region; ``UNSET`` (``""``) means no region (the default host)."""

    CA_CENTRAL_1A = "ca-central-1a"
    EU_WEST_1A = "eu-west-1a"
    US_CENTRAL_1A = "us-central-1a"
    US_EAST_1B = "us-east-1b"
    UNSET = ""

    @classmethod
    def list_regions(cls, include_unset: bool = False) -> list[str]:
        """The region values (``"ca-central-1a"``, ...), with ``""`` last when
        ``include_unset``."""
        values = [r.value for r in cls if r is not cls.UNSET]
        if include_unset:
            values.append(cls.UNSET.value)
        return values


__all__ = ["Region"]
