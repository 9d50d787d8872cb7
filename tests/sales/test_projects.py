"""Project-type deals: the evaluation with its go/no-go decision, the decision-maker map,
milestones and documents, through services and pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kehu.core.models import Change
from kehu.customers import services as customer_services
from kehu.sales import services
from kehu.sales.models import ProjectEvaluation
from kehu.sales.services import projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team, make_opportunity):
    return make_opportunity(team["alice"], name="园区智能化改造", business_mode="project")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_deciding_go_records_who_and_when(team, project):
    evaluation = services.evaluation_save(
        actor=team["alice"], opportunity=project, budget="1200000", decision_process="招标"
    )
    assert (evaluation.decision, evaluation.decided_at) == ("pending", None)
    services.evaluation_save(
        actor=team["manager"], opportunity=project, version=evaluation.version, decision="go"
    )
    evaluation = ProjectEvaluation.objects.get(opportunity=project)
    assert (evaluation.decision, evaluation.decided_by) == ("go", team["manager"])
    assert evaluation.decided_at is not None


def test_only_project_deals_are_evaluated(team, make_opportunity):
    deal = make_opportunity(team["alice"], business_mode="consumer_goods")
    with pytest.raises(ValidationError) as error:
        services.evaluation_save(actor=team["alice"], opportunity=deal, decision="go")
    assert "decision" in error.value.message_dict


def test_the_decision_maker_map_takes_only_the_customers_contacts(team, project, make_customer):
    boss = customer_services.contact_create(
        actor=team["alice"], customer=project.customer, name="周总", title="总经理"
    )
    stranger = customer_services.contact_create(
        actor=team["alice"], customer=make_customer(team["alice"], name="别家"), name="路人"
    )
    services.decision_maker_save(
        actor=team["alice"],
        opportunity=project,
        contact=boss,
        role="decision_maker",
        attitude="supporter",
    )
    services.decision_maker_save(
        actor=team["alice"], opportunity=project, contact=boss, attitude="opponent"
    )
    assert [(d.contact.name, d.attitude) for d in project.decision_makers.all()] == [
        ("周总", "opponent")
    ]
    with pytest.raises(ValidationError) as error:
        services.decision_maker_save(actor=team["alice"], opportunity=project, contact=stranger)
    assert "contact" in error.value.message_dict


def test_a_milestone_is_done_on_a_date(team, project):
    milestone = services.milestone_add(
        actor=team["alice"], opportunity=project, name="方案评审", due_date=timezone.localdate()
    )
    services.milestone_set_done(actor=team["alice"], milestone=milestone, done=True)
    assert milestone.done_on == timezone.localdate()
    services.milestone_set_done(actor=team["alice"], milestone=milestone, done=False)
    assert milestone.done_on is None


def test_a_document_over_the_limit_is_refused(team, project, media, monkeypatch):
    monkeypatch.setattr(projects, "MAX_DOCUMENT_BYTES", 10)
    with pytest.raises(ValidationError) as error:
        services.document_add(
            actor=team["alice"],
            opportunity=project,
            file=SimpleUploadedFile("标书.pdf", b"x" * 11),
        )
    assert "file" in error.value.message_dict
    assert not project.documents.exists()


def test_documents_are_downloaded_only_by_those_who_see_the_deal(team, project, media, client):
    client.force_login(team["alice"])
    uploaded = client.post(
        f"/sales/opportunities/{project.pk}/documents/",
        {"file": SimpleUploadedFile("技术方案.docx", b"proposal")},
        headers={"HX-Request": "true"},
    )
    assert "技术方案.docx" in uploaded.content.decode()
    document = project.documents.get()
    response = client.get(f"/sales/documents/{document.pk}/")
    assert b"".join(response.streaming_content) == b"proposal"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(team["bob"])
    assert client.get(f"/sales/documents/{document.pk}/").status_code == 404
    client.force_login(team["manager"])
    assert client.get(f"/sales/documents/{document.pk}/").status_code == 200


def test_the_project_cards_on_the_opportunity_page(team, project, client):
    client.force_login(team["alice"])
    saved = client.post(
        f"/sales/opportunities/{project.pk}/evaluation/",
        {"budget": "800000", "currency": "CNY", "decision": "go", "decision_process": "三方比价"},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and "三方比价" in saved.content.decode()
    client.post(
        f"/sales/opportunities/{project.pk}/milestones/",
        {"name": "签订合同", "due_date": str(timezone.localdate())},
        headers={"HX-Request": "true"},
    )
    page = client.get(f"/sales/opportunities/{project.pk}/").content.decode()
    assert "三方比价" in page and "签订合同" in page
    client.force_login(team["bob"])
    refused = client.post(f"/sales/opportunities/{project.pk}/milestones/", {"name": "越权"})
    assert refused.status_code == 404


def test_the_map_records_a_new_entry_as_created_and_a_change_as_what_changed(team, project):
    boss = customer_services.contact_create(
        actor=team["alice"], customer=project.customer, name="周总"
    )
    entry = services.decision_maker_save(
        actor=team["alice"], opportunity=project, contact=boss, attitude="supporter"
    )
    services.decision_maker_save(
        actor=team["alice"], opportunity=project, contact=boss, attitude="opponent"
    )
    services.decision_maker_save(
        actor=team["alice"], opportunity=project, contact=boss, attitude="opponent"
    )
    changes = Change.objects.filter(target_id=entry.pk, target_type__model="decisionmaker")
    assert [(c.action, sorted(c.changes)) for c in changes.order_by("at", "pk")] == [
        ("create", ["attitude", "contact"]),
        ("update", ["attitude"]),
    ]


def test_a_milestone_is_ticked_only_through_its_own_opportunity(
    team, project, make_opportunity, client
):
    other = make_opportunity(team["alice"], name="另一单", business_mode="project")
    milestone = services.milestone_add(
        actor=team["alice"], opportunity=other, name="投标", due_date=timezone.localdate()
    )
    client.force_login(team["alice"])
    wrong = f"/sales/opportunities/{project.pk}/milestones/{milestone.pk}/toggle/"
    assert client.post(wrong).status_code == 404
    right = f"/sales/opportunities/{other.pk}/milestones/{milestone.pk}/toggle/"
    assert client.post(right).status_code == 200
    milestone.refresh_from_db()
    assert milestone.done
