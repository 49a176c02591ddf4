"""Imports from the web page: upload, check, confirm, and the worker's job that runs them."""
