"""The bidder portal's pages. Every page is for bidders only (attachment downloads also for officers and
panel members once bids have opened); every bid is looked up through the bidder's own organisation, so
another organisation's bid is a 404, never a hint that it exists. Every write asks drafts.py, which
refuses after the deadline. A section page saves on “Save and continue”, “Save as draft” and, with
JavaScript, by itself (autosave posts the same form with an X-Netimpact-Autosave header and gets JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from netimpact.web import clock
from netimpact.web.accounts.access import Bidder, Officer, Panel, access_rule
from netimpact.web.accounts.models import Role
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.sealing import opened_bids

from . import drafts
from .forms import (
    AnswerForm,
    AttachmentForm,
    CommitmentForm,
    ContactsForm,
    DeclarationForm,
    DetailsForm,
    PartnershipForm,
    PriceForm,
    ServiceForm,
    SubcontractForm,
    amount_text,
)

AUTOSAVE_HEADER = "X-Netimpact-Autosave"


def _problems(*forms_: forms.Form) -> list[dict[str, str]]:
    """The GOV.UK error summary's entries, each linking to the field it names."""
    found = []
    for form in forms_:
        if not form.is_bound:
            continue
        for name, errors in form.errors.items():
            if name == "__all__":
                anchor = "main-content"
            else:
                widget = form.fields[name].widget
                multiple = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
                anchor = f"id_{form.add_prefix(name)}" + ("_0" if multiple else "")
            found += [{"field": anchor, "message": str(e)} for e in errors]
    return found


def _is_autosave(request: HttpRequest) -> bool:
    return request.headers.get(AUTOSAVE_HEADER) == "1"


def _saved_time(bid: m.Bid) -> str:
    return f"{timezone.localtime(bid.updated_at):%H:%M}" if bid.updated_at else ""


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # a form without its version cannot prove it saw the latest save


def _refused(request: HttpRequest, bid: m.Bid, reason: str) -> HttpResponse:
    if _is_autosave(request):
        return JsonResponse({"saved": False, "closed": True, "message": reason}, status=403)
    return render(request, "bidding/refused.html", {"bid": bid, "reason": reason}, status=403)


def _bid_or_404(request: HttpRequest, reference: str) -> m.Bid:
    return drafts.own_bid(request.user, reference)


# ---------------------------------------------------------------------------------------- the task list


@dataclass(frozen=True, slots=True)
class Task:
    label: str
    url: str
    status: str  # "completed", "incomplete", "not_started", "optional", "cannot_start"
    hint: str = ""


STATUS_TEXT = {
    "completed": "Completed",
    "incomplete": "Incomplete",
    "not_started": "Not yet started",
    "optional": "Optional",
    "cannot_start": "Cannot start yet",
}


def tasks(bid: m.Bid) -> list[Task]:
    """The bid's sections in order, each with its status, as the task list shows them."""
    ref = bid.key
    url = lambda name, *args: reverse(f"bidding:{name}", args=[ref, *args])  # noqa: E731
    answers = {a.question_id: a.text for a in bid.answers.all()}  # type: ignore[attr-defined]

    def filled(*values: Any) -> str:
        done = [bool(v) for v in values]
        return "completed" if all(done) else "incomplete" if any(done) else "not_started"

    found = [
        Task("Title and summary", url("details"), filled(bid.title.strip())),
        Task(
            "The service you would run",
            url("service"),
            filled(
                bid.service_name.strip(),
                bid.service_needs.exists(),
                bid.service_capacity_per_year is not None,
            ),
        ),
        Task("Price and local spending", url("price"), filled(bid.price_per_year is not None)),
    ]
    for number, question in enumerate(bid.exercise.quality_questions.order_by("pk"), start=1):
        found.append(
            Task(
                f"Quality question {number}",
                url("answer", question.key),
                filled((answers.get(question.pk) or "").strip()),
                hint=question.text,
            )
        )
    partnerships = bid.partnerships.count()
    rows = bid.subcontracts.count() + bid.commitments.count()
    found += [
        Task(
            "Join-up plan",
            url("joinup"),
            "completed" if partnerships else "optional",
            hint=f"{partnerships} partner service{'s' if partnerships != 1 else ''} named",
        ),
        Task(
            "Ecosystem commitments",
            url("commitments"),
            "completed" if rows else "optional",
            hint=f"{rows} subcontract{'s' if rows != 1 else ''} and commitments"
            if rows
            else "Subcontracts, local jobs, volunteering, premises, transition",
        ),
    ]
    partners = drafts.partner_organisations(bid)
    contacts_missing = [p for p in drafts.submission_problems(bid) if p.section == "contacts"]
    found.append(
        Task(
            "Contacts at partner organisations",
            url("contacts"),
            "cannot_start" if not partners else "incomplete" if contacts_missing else "completed",
            hint="Name a partner in the join-up plan or commitments first" if not partners else "",
        )
    )
    files = bid.attachments.count()  # type: ignore[attr-defined]
    found.append(
        Task(
            "Attachments",
            url("attachments"),
            "completed" if files else "optional",
            hint=f"{files} file{'s' if files != 1 else ''}" if files else "",
        )
    )
    return found


