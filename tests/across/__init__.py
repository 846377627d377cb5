"""Tests across the layers: another plan, several years, generated plans, scale, both languages."""
