"""Path converters shared by every app's URLs."""

from datetime import date

from iepright.textclean import is_sane_date


class IsoDateConverter:
    """``<isodate:day>``: a calendar date written YYYY-MM-DD, handed to the view as ``datetime.date``."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        day = date.fromisoformat(value)  # a ValueError here makes the URL not match (404)
        if not is_sane_date(day):
            raise ValueError("outside 1990-2100")  # 0001-01-01 or 9999-12-31: a 404, not a 500
        return day

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else value
