"""Lookups the ORM lacks."""

from django.db.models import BooleanField, Lookup


class InSubquery(Lookup):
    """``InSubquery(F("person_id"), persons.values("pk"))``: the column is one of the subquery's values.

    On PostgreSQL it is written ``= ANY(ARRAY(subquery))``: the array is computed once, before the outer query,
    and the planner can then read the column's index for its values, also when the condition is ORed with
    another one (a bitmap OR). ``IN (subquery)`` is planned as a hashed subplan tested on every row the other
    conditions leave, which at region scale is every row of the region's table (docs/performance.md). Other
    databases get ``IN (subquery)``."""

    lookup_name = "in_subquery"
    prepare_rhs = False

    @property
    def output_field(self):
        return BooleanField()

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)
