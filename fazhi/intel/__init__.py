"""Text intelligence for the ZN analysis rules.

lexicons with negation, address normalisation, boilerplate and MinHash/LSH near-duplicates.
"""
