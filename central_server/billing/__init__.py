"""Billing-system integration: the utility's consumer master and bills in (master_import), every
collected rupee out as postings in batches (postings, feed), the billing system's answers back
(acks), and the clarification queue for what it rejected (clarification)."""
