from django.apps import AppConfig


class LogbookConfig(AppConfig):
    name = "logbook"
    verbose_name = "Daily log"

    def ready(self) -> None:
        from evidence.verify import register_current_state
        from logbook.payloads import current_day_notes, current_entries

        register_current_state("log_entry", current_entries)
        register_current_state("day_note", current_day_notes)
