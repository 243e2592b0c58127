"""State changes of the portal (STYLE.md §1): issuing a credit report."""

from xinyong.portal.actions.reports import do_issue_credit_report

__all__ = ["do_issue_credit_report"]
