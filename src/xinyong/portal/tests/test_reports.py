"""The credit report PDF: sections of the national standard, Chinese glyphs rendered, code
and hash kept, verification by code and by upload."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.portal.models import CreditReport
from xinyong.portal.reports import CODE_LENGTH, format_code, normalize_code
from xinyong.portal.tests.conftest import PUBLIC_FACT, SECRET_MARKERS, World

PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"
PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"
PDFFONTS = shutil.which("pdffonts") or "pdffonts"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdffonts")),
        reason="poppler-utils not installed",
    ),
]

ZH_SECTIONS = [
    "行政管理信息（行政许可、行政处罚等）",
    "诚实守信信息（信用等级、荣誉表彰）",
    "严重失信主体名单",
    "经营异常信息",
    "信用承诺信息",
    "信用评价信息",
    "司法判决及执行信息",
    "其他信息",
    "信用提升建议",
    "地方补充信息",
]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def download(client: Client, ref: str) -> tuple[bytes, CreditReport]:
    response = client.get(reverse("portal:subject-report", args=[ref]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = response.content
    report = CreditReport.objects.get(sha256=response["X-Content-SHA256"])
    assert response["X-Verification-Code"] == format_code(report.code)
    return pdf, report


def test_report_has_every_section_the_query_time_and_the_code(
    world: World, client: Client, tmp_path: Path
) -> None:
    pdf, report = download(client, world.company.uscc or "")
    assert pdf.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(pdf).hexdigest() and report.size == len(pdf)
    assert report.subject == world.company and report.created_by is None
    text = pdf_text(pdf, tmp_path)
    assert "公共信用信息报告" in text
    assert world.company.name in text and (world.company.uscc or "") in text
    for n, title in enumerate(ZH_SECTIONS, start=1):
        assert f"{n}.{title}" in text, title
    assert "暂无相关信息" in text  # empty sections say so
    assert PUBLIC_FACT in text
    assert "查询时间" in text and "（北京时间）" in text
    assert format_code(report.code) in text
    assert f"/reports/verify/{report.code}/" in text
    assert "申请信用修复" in text  # advice for a published penalty
    for marker in SECRET_MARKERS.values():
        assert marker not in text
    assert world.representative_id not in text
    counts = report.summary["counts"]
    assert counts["administrative"] == 1 and counts["serious"] == 0
    assert report.summary["records"] == [world.records["public"].pk]
    event = AuditEvent.objects.get(event_type=EventType.CREDIT_REPORT_ISSUED)
    assert event.after is not None
    assert event.after["code"] == report.code and event.after["sha256"] == report.sha256
    assert event.subject_id == world.company.pk


def test_chinese_glyphs_are_embedded_and_drawn(
    world: World, client: Client, tmp_path: Path
) -> None:
    pdf, _report = download(client, world.listed.subject.uscc or "")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run([PDFFONTS, str(path)], capture_output=True, check=True, text=True)
    cjk = [line for line in fonts.stdout.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts.stdout
    subprocess.run(
        [PDFTOPPM, "-r", "60", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(sorted(tmp_path.glob("p*.png"))[0]).convert("L")
    width, height = image.size
    histogram = image.histogram()
    assert sum(histogram[:128]) / (width * height) > 0.01  # text and the QR code
    assert histogram[255] / (width * height) > 0.4
    # The glyphs are real: the same title rendered without CJK fonts would be tofu boxes,
    # which pdftotext cannot map back to these characters.
    text = pdf_text(pdf, tmp_path)
    assert "严重失信主体名单" in text and "拖欠农民工工资失信联合惩戒对象名单" in text


def test_a_persons_report_shows_the_masked_id_only(
    world: World, client: Client, tmp_path: Path
) -> None:
    pdf, report = download(client, str(world.person.pk))
    text = pdf_text(pdf, tmp_path)
    assert world.person.id_number_masked in text
    assert world.person_id not in text and world.person_id[6:14] not in text
    assert report.subject_identifier == world.person.id_number_masked


def test_english_report(world: World, client: Client, tmp_path: Path) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    pdf, report = download(client, world.company.uscc or "")
    text = pdf_text(pdf, tmp_path)
    assert "Publiccreditinformationreport" in text
    assert "1.Administrativemanagement(licencesandpenalties)" in text
    assert report.language == "en"


def test_verification_by_code_and_by_upload(world: World, client: Client) -> None:
    pdf, report = download(client, world.company.uscc or "")
    url = reverse("portal:report-verify", args=[report.code])
    html = client.get(url).content.decode()
    assert "真实：本平台出具过使用该验证码的信用报告" in html
    assert world.company.name in html and report.sha256 in html
    assert PUBLIC_FACT not in html  # counts only, not the details
    # Typed with dashes and in lower case.
    typed = format_code(report.code).lower()
    lookup = client.get(reverse("portal:report-verify-lookup"), {"code": typed})
    assert lookup.status_code == 302 and lookup["Location"] == url

    same = client.post(url, {"pdf": SimpleUploadedFile("r.pdf", pdf, "application/pdf")})
    assert "一致：该文件与所出具的报告完全相同" in same.content.decode()
    altered = pdf[:-8] + b"%EOF\n%x\n"  # one byte added at the end
    assert altered != pdf
    other = client.post(url, {"pdf": SimpleUploadedFile("r.pdf", altered, "application/pdf")})
    assert "不一致" in other.content.decode()


def test_unknown_codes_are_not_genuine(client: Client, db: None) -> None:
    code = "2" * CODE_LENGTH
    response = client.get(reverse("portal:report-verify", args=[code]))
    assert response.status_code == 404
    assert "本平台没有出具过使用该验证码的信用报告" in response.content.decode()
    response = client.get(reverse("portal:report-verify-lookup"), {"code": "ABCD"})
    assert response.status_code == 404
    assert client.get(reverse("portal:report-verify-lookup")).status_code == 200
    assert normalize_code(" ab-cd ef ") == "ABCDEF"


def test_no_report_for_an_unknown_subject(client: Client, db: None) -> None:
    assert client.get(reverse("portal:subject-report", args=["1234"])).status_code == 404
    assert not CreditReport.objects.exists()
