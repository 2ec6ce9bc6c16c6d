"""Who may read and change a Piano di Zona, from the authorisation matrix (``ambito.accounts.authorization``):
each check on one plan asks the filter the selectors list plans with (``selectors.plan_list``,
``plan_editable_list``, ``consultation_list``, ``plan_contributable_list``) about that plan;
tests/test_rules.py checks that they agree for every demo persona.

- the planning office of the plan's Ambito edits it, and alone reads it while it is a draft;
- in co-programming the Third Sector (ETS) and the ASL's district operators of the Ambito, who co-program it,
  read it too;
- from public consultation on (consultation, approved, in force, closed) every member of an organisation of the
  Ambito (Comuni, ASL, ETS) and the regional observer read it (issue 19);
- ETS operators of the Ambito submit contributions while the plan is in co-programming;
- everyone, signed in or not, reads a plan while it is in public consultation; signed-in people comment.
"""


from ambito.accounts import authorization as authz

can_view_plan = authz.predicate("plan", "view")
plan_q = authz.q_function("plan", "view")
can_edit_plan = authz.predicate("plan", "change")
plan_editable_q = authz.q_function("plan", "change")
can_view_consultation = authz.predicate("plan", "view_consultation")
consultation_q = authz.q_function("plan", "view_consultation")
can_comment = authz.predicate("plan", "comment")
can_contribute = authz.predicate("plan", "contribute")
plan_contributable_q = authz.q_function("plan", "contribute")

# Plans of the ASST and of the Region (PPT, Piano sociale regionale) of the user's region.
can_view_partner_plan = authz.predicate("partner_plan", "view")
partner_plan_q = authz.q_function("partner_plan", "view")
can_edit_partner_plan = authz.predicate("partner_plan", "change")
partner_plan_editable_q = authz.q_function("partner_plan", "change")
