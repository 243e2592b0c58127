"""API of xinyong.joint, mounted by xinyong.api."""

from ninja import Router

router = Router()
