"""Accord: one shared system for a company's Sales and Marketing teams."""
