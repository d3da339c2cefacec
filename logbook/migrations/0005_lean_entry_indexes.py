"""Log entries in fewer index bytes (issue 17, "Storage"); no row changes.

- ``client_id`` is no longer unique (nor indexed): nothing looks an entry up by it. A retried write
  is recognised by its ``WriteReceipt`` (primary key: the id), and one entry per child, day,
  provision and session is the unique constraint, so a retry still never makes a duplicate.
- No index on (child, date) nor on the child alone: the unique (child, date, provision, is_makeup)
  starts with both and serves those lookups (EXPLAIN in docs/benchmarks.md, "Storage").
- ``retracted_by`` is indexed only where it is set: deleting a user (SET NULL) finds the few entries
  that name them through the partial index, and the NULLs of every other entry cost nothing.

SQLite rebuilds the table to drop a column's UNIQUE; the log table has no triggers of its own.
"""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('logbook', '0004_log_entry_device_time'),
        ('plans', '0004_session_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='logentry',
            name='logbook_log_child_i_bc08db_idx',
        ),
        migrations.AlterField(
            model_name='logentry',
            name='child',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='log_entries', to='plans.child'),
        ),
        migrations.AlterField(
            model_name='logentry',
            name='client_id',
            field=models.UUIDField(default=uuid.uuid4),
        ),
        migrations.AlterField(
            model_name='logentry',
            name='retracted_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='logentry',
            index=models.Index(condition=models.Q(('retracted_by__isnull', False)), fields=['retracted_by'], name='logentry_retracted_by_set'),
        ),
    ]
