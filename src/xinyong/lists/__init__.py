"""Serious dishonesty lists and red lists (严重失信主体名单 / 守信激励名单): list types as dated
policy data and the listing procedure (告知 → 异议 → 认定决定 → 列入 → 移出), RULES §4."""
