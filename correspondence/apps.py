from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "correspondence"
    verbose_name = "Communications with the school"

    def ready(self) -> None:
        from correspondence.payloads import current_communications
        from evidence.verify import register_current_state

        register_current_state("communication", current_communications)
