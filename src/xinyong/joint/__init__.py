"""Joint action and notifications (联合奖惩)."""
