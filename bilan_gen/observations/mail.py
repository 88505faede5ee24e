"""The text of a message as the consultant saved it: an e-mail file is decoded first.

A saved e-mail (``.eml``) holds its body as MIME: quoted-printable turns the base64 padding
``=`` into ``=3D``, and a body or an attachment may be base64 itself. The standard library's
parser decodes every text part (the body, and the attached ``observations-….txt``); anything
that is not an e-mail is used as it is.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

_MAIL_HEADERS = ("mime-version", "content-type")


def message_texts(text: str) -> tuple[list[str], bool]:
    """The texts to look for the armour in, and whether they were decoded from an e-mail
    (their line numbers then are not the file's)."""
    head = text.lstrip()[:4096].lower()
    if not any(f"\n{h}:" in f"\n{head}" for h in _MAIL_HEADERS):
        return [text], False
    # The parser records defects instead of raising: a broken e-mail gives what it can.
    parsed = email.message_from_string(text.lstrip(), policy=email.policy.default)
    texts = [_content(part) for part in _text_parts(parsed)]
    found = [t for t in texts if t]
    return (found, True) if found else ([text], False)


def _text_parts(message: object) -> list[EmailMessage]:
    if not isinstance(message, EmailMessage):
        return []
    parts = [p for p in message.walk() if isinstance(p, EmailMessage) and not p.is_multipart()]
    plain = [p for p in parts if p.get_content_type() == "text/plain"]
    return plain or [p for p in parts if p.get_content_maintype() == "text"]


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        return ""
    if isinstance(content, bytes):
        return content.decode("utf-8", errors="replace")
    return content if isinstance(content, str) else ""
