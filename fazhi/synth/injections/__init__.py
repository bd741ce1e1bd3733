"""Injected violations, one scenario per rule code of rules.md, with their exact ground truth.

Each scenario is a case (or incident) built from the same steps as clean data, with one act
missing, late, or made non-compliant, on a path chosen so that nothing else fires: an omitted
notification is never followed by another notification of the same person that a patrol could
match instead, a late act is the first act of its kind after the trigger, and so on. Deadline
violations are placed after the latest due time any reading of holiday roll-over or working-day
counting gives, and overdue ones have that due time well before ``as_of``.

One module per rule family (``xs`` 刑事, ``za`` 治安, ``jq`` 警情, ``gf`` 规范, ``sj`` 数据质量,
``zn`` 研判, ``lx`` 执法记录), what they share in ``common``, and the table of all rules and the
plan of a county-year in ``registry``. The LX scenarios and GF-ZG-02, GF-CW-03 … 05 read FZX v1.1
records (recordings, the custody chain of property).
"""
