"""Tests of kpi.cycle: 期末評価, the inquiry and its workbook, reminders, the council papers."""
