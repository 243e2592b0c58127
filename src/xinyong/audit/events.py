"""Audit event types: one unique integer per kind of change, in a number range per domain.

Numbers are never reused or renumbered (an auditor's exported trail must keep its meaning);
a retired type keeps its number. Ranges:

- 1000–1999 core: subjects (10xx), departments (11xx), users and roles (12xx),
  personal data access (13xx)
- 2000–2999 policy data: editions and supplements (20xx), calendar (21xx)
- 3000–3999 catalog and records; 4000–4999 lists; 5000–5999 measures and joint action;
  6000–6999 checks; 7000–7999 objections and repair; 8000–8999 exchange;
  9000–9999 security and the query register: platform operations (90xx), the query
  register (91xx), staff log-in and second factor (92xx), API tokens (93xx), keys (94xx),
  consent of data subjects (95xx)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.IntegerChoices):
    # 10xx subjects
    SUBJECT_CREATED = 1001, _("Subject created")
    SUBJECT_RENAMED = 1002, _("Subject renamed")
    SUBJECT_IDENTIFIER_ADDED = 1003, _("Subject identifier added")
    # 11xx departments
    DEPARTMENT_CREATED = 1101, _("Department created")
    DEPARTMENT_UPDATED = 1102, _("Department updated")
    # 12xx users and roles
    USER_CREATED = 1201, _("User created")
    ROLE_GRANTED = 1202, _("Role granted")
    ROLE_REVOKED = 1203, _("Role revoked")
    # 13xx personal data
    PERSONAL_ID_UNMASKED = 1301, _("Personal ID number unmasked")
    # 20xx policy editions
    POLICY_EDITION_LOADED = 2001, _("Policy edition loaded")
    POLICY_SUPPLEMENT_SAVED = 2002, _("Local policy supplement saved")
    POLICY_EDITION_RETIRED = 2003, _("Policy edition retired")
    # 21xx calendar
    CALENDAR_YEAR_LOADED = 2101, _("Holiday arrangement loaded")
    # 30xx catalog
    CATALOG_EDITION_LOADED = 3001, _("Catalog edition loaded")
    # 31xx records: batches, records, corrections, withdrawals
    BATCH_RECEIVED = 3101, _("Batch received")
    BATCH_CHUNK_PROCESSED = 3102, _("Batch rows processed")
    BATCH_FINISHED = 3103, _("Batch finished")
    BATCH_FAILED = 3104, _("Batch failed")
    RECORD_CORRECTED = 3111, _("Record corrected")
    RECORD_WITHDRAWN = 3112, _("Record withdrawn")
    RECORD_EXPIRED = 3113, _("Record publication ended")
    # 40xx list types (policy data)
    LIST_TYPES_EDITION_LOADED = 4001, _("List types edition loaded")
    # 41xx the listing procedure (transitions of xinyong.lists.procedure)
    LISTING_CASE_CREATED = 4101, _("Listing case opened")
    LISTING_NOTICE_ISSUED = 4102, _("Prior notice issued")
    LISTING_OBJECTION_FILED = 4103, _("Objection recorded")
    LISTING_OBJECTION_WINDOW_CLOSED = 4104, _("Objection window ended without objection")
    LISTING_OBJECTION_UPHELD = 4105, _("Objection upheld")
    LISTING_OBJECTION_REJECTED = 4106, _("Objection rejected")
    LISTING_LENIENCY_ASSESSED = 4107, _("Leniency assessment recorded")
    LISTING_DECIDED = 4108, _("Listing decision taken")
    LISTING_PUBLISHED = 4109, _("Subject entered on the list")
    LISTING_SUSPENDED = 4110, _("Listing measures suspended (objection)")
    LISTING_RESUMED = 4111, _("Listing term resumed (objection rejected)")
    LISTING_EARLY_REMOVAL_REQUESTED = 4112, _("Early-removal ground recorded")
    LISTING_REMOVED = 4113, _("Subject removed from the list")
    LISTING_CLOSED = 4114, _("Listing case closed without listing")
    # 42xx listing documents
    LISTING_DOCUMENT_DOWNLOADED = 4201, _("Listing document downloaded")
    # 43xx listing deadlines
    LISTING_DEADLINE_RECOMPUTED = 4301, _("Listing deadline recomputed (calendar loaded)")
    LISTING_DEADLINE_OVERDUE = 4302, _("Listing deadline overdue (alarm raised)")
    # 50xx measure lists and memoranda (policy data)
    MEASURE_LIST_EDITION_LOADED = 5001, _("Measure list edition loaded")
    MEMORANDA_EDITION_LOADED = 5002, _("Memoranda edition loaded")
    # 51xx–59xx joint action (xinyong.joint): 51xx announcements and feedback, 52xx
    # webhooks, 53xx watches (re-screening)
    JOINT_LISTING_ANNOUNCED = 5101, _("Listing change announced to implementing departments")
    JOINT_FEEDBACK_RECORDED = 5102, _("Joint-action feedback recorded")
    WEBHOOK_ENDPOINT_REGISTERED = 5201, _("Webhook endpoint registered")
    WEBHOOK_SECRET_ROTATED = 5202, _("Webhook secret rotated")
    WEBHOOK_ENDPOINT_DISABLED = 5203, _("Webhook endpoint disabled")
    WEBHOOK_DELIVERED = 5211, _("Webhook event delivered")
    WEBHOOK_ATTEMPT_FAILED = 5212, _("Webhook delivery attempt failed (retry scheduled)")
    WEBHOOK_DEAD_LETTERED = 5213, _("Webhook delivery dead-lettered")
    WEBHOOK_REDELIVERY_REQUESTED = 5214, _("Webhook redelivery requested")
    JOINT_WATCH_REGISTERED = 5301, _("Grant watch registered (re-screening)")
    JOINT_WATCH_ENDED = 5302, _("Grant watch ended")
    # 70xx objections to credit information (xinyong.repair)
    OBJECTION_FILED = 7001, _("Objection to credit information filed")
    OBJECTION_FORWARDED = 7002, _("Objection forwarded to the listing procedure")
    OBJECTION_DECIDED = 7003, _("Objection decided")
    OBJECTION_OVERDUE = 7004, _("Objection answer overdue (alarm raised)")
    # 71xx repair applications
    REPAIR_APPLICATION_SUBMITTED = 7101, _("Repair application submitted")
    REPAIR_INITIAL_REVIEW_DONE = 7102, _("Repair application passed the initial review")
    REPAIR_APPLICATION_RETURNED = 7103, _("Repair application returned at initial review")
    REPAIR_APPLICATION_APPROVED = 7104, _("Repair application approved")
    REPAIR_APPLICATION_REFUSED = 7105, _("Repair application refused")
    REPAIR_APPLICATION_OVERDUE = 7106, _("Repair application step overdue (alarm raised)")
    REPAIR_AWAITING_HIGHER_REVIEW = (
        7107,
        _("Repair approved by the sector authority, awaiting the higher platform's review"),
    )
    # 72xx repair eligibility
    REPAIR_ELIGIBILITY_NOTIFIED = 7201, _("Subject told it may apply for repair")
    REPAIR_BAR_RECORDED = 7202, _("Record marked never repairable")
    # 73xx effects of repair and synchronised repair
    RECORD_REPAIRED = 7301, _("Record repaired: publication stopped")
    REMOTE_REPAIR_EVENT_APPLIED = 7302, _("Repair event from another platform applied")
    REMOTE_REPAIR_EVENT_UNMATCHED = 7303, _("Repair event from another platform not applicable")
    # 89xx public credit reports (xinyong.portal)
    CREDIT_REPORT_ISSUED = 8901, _("Public credit report issued")
    SUBJECT_ACCOUNT_CREATED = 8902, _("Self-service account of a subject created")
    SUBJECT_LOGGED_IN = 8903, _("Subject logged in to self-service")
    # 60xx checks before granting (应查必查): one event per check, digesting its receipt
    CHECK_MADE = 6001, _("Subject checked before granting (receipt issued)")
    BATCH_CHECK_MADE = 6002, _("Subjects checked in a batch before granting (receipt issued)")
    REGISTER_ANCHORED = 6003, _("Check register chain anchored in the audit trail")
    # 90xx platform operations
    DEMO_DATA_LOADED = 9001, _("Demo data loaded")
    DATABASE_BACKED_UP = 9002, _("Database backed up")
    DATABASE_RESTORED = 9003, _("Database restored from a backup and verified")
    # 91xx the query register (查询使用登记台帐): one event per registered access
    QUERY_REGISTERED = 9101, _("Access to non-public data registered")
    # 92xx staff log-in and second factor
    TOTP_ENROLMENT_STARTED = 9201, _("Authenticator enrolment started")
    TOTP_DEVICE_CONFIRMED = 9202, _("Authenticator confirmed")
    TOTP_DEVICE_RESET = 9203, _("Authenticator reset")
    STAFF_LOGGED_IN = 9210, _("Staff member logged in")
    # 93xx API tokens of department systems
    API_TOKEN_CREATED = 9301, _("API token created")
    API_TOKEN_ROTATED = 9302, _("API token rotated")
    API_TOKEN_REVOKED = 9303, _("API token revoked")
    # 94xx encryption keys
    FIELD_KEYS_ROTATED = 9401, _("Encrypted fields re-encrypted under the newest key")
    # 95xx consent of data subjects (个人信息保护法 art. 14-15)
    CONSENT_RECORDED = 9501, _("Consent recorded")
    CONSENT_REVOKED = 9502, _("Consent revoked")


def check_ranges() -> list[str]:
    """Problems with the numbering: values outside 1000–9999 (used by a test)."""
    return [f"{m.name}={m.value}" for m in EventType if not 1000 <= m.value <= 9999]
