"""Who may do what: the role/permission policy and the access helpers."""
