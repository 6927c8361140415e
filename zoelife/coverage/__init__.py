"""Coverage: insurance on the request, benefits per treatment, prior authorization per treatment
course, the Spravato start gate, the front desk's coverage work list and the managers'
aggregates (docs/coverage.md).

Pure rules (`checklist`, `machine`, `cards`) sit apart from the database functions, which take
a session and run in the caller's transaction, auditing every change like `intake.lifecycle`.
"""
