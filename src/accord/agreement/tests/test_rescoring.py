import datetime as dt

from tests.factories import AccountFactory, OpportunityFactory, PersonFactory, TouchpointFactory

from accord.agreement.models import LeadScore
from accord.agreement.services import do_rescore_all, do_rescore_people
from accord.crm.models import LifecycleChange, LifecycleStage


def engaged(n_form_fills=2, **person):
    someone = PersonFactory(**person)
    for _ in range(n_form_fills):
        TouchpointFactory(person=someone, kind="form_fill")
    return someone


def stage(person):
    person.refresh_from_db()
    return person.lifecycle_stage


def test_the_stored_explanation_adds_up_to_the_stored_score(signed_in_force):
    people = [engaged(n) for n in range(4)]
    do_rescore_all()

    for person in people:
        score = LeadScore.objects.get(person=person)
        assert sum(item.points for item in score.explanation) == score.total
        assert score.fit + score.engagement == score.total
    assert [item.rule for item in LeadScore.objects.get(person=people[1]).explanation] == [
        "Software company",
        "Mid-market",
        "Engagement: form fill",
    ]


def test_only_leads_and_subscribers_move_to_mql(signed_in_force):
    lead = engaged(lifecycle_stage=LifecycleStage.LEAD)
    subscriber = engaged(lifecycle_stage=LifecycleStage.SUBSCRIBER)
    in_sales = engaged(lifecycle_stage=LifecycleStage.SQL)

    result = do_rescore_all()

    assert (stage(lead), stage(subscriber), stage(in_sales)) == ("mql", "mql", "sql")
    assert (result.mqls, result.new_mqls) == (3, 2)
    assert not LifecycleChange.objects.filter(person=in_sales).exists()


def test_rescoring_twice_records_the_move_once(signed_in_force):
    lead = engaged()
    do_rescore_all()
    do_rescore_all()
    assert LifecycleChange.objects.filter(person=lead).count() == 1


def test_disqualified_people_keep_their_score_but_do_not_become_mqls(signed_in_force):
    free_mail = engaged(email="someone@gmail.com")
    account = AccountFactory()
    OpportunityFactory(account=account, stage="closed_won")
    customer_contact = engaged(account=account)

    do_rescore_all()

    assert (stage(free_mail), stage(customer_contact)) == ("lead", "lead")
    reasons = dict(LeadScore.objects.values_list("person_id", "disqualified_reason"))
    assert reasons == {free_mail.pk: "free-mail address", customer_contact.pk: "existing customer"}


def test_a_new_touchpoint_rescores_its_person_incrementally(signed_in_force):
    lead = engaged(n_form_fills=1)
    bystander = engaged(n_form_fills=0)
    do_rescore_all()
    assert LeadScore.objects.get(person=lead).total == 80 and stage(lead) == "mql"
    quiet = engaged(n_form_fills=0)

    TouchpointFactory(person=quiet, kind="form_fill")
    TouchpointFactory(person=quiet, kind="page_view")
    do_rescore_people([quiet.pk])

    assert LeadScore.objects.get(person=quiet).total == 82
    assert stage(quiet) == "mql"
    assert LeadScore.objects.get(person=bystander).total == 60


def test_a_new_decision_maker_rescores_colleagues_on_the_same_account(
    signed_in_force, marketer, sales_head, marketing_head
):
    from accord.agreement.services import do_create_draft, do_sign
    from accord.agreement.tests.conftest import document_data

    stricter = do_create_draft(marketer, document_data(buying_power={"required": "account"}))
    do_sign(stricter, marketing_head)
    do_sign(stricter, sales_head)
    colleague = engaged()
    do_rescore_all()
    assert stage(colleague) == "lead"

    boss = PersonFactory(account=colleague.account, seniority="executive")
    do_rescore_people([boss.pk])

    assert stage(colleague) == "mql"
    assert LeadScore.objects.get(person=colleague).version == stricter


def test_a_score_a_capture_writes_while_everybody_is_rescored_is_kept(signed_in_force, monkeypatch):
    from accord.agreement import rescoring

    lead = engaged(n_form_fills=1)
    do_rescore_all()
    read_everybody = rescoring.load_everybody

    def a_form_fill_arrives_after_the_read(since, progress=False):
        frames = read_everybody(since, progress)
        TouchpointFactory(person=lead, kind="form_fill")
        do_rescore_people([lead.pk])  # as the capture of that form does
        return frames

    monkeypatch.setattr(rescoring, "load_everybody", a_form_fill_arrives_after_the_read)
    result = do_rescore_all()

    assert result.changed == 0
    assert LeadScore.objects.get(person=lead).engagement == 40


