"""Models of objections and credit repair, split by topic."""

from xinyong.repair.models.applications import RepairApplication, RepairBar, RepairMaterial
from xinyong.repair.models.notifications import Notification
from xinyong.repair.models.objections import Objection
from xinyong.repair.models.sync import RepairSyncEvent

__all__ = [
    "Notification",
    "Objection",
    "RepairApplication",
    "RepairBar",
    "RepairMaterial",
    "RepairSyncEvent",
]
