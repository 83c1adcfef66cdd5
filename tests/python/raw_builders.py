"""Builders shared by the dbt engine tests: raw contract rows and scoring config rows.

:class:`Raw` collects rows of the raw contract tables (``lead_scoring.demo.schema.TABLES``) for
:func:`dbt_harness.run_engine`; the rule helpers shorten :class:`Score` and :class:`Rule` rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from lead_scoring.scoring import Rule, Score

EMAIL_DOMAIN = "acme-example.com"
SITE = "https://www.example-saas.com"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def email_of(contact_id: str) -> str:
    """The email address :meth:`Raw.contact` gives a contact (email events are keyed by it)."""
    return f"{contact_id}@{EMAIL_DOMAIN}"


class Raw:
    """Raw contract rows, built up record by record.

    Event times are given either as ``days_ago`` (before ``as_of``) or as an explicit ``at``.
    Email and web event times are typed timestamps; sales activity times are ISO text, as in
    the raw contract.
    """

    def __init__(self, as_of: datetime) -> None:
        self.as_of = as_of
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self._ids: Iterator[int] = count(1)

    def add(self, table: str, **row: Any) -> None:
        self.tables.setdefault(table, []).append(row)

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def _when(self, days_ago: float, at: datetime | None) -> datetime:
        return at if at is not None else self.as_of - timedelta(days=days_ago)

    def contact(self, contact_id: str) -> str:
        self.add(
            "contacts",
            contact_id=contact_id,
            email=email_of(contact_id),
            first_name="Ex",
            last_name=contact_id,
            created_at="2025-01-01T00:00:00Z",
        )
        return contact_id

    def company(self, company_id: str, **properties: Any) -> str:
        self.add(
            "companies",
            company_id=company_id,
            company_name=company_id,
            created_at="2025-01-01T00:00:00Z",
            **properties,
        )
        return company_id

    def custom_property(self, contact_id: str, name: str, value: str | None) -> None:
        self.add(
            "contact_custom_properties",
            contact_id=contact_id,
            property_name=name,
            property_value=value,
        )

    def contact_list(self, list_id: str, list_name: str) -> str:
        self.add(
            "lists", list_id=list_id, list_name=list_name, object_type="contact", list_type="static"
        )
        return list_id

    def membership(self, list_id: str, record_id: str) -> None:
        self.add("list_memberships", list_id=list_id, record_id=record_id)

    def email(
        self,
        contact_id: str,
        event_type: str,
        days_ago: float = 1,
        *,
        at: datetime | None = None,
        event_id: str | None = None,
        **props: Any,
    ) -> str:
        """An email event; ``event_type`` as the email tool spells it (``open``, ``click``...)."""
        event_id = event_id or self.next_id("e")
        self.add(
            "email_events",
            event_id=event_id,
            recipient_email=email_of(contact_id),
            event_type=event_type,
            campaign_id=props.get("campaign_id"),
            campaign_name=props.get("campaign_name", "2026-06 Newsletter"),
            email_type=props.get("email_type", "marketing"),
            url=props.get("url"),
            occurred_at=self._when(days_ago, at),
        )
        return event_id

    def web(
        self,
        contact_id: str,
        event_type: str,
        days_ago: float = 1,
        *,
        at: datetime | None = None,
        event_id: str | None = None,
        path: str = "/contact",
        **props: Any,
    ) -> str:
        """A web event of an identified contact on ``SITE`` + ``path``."""
        event_id = event_id or self.next_id("w")
        self.add(
            "web_events",
            event_id=event_id,
            anonymous_id=f"anon-{contact_id}",
            contact_id=contact_id,
            session_id=self.next_id("s"),
            event_type=event_type,
            page_url=f"{SITE}{path}",
            user_agent=USER_AGENT,
            occurred_at=self._when(days_ago, at),
            **props,
        )
        return event_id

    def activity(
        self,
        contact_id: str,
        activity_type: str,
        days_ago: float = 1,
        *,
        at: datetime | None = None,
        event_id: str | None = None,
        owner_id: str | None = None,
    ) -> str:
        """A sales activity (``call_started``, ``meeting_booked``, ``meeting_completed``)."""
        event_id = event_id or self.next_id("a")
        self.add(
            "sales_activities",
            activity_id=event_id,
            contact_id=contact_id,
            activity_type=activity_type,
            owner_id=owner_id,
            occurred_at=self._when(days_ago, at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        return event_id


# ---------------------------------------------------------------------------------------------
# Config rows


def engagement(score_id: str, object_type: str = "contact", **kwargs: Any) -> Score:
    return Score(score_id, object_type, "engagement", score_id, **kwargs)


def fit(score_id: str, object_type: str = "company") -> Score:
    return Score(score_id, object_type, "fit", score_id)


def event_rule(score_id: str, rule_id: str, group_id: str, event_type: str, **kw: Any) -> Rule:
    return Rule(score_id, rule_id, group_id, rule_id, "event", event_type=event_type, **kw)


def property_rule(score_id: str, rule_id: str, group_id: str, name: str, **kw: Any) -> Rule:
    return Rule(score_id, rule_id, group_id, rule_id, "property", property_name=name, **kw)
