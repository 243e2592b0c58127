"""Dated policy data: editions loaded from reviewed files under ``policy/`` (and local
supplements entered in the admin), looked up by the date the law says counts."""
