"""The catalog's data layer: models (schema/*.py, imported together by `schema.models`),
pure regulation rules (`schema.rules`) and operations (`schema.operations`).

Kept empty of imports so that `schema.rules` stays importable without Flask or a database.
"""
