"""Browser tests: Debian chromium through Playwright against a live server."""
