"""Reading an IEP document into candidate provisions and dates (issue 14).

Pure functions, no database: ``read_document`` turns a PDF (text layer, tables, or OCR of a scanned
page) into pages of lines and tables; ``find_candidates`` turns those into plain dicts, one per
provision found, with the wording exactly as printed; ``find_dates`` finds the IEP's dates;
``parse_frequency`` reads "2 x 30 min weekly" into schedule, minutes, period and sessions.
The import page and ``manage.py import_iep`` call the same ``extract`` function.
"""

from plans.iep_import.extract import Extraction, candidates_from_paste, extract, find_candidates, find_dates
from plans.iep_import.frequency import parse_frequency
from plans.iep_import.pdf import DocumentError, read_document

__all__ = [
    "DocumentError",
    "Extraction",
    "candidates_from_paste",
    "extract",
    "find_candidates",
    "find_dates",
    "parse_frequency",
    "read_document",
]
