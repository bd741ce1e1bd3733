"""Text intelligence for the ZN analysis rules, a library below patrol and disputes.

lexicons with negation, address normalisation, boilerplate and MinHash/LSH near-duplicates. It
imports only ``core`` and ``records``; the review queue that shows its results is ``fazhi.review``.
"""
