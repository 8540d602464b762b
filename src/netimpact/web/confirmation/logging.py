"""Keeps confirmation tokens out of the logs: a partner's link is their credential."""

from __future__ import annotations

import logging
import re

# /confirm/<token>/; the signed-in partner's pages (/confirm/your-claims/) hold no token.
TOKEN_IN_PATH = re.compile(r"(/confirm/)(?!your-claims/)[A-Za-z0-9_\-]{8,}")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(REDACTED, text)


class RedactConfirmationTokens(logging.Filter):
    """Rewrites a record's message and arguments so no confirmation token is written out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        # A request attached to the record (django.request) is formatted by some handlers: hide its path.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path") and TOKEN_IN_PATH.search(request.path):
            record.request = None
        return True
