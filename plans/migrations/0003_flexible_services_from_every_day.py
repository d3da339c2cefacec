"""Services that cannot have been owed every day become flexible, each change recorded in the ledger.

Before flexible schedules existed, "OT 30 minutes per month" could only be put on an every-day
schedule, so "Everything delivered" logged it every day. Sensible reading of such rows:

- an every-day service with minutes per month is flexible (the provider picks the days);
- an every-day service with minutes per week whose sessions cannot all fit (session length x 5 school
  weekdays is more than the week's minutes, e.g. 60 per week in sessions of 30) is flexible too.

Every changed provision gets a ``provision.edited`` record (recorded by "system") in its child's chain,
in this same transaction, so the current state still matches the ledger. The payload is written here
as ``plans.payloads.provision_payload`` wrote it when this migration was made (frozen on purpose:
a migration must not change meaning when the app's code does later).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
REGULAR_WEEKDAYS = 5


def should_be_flexible(provision: Any) -> bool:
    if provision.schedule != "every_day" or provision.minutes is None or not provision.period:
        return False
    if provision.period == "month":
        return True
    return bool(provision.session_minutes) and provision.session_minutes * REGULAR_WEEKDAYS > provision.minutes


def frozen_payload(provision: Any) -> dict[str, Any]:
    payload = {
        "id": provision.pk,
        "iep": provision.iep_id,
        "lineage": str(provision.lineage),
        "position": provision.position,
        "kind": provision.kind,
        "label": provision.label,
        "wording": provision.wording,
        "setting": provision.setting,
        "responsible_staff": provision.responsible_staff,
        "schedule": provision.schedule,
        "weekdays": [WEEKDAY_NAMES[day] for day in range(7) if provision.weekdays & (1 << day)],
        "minutes": provision.minutes,
        "period": provision.period,
        "session_minutes": provision.session_minutes,
        "purpose": provision.purpose,
    }
    if provision.sessions is not None:
        payload["sessions"] = provision.sessions
    return payload


def make_flexible(apps: Any, schema_editor: Any) -> None:
    # The ledger's pure functions (canonical form and hash) are the format itself (docs/verification.md).
    from evidence.ledger import GENESIS_HASH, TIMESTAMP_FORMAT, canonical_json, chain_hash

    Provision = apps.get_model("plans", "Provision")
    EvidenceRecord = apps.get_model("evidence", "EvidenceRecord")
    changed = [p for p in Provision.objects.select_related("iep__child").order_by("pk") if should_be_flexible(p)]
    recorded_at = timezone.now()
    # Records name their household since evidence/0008, which runs after this migration; its test also
    # runs this function against today's models, where the column is required.
    names_household = any(f.name == "household_id" for f in EvidenceRecord._meta.get_fields())
    for provision in changed:
        provision.schedule = "flexible"
        provision.save(update_fields=["schedule"])
        child_id = provision.iep.child_id
        last = EvidenceRecord.objects.filter(child_id=child_id).order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = last if last else (0, GENESIS_HASH)
        payload = frozen_payload(provision)
        body = {
            "child": child_id,
            "seq": seq + 1,
            "kind": "provision.edited",
            "object_type": "provision",
            "object_id": str(provision.pk),
            "event_date": None,
            "payload": payload,
            "recorded_at": recorded_at.strftime(TIMESTAMP_FORMAT),
            "recorded_by": None,
            "recorded_by_name": "system",
            "prev_hash": prev_hash,
        }
        EvidenceRecord.objects.create(
            child_id=child_id,
            seq=seq + 1,
            kind="provision.edited",
            object_type="provision",
            object_id=str(provision.pk),
            event_date=None,
            payload=canonical_json(payload),
            recorded_at=recorded_at,
            recorded_by_id=None,
            recorded_by_name="system",
            prev_hash=prev_hash,
            hash=chain_hash(prev_hash, body),
            **({"household_id": provision.iep.child.household_id} if names_household else {}),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_flexible_schedule_and_sessions"),
        ("evidence", "0004_append_only_triggers"),
    ]

    # Forwards only: going back would need ledger records of its own, and the old schedule was wrong.
    operations = [migrations.RunPython(make_flexible, migrations.RunPython.noop)]
