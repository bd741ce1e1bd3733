"""Disputes (矛盾纠纷).

dispute cases, red/yellow/blue risk grading, 八必查/八必判, follow-up visits, escalation letters.
"""
