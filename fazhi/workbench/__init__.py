"""The workbench pages.

我的工作台, findings, case/incident/person/officer pages, rule and standard pages.
"""
