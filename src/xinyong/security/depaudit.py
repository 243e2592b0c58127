"""``python -m xinyong.security.depaudit``: pip-audit on the locked dependencies, honestly.

Why this exists: ``pip-audit`` answers "No known vulnerabilities found" even when it could not
reach its vulnerability database and skipped every package (each skipped as "Dependency not
found on PyPI"), which would make a CI run look audited when it was not. This wrapper runs
``pip-audit -r requirements/constraints.txt --no-deps --disable-pip -f json`` and reads the
result:

- a known vulnerability → exit 1 (CI fails), listing package, version, advisory and fix;
- every package audited, none vulnerable → exit 0, "audited N packages";
- the database unreachable (every package skipped, or pip-audit failing to connect) →
  a clear "NOT AUDITED" message and exit 0, so CI on a machine that reaches only package
  mirrors does not fail — unless ``XINYONG_REQUIRE_PIP_AUDIT=1`` (exit 2);
- some packages skipped → listed as a warning.

docs/security.md#dependency-audit; docs/decisions/0043-dependency-audit-offline.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

NOT_AUDITED = 2


def run(requirements: Path, service: str = "pypi") -> tuple[int, str]:
    """(exit code, message) for an audit of ``requirements``."""
    exe = Path(sys.executable).with_name("pip-audit")
    if not exe.exists():
        return NOT_AUDITED, "pip-audit is not installed (pip install -e '.[dev]'): NOT AUDITED"
    command = [
        str(exe), "-r", str(requirements), "--no-deps", "--disable-pip",
        "-f", "json", "-s", service, "--progress-spinner", "off",
    ]  # fmt: skip
    try:
        # A fixed argument list (no shell); only the requirements path comes from the caller.
        done = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=300, check=False
        )
    except subprocess.TimeoutExpired:
        return NOT_AUDITED, "pip-audit timed out (vulnerability database unreachable?)"
    return interpret(done.returncode, done.stdout, done.stderr, service)


def interpret(returncode: int, stdout: str, stderr: str, service: str) -> tuple[int, str]:
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    if report is None:
        reason = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {returncode}"
        return NOT_AUDITED, f"vulnerability database ({service}) unreachable: {reason}"
    deps = report.get("dependencies", []) if isinstance(report, dict) else report
    skipped = [d for d in deps if d.get("skip_reason")]
    vulnerable = [d for d in deps if d.get("vulns")]
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            lines.append(f"  {dep['name']} {dep.get('version')}: {vuln.get('id')} (fix: {fixes})")
    if vulnerable:
        return 1, "known vulnerabilities in locked dependencies:\n" + "\n".join(lines)
    if deps and len(skipped) == len(deps):
        return NOT_AUDITED, (
            f"vulnerability database ({service}) unreachable: all {len(deps)} packages were "
            "skipped — the dependencies were NOT AUDITED (this is not a pass)"
        )
    message = f"audited {len(deps) - len(skipped)} packages against {service}: none vulnerable"
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        message += f"\nwarning: {len(skipped)} skipped (not audited): {names}"
    return 0, message


def main() -> int:
    requirements = Path(sys.argv[1] if len(sys.argv) > 1 else "requirements/constraints.txt")
    service = os.environ.get("XINYONG_PIP_AUDIT_SERVICE", "pypi")
    code, message = run(requirements, service)
    print(f"pip-audit: {message}")
    if code == NOT_AUDITED:
        if os.environ.get("XINYONG_REQUIRE_PIP_AUDIT") == "1":
            return NOT_AUDITED
        print("pip-audit: continuing (set XINYONG_REQUIRE_PIP_AUDIT=1 to fail instead)")
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
