"""The customers' classifications: the choices a customer, a contact, a follow-up and an
import pick from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")
    DEALER = "dealer", _("Dealer")


class Industry(models.TextChoices):
    FOOD = "food", _("Food and beverages")
    CONSUMER_GOODS = "consumer_goods", _("Consumer goods")
    RETAIL = "retail", _("Retail and supermarkets")
    CATERING = "catering", _("Catering and hotels")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    MACHINERY = "machinery", _("Machinery and equipment")
    CHEMICALS = "chemicals", _("Chemicals and materials")
    CONSTRUCTION = "construction", _("Construction and real estate")
    FURNITURE = "furniture", _("Furniture and home")
    LOGISTICS = "logistics", _("Logistics and transport")
    TECHNOLOGY = "technology", _("Information technology")
    AGRICULTURE = "agriculture", _("Agriculture")
    HEALTHCARE = "healthcare", _("Healthcare")
    EDUCATION = "education", _("Education")
    GOVERNMENT = "government", _("Government and institutions")
    OTHER = "other", _("Other")


class BusinessMode(models.TextChoices):
    CONSUMER_GOODS = "consumer_goods", _("Consumer goods")
    INDUSTRIAL_GOODS = "industrial_goods", _("Industrial goods")
    PROJECT = "project", _("Project-type")
    KEY_ACCOUNT = "key_account", _("Key account")


class SourceChannel(models.TextChoices):
    WEB = "web", _("Website")
    TRADE_FAIR = "trade_fair", _("Trade fair / conference")
    REFERRAL = "referral", _("Referral")
    PERSONAL_NETWORK = "personal_network", _("Personal network")
    DIRECTORY = "directory", _("Directory research")
    ADVERTISING = "advertising", _("Advertising")
    B2B_PLATFORM = "b2b_platform", _("B2B platform")
    OTHER = "other", _("Other")


class CreditRating(models.TextChoices):
    AAA = "AAA", _("AAA — excellent")
    AA = "AA", _("AA — very good")
    A = "A", _("A — good")
    B = "B", _("B — fair")
    C = "C", _("C — poor")


class RelationshipLevel(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    PREFERRED_SUPPLIER = "preferred_supplier", _("Preferred supplier")
    PARTNERSHIP = "partnership", _("Partnership")
    STRATEGIC_ALLIANCE = "strategic_alliance", _("Strategic alliance")


class LifecycleStage(models.TextChoices):
    EXPLORATION = "exploration", _("Exploration")
    FORMATION = "formation", _("Formation")
    STABILITY = "stability", _("Stability")
    DECLINE = "decline", _("Decline")


class DecisionRole(models.TextChoices):
    PURCHASER = "purchaser", _("Purchaser")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    USER = "user", _("User")
    INFLUENCER = "influencer", _("Influencer")


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")


class OnDuplicate(models.TextChoices):
    SKIP = "skip", _("Skip the row")
    UPDATE = "update", _("Update the existing customer")
    CREATE = "create", _("Create a new customer anyway")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PoolAction(models.TextChoices):
    """What the pool and handover record in a customer's history."""

    RELEASE = "release", _("Returned to the pool")
    CLAIM = "claim", _("Claimed from the pool")
    TRANSFER = "transfer", _("Handed over")
