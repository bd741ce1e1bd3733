"""研判复核: the review queue of the ZN suspicions, the evidence side by side, and the decisions.

The text analysis itself (lexicons, addresses, near-duplicates) is ``fazhi.intel``.
"""