def test_old_touches_count_for_less(signed_in_force):
    recent = engaged(n_form_fills=1)
    old = PersonFactory()
    month_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    TouchpointFactory(person=old, kind="form_fill", occurred_at=month_ago)

    do_rescore_all()

    scores = dict(LeadScore.objects.values_list("person_id", "engagement"))
    assert (scores[recent.pk], scores[old.pk]) == (20, 10)


def test_nothing_is_scored_before_an_agreement_is_in_force(db):
    engaged()
    assert do_rescore_all() is None
    assert not LeadScore.objects.exists()


def _sign(document, marketer, marketing_head, sales_head):
    from accord.agreement.services import do_create_draft, do_sign

    draft = do_create_draft(marketer, document)
    do_sign(draft, marketing_head)
    return do_sign(draft, sales_head)


def test_a_rescore_writes_only_the_scores_that_changed(db, marketer, marketing_head, sales_head):
    from accord.agreement.tests.conftest import document_data

    rules = document_data()["fit_rules"]
    rules[0]["name"] = "Éditeur de logiciels — “SaaS”"  # read back from jsonb unchanged
    _sign(document_data(fit_rules=rules), marketer, marketing_head, sales_head)
    lead, bystander = engaged(), engaged(n_form_fills=0)
    assert do_rescore_all().changed == 2
    first = dict(LeadScore.objects.values_list("person_id", "scored_at"))

    again = do_rescore_all()
    TouchpointFactory(person=lead, kind="page_view")
    after_touch = do_rescore_all()

    assert (again.scored, again.changed, after_touch.changed) == (2, 0, 1)
    scored_at = dict(LeadScore.objects.values_list("person_id", "scored_at"))
    assert scored_at[bystander.pk] == first[bystander.pk]
    assert scored_at[lead.pk] > first[lead.pk]
    assert LeadScore.objects.get(person=lead).explanation[0].rule == rules[0]["name"]


def test_a_score_written_before_digests_is_written_again_once(signed_in_force):
    engaged()
    do_rescore_all()
    LeadScore.objects.update(digest=None)  # as scores stood before the upgrade

    assert (do_rescore_all().changed, do_rescore_all().changed) == (1, 0)


def test_a_new_version_rewrites_only_the_scores_it_changes(
    signed_in_force, marketer, marketing_head, sales_head
):
    from accord.agreement.tests.conftest import document_data

    people = [engaged(n) for n in range(3)]
    do_rescore_all()
    before = dict(LeadScore.objects.values_list("person_id", "scored_at"))
    kinds = {"form_fill": {"points": 25, "cap": 50}, "page_view": {"points": 2}}
    richer = _sign(document_data(engagement={"kinds": kinds}), marketer, marketing_head, sales_head)

    result = do_rescore_all()

    scores = {score.person_id: score for score in LeadScore.objects.select_related("version")}
    untouched, *engaged_people = (scores[person.pk] for person in people)
    assert result.changed == 2
    assert [score.version for score in engaged_people] == [richer, richer]
    assert [score.engagement for score in engaged_people] == [25, 50]
    assert (untouched.version, untouched.scored_at) == (signed_in_force, before[people[0].pk])
    assert sum(item.points for item in untouched.explanation) == untouched.total


def test_a_new_version_with_renamed_rules_rewrites_every_explanation(
    signed_in_force, marketer, marketing_head, sales_head
):
    from accord.agreement.tests.conftest import document_data

    bystander = engaged(n_form_fills=0, account=AccountFactory(industry="Software"))
    do_rescore_all()
    rules = document_data()["fit_rules"]
    rules[0]["name"] = "Software maker"
    renamed = _sign(document_data(fit_rules=rules), marketer, marketing_head, sales_head)

    assert do_rescore_all().changed == 1
    score = LeadScore.objects.get(person=bystander)
    assert score.version == renamed
    assert score.explanation[0].rule == "Software maker"


