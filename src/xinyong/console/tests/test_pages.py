"""Staff log-in, log-out and the console home through the Django test client.

Access cases (STYLE.md §14): anonymous, a logged-in account without staff status, a staff
member without the administrator role, a platform administrator.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from xinyong.console.due import DUE_PROVIDERS
from xinyong.core.actions import do_create_user, do_grant_role
from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, User

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"


@pytest.fixture
def clerk(make_department: Callable[..., Department]) -> User:
    """A reporter and checker at a sector authority, with a display name."""
    department = make_department("市市场监督管理局")
    return do_create_user(
        username="liwei",
        password=PASSWORD,
        display_name="李伟",
        department=department,
        roles=[Role.DEPARTMENT_REPORTER, Role.DEPARTMENT_CHECKER],
        acting_user=None,
        actor_label="test",
    )


def test_console_requires_log_in(client: Client) -> None:
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('console:login')}?next=/console/"


def test_console_refuses_a_non_staff_account(client: Client) -> None:
    user = do_create_user(
        username="citizen", password=PASSWORD, is_staff=False, acting_user=None, actor_label="t"
    )
    client.force_login(user)
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:login"))
    html = client.get(response["Location"]).content.decode()
    assert "没有工作台的访问权限" in html


def test_log_in_page_has_labelled_fields(client: Client) -> None:
    response = client.get(reverse("console:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="field__label" for="id_username">用户名</label>' in html
    assert '<label class="field__label" for="id_password">密码</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert response["Content-Security-Policy"]


def test_log_in_works_and_shows_the_console_home(client: Client, clerk: User) -> None:
    response = client.post(
        reverse("console:login"), {"username": "liwei", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(reverse("console:home"), 302)]
    html = response.content.decode()
    assert "欢迎，李伟。" in html
    assert "市市场监督管理局" in html
    assert "部门报送员" in html and "部门审核员" in html
    assert reverse("admin:index") not in html  # not a platform administrator
    assert "退出登录" in html  # the log-out button in the header


def test_log_in_follows_next(client: Client, clerk: User) -> None:
    response = client.post(
        f"{reverse('console:login')}?next=/search/%3Fq%3Dx",
        {"username": "liwei", "password": PASSWORD, "next": "/search/?q=x"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=x"


def test_wrong_password_gives_an_error(client: Client, clerk: User) -> None:
    response = client.post(reverse("console:login"), {"username": "liwei", "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "请输入一个正确的用户名和密码" in html
    assert "_auth_user_id" not in client.session


def test_empty_fields_are_reported_per_field(client: Client) -> None:
    html = client.post(reverse("console:login"), {}).content.decode()
    assert 'id="id_username_error"' in html
    assert 'aria-invalid="true"' in html


def test_non_staff_cannot_log_in(client: Client) -> None:
    do_create_user(
        username="citizen", password=PASSWORD, is_staff=False, acting_user=None, actor_label="t"
    )
    response = client.post(reverse("console:login"), {"username": "citizen", "password": PASSWORD})
    assert response.status_code == 200
    assert "此账号没有工作台的访问权限" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_platform_admin_sees_the_admin_link(
    client: Client, make_user: Callable[..., User], make_department: Callable[..., Department]
) -> None:
    office = make_department("市发展和改革委员会", kind=DepartmentKind.CREDIT_OFFICE)
    admin = make_user(Role.PLATFORM_ADMIN, department=office)
    client.force_login(admin)
    html = client.get(reverse("console:home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in html
    assert "平台管理员" in html
    assert "市发展和改革委员会" in html


def test_superuser_sees_the_admin_link_without_a_role(client: Client) -> None:
    root = do_create_user(
        username="root", password=PASSWORD, is_superuser=True, acting_user=None, actor_label="t"
    )
    client.force_login(root)
    html = client.get(reverse("console:home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in html
    assert "尚未在任何部门担任角色" in html


def test_console_home_query_count(
    client: Client,
    clerk: User,
    make_department: Callable[..., Department],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as one_department:
        client.get(reverse("console:home"))
    for i in range(3):
        do_grant_role(clerk, make_department(f"测试部门{i}"), Role.AUDITOR, acting_user=None)
    # session, user, memberships with their departments, then at most three queries per
    # provider of due work; none of it grows with the number of departments
    with django_assert_num_queries(len(one_department)):
        response = client.get(reverse("console:home"))
    assert len(one_department) <= 3 + 3 * len(DUE_PROVIDERS)
    assert response.content.decode().count("审计员") == 3


def test_log_out_is_post_only_and_ends_the_session(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    assert client.get(reverse("console:logout")).status_code == 405
    response = client.post(reverse("console:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("console:home")).status_code == 302


def test_console_in_english(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    client.post(reverse("set_language"), {"language": "en", "next": "/console/"})
    html = client.get(reverse("console:home")).content.decode()
    assert "Welcome, 李伟." in html
    assert "Department reporter" in html
    assert "Log out" in html
