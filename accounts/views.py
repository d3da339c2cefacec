"""Views of the accounts app: the home page, households, members and invitations.

Every view that names a household reaches it through ``accounts.access.household_for``; the
owner-only actions ask for need="own", so anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services
from accounts.access import CURRENT_HOUSEHOLD, household_for, households_for, membership_for, pick_current
from accounts.adapter import PENDING_INVITATION
from accounts.forms import HouseholdForm, InviteForm, ProfileForm, RoleForm
from accounts.models import AccessLog, Household, Invitation, Membership, Role

INVALID = 422  # an invalid form is answered with this status, the form and its messages

# Whole sentences per role (not a word put into a sentence), so that each language can phrase them.
NOW_HAS_ACCESS = {
    Role.OWNER.value: gettext_lazy("%(name)s now has owner's access."),
    Role.EDITOR.value: gettext_lazy("%(name)s now has edit access."),
    Role.VIEWER.value: gettext_lazy("%(name)s now has read-only access."),
}
JOINED_WITH_ACCESS = {
    Role.OWNER.value: gettext_lazy("You joined %(household)s, with owner's access."),
    Role.EDITOR.value: gettext_lazy("You joined %(household)s, with edit access."),
    Role.VIEWER.value: gettext_lazy("You joined %(household)s, with read-only access."),
}

# How the access log names the pages people looked at; other pages are named by their URL name.
PAGE_WORDS = {
    "plans:child": gettext_lazy("overview"),
    "plans:ieps": gettext_lazy("IEP versions"),
    "plans:iep": gettext_lazy("IEP"),
    "plans:calendars": gettext_lazy("school calendar"),
    "plans:calendar": gettext_lazy("school calendar"),
    "plans:absences": gettext_lazy("absences"),
    "reports:entries_csv": gettext_lazy("log as a spreadsheet"),
    "reports:iep_dates_ics": gettext_lazy("IEP dates calendar"),
    "reports:report_list": gettext_lazy("a report"),
    "reports:report_download": gettext_lazy("a saved report"),
    "reports:household_export": gettext_lazy("the whole household archive"),
}


def describe_access(household: Household, exclude_user: Any, limit: int = 20) -> list[dict[str, Any]]:
    """The latest views and exports of the household's records by other people, in plain words."""
    names = dict(household.children.values_list("pk", "name"))  # type: ignore[attr-defined]
    entries = AccessLog.objects.filter(household=household).exclude(user=exclude_user).select_related("user")
    rows = []
    for entry in entries[:limit]:
        try:
            view_name = resolve(entry.path).view_name
        except Resolver404:
            view_name = ""
        page = PAGE_WORDS.get(view_name) or view_name.rpartition(":")[2].replace("_", " ") or _("records")
        child = names.get(entry.child_id, "") if entry.child_id else ""
        rows.append({"entry": entry, "what": f"{child}: {page}" if child else page})
    return rows