def test_the_worker_knows_everybody_was_scored_under_a_version_that_changed_nobody(
    signed_in_force, marketer, marketing_head, sales_head
):
    from accord.agreement.tasks import rescore_under
    from accord.agreement.tests.conftest import document_data

    engaged(n_form_fills=0)
    do_rescore_all()
    alike = _sign(document_data(sla={"mqls_per_month": 80}), marketer, marketing_head, sales_head)

    assert rescore_under.call(alike.pk) == "1 people scored under v2, 0 changed"
    assert rescore_under.call(alike.pk) == "everybody is already scored under v2"
    assert LeadScore.objects.get().version == signed_in_force


def test_many_scores_are_written_in_bulk_with_their_version_and_time(
    signed_in_force, marketer, marketing_head, sales_head
):
    from accord.agreement.tests.conftest import document_data
    from accord.columns.writes import FEW

    people = PersonFactory.create_batch(FEW + 20)
    TouchpointFactory(person=people[0], kind="form_fill")
    first = do_rescore_all()
    rules = document_data()["fit_rules"]
    rules[1]["name"] = "Mid-sized company"
    renamed = _sign(document_data(fit_rules=rules), marketer, marketing_head, sales_head)

    again = do_rescore_all()

    renamed.refresh_from_db()
    assert (first.changed, again.changed) == (FEW + 20, FEW + 20)
    assert set(LeadScore.objects.values_list("version_id", "scored_at")) == {
        (renamed.pk, renamed.everybody_scored_at)
    }
    assert LeadScore.objects.get(person=people[0]).engagement == 20


def test_the_worker_skips_a_version_superseded_before_its_turn(
    signed_in_force, marketer, marketing_head, sales_head
):
    from accord.agreement.tasks import rescore_under
    from accord.agreement.tests.conftest import document_data

    engaged()
    newer = _sign(document_data(threshold={"min_total": 95}), marketer, marketing_head, sales_head)

    assert rescore_under.call(signed_in_force.pk) == "v1 is no longer in force: not rescored"
    assert not LeadScore.objects.exists()
    assert rescore_under.call(newer.pk) == "1 people scored under v2, 1 changed"
    assert rescore_under.call(newer.pk) == "everybody is already scored under v2"


def test_every_touch_type_and_channel_reads_back_as_written(db):
    from accord.agreement.rescoring import load_everybody
    from accord.touchpoints.models import Channel, Touchpoint

    someone = PersonFactory()
    written = [(kind, channel) for kind in Touchpoint.Kind.values for channel in Channel.values]
    for kind, channel in written:
        TouchpointFactory(person=someone, kind=kind, channel=channel)
    TouchpointFactory(person=someone, kind="carrier_pigeon", channel="telepathy")

    _, touches = load_everybody(None)

    read = list(zip(touches["person_id"], touches["kind"], touches["channel"], strict=True))
    written.append(("carrier_pigeon", "telepathy"))
    assert sorted(read) == sorted((someone.pk, kind, channel) for kind, channel in written)


def test_every_seniority_stage_and_decision_maker_flag_reads_back_as_written(db):
    from accord.agreement.rescoring import load_everybody
    from accord.crm.models import Seniority

    written = {
        PersonFactory(seniority=seniority, lifecycle_stage=stage, is_decision_maker=flag).pk: (
            seniority,
            stage,
            flag,
        )
        for seniority in Seniority.values
        for stage in LifecycleStage.values
        for flag in (False, True)
    }

    people, _ = load_everybody(None)

    read = people.select("person_id", "seniority", "lifecycle_stage", "is_decision_maker")
    assert {pid: (s, stage, flag) for pid, s, stage, flag in read.iter_rows()} == written


def test_a_scan_split_for_readers_side_by_side_reads_every_touch_once(db):
    from django.db import connection

    from accord.columns.reads import scan_parts
    from accord.touchpoints.models import Touchpoint

    someone = PersonFactory()
    TouchpointFactory.create_batch(600, person=someone)  # several pages on PostgreSQL
    table = Touchpoint._meta.db_table

    parts = scan_parts(table, "t", 3)

    with connection.cursor() as cursor:
        read = []
        for part in parts:
            cursor.execute(f"SELECT t.id FROM {table} t WHERE {part}")
            read.append([row[0] for row in cursor.fetchall()])
    assert len(parts) == 3 and all(read)
    assert sorted(sum(read, [])) == sorted(Touchpoint.objects.values_list("pk", flat=True))
