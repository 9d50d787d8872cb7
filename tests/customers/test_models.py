"""What a customer says about itself, the same on every page that shows it."""

from __future__ import annotations

from kehu.customers.models import Customer, CustomerKind, ImportJob, ImportStatus


def test_a_place_leaves_out_a_city_that_is_its_province():
    assert Customer(province="陕西省", city="西安市").place == "陕西省 · 西安市"
    assert Customer(province="北京市", city="北京市").place == "北京市"
    assert Customer(province="广东省").place == "广东省"
    assert Customer().place == ""


def test_kinds_and_import_states_are_asked_by_name():
    assert Customer(kind=CustomerKind.DEALER).is_dealer
    assert Customer(kind=CustomerKind.INDIVIDUAL).is_individual
    assert not Customer(kind=CustomerKind.COMPANY).is_dealer
    job = ImportJob(status=ImportStatus.RUNNING)
    assert (job.is_running, job.is_done, job.has_failed) == (True, False, False)
