"""The measure list (失信惩戒措施清单) and the memoranda (合作备忘录) that bind list types to
measures and implementing departments, as dated policy data (RULES §5)."""
