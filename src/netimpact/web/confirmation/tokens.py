"""The confirmation link's token: 256 bits, never stored.

token = base64url(HMAC-SHA256(SECRET_KEY, "netimpact.confirmation:" + nonce)), where the nonce is 128
random bits kept on the invitation. The database holds the nonce and SHA-256(token): a copy of the
database alone opens no link, and the site can print a letter again without changing the emailed link.
A token typed into the site is hashed and looked up, then compared with hmac.compare_digest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

from .models import ClaimInvitation

PURPOSE = b"netimpact.confirmation:"
NONCE_BYTES = 16  # 128 bits of randomness; the token itself is 256 bits
TOKEN_LENGTH = 43  # base64url of 32 bytes, unpadded


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


def token_for(nonce: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), PURPOSE + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(invitation: ClaimInvitation) -> str:
    """Give the invitation a new nonce (any earlier link stops working) and return the new token."""
    invitation.token_nonce = new_nonce()
    token = token_for(invitation.token_nonce)
    invitation.token_hash = hash_of(token)
    return token


def current_token(invitation: ClaimInvitation) -> str | None:
    """The token of the link now in force, or None if it cannot be rebuilt (the secret key changed)."""
    token = token_for(invitation.token_nonce)
    return token if hmac.compare_digest(hash_of(token), invitation.token_hash) else None


def find(token: str) -> ClaimInvitation | None:
    """The invitation whose link carries `token`, or None."""
    if len(token) != TOKEN_LENGTH:
        return None
    wanted = hash_of(token)
    found = ClaimInvitation.objects.select_related("bid__exercise", "bid__bidder", "organisation").filter(
        token_hash=wanted
    )
    invitation = found.first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash, wanted):
        return None
    return invitation