def _only_post(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def home(request: HttpRequest) -> HttpResponse:
    """The children of the current household, or a first step for someone without a household; a
    signed-out visitor sees what the app is, for whom, and how to start."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    households = list(households_for(request.user).order_by("pk"))
    household = pick_current(households, request.session)
    if household is None:
        return render(request, "accounts/home_empty.html", {"form": HouseholdForm()})
    membership = membership_for(request.user, household)
    children = list(household.children.all())  # type: ignore[attr-defined]
    return render(
        request,
        "home.html",
        {
            "household": household,
            "children": children,
            "can_edit": membership is not None and membership.allows("edit"),
        },
    )


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """Every household the person belongs to, with a button to switch to each."""
    households = households_for(request.user).order_by("name", "pk")
    roles = dict(request.user.memberships.values_list("household_id", "role"))  # type: ignore[union-attr]
    rows = [(household, Role(roles[household.pk]).label) for household in households]
    return render(request, "accounts/household_list.html", {"rows": rows})


@login_required
def household_new(request: HttpRequest) -> HttpResponse:
    """Start another household (for example an advocate's own family), owned by this person."""
    form = HouseholdForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            household = services.create_household_for(request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
            request.session[CURRENT_HOUSEHOLD] = household.pk
            messages.success(request, _("%(name)s is ready. Add your child next.") % {"name": household.name})
            return redirect("accounts:home")
        return render(request, "accounts/household_new.html", {"form": form}, status=INVALID)
    return render(request, "accounts/household_new.html", {"form": form})


@login_required
def household_switch(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_for(request.user, household_id)
    if not_allowed := _only_post(request):
        return not_allowed
    request.session[CURRENT_HOUSEHOLD] = household.pk
    messages.success(request, _("You are now looking at %(name)s.") % {"name": household.name})
    return redirect("accounts:home")


def _household_page(request: HttpRequest, household: Household, status: int = 200, **forms: Any) -> HttpResponse:
    membership = membership_for(request.user, household)
    is_owner = membership is not None and membership.role == Role.OWNER
    context: dict[str, Any] = {
        "household": household,
        "membership": membership,
        "is_owner": is_owner,
        "members": household.memberships.select_related("user").order_by("created_at"),  # type: ignore[attr-defined]
        "children": household.children.all(),  # type: ignore[attr-defined]
    }
    if is_owner:
        context["invitations"] = [i for i in household.invitations.all() if i.is_open]  # type: ignore[attr-defined]
        context["invite_form"] = forms.get("invite_form") or InviteForm()
        context["rename_form"] = forms.get("rename_form") or HouseholdForm(instance=household)
        context["access_log"] = describe_access(household, exclude_user=request.user)
        context["accepted_invitations"] = (
            household.invitations.filter(accepted_at__isnull=False)  # type: ignore[attr-defined]
            .select_related("accepted_by")
            .order_by("-accepted_at")[:20]
        )
    return render(request, "accounts/household.html", context, status=status)


@login_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_for(request.user, household_id)
    return _household_page(request, household)


@login_required
def household_rename(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_for(request.user, household_id, need="own")
    if not_allowed := _only_post(request):
        return not_allowed
    form = HouseholdForm(request.POST, instance=Household.objects.get(pk=household.pk))
    if not form.is_valid():
        return _household_page(request, household, status=INVALID, rename_form=form)
    services.rename_household(household, form.cleaned_data["name"])
    messages.success(request, _("Household name saved."))
    return redirect("accounts:household", household_id=household.pk)


@login_required
def invite(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_for(request.user, household_id, need="own")
    if not_allowed := _only_post(request):
        return not_allowed
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite(
                household,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,  # type: ignore[arg-type]
            )
        except services.MembershipError as error:
            form.add_error("email", str(error))
        else:
            url = request.build_absolute_uri(reverse("accounts:invitation", kwargs={"token": invitation.token}))
            services.send_invitation(invitation, url)
            messages.success(
                request,
                _("We emailed an invitation to %(email)s. The link works for 14 days.") % {"email": invitation.email},
            )
            return redirect("accounts:household", household_id=household.pk)
    return _household_page(request, household, status=INVALID, invite_form=form)


@login_required
def invitation_revoke(request: HttpRequest, household_id: int, invitation_id: int) -> HttpResponse:
    household = household_for(request.user, household_id, need="own")
    invitation = get_object_or_404(Invitation, pk=invitation_id, household=household)
    if not_allowed := _only_post(request):
        return not_allowed
    services.revoke_invitation(invitation)
    messages.success(request, _("The invitation to %(email)s no longer works.") % {"email": invitation.email})
    return redirect("accounts:household", household_id=household.pk)


def _managed_member(request: HttpRequest, household_id: int, membership_id: int) -> tuple[Household, Membership]:
    """A membership of a household the requester owns (anyone else gets 404)."""
    household = household_for(request.user, household_id, need="own")
    memberships = Membership.objects.select_related("user").filter(household=household)
    return household, get_object_or_404(memberships, pk=membership_id)


@login_required
def member_role(request: HttpRequest, household_id: int, membership_id: int) -> HttpResponse:
    household, membership = _managed_member(request, household_id, membership_id)
    if not_allowed := _only_post(request):
        return not_allowed
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose edit or read-only access."))
    else:
        try:
            services.change_role(membership, form.cleaned_data["role"])
        except services.MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, NOW_HAS_ACCESS[membership.role] % {"name": membership.user.name})
    return redirect("accounts:household", household_id=household.pk)


@login_required
def member_remove(request: HttpRequest, household_id: int, membership_id: int) -> HttpResponse:
    household, membership = _managed_member(request, household_id, membership_id)
    if not_allowed := _only_post(request):
        return not_allowed
    try:
        services.remove_member(membership)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s no longer has access to %(household)s.")
            % {"name": membership.user.name, "household": household.name},
        )
    return redirect("accounts:household", household_id=household.pk)


@login_required
def household_leave(request: HttpRequest, household_id: int) -> HttpResponse:
    """A member (not the owner) leaves a household they were invited to."""
    household = household_for(request.user, household_id)
    membership = membership_for(request.user, household)
    if not_allowed := _only_post(request):
        return not_allowed
    if membership is None:
        raise Http404
    try:
        services.remove_member(membership)
    except services.MembershipError as error:
        messages.error(request, str(error))
        return redirect("accounts:household", household_id=household.pk)
    request.session.pop(CURRENT_HOUSEHOLD, None)
    messages.success(request, _("You left %(name)s.") % {"name": household.name})
    return redirect("accounts:home")


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation email links to. Anyone holding the link may accept it once signed in."""
    invitation = get_object_or_404(Invitation.objects.select_related("household", "invited_by"), token=token)
    context: dict[str, Any] = {"invitation": invitation}
    if not invitation.is_open:
        request.session.pop(PENDING_INVITATION, None)
        return render(request, "accounts/invitation_closed.html", context, status=410)
    if not request.user.is_authenticated:
        # Remember the invitation across sign-up and email verification (see accounts.adapter).
        request.session[PENDING_INVITATION] = invitation.token
        return render(request, "accounts/invitation.html", context)
    if request.method == "POST":
        try:
            membership = services.accept_invitation(invitation, request.user)  # type: ignore[arg-type]
        except services.MembershipError:  # someone else used the link a moment ago
            request.session.pop(PENDING_INVITATION, None)
            invitation.refresh_from_db()
            return render(request, "accounts/invitation_closed.html", context, status=410)
        request.session.pop(PENDING_INVITATION, None)
        request.session[CURRENT_HOUSEHOLD] = invitation.household_id
        messages.success(request, JOINED_WITH_ACCESS[membership.role] % {"household": invitation.household.name})
        return redirect("accounts:home")
    context["already_member"] = membership_for(request.user, invitation.household)
    return render(request, "accounts/invitation.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The person's name, and links to email, password and two-factor settings."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your name is saved."))
            return redirect("accounts:profile")
        return render(request, "accounts/profile.html", {"form": form}, status=INVALID)
    return render(request, "accounts/profile.html", {"form": form})
