"""Pages of the escalation path: the five steps, letters, prior written notices and costs.

Every view reaches the child through ``plans.access.child_for`` and its records through
``advocacy.access``: 404 for anyone else; saving needs "edit" (a viewer reads, any POST is a 404).
Invalid posts answer 422 and save nothing. Disclaimers (legal-facts.md section 5) sit where the
parent acts.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import log_access
from advocacy import services
from advocacy.access import cost_for, letter_for, notice_for
from advocacy.forms import CostForm, DraftOptionsForm, LetterForm, NoticeForm, RetractForm, SentForm
from advocacy.letters import draft_letter
from advocacy.models import Letter, money
from advocacy.rules import DISCLAIMERS, LETTER_DISCLAIMERS, LETTER_KINDS
from correspondence.pages import INVALID, add_errors, child_page
from correspondence.services import Draft
from evidence.attachments import AttachmentRejected, store_attachment
from plans.access import child_for
from plans.models import Child, Provision
from reports.render import RenderError, in_plain_words


def _viewed(request: HttpRequest, child: Child) -> None:
    log_access(request.user, child.household, "view", child_id=child.pk, path=request.path)


def _disclaimers(keys: tuple[str, ...]) -> list[str]:
    return [str(DISCLAIMERS[key]) for key in keys]


@login_required
def steps(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    _viewed(request, child)
    context = {
        "path": services.escalation(child),
        "letter_kinds": LETTER_KINDS,
        "letters": child.letters.all()[:20],
        "records_requests": services.records_requests(child),
        "notices": child.prior_written_notices.all(),
        "cost_total": money(services.cost_total(child)),
        "disclaimers": _disclaimers(("advice", "rules_change", "deadlines", "files_nothing")),
    }
    return child_page(request, "advocacy/steps.html", child, context)


def _parent_name(request: HttpRequest) -> str:
    return getattr(request.user, "display_name", "") or ""


@login_required
def letter_draft(request: HttpRequest, child_id: int) -> HttpResponse:
    # A post saves a letter: only those who may edit get this far (a viewer's post is a 404 before any work).
    child = child_for(request.user, child_id, need="edit" if request.method == "POST" else "view")
    _viewed(request, child)
    options = DraftOptionsForm(request.GET or {"kind": "case_manager_email"}, child=child)
    if not options.is_valid():
        options = DraftOptionsForm({"kind": "case_manager_email"}, child=child)
        options.is_valid()
    opts = options.cleaned_data
    draft = draft_letter(
        child,
        opts["kind"],
        parent_name=_parent_name(request),
        start=opts.get("start"),
        end=opts.get("end"),
        provision_ids=opts.get("provision") or None,
    )
    status = 200
    form = LetterForm(initial={"subject": draft.subject, "body": draft.body, "client_id": uuid.uuid4()})
    if request.method == "POST":
        form = LetterForm(request.POST)
        if form.is_valid():
            try:
                letter = services.save_letter(
                    child,
                    kind=opts["kind"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    user=request.user,
                    client_id=form.cleaned_data["client_id"],
                    provision_ids=draft.provision_ids,
                    range_from=draft.start,
                    range_to=draft.end,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Letter saved. Copy it, open it in your mail program or download the PDF."))
                return redirect("advocacy:letter", child_id=child.pk, letter_id=letter.pk)
        status = INVALID
    iep = child.current_iep(timezone.localdate())
    mail = Draft(
        to=(iep.case_manager_email if iep and LETTER_KINDS[draft.kind].to_school else ""),
        subject=draft.subject,
        body=draft.body,
    )
    context = {
        "options": options,
        "draft": draft,
        "form": form,
        "mail": mail,
        "kind": LETTER_KINDS[draft.kind],
        "chosen": Provision.objects.filter(pk__in=draft.provision_ids).order_by("label"),
        "disclaimers": _disclaimers(LETTER_DISCLAIMERS[draft.kind]),
    }
    return child_page(request, "advocacy/letter_draft.html", child, context, status=status)


def _render_letter(
    request: HttpRequest, letter: Letter, form: SentForm | None = None, status: int = 200
) -> HttpResponse:
    iep = letter.child.current_iep(timezone.localdate())
    to = iep.case_manager_email if iep and LETTER_KINDS[letter.kind].to_school else ""
    today = timezone.localdate()
    context = {
        "letter": letter,
        "mail": Draft(to=to, subject=letter.subject, body=letter.body),
        "form": form
        or SentForm(initial={"day": today, "channel": "email", "follow_up_due": today + timedelta(days=10)}),
        "disclaimers": _disclaimers(LETTER_DISCLAIMERS[letter.kind]),
        "placeholders": "[fill in:" in letter.body,
    }
    return child_page(request, "advocacy/letter.html", letter.child, context, status=status)


@login_required
def letter_detail(request: HttpRequest, child_id: int, letter_id: int) -> HttpResponse:
    letter = letter_for(request.user, letter_id, child_id=child_id)
    _viewed(request, letter.child)
    return _render_letter(request, letter)


@login_required
def letter_pdf(request: HttpRequest, child_id: int, letter_id: int) -> HttpResponse:
    letter = letter_for(request.user, letter_id, child_id=child_id)
    log_access(request.user, letter.child.household, "export", child_id=letter.child_id, path=request.path)
    try:
        pdf = letter_pdf_bytes(letter, _parent_name(request))
    except RenderError as error:
        messages.error(request, in_plain_words(error))
        return redirect("advocacy:letter", child_id=letter.child_id, letter_id=letter.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{letter.kind}-{letter.pk}.pdf"'
    return response


def letter_pdf_bytes(letter: Letter, author: str) -> bytes:
    from advocacy.pdf import letter_pdf as render

    return render(letter, author)


@login_required
def letter_sent(request: HttpRequest, child_id: int, letter_id: int) -> HttpResponse:
    letter = letter_for(request.user, letter_id, need="edit", child_id=child_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            services.mark_sent(
                letter,
                user=request.user,
                day=form.cleaned_data["day"],
                channel=form.cleaned_data["channel"],
                follow_up_due=form.cleaned_data.get("follow_up_due"),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Marked as sent. It is now in the communications log with its date."))
            return redirect("advocacy:letter", child_id=letter.child_id, letter_id=letter.pk)
    return _render_letter(request, letter, form=form, status=INVALID)


@login_required
def notice_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    form = NoticeForm(
        request.POST or None,
        request.FILES or None,
        initial={"client_id": uuid.uuid4(), "received_on": timezone.localdate()},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    attachment = None
                    if data.get("file"):
                        attachment = store_attachment(child_id=child.pk, uploaded_file=data["file"], user=request.user)
                    pwn = services.record_pwn(
                        child,
                        user=request.user,
                        client_id=data["client_id"],
                        received_on=data["received_on"],
                        action=data["action"],
                        proposes=data["proposes"],
                        elements=data["elements"],
                        notes=data["notes"],
                        attachment_id=attachment.pk if attachment else None,
                    )
            except AttachmentRejected as refused:
                form.add_error("file", str(refused))
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Notice recorded."))
                return redirect("advocacy:notice", child_id=child.pk, notice_id=pwn.pk)
        return child_page(request, "advocacy/notice_form.html", child, {"form": form}, status=INVALID)
    return child_page(request, "advocacy/notice_form.html", child, {"form": form})


@login_required
def notice_detail(request: HttpRequest, child_id: int, notice_id: int) -> HttpResponse:
    pwn = notice_for(request.user, notice_id, child_id=child_id)
    _viewed(request, pwn.child)
    checks = services.check_pwn(pwn)
    context = {
        "pwn": pwn,
        "checks": checks,
        "missing": [c for c in checks if not c.present],
        "disclaimers": _disclaimers(("advice", "rules_change")),
    }
    return child_page(request, "advocacy/notice.html", pwn.child, context)


@login_required
def costs(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit" if request.method == "POST" else "view")
    _viewed(request, child)
    form = CostForm(
        request.POST or None,
        request.FILES or None,
        child=child,
        initial={"client_id": uuid.uuid4(), "date": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    receipt = None
                    if data.get("receipt"):
                        receipt = store_attachment(child_id=child.pk, uploaded_file=data["receipt"], user=request.user)
                    services.add_cost(
                        child,
                        user=request.user,
                        client_id=data["client_id"],
                        day=data["date"],
                        provider=data["provider"],
                        description=data["description"],
                        amount_cents=int(data["amount"] * 100),
                        provision_ids=data["provision_ids"],
                        receipt_id=receipt.pk if receipt else None,
                    )
            except AttachmentRejected as refused:
                form.add_error("receipt", str(refused))
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Cost saved."))
                return redirect("advocacy:costs", child_id=child.pk)
        status = INVALID
    return costs_page(request, child, form=form, status=status)


def costs_page(request: HttpRequest, child: Child, form: CostForm | None = None, status: int = 200) -> HttpResponse:
    form = form or CostForm(child=child, initial={"client_id": uuid.uuid4(), "date": timezone.localdate()})
    rows = list(child.costs.all())
    labels = dict(Provision.objects.filter(iep__child=child).values_list("pk", "label"))
    context = {
        "form": form,
        "rows": [{"cost": c, "labels": [labels.get(pk, "") for pk in c.provision_ids]} for c in rows],
        "total": money(services.cost_total(child)),
        "retract_form": RetractForm(),
        "disclaimers": _disclaimers(("advice", "minutes")),
    }
    return child_page(request, "advocacy/costs.html", child, context, status=status)


@login_required
def cost_retract(request: HttpRequest, child_id: int, cost_id: int) -> HttpResponse:
    cost = cost_for(request.user, cost_id, need="edit", child_id=child_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RetractForm(request.POST)
    if form.is_valid():
        try:
            services.retract_cost(cost, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Withdrawn. It is kept in the record but no longer counted."))
            return redirect("advocacy:costs", child_id=cost.child_id)
    else:
        messages.error(request, _("Nothing was withdrawn: say briefly why this cost should be withdrawn."))
    return costs_page(request, cost.child, status=INVALID)
