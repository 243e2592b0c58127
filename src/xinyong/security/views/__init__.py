"""Security pages of the staff console: the log-in's second step and authenticator
enrolment, API tokens (platform administrators) and the query register (auditors)."""
