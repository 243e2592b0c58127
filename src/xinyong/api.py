"""The versioned JSON API (django-ninja) under ``/api/v1/``.

Routers live in each app's ``api.py``; this module only assembles them, renders JSON with
Chinese left readable (``ensure_ascii=False``) and turns coded errors into RFC 9457 problem
responses (``application/problem+json``) with a stable ``code``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from xinyong.errors import CodedError

PROBLEM_JSON = "application/problem+json"


class ReadableJSONRenderer(JSONRenderer):
    """JSON with Chinese characters as themselves, not ``\\uXXXX`` escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _problem(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=f"{PROBLEM_JSON}; charset=utf-8",
        headers=headers,
    )


api = NinjaAPI(
    title="xinyong API",
    version="1",
    description=(
        "公共信用信息平台 API / Public credit information platform API. "
        "Errors are RFC 9457 problem documents with a stable `code`."
    ),
    urls_namespace="api-v1",
    renderer=ReadableJSONRenderer(),
    openapi_url=None,
    docs_url=None,
)


@api.exception_handler(CodedError)
def _coded_error(request: HttpRequest, exc: CodedError) -> HttpResponse:
    return _problem(exc.status, exc.as_problem(), exc.headers)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _problem(
        422,
        {
            "type": "https://xinyong.invalid/problems/request-invalid",
            "title": "REQUEST_INVALID",
            "status": 422,
            "code": "REQUEST_INVALID",
            "detail_zh": "请求参数不符合要求，请按 errors 中列出的字段修改后重新提交。",
            "detail_en": "The request does not match the schema; fix the fields in 'errors'.",
            "errors": exc.errors,
        },
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _problem(
        401,
        {
            "title": "AUTHENTICATION_REQUIRED",
            "status": 401,
            "code": "AUTHENTICATION_REQUIRED",
            "detail_zh": "需要身份认证：请提供有效的 API 令牌或登录。",
            "detail_en": "Authentication required: send a valid API token or log in.",
        },
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _problem(
        exc.status_code,
        {
            "title": "HTTP_ERROR",
            "status": exc.status_code,
            "code": "HTTP_ERROR",
            "detail": str(exc),
        },
    )


def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI document, with Chinese text unescaped."""
    schema = api.get_openapi_schema()
    return HttpResponse(
        json.dumps(schema, cls=NinjaJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )


def _register_routers() -> None:
    # Imported here so that every app's router is added exactly once, in a fixed order.
    from xinyong.catalog.api import router as catalog_router
    from xinyong.checks.api import router as checks_router
    from xinyong.core.api import router as core_router
    from xinyong.joint.api import router as joint_router
    from xinyong.lists.api import router as lists_router
    from xinyong.policy.api import router as policy_router
    from xinyong.records.api import router as records_router
    from xinyong.repair.api import router as repair_router
    from xinyong.security.api import router as security_router
    from xinyong.workdays.api import router as workdays_router

    api.add_router("/identifiers", core_router, tags=["identifiers"])
    api.add_router("/calendar", workdays_router, tags=["calendar"])
    api.add_router("/policy", policy_router, tags=["policy"])
    api.add_router("/catalog", catalog_router, tags=["catalog"])
    api.add_router("/records", records_router, tags=["records"])
    api.add_router("/lists", lists_router, tags=["lists"])
    api.add_router("/joint", joint_router, tags=["joint action"])
    api.add_router("/checks", checks_router, tags=["checks"])
    api.add_router("/repair", repair_router, tags=["objections and repair"])
    api.add_router("/security", security_router, tags=["security"])


_register_routers()

# Mounted by xinyong.urls next to api.urls.
extra_urls = [path("openapi.json", openapi_json, name="openapi-json")]
