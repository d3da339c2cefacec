from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        # Verification compares the current report rows with their "report.generated" records.
        from evidence.verify import register_current_state, register_stored_files
        from reports.services import current_reports
        from reports.storage import report_path

        register_current_state("report", current_reports)
        register_stored_files("report", report_path)
