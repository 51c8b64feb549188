"""Delegation of rights (000 ¶20, decisions.md A39): one teacher's write rights over another's
assignment exist only while a director-approved, time-bounded delegation says so.

The request and the director's decision are separate rows. Once a decision exists, neither the
decision nor the request can be changed or deleted: database triggers refuse it (see
`immutability_ddl`), on SQLite and on PostgreSQL alike, whoever writes.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.tenancy import TenantMixin, tenant_fk, tenant_key


class Delegation(TenantMixin, db.Model):
    """A teacher asks that another teacher may write for one of their assignments, for dates."""

    __tablename__ = "delegations"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("from_teacher_id", "users"),
        tenant_fk("to_teacher_id", "users"),
        tenant_fk("assignment_id", "teaching_assignments"),
        sa.CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
        sa.CheckConstraint("from_teacher_id <> to_teacher_id", name="two_teachers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The teacher whose assignment it is (who asks).
    from_teacher_id: Mapped[int] = mapped_column(index=True)
    #: The teacher who receives the right to write.
    to_teacher_id: Mapped[int] = mapped_column(index=True)
    assignment_id: Mapped[int] = mapped_column()
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)

    from_teacher = relationship("User", foreign_keys=[from_teacher_id])
    to_teacher = relationship("User", foreign_keys=[to_teacher_id])
    assignment = relationship("TeachingAssignment", foreign_keys=[assignment_id])
    decision = relationship("DelegationDecision", uselist=False, back_populates="delegation", foreign_keys="DelegationDecision.delegation_id")

    def is_active_on(self, day: date) -> bool:
        """Approved and within its dates."""
        return self.decision is not None and self.decision.approved and self.starts_on <= day <= self.ends_on

    def __str__(self) -> str:
        return f"{self.from_teacher} → {self.to_teacher} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"


class DelegationDecision(TenantMixin, db.Model):
    """The director's approval or refusal of a delegation; insert-only."""

    __tablename__ = "delegation_decisions"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("delegation_id"),
        tenant_fk("delegation_id", "delegations"),
        tenant_fk("decided_by_id", "users"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column()
    approved: Mapped[bool]
    decided_by_id: Mapped[int] = mapped_column()
    decided_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    note: Mapped[str | None] = mapped_column(sa.Text)

    delegation = relationship(Delegation, back_populates="decision", foreign_keys=[delegation_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


#: Triggers that make decided delegations immutable, per dialect. Used by create_all (below)
#: and by the migration that creates the tables.
IMMUTABILITY_DDL = {
    "sqlite": [
        """CREATE TRIGGER delegation_decisions_no_update BEFORE UPDATE ON delegation_decisions
           BEGIN SELECT RAISE(ABORT, 'delegation_decision_immutable'); END""",
        """CREATE TRIGGER delegation_decisions_no_delete BEFORE DELETE ON delegation_decisions
           BEGIN SELECT RAISE(ABORT, 'delegation_decision_immutable'); END""",
        """CREATE TRIGGER delegations_no_update_after_decision BEFORE UPDATE ON delegations
           WHEN EXISTS (SELECT 1 FROM delegation_decisions WHERE delegation_id = OLD.id)
           BEGIN SELECT RAISE(ABORT, 'delegation_decision_immutable'); END""",
        """CREATE TRIGGER delegations_no_delete_after_decision BEFORE DELETE ON delegations
           WHEN EXISTS (SELECT 1 FROM delegation_decisions WHERE delegation_id = OLD.id)
           BEGIN SELECT RAISE(ABORT, 'delegation_decision_immutable'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION refuse_decided_delegation_change() RETURNS trigger AS $$
           BEGIN
             IF TG_TABLE_NAME = 'delegation_decisions'
                OR EXISTS (SELECT 1 FROM delegation_decisions WHERE delegation_id = OLD.id) THEN
               RAISE EXCEPTION 'delegation_decision_immutable';
             END IF;
             IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
             RETURN NEW;
           END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER delegation_decisions_immutable BEFORE UPDATE OR DELETE ON delegation_decisions
           FOR EACH ROW EXECUTE FUNCTION refuse_decided_delegation_change()""",
        """CREATE TRIGGER delegations_immutable_after_decision BEFORE UPDATE OR DELETE ON delegations
           FOR EACH ROW EXECUTE FUNCTION refuse_decided_delegation_change()""",
    ],
}


def _install_triggers(target: sa.Table, connection: sa.Connection, **_kw: object) -> None:
    for statement in IMMUTABILITY_DDL.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


sa.event.listen(DelegationDecision.__table__, "after_create", _install_triggers)
