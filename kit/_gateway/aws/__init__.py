"""The AWS API Gateway: a resource policy (IAM evaluation) and the API's OpenAPI export.

Meets ``kit._gateway.contract.Gateway``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..document import Document
from .config import AwsConfig, load_aws, looks_like_aws

__all__ = ["KIND", "SAMPLE", "TEXT", "load", "looks_like"]

KIND = "aws"
TEXT = False
SAMPLE = ("policy.json", "openapi.yaml")


def looks_like(content: object) -> str | None:
    """"policy" or "openapi" for that document's data, else None."""
    return looks_like_aws(content)


def load(documents: Sequence[Document], folder: Path | None = None) -> AwsConfig:
    """A resource policy and/or an OpenAPI export, at most one of each."""
    return load_aws(documents)
