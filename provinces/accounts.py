"""Accounts and roles: who may create which account, and officers of units merged in 2025.

Three roles, each a group created by ``migrations/0002_roles.py``:

| role | group | staff status (opens the admin) | province | created by |
| --- | --- | --- | --- | --- |
| ``officer`` | Cán bộ tỉnh | no | a unit in force (a merged unit: its successor) | a superuser, or who may add users |
| ``ministry`` | Cán bộ Bộ Nội vụ | yes (read-only: view permissions) | none | a superuser only |
| ``curator`` | Biên tập viên | yes | none | a superuser only |

``manage.py create_account`` (and ``create_officer``) run as the server's operator, who holds the
database anyway; the admin's "add user" form asks the same rule of the signed-in user.

An officer of a pre-2025 unit that was merged on 1 July 2025 is moved to the successor unit
by ``migrations/0004_move_officers_to_successors.py``: ``moved_from`` keeps the old unit and
``move_notice_due`` asks the next sign-in to say so (:func:`move_notice`). The
officer then sees the successor's drafts and every predecessor's published history
(``reports.visibility.Viewer``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Province


@dataclass(frozen=True)
class Role:
    code: str
    group: str
    label: str
    is_staff: bool
    needs_province: bool
    superuser_only: bool


OFFICER = Role("officer", "Cán bộ tỉnh", gettext_lazy("Cán bộ tỉnh"), False, True, False)
MINISTRY = Role("ministry", "Cán bộ Bộ Nội vụ", gettext_lazy("Cán bộ Bộ Nội vụ"), True, False, True)
CURATOR = Role("curator", "Biên tập viên", gettext_lazy("Biên tập viên"), True, False, True)
ROLES = {role.code: role for role in (OFFICER, MINISTRY, CURATOR)}


def may_create(actor, role: Role) -> bool:
    """Whether ``actor`` may create an account with ``role`` (``actor=None``: the server's operator)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    return not role.superuser_only and actor.has_perm("provinces.add_user")


def unit_in_force(role: Role, province: Province | None) -> Province | None:
    """The unit an account of ``role`` is attached to: none for ministry staff and curators; for an officer
    a unit in force today, so a merged pre-2025 unit leads to its successor (raises when none is given)."""
    if not role.needs_province:
        if province is not None:
            raise ValidationError(_("Vai trò %(role)s không gắn với tỉnh nào.") % {"role": role.label})
        return None
    if province is None:
        raise ValidationError(_("Cán bộ tỉnh cần một tỉnh, thành phố phụ trách."))
    return province.successor if province.successor_id is not None else province


@transaction.atomic
def create_account(
    role: Role, username: str, password: str, *, email: str = "", province: Province | None = None, actor=None
):
    """Create (or update) ``username`` with ``role``: its group, staff status and province; nothing changes on error."""
    if not may_create(actor, role):
        raise PermissionDenied(_("Chỉ quản trị viên cấp cao tạo được tài khoản %(role)s.") % {"role": role.label})
    province = unit_in_force(role, province)
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User(username=username)
    validate_password(password, user)
    user.email = email or user.email
    user.province = province
    user.is_staff = role.is_staff or user.is_staff
    user.set_password(password)
    user.save()
    assign_role(user, role)
    return user


def assign_role(user, role: Role) -> None:
    user.groups.add(Group.objects.get(name=role.group))
    if role.is_staff and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def move_notice(user) -> str | None:
    """What an officer moved to a successor unit is told on their next sign-in, or None."""
    if not getattr(user, "move_notice_due", False) or user.moved_from_id is None or user.province_id is None:
        return None
    return _(
        "%(old)s đã hợp nhất vào %(new)s từ ngày 1/7/2025. Tài khoản của bạn đã được chuyển sang %(new)s: "
        "bạn xem được số liệu dự thảo của %(new)s và toàn bộ kết quả đã công bố của các tỉnh hợp thành, "
        "kể cả %(old)s."
    ) % {"old": user.moved_from.name, "new": user.province.name}


def acknowledge_move(user) -> None:
    user.move_notice_due = False
    user.save(update_fields=["move_notice_due"])
