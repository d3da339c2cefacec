"""The access layer for letters, notices and costs: through the child's membership, or Http404."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import Http404

from advocacy.models import Letter, OutOfPocketCost, PriorWrittenNotice
from plans.access import children_for


def _get[M: Model](model: type[M], user: Any, pk: int | str, need: str, child_id: int | str) -> M:
    try:
        return model._default_manager.select_related("child__household").get(  # type: ignore[attr-defined]
            pk=int(pk), child_id=int(child_id), child__in=children_for(user, need)
        )
    except (model.DoesNotExist, TypeError, ValueError):  # type: ignore[attr-defined]
        raise Http404("Not found.") from None


def letter_for(user: Any, letter_id: int | str, need: str = "view", *, child_id: int | str) -> Letter:
    return _get(Letter, user, letter_id, need, child_id)


def notice_for(user: Any, notice_id: int | str, need: str = "view", *, child_id: int | str) -> PriorWrittenNotice:
    return _get(PriorWrittenNotice, user, notice_id, need, child_id)


def cost_for(user: Any, cost_id: int | str, need: str = "view", *, child_id: int | str) -> OutOfPocketCost:
    return _get(OutOfPocketCost, user, cost_id, need, child_id)
