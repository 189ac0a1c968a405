"""Where a person lands: their home page, and `next=` targets that stay on this site."""

from urllib.parse import urlsplit

from flask import url_for

from app.models import Role, User


def home_for(user: User) -> str:
    """Where a person lands after signing in."""
    if user.role == Role.ADMIN:
        return url_for("admin.home")
    if user.role == Role.CLINICIAN:
        return url_for("review.caseload")
    return url_for("participant.today")


def safe_next(target: str | None) -> str | None:
    """Accept only a path on this site, never another origin (`//evil`, `\\\\evil`, `https:`)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
