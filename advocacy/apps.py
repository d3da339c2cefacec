from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "advocacy"
    verbose_name = "Escalation steps and letters"

    def ready(self) -> None:
        from advocacy.payloads import current_costs, current_letters, current_pwns
        from evidence.verify import register_current_state

        register_current_state("letter", current_letters)
        register_current_state("prior_written_notice", current_pwns)
        register_current_state("cost", current_costs)
