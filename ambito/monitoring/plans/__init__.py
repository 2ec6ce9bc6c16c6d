"""The Piano di Zona measured against its targets (#20): an indicator of the plan linked to the monitoring
indicator that measures it (``PlanIndicatorLink``), its values year by year for the plan's Comuni, and the
years closed for monitoring with the values they froze (``PlanYearClosure``, ``FrozenMeasure``)."""
