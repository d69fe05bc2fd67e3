"""End-to-end tests in headless chromium; fixtures and helpers are in conftest.py."""
