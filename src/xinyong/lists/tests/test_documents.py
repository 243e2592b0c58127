"""The prior notice and the decision as PDF: rendered with the Noto CJK fonts embedded, stored
with their SHA-256 and number, readable by poppler (text and pixels), no network."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from xinyong.core.models import Subject
from xinyong.lists import actions
from xinyong.lists.choices import CaseState, DocumentKind
from xinyong.lists.documents import NoNetworkFetcher
from xinyong.lists.models import ListingCase, ListingDocument
from xinyong.lists.tests.conftest import People, open_wage_case

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


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return result.stdout


def first_page_png(pdf: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [PDFTOPPM, "-r", "60", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    return pages[0]


def test_the_prior_notice_and_the_decision(
    people: People, case_in: Callable[..., ListingCase], tmp_path: Path
) -> None:
    case = case_in(CaseState.DECIDED)
    notice = case.documents.get(kind=DocumentKind.PRIOR_NOTICE)
    decision = case.documents.get(kind=DocumentKind.DECISION)
    for document in (notice, decision):
        content = bytes(document.content)
        assert content.startswith(b"%PDF-")
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        assert document.size == len(content)
    assert notice.number == "示范人社信告字〔2026〕1号"
    assert decision.number == "示范人社信决字〔2026〕1号"
    assert notice.issued_on == date(2026, 3, 2) and decision.issued_on == date(2026, 3, 10)

    text = pdf_text(bytes(notice.content), tmp_path)
    flat = "".join(text.split())
    assert "拟列入拖欠农民工工资失信联合惩戒对象名单事前告知书" in flat
    assert "示范建筑工程有限公司" in flat
    assert "2026年3月9日" in flat  # the end of the objection window
    assert "5个工作日内" in flat and "10个工作日内" in flat
    assert notice.number in flat

    text = pdf_text(bytes(decision.content), tmp_path)
    flat = "".join(text.split())
    assert "列入拖欠农民工工资失信联合惩戒对象名单决定书" in flat
    assert "示范建筑工程有限公司" in flat
    # The decision states reasons, basis, measures, removal, remedies (RULES §4).
    for heading in ("认定事由", "认定依据", "失信惩戒措施提示", "移出条件和程序", "救济途径"):
        assert heading in flat
    assert "限制参加政府采购活动" in flat
    assert "自改正之日起满6个月" in flat
    assert "行政复议" in flat and "行政诉讼" in flat
    assert "宽容审慎" in flat and "经查不存在上述情形" in flat
    assert "未在期限内" not in flat and "在期限内未提出异议" in flat


def test_the_fonts_are_embedded_and_the_page_is_not_blank(
    case_in: Callable[..., ListingCase], tmp_path: Path
) -> None:
    decision = case_in(CaseState.DECIDED).documents.get(kind=DocumentKind.DECISION)
    path = tmp_path / "decision.pdf"
    path.write_bytes(bytes(decision.content))
    fonts = subprocess.run([PDFFONTS, str(path)], capture_output=True, check=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)  # embedded (as subsets)
    png = first_page_png(bytes(decision.content), tmp_path)
    image = Image.open(png).convert("L")
    width, height = image.size
    assert width > 400 and height > 600  # A4 at 60 dpi: 496 × 702
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark / (width * height) > 0.01  # text on the page
    assert histogram[255] / (width * height) > 0.5  # and margins around it


def test_a_natural_person_shows_the_masked_id_only(
    people: People, person: Subject, tmp_path: Path
) -> None:
    case = open_wage_case(people, person, today=date(2026, 3, 2))
    case = actions.do_issue_prior_notice(case, acting_user=people.clerk, today=date(2026, 3, 2))
    text = "".join(pdf_text(bytes(case.documents.get().content), tmp_path).split())
    assert "张三" in text
    assert person.id_number_masked in text
    assert "*" in person.id_number_masked  # the full number is never in a document


def test_documents_load_nothing_from_the_network() -> None:
    html = HTML(
        string='<p>x</p><img src="http://example.invalid/logo.png">',
        url_fetcher=NoNetworkFetcher(),
    )
    with pytest.raises(FatalURLFetchingError):
        html.write_pdf()


def test_documents_are_numbered_per_department_kind_and_year(
    people: People, company: Subject, make_subject: Callable[..., Subject]
) -> None:
    for n in range(1, 3):
        case = open_wage_case(people, make_subject(f"公司{n}"), today=date(2026, 12, 30))
        actions.do_issue_prior_notice(case, acting_user=people.clerk, today=date(2026, 12, 30))
    numbers = list(ListingDocument.objects.order_by("pk").values_list("number", flat=True))
    assert numbers == ["示范人社信告字〔2026〕1号", "示范人社信告字〔2026〕2号"]
