"""Multi-school tenancy: every tenant row carries `school_id`.

Foreign keys between tenant tables include `school_id` (`(school_id, x_id) -> x(school_id, id)`),
so a row can never point into another school, and the data can later be distributed by
`school_id` on Citus, whose co-located foreign keys must include the distribution column.
ORM relationships join on the id alone (`foreign_keys=`), so only operations set `school_id`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class TenantMixin:
    """Adds `school_id` and the `(school_id, id)` key that tenant foreign keys point at."""

    @declared_attr
    def school_id(cls) -> Mapped[int]:
        #: The school (tenant) this row belongs to.
        return mapped_column(sa.ForeignKey("schools.id"), index=True)


def tenant_key() -> sa.UniqueConstraint:
    """The `(school_id, id)` unique key referenced by tenant foreign keys."""
    return sa.UniqueConstraint("school_id", "id")


def tenant_fk(
    column: str, target_table: str, *, extra: tuple[tuple[str, str], ...] = (), ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """`(school_id, column[, extra...]) -> target_table(school_id, id[, extra...])`.

    `extra` pairs (local column, target column) let a row prove more than tenancy, e.g. that a
    mark's enrolment and its curriculum entry belong to the same class.
    """
    local = ["school_id", column, *(local for local, _ in extra)]
    remote = [f"{target_table}.school_id", f"{target_table}.id", *(f"{target_table}.{r}" for _, r in extra)]
    return sa.ForeignKeyConstraint(local, remote, ondelete=ondelete)
