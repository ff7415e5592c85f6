"""pass'Sport Club: the national redemption API (client, sync engine, reference server).

Imports ``app`` and httpx, never Qt or ``ui``.
"""
