"""Working days on the official calendar: the State Council's holiday arrangements, adjusted
working weekends included, as dated policy data (工作日计算)."""
