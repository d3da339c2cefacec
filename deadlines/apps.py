from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = "Deadlines"

    def ready(self) -> None:
        # Verification compares the current deadline events with the latest ledger payloads.
        from deadlines.payloads import current_events, current_settings
        from evidence.verify import register_current_state

        register_current_state("deadline_event", current_events)
        register_current_state("deadline_settings", current_settings)
