"""Every state change of the catalog: check permission and invariants, write, record who and why.

Views, the API, imports, the demo seed and cron call these; none of them repeat the logic.
"""
