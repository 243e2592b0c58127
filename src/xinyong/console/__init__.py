"""The staff console (工作台): where credit-office staff and department clerks work."""
