"""Every state change of collection (STYLE.md §1): atomic, audited, ``do_<verb>_<noun>``."""

from xinyong.records.actions.batches import (
    check_item_for_department,
    do_fail_batch,
    do_finish_batch,
    do_receive_batch,
)
from xinyong.records.actions.chunks import do_process_batch_chunk
from xinyong.records.actions.records import do_expire_records, do_withdraw_record
from xinyong.records.actions.repair import do_mark_record_repaired

__all__ = [
    "check_item_for_department",
    "do_expire_records",
    "do_fail_batch",
    "do_finish_batch",
    "do_mark_record_repaired",
    "do_process_batch_chunk",
    "do_receive_batch",
    "do_withdraw_record",
]
