"""API of xinyong.checks, mounted by xinyong.api."""

from ninja import Router

router = Router()
