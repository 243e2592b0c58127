"""Security of the platform and the query register (查询使用登记台帐).

Why this app exists: the seeds require the platform to "明确信息查询使用权限和程序，建立完善
信息查询使用登记台帐和审核制度，防止信息泄露" (seed 000 §3(1); seed 001 §(十三); seed 003 §七(二)),
and the law on personal information (个人信息保护法) requires access control, encryption and
de-identification (art. 51) and a record of who processed personal information and why
(art. 54–55). This app holds:

- API tokens for department systems (``models.tokens``, ``auth.TokenAuth``);
- rate limits on the API and on the staff log-in (``ratelimit``);
- the staff second factor, TOTP after RFC 6238 (``totp``, ``models.twofactor``);
- the query register: every read of non-public data writes an ``AccessRecord`` and an audit
  event in the transaction of the read (``actions.register.record_access``), searched by
  auditors in the console; unmasking a person's ID number goes through it;
- re-encryption of stored secrets under the newest key (``xinyong keys rotate``).

See docs/security.md.
"""
