"""Path converters shared by every app's URLs."""

from datetime import date


class IsoDateConverter:
    """``<isodate:day>``: a calendar date written YYYY-MM-DD, handed to the view as ``datetime.date``."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # a ValueError here makes the URL not match (404)

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else value
