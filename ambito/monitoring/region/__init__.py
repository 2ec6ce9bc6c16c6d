"""*La Regione tra i suoi Ambiti*: the regional observer compares every Ambito of its region side by side —
indicators of the engine, LEPS ratios and spending per resident — aggregates only, small cells withheld."""
