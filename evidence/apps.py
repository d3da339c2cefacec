from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence ledger"

    def ready(self) -> None:
        from django.core import checks

        from evidence.checks import tsa_settings

        checks.register(tsa_settings)
        from evidence.attachments import attachment_path, current_attachments
        from evidence.verify import register_current_state, register_stored_files

        register_current_state("attachment", current_attachments)
        register_stored_files("attachment", attachment_path)
