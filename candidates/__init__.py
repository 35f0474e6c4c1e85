"""Parties, candidates and their status history."""
