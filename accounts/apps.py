from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and households"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import checks  # noqa: F401  (registers the deployment checks)
        from accounts.devices import signed_in_now

        user_logged_in.connect(signed_in_now, dispatch_uid="accounts.devices.signed_in_now")
