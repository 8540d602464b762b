"""The demo bids' answers to the demo exercise's quality questions: fictional, written to fit each bid's
character in netimpact.domain.demo.drug_alcohol (a national low-cost provider with polished standard
answers and few local ties; the incumbents' local consortium, concrete and joined up; a regional provider
naming local partners, some of whom have not answered and one of whom disputes its claim).

Fixed text, so loading the demo twice gives the same database. The panel scores these answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from netimpact.domain.demo.drug_alcohol import BID, EXERCISE_ID

from . import models as m

NATIONAL, CONSORTIUM, REGIONAL = BID["national"], BID["consortium"], BID["regional"]

ANSWERS: dict[str, dict[str, str]] = {
    NATIONAL: {
        "demo-q-model": (
            "Calderbrook runs the same evidence-based recovery model in 14 areas of England: a single "
            "point of access, a structured assessment within five working days and a recovery plan "
            "reviewed every twelve weeks. People with co-occurring mental health needs are flagged at "
            "assessment and seen by a dual diagnosis practitioner from our national clinical team, "
            "usually by video. Our outcomes dashboard reports successful completions monthly."
        ),
        "demo-q-join-up": (
            "We will agree a GP referral protocol in the first three months and already have drug "
            "rehabilitation requirement pathways with probation. Links with hospital liaison, the "
            "community mental health teams and housing will be built by our partnerships manager once "
            "the contract starts; we will hire satellite clinic space at Hollins Yard Community Hub."
        ),
        "demo-q-safeguarding": (
            "Every worker completes our national safeguarding curriculum (adults and children, level 3 "
            "for team leaders) before seeing anyone. A named safeguarding lead attends the Bristol "
            "safeguarding adults and children partnerships. Risk is reviewed at every contact using our "
            "standard tool, and serious incidents are reviewed by our national quality committee."
        ),
        "demo-q-transition": (
            "Our mobilisation team has moved over 9,000 service users between providers. Around 15 "
            "incumbent staff are expected to transfer under TUPE; we will meet them in week one. "
            "Caseloads transfer by secure data transfer on day one, with prescribing unchanged for at "
            "least the first eight weeks. We will recruit 22 local posts, including apprenticeships."
        ),
        "demo-q-lived-experience": (
            "A national lived experience panel reviews our policies each year, and Bristol service "
            "users will be invited to join it. We will train recovery champions from among people who "
            "complete treatment and pay them for their time. We do not yet have a local peer group and "
            "will look for one to work with in the first year."
        ),
    },
    CONSORTIUM: {
        "demo-q-model": (
            "Kestrel Recovery Trust leads, with Lantern Alcohol Advice running the community alcohol "
            "service and Tanhouse running the young people's service, so each person keeps the worker "
            "they know. People with co-occurring needs are case managed jointly with Clearwater Mental "
            "Health Network's dual diagnosis service and the community mental health teams: one plan, "
            "one review, no second waiting list. Drop-in sessions stay at Hollins Yard Community Hub."
        ),
        "demo-q-join-up": (
            "Joint case management with the dual diagnosis service and the community mental health "
            "teams; referral routes from GPs, A&E liaison, custody liaison and early help; a worker "
            "co-located with probation two days a week; joint case management with Nightjar Street "
            "Outreach and a weekly clinic at Candlewick Night Shelter; data sharing with housing "
            "options. Every one of these partners has confirmed its part."
        ),
        "demo-q-safeguarding": (
            "One safeguarding policy across the four partners, with a shared lead and a monthly joint "
            "review of high-risk cases, including people who sleep rough. Young people's safeguarding "
            "stays with Tanhouse's specialist team. Our recent local audit found two gaps in recording "
            "home visits; both are fixed and re-audited."
        ),
        "demo-q-transition": (
            "Most current staff and all current service users stay with the organisations they know, so "
            "there is little to transfer: about 900 people a year move into the new pathway without a "
            "change of worker. The new joint assessment starts in month two, after staff training; "
            "prescribing and groups carry on unchanged throughout."
        ),
        "demo-q-lived-experience": (
            "Second Dawn Peer Recovery, a user-led group, is a subcontracted partner: it runs the peer "
            "recovery groups, co-designs the service with us and will give about 6,000 volunteering "
            "hours a year. £15,000 a year builds its capacity as an organisation (training, "
            "supervision, a paid coordinator). People with lived experience sit on the partnership board."
        ),
    },
    REGIONAL: {
        "demo-q-model": (
            "Westmarch's hub-and-spoke model has a central recovery hub and satellite rooms in the "
            "wards of highest need. Clearwater Mental Health Network would deliver dual diagnosis "
            "sessions in our hub. Assessment within ten working days, with a named recovery coordinator "
            "for each person and a review every three months."
        ),
        "demo-q-join-up": (
            "We hold referral routes with GPs and probation across the region. In Bristol we plan "
            "referral routes with A&E liaison and the community mental health service, and a co-located "
            "session at Candlewick Night Shelter; these are being discussed with each partner and will "
            "be agreed during mobilisation."
        ),
        "demo-q-safeguarding": (
            "Our regional safeguarding team supports local managers, and all staff are trained before "
            "they start. We will join the Bristol safeguarding partnerships and adopt their procedures. "
            "Risk assessments are updated at each review or when circumstances change."
        ),
        "demo-q-transition": (
            "We expect around 10 incumbent staff to transfer under TUPE and will offer every current "
            "service user a transition meeting in the first month. A mobilisation manager will be in "
            "post from contract award; we will recruit 18 local posts."
        ),
        "demo-q-lived-experience": (
            "Second Dawn Peer Recovery will run peer support groups for us under a subcontract, and "
            "each satellite will have a peer mentor. A service user forum will meet quarterly and report "
            "to our regional board."
        ),
    },
}


def save_demo_answers() -> int:
    """Store the demo bids' answers (replacing any); returns how many. Bids or questions the stored
    demo does not have are left out, so a changed story never breaks loading."""
    bids = {b.key: b for b in m.Bid.objects.filter(exercise__key=EXERCISE_ID, key__in=ANSWERS)}
    questions = {q.key: q for q in m.QualityQuestion.objects.filter(exercise__key=EXERCISE_ID)}
    rows = [
        m.BidAnswer(bid=bids[bid_key], question=questions[question_key], text=text)
        for bid_key, answers in ANSWERS.items()
        if bid_key in bids
        for question_key, text in answers.items()
        if question_key in questions
    ]
    m.BidAnswer.objects.filter(bid__in=bids.values()).delete()
    m.BidAnswer.objects.bulk_create(rows)
    # A fixed "last changed" time (the day before the deadline), so loading the demo twice is the same.
    exercise = m.Exercise.objects.filter(key=EXERCISE_ID).first()
    if exercise is not None and exercise.deadline is not None:
        written = datetime.combine(exercise.deadline - timedelta(days=1), time(9), tzinfo=UTC)
        m.BidAnswer.objects.filter(bid__in=bids.values()).update(updated_at=written)
    return len(rows)
