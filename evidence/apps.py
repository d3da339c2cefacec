from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence ledger"

    def ready(self) -> None:
        from evidence.attachments import current_attachments
        from evidence.verify import register_current_state

        register_current_state("attachment", current_attachments)