def _next_url(bid: m.Bid, current: str) -> str:
    """Where “Save and continue” goes: the task after this one, then the check-your-answers page."""
    urls = [t.url for t in tasks(bid)]
    if current in urls and urls.index(current) + 1 < len(urls):
        return urls[urls.index(current) + 1]
    return reverse("bidding:check", args=[bid.key])


# -------------------------------------------------------------------------------------------- home


@access_rule(Bidder)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation  # type: ignore[union-attr]
    if organisation is None:
        return redirect("bidding:organisation")
    own = list(drafts.bids_of(organisation).order_by("-pk"))
    mine = {b.exercise_id for b in own}
    open_now = drafts.open_exercises()
    return render(
        request,
        "bidding/home.html",
        {
            "organisation": organisation,
            "bids": [
                {"bid": b, "closing": drafts.closing_text(b.exercise), "open": b.exercise.bids_sealed()}
                for b in own
            ],
            "exercises": [
                {"exercise": e, "closing": drafts.closing_text(e), "has_bid": e.pk in mine} for e in open_now
            ],
        },
    )


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def exercise(request: HttpRequest, key: str) -> HttpResponse:
    """An open exercise: what it is for, when it closes, its published criteria; start or continue a bid."""
    found = (
        m.Exercise.objects.select_related("commissioner")
        .filter(key=key, status=m.ExerciseStatus.PUBLISHED)
        .first()
    )
    if found is None:
        raise Http404("No published exercise has that id.")
    organisation = request.user.organisation  # type: ignore[union-attr]
    existing = drafts.bids_of(organisation).filter(exercise=found).first()
    if request.method == "POST":
        if organisation is None:
            return redirect("bidding:organisation")
        try:
            bid = drafts.start_bid(found, organisation, request.user)
        except drafts.BidClosed as error:
            return render(
                request, "bidding/refused.html", {"bid": existing, "reason": str(error)}, status=403
            )
        return redirect("bidding:bid", bid.key)
    return render(
        request,
        "bidding/exercise.html",
        {
            "exercise": found,
            "closing": drafts.closing_text(found),
            "open": found.bids_sealed(),
            "bid": existing,
            "questions": list(found.quality_questions.order_by("pk")),
            "cohorts": list(found.cohorts.order_by("name")),
        },
    )


@access_rule(Bidder)
@require_GET
def bid(request: HttpRequest, reference: str) -> HttpResponse:
    """The task list (GOV.UK “complete multiple tasks”), or a submitted bid's summary and actions."""
    found = _bid_or_404(request, reference)
    found_tasks = tasks(found)
    return render(
        request,
        "bidding/task_list.html",
        {
            "bid": found,
            "tasks": found_tasks,
            "status_text": STATUS_TEXT,
            "completed": sum(1 for t in found_tasks if t.status == "completed"),
            "closing": drafts.closing_text(found.exercise),
            "open": found.exercise.bids_sealed(),
            "refusal": drafts.write_refusal(found),
            "saved_at": _saved_time(found),
        },
    )


# ------------------------------------------------------------------------------------ section pages


