"""The rectification loop (整改闭环).

problems from findings to 销号, five-level escalation, 约谈提醒, 通报晾晒.
"""
