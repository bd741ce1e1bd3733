"""rectification services: every state change of a problem, with an explicit actor, audited.
Import from the module that holds what you need (this package re-exports nothing):

- ``permissions``: who may do what (``allowed_actions``, ``allowed_finding_actions``,
  ``require_action``, ``require_finding_action``), the action names and their labels;
- ``due``: due dates and escalation levels in working days;
- ``recipients``: who is told about a problem, and the notification helper;
- ``creation``: problems from findings (the tick), ``push_problem``, ``confirm_suspicion``,
  ``dismiss_finding``;
- ``transitions``: ``submit_fix``, ``approve_fix``, ``reject_fix``, ``appeal``, ``decide_appeal``;
- ``uploads``: attachments checked by content (``validate_upload``) and stored
  (``save_attachments``);
- ``policy``: the rectification settings (``change_policy``);
- ``precision``: ``rule_precision``, ``precision_by_rule``;
- ``escalation``: ``escalate_problems`` (逾期升级);
- ``interviews``: ``interview_reminders`` (约谈提醒);
- ``tick``: ``tick_rectification``, the ``fazhi tick`` step;
- ``board``: ``overdue_board`` (通报晾晒).
"""
