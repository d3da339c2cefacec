"""The Typst renderer: literal user text, archival PDF, attached files, one worker at a time."""

from __future__ import annotations

import threading
import time
from unittest import mock

import pytest

from reports import render
from reports.fonts import printable
from tests.pdfcheck import archival_markers, attachments, flat, pdf_text

MARKUP = "Said: #set page(width: 1cm) *bold* _it_ $x^2$ @ref <label> ] [ \\ `raw` // not a comment = head"


def probe(text: str = "plain", **kwargs: object) -> render.Rendered:
    data = {"title": "Probe document", "text": text, "prefix": "TEST-", "generated": {"by": "Alice Rivera"}}
    return render.render_pdf("probe", data, **kwargs)  # type: ignore[arg-type]


def test_user_text_with_typst_markup_comes_out_literally() -> None:
    text = flat(pdf_text(probe(MARKUP).pdf))
    assert MARKUP in text


def test_characters_no_font_has_print_as_code_points_instead_of_failing() -> None:
    """Egyptian hieroglyphs are in none of the report fonts: printed as the code point, no failure."""
    rendered = probe("Nguyễn Thị Lan, Ωmega, and \U00013000")
    text = flat(pdf_text(rendered.pdf))
    assert "Nguyễn Thị Lan, Ωmega," in text
    assert "[U+13000]" in text
    assert printable("\U00013000") == "[U+13000]"


def test_chinese_korean_vietnamese_and_emoji_print_as_themselves() -> None:
    """Families write names and notes in their languages (Noto CJK and Noto Color Emoji)."""
    text = flat(pdf_text(probe("李小龙 김민준 Nguyễn Thị Lan 🙂").pdf))
    assert "李小龙 김민준 Nguyễn Thị Lan" in text
    assert "🙂" in text  # a colour glyph: pdftotext places it apart from the line
    assert "[U+" not in text


def test_the_pdf_declares_pdfa_3b_and_pdfua_1_with_title_and_language() -> None:
    markers = archival_markers(probe().pdf)
    assert markers["pdfa_part"] == "3"
    assert markers["pdfa_conformance"] == "B"
    assert markers["pdfua_part"] == "1"
    assert markers["output_intent"] is True
    assert markers["output_intent_subtype"] == "/GTS_PDFA1"
    assert markers["lang"] == "en-US"
    assert markers["marked"] is True
    assert markers["struct_tree"] is True
    assert markers["display_title"] is True
    assert markers["title"] == "Probe document"


def test_attached_files_come_back_byte_for_byte() -> None:
    content = '{"exact":"text, with ünïcode and #markup*","n":1}'
    rendered = probe(attachments=[render.Attachment("ledger.json", content, "The ledger")])
    assert attachments(rendered.pdf) == {"ledger.json": content.encode()}
    assert archival_markers(rendered.pdf)["associated_files"] == 1


def test_the_worker_reports_its_time_and_peak_memory() -> None:
    rendered = probe()
    assert rendered.pages == 1
    assert 0 < rendered.seconds < 10
    assert 10_000 < rendered.peak_memory_kb < 500_000


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    missing = mock.patch.object(render, "WORKER", render.TEMPLATE_DIR / "no_such_worker.py")
    with missing, pytest.raises(render.RenderError, match="without an answer"):
        probe(timeout=5)


def test_a_render_that_takes_too_long_is_stopped() -> None:
    slow = mock.patch.object(render.sys, "executable", "/bin/sleep")
    with slow, mock.patch.object(render, "WORKER", "5"), pytest.raises(render.RenderTimeout):
        probe(timeout=0.5)


def test_a_worker_that_never_reads_its_data_is_stopped_at_the_time_limit() -> None:
    """Given data larger than a pipe holds (the hand-over blocks until the worker reads) and a worker
    that never reads, then the hand-over gives up at the time limit instead of waiting forever."""
    slow = mock.patch.object(render.sys, "executable", "/bin/sleep")
    started = time.perf_counter()
    with slow, mock.patch.object(render, "WORKER", "5"), pytest.raises(render.RenderTimeout):
        probe("x" * 2_000_000, timeout=0.5)
    assert time.perf_counter() - started < 4


def test_a_worker_that_dies_before_reading_much_data_is_an_error_not_a_hang() -> None:
    missing = mock.patch.object(render, "WORKER", render.TEMPLATE_DIR / "no_such_worker.py")
    with missing, pytest.raises(render.RenderError, match="without an answer"):
        probe("x" * 2_000_000, timeout=5)


def test_an_unknown_template_is_refused() -> None:
    with pytest.raises(render.RenderError, match="No report template"):
        render.render_pdf("../../etc/passwd", {})


def test_one_process_runs_one_render_at_a_time() -> None:
    """Given two threads asking at once, when both render, then the worker runs never overlap."""
    running = 0
    most = 0
    lock = threading.Lock()
    real = render._run_worker

    def counting(*args: object) -> render.Rendered:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.2)
        try:
            return real(*args)  # type: ignore[arg-type]
        finally:
            with lock:
                running -= 1

    with mock.patch.object(render, "_run_worker", counting):
        threads = [threading.Thread(target=probe) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert most == 1


def test_a_render_waiting_too_long_for_its_turn_says_so() -> None:
    slots = render._render_slots()
    slots.acquire()
    try:
        with pytest.raises(render.RenderBusy):
            probe(timeout=0.2)
    finally:
        slots.release()


def test_the_peak_memory_is_the_workers_own_not_the_web_process_size_at_spawn() -> None:
    """A web process that holds 300 MB starts the worker; the worker's own peak stays far below it."""
    ballast = bytearray(300 * 1024 * 1024)
    for offset in range(0, len(ballast), 4096):  # touch every page so it is resident
        ballast[offset] = 1
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            parent_rss_kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        rendered = probe()
    finally:
        del ballast
    assert parent_rss_kb > 300 * 1024
    assert 10_000 < rendered.peak_memory_kb < parent_rss_kb - 200 * 1024
