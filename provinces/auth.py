"""Sign-in throttling: a small cache-based lock per username and client address.

After ``LOGIN_FAILURE_LIMIT`` failed sign-ins (default 5) for one username from one address, that
pair is locked for ``LOGIN_LOCKOUT_SECONDS`` (default 900). The lock is enforced in the
authentication backend (so every sign-in form, the admin's included, obeys it) and explained by the
forms. django-axes was considered; it is not installed in this environment, and this is 60 lines.
The cache must be shared between processes in production (``CACHE_URL=redis://…``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .text import fold


def failure_limit() -> int:
    return getattr(settings, "LOGIN_FAILURE_LIMIT", 5)


def lockout_seconds() -> int:
    return getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60)


def _key(request, username: str | None) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    return f"signin-failures:{fold(username or '')}:{address}"


def is_locked(request, username: str | None) -> bool:
    return cache.get(_key(request, username), 0) >= failure_limit()


def record_failure(request, username: str | None) -> None:
    key = _key(request, username)
    cache.add(key, 0, lockout_seconds())
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, lockout_seconds())
    cache.touch(key, lockout_seconds())


def clear_failures(request, username: str | None) -> None:
    cache.delete(_key(request, username))


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that refuses a locked username+address and counts failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if is_locked(request, username):
            raise PermissionDenied("too many failed sign-ins")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(request, username)
        else:
            clear_failures(request, username)
        return user


LOCKED_MESSAGE = _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.")


class _ThrottleMixin:
    def clean(self):
        username = self.cleaned_data.get("username")
        if is_locked(self.request, username):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked", params={"minutes": lockout_seconds() // 60})
        return super().clean()


class ThrottledAuthenticationForm(_ThrottleMixin, AuthenticationForm):
    """The site's sign-in form."""


class ThrottledAdminAuthenticationForm(_ThrottleMixin, AdminAuthenticationForm):
    """The admin's sign-in form."""
