"""Models of collection, split by topic: batches and their rows; records and their history."""

from xinyong.records.models.batches import Batch, BatchRow
from xinyong.records.models.records import Record, RecordVersion

__all__ = ["Batch", "BatchRow", "Record", "RecordVersion"]
