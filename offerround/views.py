"""The offer round's pages: the round list, a provider's submission (confirm, change, withdraw,
add, submit), the officers' progress per LCPA and provider, the review (diff, accept or
return), reminders, and the round's management (close or reopen, add a provider, delete while
nothing is accepted). Thin views: the writes are offerround.services, the permissions
offerround/rules.py (always asked with the submission)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.rules import contact_provider_ids, is_contact
from kent_offer.decorators import read_only
from offerround import bulk, diff, progress, reminders, services
from offerround.forms import (
    AddProviderForm,
    OfferForm,
    OpenRoundForm,
    ReviewForm,
    RoundStateForm,
    UploadForm,
    error_links,
    govuk,
)
from offerround.models import OfferRound, Submission, SubmittedOffer
from providers.models import Course, Level, Site

VIEW, CHANGE, REVIEW, OPEN = ("offerround.view_submission", "offerround.change_submission",
                              "offerround.review_submission", "offerround.add_offerround")
# Closing, reopening, adding a provider to and deleting a round.
MANAGE, DELETE = "offerround.change_offerround", "offerround.delete_offerround"
ANSWERS = {"confirm": SubmittedOffer.Action.CONFIRM, "withdraw": SubmittedOffer.Action.WITHDRAW,
           "undo": SubmittedOffer.Action.PENDING}


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _submission(user, pk: int, permission: str = VIEW) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("round", "provider"), pk=pk)
    _require(user, permission, submission)
    return submission


@read_only
@login_required
def index(request):
    """Officers: every round, and a link to open one. Contacts: their providers' submissions."""
    user = request.user
    may_review = user.has_perm(REVIEW)
    if not may_review and not is_contact(user):
        raise PermissionDenied
    rounds = OfferRound.objects.annotate(
        providers=Count("submissions"),
        done=Count("submissions", filter=Q(submissions__state=Submission.State.ACCEPTED)),
    ) if may_review else OfferRound.objects.none()
    mine = (Submission.objects.for_providers(contact_provider_ids(user))
            .select_related("round", "provider").order_by("-round__academic_year",
                                                          "provider__name"))
    return render(request, "offerround/index.html", {
        "rounds": rounds, "submissions": mine, "may_review": may_review,
        "may_open": user.has_perm(OPEN),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def open_round(request):
    _require(request.user, OPEN)
    form = OpenRoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        offer_round = services.open_round(form.cleaned_data["academic_year"],
                                          form.cleaned_data["deadline"], request.user)
        messages.success(request, f"The {offer_round.academic_year} round is open: "
                                  f"{offer_round.submissions.count()} providers can now confirm "
                                  "their offer.")
        return redirect("offerround:progress", offer_round.pk)
    govuk(form, {"academic_year": "govuk-input--width-5", "deadline": "govuk-input--width-10"})
    return render(request, "offerround/open_round.html", {
        "form": form, "error_links": error_links(form, "academic_year"),
    })


def _lcpa_of_providers(provider_ids) -> dict[int, str]:
    """Each provider's LCPA: its main site's (or, with no main site, any site's)."""
    found: dict[int, str] = {}
    sites = (Site.objects.filter(provider_id__in=provider_ids, area__region__isnull=False)
             .order_by("-is_main", "pk").values_list("provider_id", "area__region__name"))
    for provider_id, name in sites:
        found.setdefault(provider_id, name)
    return found


@read_only
@login_required
def round_progress(request, pk: int):
    """Counts per LCPA and state, then every provider with its state."""
    _require(request.user, REVIEW)
    offer_round = get_object_or_404(OfferRound, pk=pk)
    submissions = list(offer_round.submissions.select_related("provider"))
    lcpas = _lcpa_of_providers([s.provider_id for s in submissions])
    rows = [{"submission": s, "lcpa": lcpas.get(s.provider_id)} for s in submissions]
    state = request.GET.get("state", "")
    if state not in Submission.State.values:
        state = ""
    shown = [r for r in rows if not state or r["submission"].state == state]
    return render(request, "offerround/progress.html", {
        "round": offer_round,
        "may_manage": request.user.has_perm(MANAGE),
        "may_delete": request.user.has_perm(DELETE) and services.deletable(offer_round),
        "may_add": offer_round.is_open and services.providers_not_in(offer_round).exists(),
        "states": Submission.State.choices,
        "state": state,
        "table": progress.by_lcpa([{"lcpa": r["lcpa"], "state": r["submission"].state}
                                   for r in rows], Submission.State.choices),
        "rows": sorted(shown, key=lambda r: (r["lcpa"] or "~", r["submission"].provider.name)),
    })


@require_POST
@login_required
def round_state(request, pk: int):
    """Close the round (contacts can no longer change or submit) or reopen it."""
    _require(request.user, MANAGE)
    offer_round = get_object_or_404(OfferRound, pk=pk)
    form = RoundStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["change"][0])
        return redirect("offerround:progress", pk)
    try:
        if form.cleaned_data["change"] == "close":
            services.close_round(offer_round)
            messages.success(request, f"The {offer_round.academic_year} round is closed: "
                                      "providers can no longer change or submit their offer. "
                                      "You can still accept what has been submitted.")
        else:
            services.reopen_round(offer_round)
            messages.success(request, f"The {offer_round.academic_year} round is open again: "
                                      "providers can change and submit their offer.")
    except services.RoundError as error:
        messages.error(request, str(error))
    return redirect("offerround:progress", pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def add_provider(request, pk: int):
    """Add an open provider that is not yet in the round, pre-filled like the others."""
    _require(request.user, MANAGE)
    offer_round = get_object_or_404(OfferRound, pk=pk)
    eligible = services.providers_not_in(offer_round)
    form = AddProviderForm(request.POST if request.method == "POST" else None,
                           eligible=eligible)
    if request.method == "POST" and offer_round.is_open and form.is_valid():
        provider = form.cleaned_data["provider"]
        try:
            submission = services.add_provider(offer_round, provider, request.user)
        except services.RoundError as error:
            form.add_error("provider", str(error))
        else:
            found = submission.offers.count()
            messages.success(request, f"{provider} has been added to the round with "
                                      f"{found} offer{'s' if found != 1 else ''} to confirm.")
            return redirect("offerround:progress", pk)
    govuk(form)
    return render(request, "offerround/add_provider.html", {
        "round": offer_round, "form": form, "any_eligible": eligible.exists(),
        "error_links": error_links(form, "provider"),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_round(request, pk: int):
    """Confirm, then delete a round with nothing accepted in it (its submissions go with it;
    no offer record is touched)."""
    _require(request.user, DELETE)
    offer_round = get_object_or_404(OfferRound, pk=pk)
    deletable = services.deletable(offer_round)
    if request.method == "POST" and deletable:
        try:
            services.delete_round(offer_round)
        except services.RoundError as error:
            messages.error(request, str(error))
            return redirect("offerround:delete_round", pk)
        messages.success(request, f"The {offer_round.academic_year} round has been deleted.")
        return redirect("offerround:index")
    return render(request, "offerround/delete_round.html", {
        "round": offer_round, "deletable": deletable,
        "submissions": offer_round.submissions.count(),
        "accepted": offer_round.submissions.filter(state=Submission.State.ACCEPTED).count(),
        "started": offer_round.submissions.exclude(
            state=Submission.State.NOT_STARTED).count(),
    })


def _offer_rows(submission: Submission) -> list[SubmittedOffer]:
    return list(submission.offers.select_related("site", "previous"))


@read_only
@login_required
def submission_page(request, pk: int):
    """The provider's offers for the year: each with its answer, and the buttons while the
    submission is with the provider."""
    submission = _submission(request.user, pk)
    offers = _offer_rows(submission)
    return render(request, "offerround/submission.html", {
        "submission": submission, "round": submission.round, "offers": offers,
        "may_edit": request.user.has_perm(CHANGE, submission),
        "may_review": request.user.has_perm(REVIEW, submission),
        "unanswered": sum(1 for offer in offers if not offer.action),
    })


@require_POST
@login_required
def answer_offer(request, pk: int, offer_pk: int):
    """Confirm, withdraw or un-answer one offer (a partial save)."""
    submission = _submission(request.user, pk, CHANGE)
    offer = get_object_or_404(SubmittedOffer, pk=offer_pk, submission=submission)
    action = ANSWERS.get(request.POST.get("answer", ""))
    if action is None:
        messages.error(request, "Choose confirm or withdraw for the offer.")
    else:
        try:
            services.answer(offer, action)
        except services.RoundError as error:
            messages.error(request, str(error))
        else:
            verb = {"confirm": "confirmed", "withdraw": "withdrawn" if offer.previous_id
                    else "removed", "": "marked as not yet answered"}[action]
            messages.success(request, f"“{offer.title}” {verb}.")
    return redirect(reverse("offerround:submission", args=[pk]) + f"#offer-{offer_pk}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_offer(request, pk: int, offer_pk: int | None = None):
    """Change a pre-filled offer, or add a new one."""
    submission = _submission(request.user, pk, CHANGE)
    offer = (get_object_or_404(SubmittedOffer, pk=offer_pk, submission=submission)
             if offer_pk else SubmittedOffer(submission=submission))
    form = OfferForm(request.POST if request.method == "POST" else None, instance=offer,
                    submission=submission)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_offer(form.instance)
        except services.RoundError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"“{form.instance.title}” saved.")
        return redirect(reverse("offerround:submission", args=[pk])
                        + f"#offer-{form.instance.pk or ''}")
    if form.is_bound:
        govuk(form, OfferForm.WIDTHS)  # now with the error classes
    return render(request, "offerround/offer_form.html", {
        "form": form, "submission": submission, "offer": offer if offer_pk else None,
        "error_links": error_links(form, "title"),
    })


@require_POST
@login_required
def submit(request, pk: int):
    submission = _submission(request.user, pk, CHANGE)
    try:
        services.submit(submission, request.user)
    except services.RoundError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your offer has been submitted to Kent County Council. "
                                  "An officer will review it.")
    return redirect("offerround:submission", pk)


def _label(offer) -> str:
    # Colleges run the same course at several campuses: the site tells the lines apart.
    return f"{offer.title}, {offer.site.name if offer.site else 'main site'}"


def _as_dicts(offers) -> list[dict]:
    return [{"action": o.action, "previous_id": o.previous_id, "label": _label(o),
             **{name: getattr(o, name) for name in diff.COMPARED}} for o in offers]


def _in_words(result: diff.Diff, sites: dict[int, str]) -> None:
    """Codes in the diff's changes as the page says them (site names, level and type labels)."""
    words = {
        "Site": lambda v: sites.get(v, "another provider's site") if v else "Main site",
        "Level": lambda v: Level(v).label if v in Level.values else v,
        "Type": lambda v: (Course.QualificationType(v).label
                           if v in Course.QualificationType.values else v),
        "EHCP required": lambda v: "yes" if v else "no",
    }
    for line in result.lines:
        line.changes = [(label, words.get(label, lambda v: v)(before),
                         words.get(label, lambda v: v)(after))
                        for label, before, after in line.changes]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def review(request, pk: int):
    """The submission against last year's records, and accept or return."""
    submission = _submission(request.user, pk, REVIEW)
    offers = _offer_rows(submission)
    previous = {c.pk: {"label": _label(c), **{name: getattr(c, name) for name in diff.COMPARED}}
                for c in Course.objects.filter(pk__in=[o.previous_id for o in offers
                                                       if o.previous_id]).select_related("site")}
    # Withdrawn records that the contact removed from the list are not there to compare, so the
    # list is always the pre-filled offers plus the new ones.
    result = diff.compare(_as_dicts(offers), previous)
    _in_words(result, dict(Site.objects.filter(provider=submission.provider)
                           .values_list("pk", "name")))
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"].strip()
        try:
            if form.cleaned_data["decision"] == "accept":
                written = services.accept(submission, request.user, note)
                messages.success(request, f"Accepted: {written} offers are now "
                                          f"{submission.provider}'s offer for "
                                          f"{submission.round.academic_year}, labelled "
                                          "“confirmed by provider”.")
            else:
                services.return_submission(submission, request.user, note)
                messages.success(request, "Returned to the provider with your note.")
        except services.RoundError as error:
            messages.error(request, str(error))
        return redirect("offerround:progress", submission.round_id)
    govuk(form)
    return render(request, "offerround/review.html", {
        "submission": submission, "round": submission.round, "diff": result,
        "form": form, "error_links": error_links(form, "decision"),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def round_reminders(request, pk: int):
    """Contacts whose providers have not submitted; POST sends each of them a reminder."""
    _require(request.user, REVIEW)
    offer_round = get_object_or_404(OfferRound, pk=pk)
    waiting = reminders.waiting_contacts(offer_round)
    if request.method == "POST":
        sent = reminders.send(offer_round, waiting, request)
        messages.success(request, f"{sent} reminder{'s' if sent != 1 else ''} sent.")
        return redirect("offerround:reminders", pk)
    return render(request, "offerround/reminders.html", {
        "round": offer_round, "waiting": waiting,
        "without_contact": reminders.providers_without_contact(offer_round),
    })


@read_only
@login_required
def download_offers(request, pk: int):
    """The submission's offers as CSV, to edit and upload (every cell spreadsheet-safe)."""
    submission = _submission(request.user, pk)
    response = HttpResponse(bulk.download(submission), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="offers-{submission.round.academic_year.replace("/", "-")}'
        f'-{submission.provider_id}.csv"')
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def upload_offers(request, pk: int):
    """The edited CSV back: every row checked; any bad row and nothing changes."""
    submission = _submission(request.user, pk, CHANGE)
    form = (UploadForm(request.POST, request.FILES) if request.method == "POST"
            else UploadForm())
    problems = []
    if request.method == "POST" and form.is_valid():
        applied, problems = bulk.upload(submission, form.cleaned_data["file"].read())
        if not problems:
            messages.success(request, f"The file has been read: {applied} "
                                      f"row{'s' if applied != 1 else ''} applied.")
            return redirect("offerround:submission", pk)
    govuk(form)
    links = error_links(form, "file")
    if problems:
        links = [{"message": f"The file has {len(problems)} problem"
                             f"{'s' if len(problems) != 1 else ''}: nothing has been changed.",
                  "anchor": "problems"}]
    return render(request, "offerround/upload.html", {
        "submission": submission, "form": form, "problems": problems, "error_links": links,
    })
