"""API of xinyong.repair, mounted by xinyong.api."""

from ninja import Router

router = Router()
