from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Children, IEPs and school calendars"

    def ready(self) -> None:
        # Verification compares the current plan tables with the latest ledger payloads.
        from evidence.verify import register_current_state
        from plans.payloads import CURRENT_STATE_LOADERS

        for object_type, loader in CURRENT_STATE_LOADERS.items():
            register_current_state(object_type, loader)