def _section(
    request: HttpRequest,
    reference: str,
    *,
    url_name: str,
    url_args: tuple[str, ...] = (),
    title: str,
    make_form: Callable[[m.Bid, Any], forms.Form],
    write: Callable[[m.Bid, dict[str, Any]], None],
    template: str = "bidding/section.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """One section of the bid: shown filled in, saved only if the draft has not been saved elsewhere."""
    found = _bid_or_404(request, reference)
    here = reverse(f"bidding:{url_name}", args=[found.key, *url_args])
    conflict = None
    status = 200
    version = found.version
    if request.method == "POST":
        refusal = drafts.write_refusal(found)
        if refusal:
            return _refused(request, found, refusal)
        form = make_form(found, request.POST)
        if form.is_valid():
            try:
                saved = drafts.save_draft(found, _version(request), lambda b: write(b, form.cleaned_data))
            except drafts.BidClosed as error:
                return _refused(request, found, str(error))
            except drafts.VersionConflict as error:
                conflict = error.current
                version = conflict.version  # saving again now replaces what was saved elsewhere, knowingly
                status = 409
                if _is_autosave(request):
                    return JsonResponse(
                        {"saved": False, "conflict": True, "message": _conflict_text(conflict, short=True)},
                        status=409,
                    )
            else:
                if _is_autosave(request):
                    return JsonResponse(
                        {"saved": True, "saved_at": _saved_time(saved), "version": saved.version}
                    )
                messages.success(request, f"Your draft was saved at {_saved_time(saved)}.")
                if request.POST.get("action") == "continue":
                    return redirect(_next_url(saved, here))
                return redirect(here)
        else:
            status = 400
            if _is_autosave(request):
                first = next(iter(_problems(form)), {"message": "check the page"})
                return JsonResponse({"saved": False, "message": f"Not saved: {first['message']}"}, status=400)
    else:
        form = make_form(found, None)
    problems = _problems(form)
    if conflict is not None:
        problems.insert(0, {"field": "main-content", "message": _conflict_text(conflict)})
    return render(
        request,
        template,
        {
            "bid": found,
            "form": form,
            "title": title,
            "problems": problems,
            "conflict": conflict,
            "version": version,
            "action_url": here,
            "saved_at": _saved_time(conflict or found),
            "refusal": drafts.write_refusal(found),
            **(extra or {}),
        },
        status=status,
    )


def _conflict_text(current: m.Bid, short: bool = False) -> str:
    when = _saved_time(current)
    if short:
        return f"Not saved: this draft was saved elsewhere at {when}. Save the page to see what to do."
    return (
        f"This draft was saved somewhere else (another tab or a colleague) at {when}, after you opened this "
        "page, so your changes were not saved. What you typed is still below. Check the bid in another tab; "
        "then save again to replace what was saved there, or leave this page to keep it."
    )


def _details_form(bid: m.Bid, data: Any) -> forms.Form:
    return DetailsForm(data, initial={"title": bid.title, "summary": bid.summary})


def _write_details(bid: m.Bid, data: dict[str, Any]) -> None:
    bid.title, bid.summary = data["title"].strip(), data["summary"]
    bid.save(update_fields=["title", "summary"])


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, reference: str) -> HttpResponse:
    return _section(
        request,
        reference,
        url_name="details",
        title="Title and summary",
        make_form=_details_form,
        write=_write_details,
    )


def _service_form(bid: m.Bid, data: Any) -> forms.Form:
    return ServiceForm(
        data,
        exercise=bid.exercise,
        initial={
            "service_name": bid.service_name,
            "needs": list(bid.service_needs.all()),
            "capacity": amount_text(bid.service_capacity_per_year),
            "cohorts": list(bid.service_eligible_cohorts.all()),
            "wards": list(bid.service_wards.all()),
            "entry_points": list(bid.service_entry_points.all()),
        },
    )


def _write_service(bid: m.Bid, data: dict[str, Any]) -> None:
    bid.service_name = data["service_name"].strip()
    bid.service_capacity_per_year = data["capacity"]
    bid.save(update_fields=["service_name", "service_capacity_per_year"])
    bid.service_needs.set(data["needs"])
    bid.service_eligible_cohorts.set(data["cohorts"])
    bid.service_wards.set(data["wards"])
    bid.service_entry_points.set(data["entry_points"])


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def service(request: HttpRequest, reference: str) -> HttpResponse:
    return _section(
        request,
        reference,
        url_name="service",
        title="The service you would run",
        make_form=_service_form,
        write=_write_service,
        extra={"intro": "The evaluation reads these to see who the service would reach and where."},
    )


def _price_form(bid: m.Bid, data: Any) -> forms.Form:
    return PriceForm(
        data,
        exercise=bid.exercise,
        initial={
            "price": amount_text(bid.price_per_year),
            "local_staff_wages": amount_text(bid.local_staff_wages),
            "local_suppliers": amount_text(bid.local_suppliers),
        },
    )


def _write_price(bid: m.Bid, data: dict[str, Any]) -> None:
    bid.price_per_year = data["price"]
    bid.local_staff_wages, bid.local_suppliers = data["local_staff_wages"], data["local_suppliers"]
    bid.save(update_fields=["price_per_year", "local_staff_wages", "local_suppliers"])


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def price(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bid_or_404(request, reference)
    return _section(
        request,
        reference,
        url_name="price",
        title="Price and local spending",
        make_form=_price_form,
        write=_write_price,
        extra={"ceiling": found.exercise.price_ceiling_per_year, "budget": found.exercise.budget_per_year},
        template="bidding/price.html",
    )


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, reference: str, question: str) -> HttpResponse:
    found = _bid_or_404(request, reference)
    asked = found.exercise.quality_questions.filter(key=question).first()
    if asked is None:
        raise Http404("The exercise has no question with that id.")
    ordered = list(found.exercise.quality_questions.order_by("pk").values_list("pk", flat=True))
    stored = m.BidAnswer.objects.filter(bid=found, question=asked).first()

    def make_form(bid: m.Bid, data: Any) -> forms.Form:
        return AnswerForm(data, initial={"text": stored.text if stored else ""})

    def write(bid: m.Bid, data: dict[str, Any]) -> None:
        m.BidAnswer.objects.update_or_create(bid=bid, question=asked, defaults={"text": data["text"]})

    return _section(
        request,
        reference,
        url_name="answer",
        url_args=(question,),
        title=f"Quality question {ordered.index(asked.pk) + 1}",
        make_form=make_form,
        write=write,
        template="bidding/answer.html",
        extra={"question": asked, "scale": list(enumerate(asked.scale))},
    )


def _contacts_form(bid: m.Bid, data: Any) -> ContactsForm:
    partners = drafts.partner_organisations(bid)
    initial: dict[str, str] = {}
    for contact in bid.partner_contacts.all():  # type: ignore[attr-defined]
        pk = contact.organisation_id
        initial |= {f"name_{pk}": contact.name, f"email_{pk}": contact.email, f"phone_{pk}": contact.phone}
    return ContactsForm(data, partners=partners, initial=initial)


def _write_contacts(bid: m.Bid, data: dict[str, Any]) -> None:
    partners = drafts.partner_organisations(bid)
    for organisation in partners:
        pk = organisation.pk
        m.PartnerContact.objects.update_or_create(
            bid=bid,
            organisation=organisation,
            defaults={
                "name": (data.get(f"name_{pk}") or "").strip(),
                "email": (data.get(f"email_{pk}") or "").strip(),
                "phone": (data.get(f"phone_{pk}") or "").strip(),
            },
        )
    # A partner no longer named keeps no contact: confirmation must not write to them.
    bid.partner_contacts.exclude(organisation__in=partners).delete()  # type: ignore[attr-defined]


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest, reference: str) -> HttpResponse:
    return _section(
        request,
        reference,
        url_name="contacts",
        title="Contacts at partner organisations",
        make_form=_contacts_form,
        write=_write_contacts,
        template="bidding/contacts.html",
    )


# ---------------------------------------------------------------------------------- pages of rows


def _rows_page(
    request: HttpRequest, found: m.Bid, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(
        request,
        template,
        {"bid": found, "refusal": drafts.write_refusal(found), "saved_at": _saved_time(found), **context},
        status=status,
    )


def _add_row(
    request: HttpRequest, found: m.Bid, write: Callable[[m.Bid], None], what: str
) -> HttpResponse | None:
    """Add a row; None when it was added (the caller redirects), a refusal page when it may not be."""
    try:
        drafts.touch(found, write)
    except drafts.BidClosed as error:
        return _refused(request, found, str(error))
    messages.success(request, f"{what} added.")
    return None


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def joinup(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bid_or_404(request, reference)
    form = PartnershipForm(request.POST if request.method == "POST" else None, exercise=found.exercise)
    here = reverse("bidding:joinup", args=[found.key])
    if request.method == "POST":
        refusal = drafts.write_refusal(found)
        if refusal:
            return _refused(request, found, refusal)
        if form.is_valid():
            data = form.cleaned_data

            def write(bid: m.Bid) -> None:
                m.Partnership.objects.create(
                    bid=bid,
                    partner_service=data["partner_service"],
                    mechanism=data["mechanism"],
                    cohort=data["cohort"],
                    description=data["description"],
                )

            refused = _add_row(request, found, write, "Partner service")
            return refused or redirect(here)
    return _rows_page(
        request,
        found,
        "bidding/joinup.html",
        {
            "form": form,
            "problems": _problems(form),
            "rows": found.partnerships.select_related("partner_service__organisation", "cohort"),
        },
        status=400 if form.is_bound else 200,
    )


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def commitments(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bid_or_404(request, reference)
    adding = request.POST.get("add") if request.method == "POST" else None
    sub_form = SubcontractForm(request.POST if adding == "subcontract" else None, prefix="sub")
    com_form = CommitmentForm(request.POST if adding == "commitment" else None, prefix="com")
    here = reverse("bidding:commitments", args=[found.key])
    if request.method == "POST":
        refusal = drafts.write_refusal(found)
        if refusal:
            return _refused(request, found, refusal)
        if adding == "subcontract" and sub_form.is_valid():
            sub = sub_form.cleaned_data
            refused = _add_row(
                request,
                found,
                lambda bid: m.Subcontract.objects.create(
                    bid=bid,
                    partner=sub["partner"],
                    amount_per_year=sub["amount"],
                    description=sub["description"],
                ),
                "Subcontract",
            )
            return refused or redirect(here)
        if adding == "commitment" and com_form.is_valid():
            com = com_form.cleaned_data
            # A commitment naming an organisation awaits its confirmation; one naming none needs none.
            state = "unanswered" if com["partner"] else "confirmed"
            refused = _add_row(
                request,
                found,
                lambda bid: m.Commitment.objects.create(
                    bid=bid,
                    kind=com["kind"],
                    quantity_per_year=com["quantity"],
                    partner=com["partner"],
                    state=state,
                    description=com["description"],
                ),
                "Commitment",
            )
            return refused or redirect(here)
        if adding not in {"subcontract", "commitment"}:
            return redirect(here)
    return _rows_page(
        request,
        found,
        "bidding/commitments.html",
        {
            "sub_form": sub_form,
            "com_form": com_form,
            "problems": _problems(sub_form, com_form),
            "subcontracts": found.subcontracts.select_related("partner"),
            "commitment_rows": found.commitments.select_related("partner"),
        },
        status=400 if request.method == "POST" else 200,
    )


ROWS = {
    "partnership": (m.Partnership, "joinup", "Partner service"),
    "subcontract": (m.Subcontract, "commitments", "Subcontract"),
    "commitment": (m.Commitment, "commitments", "Commitment"),
}


@access_rule(Bidder)
@require_POST
def remove_row(request: HttpRequest, reference: str, kind: str, pk: int) -> HttpResponse:
    if kind not in ROWS:
        raise Http404("Nothing of that kind can be removed.")
    model, page, what = ROWS[kind]
    found = _bid_or_404(request, reference)
    row = model.objects.filter(bid=found, pk=pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise Http404(f"This bid has no such {what.lower()}.")
    try:
        drafts.touch(found, lambda bid: row.delete())
    except drafts.BidClosed as error:
        return _refused(request, found, str(error))
    messages.success(request, f"{what} removed.")
    return redirect("bidding:" + page, found.key)


# --------------------------------------------------------------------------------------- attachments


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def attachments(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bid_or_404(request, reference)
    form = AttachmentForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST":
        refusal = drafts.write_refusal(found)
        if refusal:
            return _refused(request, found, refusal)
        if form.is_valid():
            upload = form.cleaned_data["file"]

            def write(bid: m.Bid) -> None:
                m.BidAttachment.objects.create(
                    bid=bid,
                    file=upload,
                    name=upload.name[:255],
                    size=upload.size,
                    content_type=form.file_type.content_type,
                    uploaded_by=request.user,
                    uploaded_at=clock.now(),
                )

            refused = _add_row(request, found, write, f"“{upload.name}”")
            return refused or redirect("bidding:attachments", found.key)
    return _rows_page(
        request,
        found,
        "bidding/attachments.html",
        {"form": form, "problems": _problems(form), "files": found.attachments.all()},  # type: ignore[attr-defined]
        status=400 if request.method == "POST" else 200,
    )


@access_rule(Bidder)
@require_POST
def remove_attachment(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    found = _bid_or_404(request, reference)
    attached = m.BidAttachment.objects.filter(bid=found, pk=pk).first()
    if attached is None:
        raise Http404("This bid has no such file.")

    def write(bid: m.Bid) -> None:
        attached.delete()
        transaction.on_commit(lambda: attached.file.delete(save=False))

    try:
        drafts.touch(found, write)
    except drafts.BidClosed as error:
        return _refused(request, found, str(error))
    messages.success(request, f"“{attached.name}” removed.")
    return redirect("bidding:attachments", found.key)


@access_rule(Bidder, Officer, Panel)
@require_GET
def download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A bid's file: its own bidder at any time; officers and the panel only once bids have opened."""
    user: Any = request.user
    if user.role == Role.BIDDER:
        found = drafts.own_bid(user, reference)
    else:
        stored = m.Bid.objects.select_related("exercise").filter(key=reference).first()
        if stored is None:
            raise Http404("No bid has that reference.")
        # The one gate: BidsSealed (a 403 naming when they open) before the deadline.
        found = opened_bids(stored.exercise).filter(pk=stored.pk).first()
        if found is None:
            raise Http404("That bid was not submitted.")
    attached = m.BidAttachment.objects.filter(bid=found, pk=pk).first()
    if attached is None:
        raise Http404("This bid has no such file.")
    try:
        handle = attached.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing from storage.") from error
    response = FileResponse(
        handle, as_attachment=True, filename=attached.name, content_type=attached.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------ check and submit


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bid_or_404(request, reference)
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    blocking = drafts.submission_problems(found)
    if request.method == "POST":
        refusal = drafts.write_refusal(found)
        if refusal:
            return _refused(request, found, refusal)
        if form.is_valid() and not blocking:
            try:
                submitted = drafts.submit(found, request.user)
            except drafts.BidClosed as error:
                return _refused(request, found, str(error))
            return redirect("bidding:submitted", submitted.key)
    problems = [{"field": _problem_anchor(found, p), "message": p.message} for p in blocking]
    if request.method == "POST":
        problems += _problems(form)
    answers = {a.question_id: a for a in found.answers.all()}  # type: ignore[attr-defined]
    return render(
        request,
        "bidding/check.html",
        {
            "bid": found,
            "form": form,
            "problems": problems,
            "blocking": blocking,
            "refusal": drafts.write_refusal(found),
            "closing": drafts.closing_text(found.exercise),
            "answers": [
                (number, q, answers.get(q.pk))
                for number, q in enumerate(found.exercise.quality_questions.order_by("pk"), start=1)
            ],
            "over_ceiling": found.price_per_year is not None
            and found.exercise.price_ceiling_per_year is not None
            and found.price_per_year > found.exercise.price_ceiling_per_year,
            "partnerships": found.partnerships.select_related("partner_service__organisation", "cohort"),
            "subcontracts": found.subcontracts.select_related("partner"),
            "commitment_rows": found.commitments.select_related("partner"),
            "contacts": found.partner_contacts.select_related("organisation"),  # type: ignore[attr-defined]
            "files": found.attachments.all(),  # type: ignore[attr-defined]
        },
        status=400 if request.method == "POST" else 200,
    )


def _problem_anchor(bid: m.Bid, problem: drafts.Problem) -> str:
    """A blocking problem links to the page where it is put right."""
    if problem.section == "answer":
        return reverse("bidding:answer", args=[bid.key, problem.question])
    return reverse(f"bidding:{problem.section}", args=[bid.key])


@access_rule(Bidder)
@require_GET
def submitted(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bid_or_404(request, reference)
    if found.status != m.BidStatus.SUBMITTED:
        return redirect("bidding:bid", found.key)
    return render(
        request, "bidding/submitted.html", {"bid": found, "closing": drafts.closing_text(found.exercise)}
    )


@access_rule(Bidder)
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bid_or_404(request, reference)
    if request.method == "POST":
        try:
            drafts.withdraw(found, request.user)
        except drafts.BidClosed as error:
            return _refused(request, found, str(error))
        messages.success(request, "Your bid was withdrawn. The panel will not see it.")
        return redirect("bidding:bid", found.key)
    if found.status != m.BidStatus.SUBMITTED:
        return redirect("bidding:bid", found.key)
    if not found.exercise.bids_sealed():
        return _refused(request, found, drafts.write_refusal(found) or "Bids have closed.")
    return render(
        request, "bidding/withdraw.html", {"bid": found, "closing": drafts.closing_text(found.exercise)}
    )


@access_rule(Bidder)
@require_POST
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    found = _bid_or_404(request, reference)
    try:
        drafts.reopen(found, request.user)
    except drafts.BidClosed as error:
        return _refused(request, found, str(error))
    messages.success(
        request, "Your bid is a draft again. It is not submitted: submit it again before the deadline."
    )
    return redirect("bidding:bid", found.key)
